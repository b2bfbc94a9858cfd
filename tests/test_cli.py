"""The command line: exit codes, the JSON contract, languages, --strict, -q, -o, rules, colour."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import GOOD_SIZE, REPO, good_photos

from mediacheck import __version__
from mediacheck.checks import REGISTRY
from mediacheck.cli import cli
from mediacheck.samples.factory import make_photo, make_video

SCHEMA = json.loads((Path(__file__).parent / "schema" / "report.schema.json").read_text())
NOW = "2023-09-06T12:00:00"
ANSI = "\x1b["


def invoke(*args: str, env: dict[str, str] | None = None):
    """Run the CLI in-process (CliRunner's stdout is not a terminal)."""
    env = {"MEDIACHECK_LANG": "", "NO_COLOR": "", **(env or {})}
    return CliRunner().invoke(cli, [*args, "--now", NOW], env=env, catch_exceptions=False)


def as_json(*args: str, env: dict[str, str] | None = None) -> dict:
    result = invoke(*args, "--format", "json", env=env)
    data = json.loads(result.output)
    jsonschema.validate(data, SCHEMA)
    return data


@pytest.fixture(scope="module")
def events(tmp_path_factory) -> dict[str, Path]:
    """A passing event, a failing one with many findings, and one with warnings only."""
    root = tmp_path_factory.mktemp("events")
    good = root / "THCS Pu Nhi_Khaigiang"
    good_photos(good)
    bad = root / "Khai giang 2023"
    good_photos(bad, 2)
    make_photo(bad / "IMG-20230905-WA0003.jpg", size=(800, 600), exif=False, seed=9)
    (bad / "zero.jpg").write_bytes(b"")
    (bad / "Thumbs.db").write_bytes(b"x")
    make_video(bad / "VID_1.mov", width=640, height=360, seconds=3, fps=1, container="mov")
    warn = root / "THCS Pu Nhi_Trung thu"
    good_photos(warn, seed=30)
    make_photo(warn / "IMG_1.heic", fmt="HEIC", size=GOOD_SIZE, seed=31)
    return {"good": good, "bad": bad, "warn": warn, "root": root}


def test_exit_codes(events: dict[str, Path], tmp_path: Path) -> None:
    assert invoke(str(events["good"])).exit_code == 0
    assert invoke(str(events["warn"])).exit_code == 0
    assert invoke(str(events["bad"])).exit_code == 1
    assert invoke(str(events["good"]), str(events["bad"])).exit_code == 1
    assert invoke(str(events["root"])).exit_code == 1
    missing = invoke(str(tmp_path / "no such folder"))
    assert missing.exit_code == 2 and "no such folder" in missing.output
    assert invoke(str(events["good"]), str(tmp_path / "nope")).exit_code == 2


def test_usage_errors_exit_2(events: dict[str, Path]) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["check"]).exit_code == 2
    assert runner.invoke(cli, [str(events["good"]), "--format", "xml"]).exit_code == 2
    assert runner.invoke(cli, [str(events["good"]), "--lang", "fr"]).exit_code == 2
    assert runner.invoke(cli, [str(events["good"]), "--no-such-option"]).exit_code == 2


def test_json_follows_the_contract(events: dict[str, Path]) -> None:
    data = as_json(str(events["root"]), "--lang", "en")
    assert data["tool"] == {"name": "mediacheck", "version": __version__}
    assert data["profile"] == "phuluc2"
    by_name = {Path(s["path"]).name: s for s in data["submissions"]}
    assert set(by_name) == {"THCS Pu Nhi_Khaigiang", "Khai giang 2023", "THCS Pu Nhi_Trung thu"}
    good, bad = by_name["THCS Pu Nhi_Khaigiang"], by_name["Khai giang 2023"]
    assert (good["verdict"], good["unit"], good["activity"]) == ("pass", "THCS Pu Nhi",
                                                                 "Khaigiang")
    # generated pictures show no people: shot-kinds can only say it recognised none (info)
    assert good["counts"] == {"error": 0, "warning": 0, "info": 1}
    assert [(f["check"], f["details"]["key"]) for f in good["findings"]] == [
        ("shot-kinds", "none-recognised")]
    assert {f["kind"] for f in good["files"]} == {"photo"}
    assert all(len(f["phash"]) == 16 and f["faces"] == [] for f in good["files"])
    assert bad["verdict"] == "fail" and (bad["unit"], bad["activity"]) == (None, None)
    checks = {f["check"] for f in bad["findings"]}
    assert {"folder-name", "folder-contents", "file-unreadable", "photo-original",
            "video-container", "video-resolution"} <= checks
    assert checks <= set(REGISTRY)
    assert bad["counts"]["error"] == sum(f["severity"] == "error" for f in bad["findings"])
    kinds = {f["path"]: f["kind"] for f in bad["files"]}
    assert kinds["VID_1.mov"] == "video" and kinds["Thumbs.db"] == "other"
    folder_level = [f for f in bad["findings"] if f["check"] == "folder-name"]
    assert folder_level and all(f["path"] is None for f in folder_level)
    assert data["summary"]["submissions"] == 3


def test_language_changes_words_not_ids(events: dict[str, Path]) -> None:
    en = as_json(str(events["bad"]), "--lang", "en")
    vi = as_json(str(events["bad"]), "--lang", "vi")
    default = as_json(str(events["bad"]))

    def skeleton(data: dict) -> list:
        return [(f["check"], f["severity"], f["path"], sorted(f["details"]))
                for s in data["submissions"] for f in s["findings"]]

    def words(data: dict) -> list:
        return [(f["message"], f["hint"]) for s in data["submissions"] for f in s["findings"]]

    assert skeleton(en) == skeleton(vi) == skeleton(default)
    assert words(vi) == words(default)
    assert all(a != b for a, b in zip(words(en), words(vi), strict=True))
    vi_text = " ".join(m for m, _ in words(vi))
    assert "Tên thư mục" in vi_text and "The folder name" in " ".join(m for m, _ in words(en))


def test_mediacheck_lang_environment(events: dict[str, Path]) -> None:
    out_en = invoke(str(events["good"]), env={"MEDIACHECK_LANG": "en"}).output
    out_vi = invoke(str(events["good"])).output
    assert "PASS" in out_en and "Summary" in out_en
    assert "ĐẠT" in out_vi and "Tổng kết" in out_vi
    forced = invoke(str(events["good"]), "--lang", "vi", env={"MEDIACHECK_LANG": "en"}).output
    assert "ĐẠT" in forced


def test_text_report_shows_verdict_findings_hints_and_checklist(events: dict[str, Path]) -> None:
    out = invoke(str(events["bad"]), "--lang", "en").output
    assert "FAIL" in out and "[folder-name]" in out and "How to fix" in out
    assert "zero.jpg" in out and "Thumbs.db" in out
    assert "Who:" in out  # the 5WH items a person must confirm


def test_strict_fails_on_warnings(events: dict[str, Path]) -> None:
    assert invoke(str(events["warn"])).exit_code == 0
    assert invoke(str(events["warn"]), "--strict").exit_code == 1
    data = as_json(str(events["warn"]), "--strict")
    assert data["submissions"][0]["verdict"] == "fail"
    assert invoke(str(events["good"]), "--strict").exit_code == 0


def test_quiet_shows_only_failing_submissions(events: dict[str, Path]) -> None:
    out = invoke(str(events["root"]), "-q", "--lang", "en").output
    assert "Khai giang 2023" in out
    assert "THCS Pu Nhi_Khaigiang " not in out and "Trung thu" not in out
    assert str(events["good"]) not in out
    data = as_json(str(events["root"]), "-q")
    assert [Path(s["path"]).name for s in data["submissions"]] == ["Khai giang 2023"]
    assert invoke(str(events["good"]), "-q").exit_code == 0


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_output_file(fmt: str, events: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / f"report.{fmt}"
    result = invoke(str(events["bad"]), "--format", fmt, "-o", str(target), "--lang", "en")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == f"Report written: {target.resolve().as_uri()}"
    assert not [p for p in tmp_path.iterdir() if p != target]  # no temporary file left
    text = target.read_text(encoding="utf-8")
    assert ANSI not in text and "zero.jpg" in text
    if fmt == "json":
        jsonschema.validate(json.loads(text), SCHEMA)


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_rules_lists_every_check() -> None:
    result = CliRunner().invoke(cli, ["rules", "--lang", "en"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for check_id in REGISTRY:
        assert check_id in result.output
    data = json.loads(CliRunner().invoke(cli, ["rules", "--format", "json"]).output)
    rows = {row["id"]: row for row in data["checks"]}
    assert set(rows) == set(REGISTRY)
    assert rows["photo-count"]["options"] == {"min": 3}
    assert rows["location"]["severities"] == ["warning", "info"]
    relaxed = json.loads(CliRunner().invoke(
        cli, ["rules", "--rules", "relaxed", "--format", "json"]).output)
    assert {r["id"]: r["enabled"] for r in relaxed["checks"]}["location"] is False


# --------------------------------------------------------------------------- subprocess


def run_module(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("NO_COLOR", "FORCE_COLOR", "MEDIACHECK_LANG")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "mediacheck", *args, "--now", NOW],
                          capture_output=True, cwd=REPO, env=full_env)


def test_no_ansi_when_not_a_terminal(events: dict[str, Path]) -> None:
    proc = run_module(str(events["bad"]))
    assert proc.returncode == 1
    assert proc.stdout and b"\x1b[" not in proc.stdout and b"\x1b[" not in proc.stderr
    text = proc.stdout.decode("utf-8")  # Vietnamese survives a pipe
    assert "CHƯA ĐẠT" in text
    assert b"Traceback" not in proc.stderr


def terminal_output(args: list[str], env: dict[str, str]) -> bytes:
    """Run with stdout on a pseudo-terminal, as a teacher's console would be."""
    import pty

    master, slave = pty.openpty()
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full_env.update(env)
    proc = subprocess.Popen([sys.executable, "-m", "mediacheck", *args, "--now", NOW],
                            stdout=slave, stderr=subprocess.DEVNULL, cwd=REPO, env=full_env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 1 << 16)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait()
    os.close(master)
    return b"".join(chunks)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_colour_on_a_terminal(events: dict[str, Path]) -> None:
    assert b"\x1b[" in terminal_output([str(events["bad"])], {"TERM": "xterm-256color"})


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_no_color_is_respected_on_a_terminal(events: dict[str, Path]) -> None:
    """no-color.org: no colour, though bold and reverse video may stay."""
    out = terminal_output([str(events["bad"])], {"TERM": "xterm-256color", "NO_COLOR": "1"})
    colour = re.compile(rb"\x1b\[(?:[0-9]+;)*(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9]+)*m")
    assert out and not colour.search(out)
    assert colour.search(terminal_output([str(events["bad"])], {"TERM": "xterm-256color"}))


def test_no_color_flag(events: dict[str, Path]) -> None:
    assert ANSI not in invoke(str(events["bad"]), "--no-color").output
    assert ANSI in invoke(str(events["bad"]), "--color").output


def test_nonexistent_path_via_the_module() -> None:
    proc = run_module("/no/such/folder/THCS A_B", "--lang", "en")
    assert proc.returncode == 2
    assert b"Not found" in proc.stdout + proc.stderr and b"Traceback" not in proc.stderr
