"""Profiles: `extends` by name or by path relative to the extending file, merging, validation."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from mediacheck.checks import REGISTRY
from mediacheck.profile import ProfileError, load_profile
from mediacheck.report import Severity

DEFAULT = REPO / "rules" / "phuluc2.toml"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> ProfileError:
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    return info.value


def test_default_profile_has_every_check() -> None:
    profile = load_profile()
    assert profile.name == "phuluc2"
    assert set(profile.checks) == set(REGISTRY)
    for config in profile.checks.values():
        assert set(config.messages) == set(REGISTRY[config.id].MESSAGES)
        for message in config.messages.values():
            assert all(message.text[lang] and message.hint[lang] for lang in ("vi", "en"))


def test_default_severities_match_the_issue() -> None:
    checks = load_profile().checks
    expected = {
        "folder-name": "error", "folder-contents": "warning", "file-unreadable": "error",
        "photo-count": "error", "photo-original": "error", "photo-format": "warning",
        "photo-resolution": "error", "capture-time": "warning", "location": "warning",
        "video-container": "error", "video-resolution": "error", "video-codec": "warning",
        "video-duration": "warning", "video-scenes": "warning", "video-steadiness": "warning",
        "drone": "info", "submission-size": "warning", "duplicate": "warning",
        "duplicate-submission": "warning",
        "photo-sharpness": "warning", "photo-exposure": "warning", "shot-kinds": "warning",
        "near-duplicate": "warning",
    }
    assert {k: c.severity.value for k, c in checks.items()} == expected
    assert checks["location"].messages["missing"].severity is Severity.INFO
    assert checks["photo-sharpness"].messages["soft"].severity is Severity.INFO


def test_shipped_relaxed_extends_by_name() -> None:
    base, relaxed = load_profile(), load_profile("relaxed")
    assert relaxed.name == "relaxed"
    assert [Path(f).name for f in relaxed.files] == ["phuluc2.toml", "relaxed.toml"]
    assert relaxed.checks["photo-original"].severity is Severity.WARNING
    assert relaxed.checks["photo-original"].messages["editor"].severity is Severity.WARNING
    assert relaxed.checks["photo-resolution"].options == {"min_megapixels": 1.0}
    assert relaxed.checks["location"].enabled is False
    assert relaxed.checks["folder-name"].messages["unknown-unit-type"].severity.value == "warning"
    # What relaxed does not mention is inherited unchanged.
    assert relaxed.checks["photo-count"] == base.checks["photo-count"]
    assert relaxed.checks["photo-original"].options == base.checks["photo-original"].options
    assert relaxed.media == base.media


def test_extends_a_relative_path_against_the_extending_file(tmp_path: Path,
                                                            monkeypatch) -> None:
    write(tmp_path / "base" / "district.toml",
          'extends = "phuluc2"\nname = "district"\n[checks.photo-count]\nmin = 5\n')
    child = write(tmp_path / "schools" / "pu-nhi.toml",
                  'extends = "../base/district.toml"\nname = "pu-nhi"\n'
                  '[checks.video-duration]\nmax_seconds = 90.0\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the current directory must not matter (yamllint #778)
    profile = load_profile(child)
    assert profile.name == "pu-nhi"
    assert profile.checks["photo-count"].options["min"] == 5
    assert profile.checks["video-duration"].options == {
        "min_seconds": 30.0, "max_seconds": 90.0, "tolerance_seconds": 1.0,
        "scenes_judged": True}
    assert [Path(f).name for f in profile.files] == ["phuluc2.toml", "district.toml",
                                                     "pu-nhi.toml"]


def test_extends_by_name_prefers_a_sibling_file(tmp_path: Path) -> None:
    write(tmp_path / "tinh.toml", 'extends = "phuluc2"\n[checks.photo-count]\nmin = 4\n')
    child = write(tmp_path / "huyen.toml", 'extends = "tinh"\n')
    assert load_profile(child).checks["photo-count"].options["min"] == 4


def test_messages_merge_per_field(tmp_path: Path) -> None:
    child = write(tmp_path / "p.toml", 'extends = "phuluc2"\n'
                  '[checks.photo-count.messages.too-few]\nen = "Only {count} photos."\n'
                  'severity = "warning"\n')
    base = load_profile().checks["photo-count"].messages["too-few"]
    merged = load_profile(child).checks["photo-count"].messages["too-few"]
    assert merged.text == {"vi": base.text["vi"], "en": "Only {count} photos."}
    assert merged.hint == base.hint
    assert merged.severity is Severity.WARNING


def test_check_severity_is_the_default_for_its_messages(tmp_path: Path) -> None:
    child = write(tmp_path / "p.toml",
                  'extends = "phuluc2"\n[checks.video-codec]\nseverity = "error"\n')
    messages = load_profile(child).checks["video-codec"].messages
    assert {m.severity for m in messages.values()} == {Severity.ERROR}


def test_int_is_accepted_for_a_float_option(tmp_path: Path) -> None:
    child = write(tmp_path / "p.toml",
                  'extends = "phuluc2"\n[checks.photo-resolution]\nmin_megapixels = 3\n')
    assert load_profile(child).checks["photo-resolution"].options["min_megapixels"] == 3.0


@pytest.mark.parametrize("body, key, reason", [
    ('[checks.no-such-check]\nseverity = "error"\n', "checks.no-such-check", "unknown check"),
    ("[checks.photo-count]\nmaximum = 3\n", "checks.photo-count.maximum", "unknown option"),
    ('[checks.photo-count]\nmin = "three"\n', "checks.photo-count.min", "type"),
    ("[checks.photo-count]\nmin = true\n", "checks.photo-count.min", "whole number"),
    ("[checks.photo-count]\nmin = 2.5\n", "checks.photo-count.min", "type"),
    ("[checks.photo-original]\neditors = \"Photoshop\"\n", "checks.photo-original.editors",
     "list"),
    ('[checks.video-codec]\nseverity = "fatal"\n', "checks.video-codec.severity",
     "error, warning, info"),
    ('[checks.video-codec.messages.video-codec]\nseverity = "loud"\n',
     "checks.video-codec.messages.video-codec.severity", "error, warning, info"),
    ('[checks.video-codec.messages.video-codec]\nen = 5\n',
     "checks.video-codec.messages.video-codec.en", "missing text"),
    ('[checks.video-codec.messages.no-such-message]\nen = "x"\n',
     "checks.video-codec.messages.no-such-message", "unknown message"),
    ('[checks.video-codec.messages.video-codec]\ntext_fr = "x"\n',
     "checks.video-codec.messages.video-codec.text_fr", "unknown field"),
    ('[checks.drone]\nenabled = "yes"\n', "checks.drone.enabled", "true or false"),
    ('colour = "red"\n', "colour", "unknown key"),
    ("[media]\nphoto_extension = [\"jpg\"]\n", "media.photo_extension", "unknown option"),
])
def test_bad_profiles_name_file_key_and_reason(body: str, key: str, reason: str,
                                               tmp_path: Path) -> None:
    path = write(tmp_path / "bad.toml", 'extends = "phuluc2"\n' + body)
    error = error_of(path)
    assert Path(error.file) == path
    assert error.key == key
    assert reason in error.reason
    assert str(path) in str(error) and key in str(error)


def test_missing_message_text(tmp_path: Path) -> None:
    text = DEFAULT.read_text(encoding="utf-8")
    section = "[checks.photo-count.messages.too-few]\n"
    start = text.index(section) + len(section)
    line_end = text.index("\n", text.index("\nen = ", start) + 1)
    broken = text[:text.index("\nen = ", start)] + text[line_end:]
    path = write(tmp_path / "own.toml", broken)
    error = error_of(path)
    assert (error.key, error.reason) == ("checks.photo-count.messages.too-few.en", "missing text")


def test_a_check_missing_from_a_standalone_profile(tmp_path: Path) -> None:
    text = DEFAULT.read_text(encoding="utf-8")
    start = text.index("[checks.duplicate]")
    path = write(tmp_path / "own.toml", text[:start])
    assert error_of(path).key == "checks.duplicate"


@pytest.mark.parametrize("files", [
    {"a.toml": 'extends = "a.toml"\n'},
    {"a.toml": 'extends = "b.toml"\n', "b.toml": 'extends = "a.toml"\n'},
    {"a.toml": 'extends = "b"\n', "b.toml": 'extends = "c"\n', "c.toml": 'extends = "a"\n'},
])
def test_extends_loop(files: dict[str, str], tmp_path: Path) -> None:
    for name, body in files.items():
        write(tmp_path / name, body)
    error = error_of(tmp_path / "a.toml")
    assert error.key == "extends" and "loop" in error.reason
    assert Path(error.file).parent == tmp_path


def test_missing_file_and_bad_toml(tmp_path: Path) -> None:
    missing = error_of(tmp_path / "nope.toml")
    assert missing.message("vi") == ("Không tìm thấy tệp quy tắc “{}”. Bộ có sẵn: phuluc2, "
                                     "relaxed.".format(tmp_path / "nope.toml"))
    child = write(tmp_path / "child.toml", 'extends = "parent.toml"\n')
    parent = error_of(child)
    assert (Path(parent.file), parent.key) == (child, "extends")
    assert "“parent.toml”" in parent.localized("vi") and "phuluc2, relaxed" in parent.reason
    bad = write(tmp_path / "bad.toml", "[checks\nmin = \n")
    error = error_of(bad)
    assert error.reason.startswith("not valid TOML at line 1, column 8")
    assert error.message("vi") == (f"Không dùng được tệp quy tắc {bad}: không đúng cú pháp "
                                   "TOML ở dòng 1, cột 8: thiếu dấu “]” ở cuối tên bảng")
    with pytest.raises(ProfileError) as shipped:
        load_profile("no-such-shipped-profile")
    assert shipped.value.message("en") == ("No rules profile “no-such-shipped-profile”. Shipped "
                                           "profiles: phuluc2, relaxed.")


@pytest.mark.parametrize("args", [["{folder}"], ["rules"]])
def test_cli_bad_profile_exits_2_with_one_line(args: list[str], tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.toml", 'extends = "phuluc2"\n[checks.photo-count]\nmin = "x"\n')
    folder = tmp_path / "THCS A_B"
    folder.mkdir()
    argv = [a.format(folder=folder) for a in args]
    for lang, word in (("en", "Error in the rules file"), ("vi", "Lỗi trong tệp quy tắc")):
        proc = subprocess.run([sys.executable, "-m", "mediacheck", *argv, "--rules", str(bad),
                               "--lang", lang], capture_output=True, text=True, cwd=REPO,
                              encoding="utf-8")
        assert proc.returncode == 2, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1, proc.stderr
        assert word in lines[0] and str(bad) in lines[0] and "checks.photo-count.min" in lines[0]
        assert "Traceback" not in proc.stderr and proc.stdout == ""
        assert not re.search(r"\x1b\[", proc.stderr)
