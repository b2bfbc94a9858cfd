"""Config discovery for CI: the nearest config wins, paths are relative to the file that names
them, typos fail with the file and key, and command-line options win over the file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mediacheck.config import ConfigError, find_config, load_config, merge_cli


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """drive/Nhan tu truong/THCS A_Khaigiang: where a CI job checks submissions."""
    event = tmp_path / "drive" / "Nhan tu truong" / "THCS A_Khaigiang"
    event.mkdir(parents=True)
    (event / "IMG_1.jpg").write_bytes(b"")
    return tmp_path


def test_nothing_found_is_none(tree: Path) -> None:
    assert find_config(tree / "drive" / "Nhan tu truong") is None


def test_found_from_the_folder_or_a_file_in_it_upward(tree: Path) -> None:
    config = write(tree / "drive" / "mediacheck.toml", 'activity = "Khaigiang"\njobs = 2\n')
    event = tree / "drive" / "Nhan tu truong" / "THCS A_Khaigiang"
    assert find_config(event) == (config, {"activity": "Khaigiang", "jobs": 2})
    assert find_config(event / "IMG_1.jpg") == (config, {"activity": "Khaigiang", "jobs": 2})
    assert find_config(tree / "drive" / "Tai ve" / "drive-download-001.zip")[0] == config


def test_nearest_config_wins(tree: Path) -> None:
    write(tree / "mediacheck.toml", 'activity = "Far"\n')
    near = write(tree / "drive" / "Nhan tu truong" / "mediacheck.toml", 'lang = "en"\n')
    found = find_config(tree / "drive" / "Nhan tu truong" / "THCS A_Khaigiang")
    assert found == (near, {"lang": "en"})  # one file only: nothing merged from above


def test_mediacheck_toml_beats_pyproject_in_the_same_folder(tree: Path) -> None:
    write(tree / "drive" / "pyproject.toml", '[tool.mediacheck]\nlang = "en"\n')
    own = write(tree / "drive" / "mediacheck.toml", 'lang = "vi"\n')
    assert find_config(tree / "drive" / "Nhan tu truong") == (own, {"lang": "vi"})


def test_pyproject_without_our_table_is_passed_over(tree: Path) -> None:
    far = write(tree / "pyproject.toml", '[tool.mediacheck]\nfail-on = "warning"\n')
    write(tree / "drive" / "pyproject.toml", '[project]\nname = "mediacheck-ci"\n'
          '[tool.ruff]\nline-length = 100\n')
    write(tree / "drive" / "Nhan tu truong" / "pyproject.toml", "[tool.black]\n= broken\n")
    found = find_config(tree / "drive" / "Nhan tu truong" / "THCS A_Khaigiang")
    assert found == (far, {"fail_on": "warning"})


def test_broken_pyproject_that_names_us_is_an_error(tree: Path) -> None:
    bad = write(tree / "drive" / "pyproject.toml", "[tool.mediacheck]\njobs = \n")
    with pytest.raises(ConfigError) as info:
        find_config(tree / "drive" / "Nhan tu truong")
    assert info.value.file == str(bad) and "TOML" in info.value.reason


def test_relative_paths_resolve_against_the_config_folder(tree: Path, monkeypatch) -> None:
    write(tree / "ci" / "strict.toml", 'extends = "phuluc2"\n')
    config = write(tree / "ci" / "mediacheck.toml", "\n".join([
        'rules = "strict"',
        'units = "../lists/don-vi.csv"',
        'output = "out/bao-cao.html"',
        'summary-csv = "out/tong-hop.csv"',
        'cache = ".cache/facts.sqlite3"',
        'format = "html"',
    ]))
    monkeypatch.chdir(tree / "drive")  # the current folder must not matter
    settings = load_config(config)
    ci = tree / "ci"
    assert settings == {
        "rules": ci / "strict.toml",
        "units": tree / "lists" / "don-vi.csv",
        "output": ci / "out" / "bao-cao.html",
        "summary_csv": ci / "out" / "tong-hop.csv",
        "cache": ci / ".cache" / "facts.sqlite3",
        "format": "html",
    }


def test_rules_name_and_absolute_paths_are_kept(tree: Path) -> None:
    absolute = tree / "elsewhere" / "units.txt"
    config = write(tree / "mediacheck.toml", f'rules = "phuluc2"\nunits = "{absolute.as_posix()}"\n'
                   "cache = false\n")
    assert load_config(config) == {"rules": "phuluc2", "units": absolute, "cache": False}
    sub = write(tree / "sub" / "mediacheck.toml", 'rules = "profiles/truong.toml"\n')
    assert load_config(sub)["rules"] == tree / "sub" / "profiles" / "truong.toml"


def test_all_keys_of_pyproject_table(tree: Path) -> None:
    config = write(tree / "pyproject.toml", "\n".join([
        "[tool.mediacheck]",
        'activity = "Khaigiang"', 'lang = "en"', 'format = "junit"', "jobs = 4",
        'fail_on = "warning"', "strict = true", "quiet = false",
    ]))
    assert find_config(tree / "drive") == (config, {
        "activity": "Khaigiang", "lang": "en", "format": "junit", "jobs": 4,
        "fail_on": "warning", "strict": True, "quiet": False})


@pytest.mark.parametrize("line, key, words", [
    ('fail_ob = "error"', "fail_ob", "did you mean 'fail_on'"),
    ("[checks]\nx = 1", "checks", "unknown key"),
    ('jobs = "4"', "jobs", "at least 1"),
    ("jobs = 0", "jobs", "at least 1"),
    ("jobs = true", "jobs", "at least 1"),
    ('lang = "fr"', "lang", "one of vi, en"),
    ('fail-on = "errors"', "fail-on", "one of error, warning, never"),
    ('strict = "yes"', "strict", "true or false"),
    ("cache = true", "cache", "a path or false"),
    ('units = ""', "units", "non-empty string"),
    ("rules = 3", "rules", "non-empty string"),
    ('fail_on = "error"\nfail-on = "never"', "fail-on", "given twice"),
    ('strict = true\nfail_on = "never"', "strict", "contradicts fail_on = \"never\""),
    ('format = "xml"', "format", "one of text, json"),
])
def test_bad_keys_name_file_key_and_reason(tree: Path, line: str, key: str, words: str) -> None:
    config = write(tree / "drive" / "mediacheck.toml", line + "\n")
    with pytest.raises(ConfigError) as info:
        find_config(tree / "drive" / "Nhan tu truong")
    error = info.value
    assert (error.file, error.key) == (str(config), key)
    assert words in error.reason
    assert str(config) in str(error) and key in str(error)


def test_bad_key_in_pyproject_is_reported_too(tree: Path) -> None:
    write(tree / "pyproject.toml", '[tool.mediacheck]\nformat = ["html", "csv"]\n')
    with pytest.raises(ConfigError, match="format: must be a non-empty string"):
        find_config(tree)


def test_cli_values_win_and_none_means_not_given(tree: Path) -> None:
    write(tree / "mediacheck.toml", 'lang = "en"\njobs = 2\nstrict = true\ncache = false\n'
          'format = "csv"\n')
    _path, config = find_config(tree)
    cli = {"lang": "vi", "jobs": None, "strict": False, "cache": None, "format": None,
           "output": None, "quiet": None}
    assert merge_cli(config, cli) == {
        "lang": "vi", "jobs": 2, "strict": False, "cache": False, "format": "csv",
        "output": None, "quiet": None}
    assert merge_cli({}, {"cache": Path("c.sqlite3")}) == {"cache": Path("c.sqlite3")}


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_config_is_an_error(tree: Path) -> None:
    config = write(tree / "mediacheck.toml", 'lang = "en"\n')
    config.chmod(0)
    try:
        with pytest.raises(ConfigError, match="cannot read"):
            find_config(tree)
    finally:
        config.chmod(0o644)
