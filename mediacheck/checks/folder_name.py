"""`folder-name` — Phụ lục 2 §4: one folder per event, named `Unit_Activity`.

Example: `THCS Thị Trấn Điện Biên Đông_Khaigiang`. Exactly one `_`, both parts non-empty, no
leading or trailing spaces, no character Windows or Google Drive rejects, and the unit starts with
a unit-type prefix from the profile (MN, TH, THCS, THPT, PTDTBT, ...), compared without case or
diacritics. The NFC and NFD spellings of a name (macOS writes NFD) are the same name.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediacheck.checks import EventFacts, Problem
from mediacheck.naming import (
    fold,
    forbidden_characters,
    has_unit_prefix,
    is_reserved,
    nfc,
    split_name,
)

# fold and split_name moved to mediacheck.naming; still importable from here for old callers.
__all__ = ["ID", "MESSAGES", "OPTIONS", "check", "fold", "split_name"]
ID = "folder-name"
OPTIONS = {"unit_prefixes": list, "ignored_leading_words": list, "forbidden_characters": str}
MESSAGES = (
    "no-separator", "many-separators", "empty-part", "spaces", "bad-characters",
    "unknown-unit-type",
)


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    name = nfc(event.name)
    params = {"name": name}
    bad = forbidden_characters(name, options["forbidden_characters"])
    if bad or is_reserved(name):
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
    if not has_unit_prefix(unit, options["unit_prefixes"], options["ignored_leading_words"]):
        yield Problem("unknown-unit-type", None, {
            **params, "unit": unit, "prefixes": ", ".join(options["unit_prefixes"])})

