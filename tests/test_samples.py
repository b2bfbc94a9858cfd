"""sample_media/: each folder passes or fails for exactly the reasons its README states."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from conftest import REPO, fingerprint, run_paths

from mediacheck.profile import load_profile
from mediacheck.report import SubmissionResult

SAMPLES = REPO / "sample_media"
# Long after the samples' 2023-09-05 (so the photo of 09-08 is "another day", not "future"),
# long before their 2099 photo.
NOW = datetime(2024, 1, 1)
# folder -> (verdict, {(check, severity): count} of every warning and error that must appear).
EXPECTED: dict[str, tuple[str, dict[tuple[str, str], int]]] = {
    "THCS Pu Nhi_Khaigiang": ("pass", {}),
    "Khai giang 2023": ("fail", {("folder-name", "error"): 1}),
    "THCS Pu Nhi_Tep rac": ("pass", {("folder-contents", "warning"): 4}),
    "THCS Pu Nhi_Tep hong": ("fail", {("file-unreadable", "error"): 4}),
    "THCS Pu Nhi_Chi 2 anh": ("fail", {("photo-count", "error"): 1}),
    "THCS Pu Nhi_Anh khong goc": ("fail", {("photo-original", "error"): 6}),
    "THCS Pu Nhi_Dinh dang anh": ("fail", {("photo-format", "warning"): 2,
                                           ("photo-original", "error"): 1}),
    "THCS Pu Nhi_Anh nho": ("fail", {("photo-resolution", "error"): 1}),
    "THCS Pu Nhi_Thoi gian chup": ("pass", {("capture-time", "warning"): 3}),
    "THCS Pu Nhi_Vi tri": ("pass", {("location", "warning"): 1}),
    "THCS Pu Nhi_Dinh dang video": ("fail", {("video-container", "error"): 3,
                                             ("video-codec", "warning"): 2}),
    "THCS Pu Nhi_Do phan giai video": ("fail", {("video-resolution", "error"): 2}),
    "THCS Pu Nhi_Ma hoa video": ("pass", {("video-codec", "warning"): 1}),
    "THCS Pu Nhi_Thoi luong video": ("pass", {("video-duration", "warning"): 2}),
    "THCS Pu Nhi_Flycam": ("pass", {}),
    "THCS Pu Nhi_Dung luong": ("pass", {}),
    "THCS Pu Nhi_Anh trung lap": ("pass", {("duplicate", "warning"): 1}),
}
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="sample_media/ not built")


@pytest.fixture(scope="module")
def results() -> dict[str, SubmissionResult]:
    report = run_paths([SAMPLES], lang="en", now=NOW)
    assert not report.problems
    return {Path(s.path).name: s for s in report.submissions}


def test_every_folder_is_described(results: dict[str, SubmissionResult]) -> None:
    assert set(results) == set(EXPECTED)
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    for name in EXPECTED:
        assert f"`{name}/`" in readme


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_folder_fails_for_its_reason_only(name: str, results: dict[str, SubmissionResult]
                                         ) -> None:
    verdict, expected = EXPECTED[name]
    result = results[name]
    seen = Counter((f.check, f.severity.value) for f in result.findings
                   if f.severity.value != "info")
    assert result.verdict == verdict, seen
    assert set(seen) == set(expected), seen
    for key, count in expected.items():
        if count is not None:
            assert seen[key] == count, (key, seen)


def test_not_original_folder_names_six_photos(results: dict[str, SubmissionResult]) -> None:
    """Six photos, six findings (one cause each), every signal kept in details."""
    result = results["THCS Pu Nhi_Anh khong goc"]
    found = [f for f in result.findings if f.check == "photo-original"]
    assert len(found) == len({f.path for f in found}) == 6
    assert {f.key for f in found} == {"editor", "chat-copy", "photoshop-block", "size-mismatch"}
    signals = {s["key"] for f in found for s in f.details["signals"]}
    assert {"editor-software", "chat-name", "fbmd", "no-exif", "photoshop-block", "xmp-history",
            "exif-size-mismatch"} <= signals
    assert not [f for f in result.findings if f.check == "photo-count"]


def test_specific_files(results: dict[str, SubmissionResult]) -> None:
    def keys(folder: str, check: str) -> dict[str | None, str]:
        return {f.path: f.key for f in results[folder].findings if f.check == check}

    assert set(keys("THCS Pu Nhi_Tep hong", "file-unreadable").values()) == {
        "truncated", "empty", "not-media", "no-moov"}
    assert keys("THCS Pu Nhi_Dinh dang anh", "photo-format") == {
        "IMG_20230905_082442.heic": "heic", "anh_khai_giang.webp": "not-camera-format"}
    (screenshot,) = [f for f in results["THCS Pu Nhi_Dinh dang anh"].findings
                     if f.path == "Screenshot_20230905-073000.png"]
    assert screenshot.key == "screenshot"
    assert {(s["check"], s["key"]) for s in screenshot.details["signals"]} == {
        ("photo-original", "screenshot-name"), ("photo-original", "no-exif"),
        ("photo-format", "not-camera-format")}
    assert set(keys("THCS Pu Nhi_Thoi gian chup", "capture-time").values()) == {
        "unset-clock", "future", "span"}
    assert keys("THCS Pu Nhi_Dinh dang video", "video-container") == {
        "VID_20230905_085725.mp4": "quicktime", "VID_20230905_085925.avi": "not-mp4",
        "VID_20230905_090125.mkv": "not-mp4"}
    assert set(keys("THCS Pu Nhi_Do phan giai video", "video-resolution").values()) == {
        "too-low", "too-high"}
    assert keys("THCS Pu Nhi_Ma hoa video", "video-codec") == {
        "VID_20230905_091707.mp4": "video-codec"}
    assert set(keys("THCS Pu Nhi_Flycam", "drone")) == {"DJI_0001.JPG", "DJI_0002.MP4"}
    assert keys("THCS Pu Nhi_Anh trung lap", "duplicate") == {
        "IMG_20230905_094254 - Copy.jpg": "duplicate"}
    portrait = [f for f in results["THCS Pu Nhi_Khaigiang"].files if f.get("rotation") == 90]
    assert [(f["display_width"], f["display_height"]) for f in portrait] == [(1080, 1920)]


def test_size_limit_fires_only_with_a_tiny_limit(tmp_path: Path) -> None:
    folder = SAMPLES / "THCS Pu Nhi_Dung luong"
    rules = tmp_path / "tiny.toml"
    rules.write_text('extends = "phuluc2"\n[checks.submission-size]\nmax_total_gb = 0.0001\n')
    (result,) = run_paths([folder], load_profile(rules), now=NOW).submissions
    assert [(f.check, f.severity.value) for f in result.findings
            if f.severity.value != "info"] == [("submission-size", "warning")]


def test_checking_samples_changes_nothing() -> None:
    before = fingerprint(SAMPLES)
    run_paths([SAMPLES], now=NOW)
    assert fingerprint(SAMPLES) == before


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_message_is_filled_in(lang: str) -> None:
    """No {placeholder} is left in any message or hint the samples produce, in either language."""
    from mediacheck.engine import RunOptions, run
    from mediacheck.profile import load_profile

    report = run([SAMPLES], load_profile(), RunOptions(lang=lang, now=NOW))
    texts = [f.message + f.hint for s in report.submissions for f in s.findings]
    assert texts and not [text for text in texts if "{" in text or "}" in text]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_file_message_does_not_repeat_the_file_name(lang: str) -> None:
    """Messages are printed under their file's name (terminal, HTML) or beside it (CSV, CI
    formats carry the path as the location): repeating it is noise."""
    from mediacheck.engine import RunOptions, run

    report = run([SAMPLES], load_profile(), RunOptions(lang=lang, now=NOW))
    about_files = [f for s in report.submissions for f in s.findings if f.path]
    assert len({f.check for f in about_files}) >= 10
    assert [f.message for f in about_files if f.path.rsplit("/", 1)[-1] in f.message] == []
