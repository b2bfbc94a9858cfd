"""The office and CI options end to end: --fail-on, --units, --summary-csv, config discovery,
the fact cache (a warm run reads no media), and bad config or units files (exit 2)."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import GOOD_SIZE, good_photos

from mediacheck.cli import cli
from mediacheck.samples.factory import make_photo

NOW = "2023-09-06T12:00:00"


def invoke(*args: str, cwd: Path | None = None):
    env = {"MEDIACHECK_LANG": "", "NO_COLOR": ""}
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(cli, [*args, "--now", NOW], env=env, catch_exceptions=False)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(cli, [*args, "--now", NOW], env=env, catch_exceptions=False)
    finally:
        os.chdir(old)


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Path:
    """A received folder: one passing school, one with a warning only, one failing."""
    root = tmp_path_factory.mktemp("office") / "Nhan tu truong"
    good_photos(root / "THCS Pu Nhi_Khaigiang")
    warn = root / "TH Mường Luân_Khaigiang"
    good_photos(warn, seed=20)
    make_photo(warn / "IMG_9.heic", fmt="HEIC", size=GOOD_SIZE, seed=21)
    bad = root / "THCS Na Son_Khaigiang"
    good_photos(bad, 2, seed=40)
    return root


def test_fail_on_decides_the_exit_code(office: Path) -> None:
    assert invoke(str(office), "--no-cache").exit_code == 1
    assert invoke(str(office), "--no-cache", "--fail-on", "never").exit_code == 0
    warn_only = office / "TH Mường Luân_Khaigiang"
    assert invoke(str(warn_only), "--no-cache").exit_code == 0
    assert invoke(str(warn_only), "--no-cache", "--fail-on", "warning").exit_code == 1
    assert invoke(str(warn_only), "--no-cache", "--strict").exit_code == 1


def test_units_table_names_who_has_not_submitted(office: Path, tmp_path: Path) -> None:
    units = tmp_path / "danh-sach.csv"
    units.write_text("STT,Tên trường\n1,Trường THCS Pú Nhi\n2,TH Mường Luân\n"
                     "3,THCS Na Son\n4,THCS Xa Dung\n", encoding="utf-8-sig")
    result = invoke(str(office), "--no-cache", "--units", str(units), "--activity", "Khaigiang",
                    "--format", "json")
    data = json.loads(result.output)
    missing = [m["unit"] if isinstance(m, dict) else m for m in data["units"]["missing"]]
    assert missing == ["THCS Xa Dung"]
    text = invoke(str(office), "--no-cache", "--units", str(units), "--lang", "en").output
    assert "THCS Xa Dung" in text


def test_bad_units_file_exits_2_with_one_line(office: Path, tmp_path: Path) -> None:
    result = invoke(str(office), "--no-cache", "--units", str(tmp_path / "none.csv"))
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_summary_csv_opens_in_excel(office: Path, tmp_path: Path) -> None:
    out = tmp_path / "tong-hop.csv"
    invoke(str(office), "--no-cache", "--summary-csv", str(out), "-o", str(tmp_path / "r.txt"))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == 1 + 3
    assert any("Mường Luân" in cell for row in rows for cell in row)


def test_config_file_is_found_upward_and_the_cli_wins(office: Path, tmp_path: Path) -> None:
    project = tmp_path / "drive"
    school = project / "THCS Pu Nhi_Khaigiang"
    good_photos(school)
    (project / "mediacheck.toml").write_text(
        'format = "json"\nlang = "en"\ncache = false\nfail_on = "never"\n', encoding="utf-8")
    data = json.loads(invoke(str(school)).output)
    assert data["lang"] == "en"
    text = invoke(str(school), "--format", "text", "--lang", "vi").output
    assert "ĐẠT" in text and not text.lstrip().startswith("{")
    (project / "mediacheck.toml").write_text('formatt = "json"\n', encoding="utf-8")
    broken = invoke(str(school))
    assert broken.exit_code == 2 and "formatt" in broken.output


def test_warm_cache_reads_no_media(office: Path, tmp_path: Path) -> None:
    cache = tmp_path / "facts.sqlite3"
    school = office / "THCS Pu Nhi_Khaigiang"
    first = json.loads(invoke(str(school), "--cache", str(cache), "--format", "json").output)
    hidden = tmp_path / "moved-away"
    hidden.mkdir()
    photos = sorted(school.glob("*.jpg"))
    stats = {p: p.stat() for p in photos}
    # Make the files unreadable while keeping path, size and mtime: only a cache hit passes.
    for p in photos:
        os.rename(p, hidden / p.name)
        p.write_bytes(b"\0" * stats[p].st_size)
        os.utime(p, ns=(stats[p].st_atime_ns, stats[p].st_mtime_ns))
    try:
        warm = json.loads(invoke(str(school), "--cache", str(cache), "--format", "json").output)
        cold = json.loads(invoke(str(school), "--no-cache", "--format", "json").output)
    finally:
        for p in photos:
            os.replace(hidden / p.name, p)
    assert warm["submissions"][0]["files"] == first["submissions"][0]["files"]
    assert cold["submissions"][0]["verdict"] == "fail"


@pytest.mark.parametrize(("lang", "words"), [
    ("", "Chỉ hiện các bài nộp chưa đạt."), ("en", "Show only failing submissions.")])
def test_help_follows_mediacheck_lang(lang: str, words: str) -> None:
    import subprocess
    import sys

    from conftest import REPO

    env = {**os.environ, "MEDIACHECK_LANG": lang, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-m", "mediacheck", "check", "--help"], env=env,
                         capture_output=True, check=True).stdout.decode("utf-8")
    assert words in out


# --------------------------------------------------------------------------- exit policy


@pytest.mark.parametrize(("config", "args", "fail_on", "verdict", "code"), [
    ('fail_on = "never"\n', ["--strict"], "warning", "fail", 1),  # the command line wins
    ('fail_on = "never"\n', [], "never", "pass", 0),
    ("strict = true\n", ["--fail-on", "error"], "error", "pass", 0),
    ("strict = true\n", [], "warning", "fail", 1),
    ("", ["--fail-on", "warning"], "warning", "fail", 1),  # JSON says what the code says
    ("", ["--fail-on", "never", "--no-strict"], "never", "pass", 0),
    ("", [], "error", "pass", 0),
])
def test_one_policy_decides_verdicts_and_exit_code(tmp_path: Path, config: str, args: list[str],
                                                   fail_on: str, verdict: str,
                                                   code: int) -> None:
    drive = tmp_path / "drive"
    school = drive / "TH Mường Luân_Khaigiang"
    good_photos(school, seed=20)
    make_photo(school / "IMG_9.heic", fmt="HEIC", size=GOOD_SIZE, seed=21)  # a warning
    (drive / "mediacheck.toml").write_text(config + "cache = false\n", encoding="utf-8")
    result = invoke(str(school), "--format", "json", *args)
    data = json.loads(result.stdout)
    assert result.exit_code == code
    assert data["submissions"][0]["verdict"] == verdict
    assert data["summary"]["failed"] == (verdict == "fail")
    assert data["summary"]["fail_on"] == fail_on


def test_strict_and_fail_on_that_contradict_are_refused(office: Path) -> None:
    result = invoke(str(office), "--no-cache", "--strict", "--fail-on", "never")
    assert result.exit_code == 2
    assert "--strict nghĩa là --fail-on warning" in result.stderr


@pytest.mark.parametrize("kind", ["empty-zip", "nested-zip", "empty-folders"])
def test_nothing_found_to_check_exits_2(tmp_path: Path, kind: str) -> None:
    import zipfile

    if kind == "empty-folders":
        target = tmp_path / "Nhan tu truong"
        (target / "THCS A_Khaigiang").mkdir(parents=True)
    else:
        target = tmp_path / "Tai ve.zip"
        with zipfile.ZipFile(target, "w") as archive:
            if kind == "nested-zip":
                archive.writestr("drive-download-20231005T0930Z-001.zip", b"PK")
    result = invoke(str(target), "--no-cache", "--fail-on", "never", "--lang", "en")
    assert result.exit_code == 2
    assert ("holds only other ZIP files" if kind == "nested-zip" else "No photos or videos"
            ) in result.stdout
