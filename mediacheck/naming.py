"""Names as people write them: one place for how folder, unit and activity names are read.

A submission is named `Unit_Activity` (`THCS Pu Nhi_Khaigiang`). The same name reaches us typed
on Windows, written by macOS (NFD), with or without diacritics, with a leading "Trường", as a
Google Drive copy (`THCS Pu Nhi_Khaigiang (1)`) or inside a ZIP. The `folder-name` check, the
office's list of units, discovery of duplicate submissions and `fix` all compare and build names
through these functions, so they agree with each other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

SEPARATOR = "_"
# Names Windows refuses for a file or folder whatever the extension (CON, NUL, COM1, ...).
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                              *(f"lpt{i}" for i in range(10))})
# What Google Drive and browsers append to the second copy of a name: `Khaigiang (1)`.
COPY_SUFFIX = re.compile(r"\s*\(\d{1,3}\)$")


def nfc(text: str) -> str:
    """The composed form (NFC): macOS writes names decomposed, Windows and Drive composed."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Compare names the way people read them: no case, no diacritics (đ is d), NFC first."""
    text = unicodedata.normalize("NFD", nfc(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("đ", "d").replace("Đ", "D").casefold()


def split_name(name: str) -> tuple[str | None, str | None]:
    """Unit and activity of a folder name; (None, None) when there is no `_` at all."""
    name = nfc(name)
    if SEPARATOR not in name:
        return None, None
    unit, _, activity = name.partition(SEPARATOR)
    return unit.strip() or None, activity.strip() or None


def join_name(unit: str, activity: str) -> str:
    """The folder name of a unit's activity, NFC, without stray spaces around the parts."""
    return nfc(f"{unit.strip()}{SEPARATOR}{activity.strip()}")


def without_leading_words(text: str, ignored: Iterable[str]) -> list[str]:
    """The folded words of `text` without leading words such as "Trường"; the last word always
    stays, so a unit literally named "Trường" is not reduced to nothing."""
    words = fold(text).split()
    skip = {fold(w) for w in ignored}
    while len(words) > 1 and words[0] in skip:
        words = words[1:]
    return words


def unit_key(name: str, ignored_leading_words: Iterable[str] = ()) -> str:
    """The form two spellings of one unit share: folded, one space, no leading "Trường"."""
    return " ".join(without_leading_words(name, ignored_leading_words))


def strip_copy_suffix(name: str) -> str:
    """`Khaigiang (1)` -> `Khaigiang`: the number Drive or a browser adds to a second copy."""
    return COPY_SUFFIX.sub("", name)


def activity_key(name: str) -> str:
    """Activities are typed freely ("Khai giang", "KhaiGiang", a Drive copy "Khaigiang (1)"):
    letters and digits only, without the copy number."""
    return letters_and_digits(strip_copy_suffix(nfc(name).strip()))


def letters_and_digits(text: str) -> str:
    """Folded, with everything but a-z and 0-9 removed (for headers and activities)."""
    return re.sub(r"[^0-9a-z]", "", fold(text))


def submission_key(name: str, ignored_leading_words: Iterable[str] = ()) -> tuple[str, str] | None:
    """What makes two submissions the same unit's same activity, or None for a name that is not
    `Unit_Activity` (such names are the `folder-name` check's business, not duplicates)."""
    unit, activity = split_name(name)
    if not unit or not activity:
        return None
    return unit_key(unit, ignored_leading_words), activity_key(activity)


def has_unit_prefix(unit: str, prefixes: Iterable[str], ignored_leading_words: Iterable[str]
                    ) -> bool:
    """Does the unit start with a school type (THCS, TH, MN...), after words like "Trường"?"""
    folded = " ".join(without_leading_words(unit, ignored_leading_words))
    for prefix in prefixes:
        p = fold(prefix)
        if folded == p or folded.startswith(p + " ") or folded.startswith(p + "-"):
            return True
    return False


def forbidden_characters(name: str, forbidden: str) -> list[str]:
    """The characters of `name` that Windows or Google Drive refuse (sorted, each once):
    those of the profile's list, and control characters."""
    return sorted({ch for ch in nfc(name) if ch in forbidden or ord(ch) < 32})


def is_reserved(name: str) -> bool:
    """A name Windows cannot create: ends in a dot, or is CON, NUL, COM1... before its first dot."""
    return name.rstrip().endswith(".") or fold(name.split(".")[0].strip()) in WINDOWS_RESERVED


def is_usable_folder_name(name: str, forbidden: str) -> bool:
    """Can this name be created as a folder on Windows and uploaded to Drive?"""
    return bool(name.strip()) and not forbidden_characters(name, forbidden) and not is_reserved(
        name)
