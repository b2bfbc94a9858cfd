"""`folder-name`: `Unit_Activity`, one `_`, a unit-type prefix, no characters Drive rejects."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from conftest import check_folder, event_facts, good_photos, of, run_check

from mediacheck.checks import folder_name
from mediacheck.report import Severity


def keys(name: str, profile) -> list[str]:
    return [p.key for p in run_check(folder_name, event_facts([], name=name), profile)]


@pytest.mark.parametrize("name", [
    "THCS Pu Nhi_Khaigiang",
    "THCS Thị Trấn Điện Biên Đông_Khaigiang",
    "Trường THCS Pu Nhi_Khai giảng",
    "thcs pu nhi_khaigiang",
    "TH&THCS Sín Chải_Khai giảng năm học mới",
    "THCS&THPT Mường Nhé_Trung thu",
    "TTGDNN-GDTX Điện Biên Đông_Tổng kết",
    "PTDTBT TH Pa Ham_Hội khoẻ Phù Đổng",
    "Mầm non Hoa Ban_Khai giang",
    "Mam non Hoa Ban_Khai giang",
    "MN Hoa Ban_Khai giang",
    "THPT Chà Cang_Khai giang",
])
def test_good_names_pass(name: str, profile) -> None:
    assert keys(name, profile) == []


def test_nfd_spelling_is_the_same_name(profile) -> None:
    nfc = "THCS Thị Trấn Điện Biên Đông_Khai giảng"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    assert keys(nfd, profile) == keys(nfc, profile) == []
    assert folder_name.split_name(nfd) == folder_name.split_name(nfc)


@pytest.mark.parametrize("name, key", [
    ("Khai giang 2023", "no-separator"),
    ("THCSPuNhiKhaigiang", "no-separator"),
    ("THCS Pu Nhi_Khai_giang", "many-separators"),
    ("THCS Pu Nhi_", "empty-part"),
    ("_Khaigiang", "empty-part"),
    (" THCS Pu Nhi_Khaigiang", "spaces"),
    ("THCS Pu Nhi_Khaigiang ", "spaces"),
    ("THCS Pu Nhi _Khaigiang", "spaces"),
    ("THCS Pu Nhi_Khai:giang", "bad-characters"),
    ("THCS Pu Nhi_Khai giang?", "bad-characters"),
    ("THCS Pu Nhi_Khai*giang", "bad-characters"),
    ("THCS Pu Nhi_Khai\"giang\"", "bad-characters"),
    ("THCS Pu Nhi_Khaigiang.", "bad-characters"),
    ("THCS Pu Nhi_Khai|giang", "bad-characters"),
    ("Pu Nhi_Khaigiang", "unknown-unit-type"),
    ("Truong Pu Nhi_Khaigiang", "unknown-unit-type"),
    ("THCSPuNhi_Khaigiang", "unknown-unit-type"),
])
def test_bad_names(name: str, key: str, profile) -> None:
    assert key in keys(name, profile)


def test_prefixes_come_from_the_profile(profile) -> None:
    event = event_facts([], name="Lien truong Pu Nhi_Khaigiang")
    assert run_check(folder_name, event, profile)
    assert run_check(folder_name, event, profile, unit_prefixes=["Liên trường"]) == []


def test_bad_folder_on_disk_is_an_error_with_unit_and_activity_unknown(tmp_path: Path) -> None:
    folder = tmp_path / "Khai giang 2023"
    folder.mkdir()
    good_photos(folder)
    result = check_folder(folder)
    found = of(result, "folder-name")
    assert [f.key for f in found] == ["no-separator"]
    assert found[0].severity is Severity.ERROR and found[0].path is None
    assert "Khai giang 2023" in found[0].message and found[0].hint
    assert (result.unit, result.activity, result.verdict) == (None, None, "fail")


def test_nfd_folder_on_disk_passes_and_reports_nfc(tmp_path: Path) -> None:
    nfc = "THCS Thị Trấn Điện Biên Đông_Khai giảng"
    folder = tmp_path / unicodedata.normalize("NFD", nfc)
    folder.mkdir()
    good_photos(folder)
    result = check_folder(folder)
    assert of(result, "folder-name") == []
    assert result.unit == "THCS Thị Trấn Điện Biên Đông"
    assert result.activity == "Khai giảng"
    assert result.verdict == "pass"
