"""`folder-name` — Phụ lục 2 §4: one folder per event, named `Unit_Activity`.

Example: `THCS Thị Trấn Điện Biên Đông_Khaigiang`. Exactly one `_`, both parts non-empty, no
leading or trailing spaces, no character Windows or Google Drive rejects, and the unit starts with
a unit-type prefix from the profile (MN, TH, THCS, THPT, PTDTBT, ...), compared without case or
diacritics. The NFC and NFD spellings of a name (macOS writes NFD) are the same name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from mediacheck.checks import EventFacts, Problem

ID = "folder-name"
OPTIONS = {"unit_prefixes": list, "ignored_leading_words": list, "forbidden_characters": str}
MESSAGES = (
    "no-separator", "many-separators", "empty-part", "spaces", "bad-characters",
    "unknown-unit-type",
)
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                    *(f"lpt{i}" for i in range(10))}


def fold(text: str) -> str:
    """Compare names the way people read them: no case, no diacritics (đ is d), NFC first."""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("đ", "d").replace("Đ", "D").casefold()


def split_name(name: str) -> tuple[str | None, str | None]:
    """Unit and activity of a folder name; (None, None) when there is no `_` at all."""
    name = unicodedata.normalize("NFC", name)
    if "_" not in name:
        return None, None
    unit, _, activity = name.partition("_")
    return unit.strip() or None, activity.strip() or None


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    name = unicodedata.normalize("NFC", event.name)
    params = {"name": name}
    bad = sorted({ch for ch in name if ch in options["forbidden_characters"] or ord(ch) < 32})
    if bad or name.rstrip().endswith(".") or fold(name.split(".")[0]) in WINDOWS_RESERVED:
        shown = " ".join(repr(ch)[1:-1] for ch in bad) or "."
        yield Problem("bad-characters", None, {**params, "characters": shown})
    if name != name.strip() or any(p != p.strip() for p in name.split("_")):
        yield Problem("spaces", None, params)
    count = name.count("_")
    if count == 0:
        yield Problem("no-separator", None, params)
        return
    if count > 1:
        yield Problem("many-separators", None, {**params, "count": count})
        return
    unit, activity = split_name(name)
    if not unit or not activity:
        yield Problem("empty-part", None, params)
        return
    if not _has_unit_prefix(unit, options):
        yield Problem("unknown-unit-type", None, {
            **params, "unit": unit, "prefixes": ", ".join(options["unit_prefixes"])})


def _has_unit_prefix(unit: str, options: dict[str, Any]) -> bool:
    words = fold(unit).split()
    ignored = {fold(w) for w in options["ignored_leading_words"]}
    while words and words[0] in ignored:
        words = words[1:]
    folded = " ".join(words)
    for prefix in options["unit_prefixes"]:
        p = fold(prefix)
        if folded == p or folded.startswith(p + " ") or folded.startswith(p + "-"):
            return True
    return False
