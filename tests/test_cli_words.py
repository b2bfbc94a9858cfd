"""What the command line says, in the user's language and in our own words: help and click's
messages, mistakes (a missing folder for -o, a missing units file, a broken TOML file), the rules
table, the report's address and --open, and CI formats that list the checks actually used."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, good_photos

from mediacheck.cli import cli

NOW = "2023-09-06T12:00:00"


def invoke(*args: str, lang_env: str = "") -> object:
    return CliRunner().invoke(cli, list(args), env={"MEDIACHECK_LANG": lang_env,
                                                    "NO_COLOR": ""}, catch_exceptions=False,
                              prog_name="mediacheck")


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("words") / "THCS Pu Nhi_Khaigiang"
    good_photos(folder)
    return folder


# --------------------------------------------------------------------------- help


@pytest.mark.parametrize(("args", "words"), [
    (["--help"], ["Cách dùng: mediacheck [TUỲ_CHỌN] LỆNH [THAM_SỐ]...", "Tuỳ chọn:", "Lệnh:"]),
    (["check", "--help"], ["Cách dùng: mediacheck check [TUỲ_CHỌN] ĐƯỜNG_DẪN...",
                           "--jobs SỐ", "[tối thiểu 1]", "-o, --output TỆP"]),
    (["fix", "--help"], ["[mặc định: 1; từ 1 đến 64]", "--out THƯ_MỤC"]),
    (["--lang", "en", "--help"], ["Usage: mediacheck [OPTIONS] COMMAND [ARGS]...",
                                  "Options:", "Commands:"]),
    (["--lang", "en", "check", "--help"], ["Usage: mediacheck check [OPTIONS] PATH...",
                                           "[at least 1]", "Show this message and exit."]),
    (["check", "--help", "--lang=en"], ["Usage: mediacheck check [OPTIONS] PATH..."]),
])
def test_help_in_the_language_asked_for(args: list[str], words: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == 0
    for word in words:
        assert word in result.output, word
    if "en" not in " ".join(args):
        assert "Usage" not in result.output and "Options" not in result.output


@pytest.mark.parametrize(("args", "vi", "en"), [
    (["check"], "Lỗi: Thiếu đối số 'ĐƯỜNG_DẪN...'.", "Error: Missing argument 'PATH...'."),
    (["check", ".", "--bogus"], "Lỗi: Không có tuỳ chọn '--bogus'.",
     "Error: No such option '--bogus'."),
    (["check", ".", "--jobs", "0"], "0 không nằm trong khoảng cho phép (tối thiểu 1)",
     "0 is not in the allowed range (at least 1)"),
    (["check", ".", "--format", "xml"], "'xml' không phải một trong",
     "'xml' is not one of"),
])
def test_click_errors_in_our_words(args: list[str], vi: str, en: str) -> None:
    assert vi in invoke(*args).output
    english = invoke(*args, "--lang", "en")
    assert english.exit_code == 2 and en in english.output


def test_help_language_follows_mediacheck_lang() -> None:
    assert "Usage:" in invoke("--help", lang_env="en").output


# --------------------------------------------------------------------------- mistakes


def test_report_into_a_folder_that_does_not_exist(school: Path, tmp_path: Path) -> None:
    target = tmp_path / "nonexistent" / "dir" / "r.html"
    result = invoke(str(school), "-o", str(target), "--format", "html", "--no-cache")
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"Không ghi được báo cáo vào {target}: thư mục không "
                                     "tồn tại")
    assert "Traceback" not in result.output and "FileNotFoundError" not in result.output


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_report_into_a_read_only_folder(school: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        result = invoke(str(school), "-o", str(locked / "r.txt"), "--no-cache")
    finally:
        locked.chmod(0o755)
    assert result.exit_code == 2 and "không có quyền truy cập" in result.stderr


def test_missing_units_file_in_our_words(school: Path, tmp_path: Path) -> None:
    result = invoke(str(school), "--units", str(tmp_path / "khongco.csv"), "--no-cache")
    assert result.exit_code == 2
    assert "không có tệp hay thư mục này" in result.stderr
    assert "No such file" not in result.output


def test_broken_config_toml_in_our_words(tmp_path: Path) -> None:
    folder = tmp_path / "drive" / "THCS Pu Nhi_Khaigiang"
    good_photos(folder)
    (tmp_path / "drive" / "mediacheck.toml").write_text('format = html\n', encoding="utf-8")
    result = invoke(str(folder))
    assert result.exit_code == 2
    assert "không đúng cú pháp TOML ở dòng 1, cột 10: giá trị không hợp lệ" in result.stderr
    assert "Invalid value" not in result.output


def test_missing_rules_profile() -> None:
    result = invoke("rules", "--rules", "nope.toml")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("Không tìm thấy tệp quy tắc “nope.toml”. Bộ có sẵn: "
                                     "phuluc2, relaxed.")


# --------------------------------------------------------------------------- rules table


@pytest.mark.parametrize(("lang", "words", "not_words"), [
    ("vi", ["lỗi", "cảnh báo / thông tin", "tắt"], ["warning", "error /"]),
    ("en", ["error", "warning / info", "off"], ["lỗi"]),
])
def test_rules_table_says_severities_in_the_report_language(lang: str, words: list[str],
                                                            not_words: list[str]) -> None:
    result = CliRunner().invoke(cli, ["rules", "--rules", "relaxed", "--lang", lang],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0
    table = result.output.split("\n", 2)[2]  # below the title (which names the profile)
    for word in words:
        assert word in table
    for word in not_words:
        assert word not in table


# --------------------------------------------------------------------------- where it went


def test_link_to_the_report_and_open(school: Path, tmp_path: Path) -> None:
    opened = tmp_path / "opened.txt"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("xdg-open", "open"):  # what click.launch runs on Linux and macOS
        opener = bin_dir / name
        opener.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{opened}"\n', encoding="utf-8")
        opener.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "MEDIACHECK_LANG": "en"}
    target = tmp_path / "bao-cao.html"
    proc = subprocess.run([sys.executable, "-m", "mediacheck", str(school), "--format", "html",
                           "-o", str(target), "--open", "--no-cache", "--now", NOW],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert f"Report written: {target.resolve().as_uri()}" in proc.stderr
    for _ in range(50):
        if opened.exists():
            break
        import time

        time.sleep(0.1)
    assert opened.read_text() == str(target.resolve())


# --------------------------------------------------------------------------- CI formats


def test_junit_and_sarif_list_the_checks_of_the_profile_used(school: Path,
                                                             tmp_path: Path) -> None:
    province = tmp_path / "my-province.toml"
    province.write_text('extends = "phuluc2"\nname = "my-province"\n[checks.drone]\n'
                        'enabled = false\n[checks.photo-count]\ndescription_en = "Enough"\n',
                        encoding="utf-8")
    junit = invoke(str(school), "--rules", str(province), "--format", "junit", "--lang", "en",
                   "--no-cache", "--now", NOW)
    cases = {c.get("name") for c in ET.fromstring(junit.stdout).iter("testcase")}
    assert "drone" not in cases and "photo-count" in cases
    sarif = json.loads(invoke(str(school), "--rules", str(province), "--format", "sarif",
                              "--lang", "en", "--no-cache", "--now", NOW).stdout)
    rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert "drone" not in rules
    assert rules["photo-count"]["shortDescription"]["text"] == "Enough"
    assert rules["video-codec"]["shortDescription"]["text"]
