"""One naming module: the folder-name check, the units list, duplicate submissions and `fix`
read names the same way (NFC/NFD, case, diacritics, "Trường", Drive copies)."""

from __future__ import annotations

import unicodedata

import pytest

from mediacheck import naming
from mediacheck.checks import folder_name
from mediacheck.naming import (
    activity_key,
    fold,
    forbidden_characters,
    has_unit_prefix,
    is_reserved,
    is_usable_folder_name,
    join_name,
    split_name,
    submission_key,
    unit_key,
)

IGNORED = ["Trường", "Truong"]


def test_fold_ignores_case_diacritics_and_normal_form() -> None:
    nfd = unicodedata.normalize("NFD", "Trường THCS Pú Nhi")
    assert fold(nfd) == fold("TRƯỜNG thcs pu nhi") == "truong thcs pu nhi"
    assert fold("Điện Biên Đông") == "dien bien dong"


def test_split_and_join_are_inverse() -> None:
    assert split_name("THCS Pu Nhi_Khaigiang") == ("THCS Pu Nhi", "Khaigiang")
    assert split_name("Khai giang 2023") == (None, None)
    assert split_name("_Khaigiang") == (None, "Khaigiang")
    assert join_name(" THCS Pu Nhi ", " Khaigiang") == "THCS Pu Nhi_Khaigiang"
    assert split_name(join_name("THCS Pú Nhi", "Khai giảng")) == ("THCS Pú Nhi", "Khai giảng")


def test_leading_words_are_stripped_one_way_everywhere() -> None:
    assert unit_key("Trường THCS Pú Nhi", IGNORED) == unit_key("THCS  Pu Nhi", IGNORED)
    assert unit_key("Trường", IGNORED) == "truong"  # never reduced to nothing
    assert has_unit_prefix("Trường THCS Pu Nhi", ["THCS"], IGNORED)
    assert not has_unit_prefix("Trường", ["THCS"], IGNORED)
    assert has_unit_prefix("TTGDNN-GDTX Mường Ảng", ["TTGDNN-GDTX"], IGNORED)


def test_drive_copies_are_the_same_activity() -> None:
    assert activity_key("Khaigiang (1)") == activity_key("Khai giảng") == "khaigiang"
    assert activity_key("Khaigiang 2023") == "khaigiang2023"
    assert submission_key("THCS Pu Nhi_Khaigiang (1)", IGNORED) == submission_key(
        "Trường THCS Pú Nhi_Khai giang", IGNORED)
    assert submission_key("Khai giang 2023") is None


@pytest.mark.parametrize(("name", "usable"), [
    ("THCS Pu Nhi_Khaigiang", True), ("THCS Pu Nhi_Khai:giang", False), ("CON", False),
    ("nul.txt", False), ("THCS A_B.", False), ("THCS A_B\x07", False), ("   ", False)])
def test_usable_folder_names(name: str, usable: bool) -> None:
    assert is_usable_folder_name(name, '<>:"/\\|?*') is usable


def test_forbidden_characters_are_listed_once_and_sorted() -> None:
    assert forbidden_characters("a?b*c?", "?*") == ["*", "?"]
    assert is_reserved("COM1") and not is_reserved("COM10x")


def test_the_check_and_the_old_import_path_use_the_same_functions() -> None:
    assert folder_name.split_name is naming.split_name
    assert folder_name.fold is naming.fold
