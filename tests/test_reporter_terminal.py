"""The terminal report as a teacher reads it: the hint is printed as prominently as the finding
(never dim), an info finding is a note ("Lưu ý"), not a fix."""

from __future__ import annotations

import io
import re

import pytest
from reporter_sample import build_report

from mediacheck.report import Report
from mediacheck.reporters.terminal import render

DIM = re.compile(r"\x1b\[(?:[0-9;]*;)?2(?:;[0-9;]*)?m")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return build_report(tmp_path_factory.mktemp("term") / "Nhan tu truong")


def shown(report: Report, lang: str, color: bool) -> str:
    out = io.StringIO()
    render(report, out, lang=lang, color=color, quiet=False)
    return out.getvalue()


def test_hint_lines_are_not_dim(report: Report) -> None:
    text = shown(report, "vi", color=True)
    hints = [line for line in text.splitlines() if "Cách khắc phục:" in line]
    assert hints
    for line in hints:
        assert not DIM.search(line), repr(line)


@pytest.mark.parametrize(("lang", "note", "fix"), [("vi", "→ Lưu ý:", "→ Cách khắc phục:"),
                                                   ("en", "→ Note:", "→ How to fix:")])
def test_info_findings_carry_a_note_not_a_fix(report: Report, lang: str, note: str,
                                              fix: str) -> None:
    lines = shown(report, lang, color=False).splitlines()
    drone = next(i for i, line in enumerate(lines) if "[drone]" in line)
    assert lines[drone + 1].strip().startswith(note)
    error = next(i for i, line in enumerate(lines) if "[photo-original]" in line)
    assert lines[error + 1].strip().startswith(fix)


def test_english_counts_are_singular_for_one(report: Report) -> None:
    text = shown(report, "en", color=False)
    assert "2 event folders: 1 pass, 1 fail" in text
    assert re.search(r"\b1 videos\b|\b1 photos\b|\b1 errors\b|\b1 warnings\b", text) is None


def test_each_photo_kind_and_the_event_summary_are_shown(tmp_path) -> None:
    """Kinds stated in the file names (a teacher's way) reach the terminal report, grouped,
    with what the event still lacks; a --quick run (no pixels) shows no such line."""
    from conftest import EVENT, check_folder, good_photos

    folder = tmp_path / EVENT
    first, second, _third = good_photos(folder)
    first.rename(folder / "Toancanh_1.jpg")
    second.rename(folder / "Phat bieu 1.jpg")
    result = check_folder(folder)
    rows = {row["path"]: row for row in result.files}
    assert rows["Toancanh_1.jpg"]["shot"] == "wide"
    assert rows["Phat bieu 1.jpg"]["shot"] == "speaker"
    report = Report(profile="phuluc2", tool_version="x", lang="vi", submissions=[result])
    for lang, summary, group in (
            ("vi", "Có: toàn cảnh, phát biểu — Thiếu: ảnh cận cảnh người tham dự",
             "Toàn cảnh: Toancanh_1.jpg"),
            ("en", "Wide shot: Toancanh_1.jpg", "Speaker: Phat bieu 1.jpg")):
        text = shown(report, lang, color=False)
        assert summary in text and group in text
    quick = check_folder(folder, pixels=False)
    assert "shot" not in quick.files[0]
    text = shown(Report(profile="phuluc2", tool_version="x", lang="vi", submissions=[quick]),
                 "vi", color=False)
    assert "Loại ảnh" not in text
