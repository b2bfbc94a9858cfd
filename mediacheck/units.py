"""The office's list of units (schools): who has not submitted, and who is not on the list.

The list is a TXT file (one unit a line) or a CSV exported from Excel (a header row; the column
named like "Đơn vị" / "Tên trường" / "unit" is used, else the first column that is not a
running number such as "STT"). Names are compared the way people read them: NFC, without case,
diacritics, extra spaces or a leading "Trường" — "Trường THCS Pú Nhi" on the list is the folder
"THCS Pu Nhi_Khaigiang". A submission whose unit is close to a listed one gets a "did you mean".
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mediacheck.naming import activity_key, letters_and_digits, nfc, unit_key
from mediacheck.report import SubmissionResult

# Header names (folded, letters and digits only) that name the unit column.
UNIT_HEADERS = ("donvi", "tendonvi", "truong", "tentruong", "unit", "units", "school", "coso")
NOT_UNIT_HEADERS = ("stt", "tt", "no", "so", "sott", "id", "ma", "madonvi", "code")
SUGGEST_CUTOFF = 0.75


class UnitsError(Exception):
    """The units file cannot be used. `code` is an OS reason (mediacheck.errors.os_code) or
    `no-units`; `localized` says it in the user's language."""

    def __init__(self, path: Path | str, code: str) -> None:
        super().__init__(f"{path}: {code}")
        self.path = str(path)
        self.code = code

    def localized(self, lang: str) -> str:
        from mediacheck.errors import os_reason
        from mediacheck.i18n import t

        if self.code == "no-units":
            return t("units_reason_empty", lang)
        return os_reason(self.code, lang)


def load_units(path: Path) -> list[str]:
    """The unit names in a TXT or CSV list, in file order, without blanks or repeats."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        from mediacheck.errors import os_code

        raise UnitsError(path, os_code(exc)) from exc
    text = _decode(data)
    if path.suffix.lower() == ".csv" or _looks_like_csv(text):
        names = _csv_units(text)
    else:
        names = [line.strip() for line in text.splitlines()
                 if line.strip() and not line.lstrip().startswith("#")]
    units = _unique(nfc(n) for n in names)
    if not units:
        raise UnitsError(path, "no-units")
    return units


def _decode(data: bytes) -> str:
    """UTF-8 (with or without Excel's BOM), else Vietnamese Windows (cp1258)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1258", errors="replace")


def _looks_like_csv(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return "," in first or ";" in first or "\t" in first


def _csv_units(text: str) -> list[str]:
    rows = [r for r in csv.reader(io.StringIO(text), dialect=_dialect(text)) if any(
        c.strip() for c in r)]
    if not rows:
        return []
    column, has_header = _unit_column(rows)
    body = rows[1:] if has_header else rows
    return [row[column].strip() for row in body if column < len(row) and row[column].strip()]


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _unit_column(rows: list[list[str]]) -> tuple[int, bool]:
    """(column of unit names, whether the first row is a header)."""
    header = [_key(cell) for cell in rows[0]]
    for index, name in enumerate(header):
        if name in UNIT_HEADERS or any(h in name for h in ("donvi", "truong", "unit")):
            return index, True
    has_header = any(name in NOT_UNIT_HEADERS for name in header) or len(rows[0]) > 1
    body = rows[1:] if has_header else rows
    for index in range(len(rows[0])):
        values = [r[index].strip() for r in body if index < len(r) and r[index].strip()]
        if values and not all(v.replace(".", "").isdigit() for v in values):
            return index, has_header
    return 0, has_header


def _key(text: str) -> str:
    return letters_and_digits(text)


def _unique(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        key = unit_key(name)
        if key and key not in seen:
            seen.add(key)
            out.append(name)
    return out


def compare_units(
    units: list[str],
    submissions: list[SubmissionResult],
    activity: str | None = None,
    ignored_leading_words: Iterable[str] = (),
) -> dict[str, Any]:
    """Who on the list has not submitted, for `activity` or else for each activity seen, and
    which submissions name a unit that is not on the list, with the closest listed name.

    The result (the report's `units`, JSON-ready): `activity` (the one asked for, or None),
    `units` (how many are listed), `activities` (one entry per activity: `activity`,
    `submitted`, `missing` unit names, in list order), `missing` (the same as flat
    `{"unit", "activity"}` rows, for spreadsheets) and `unlisted`."""
    ignored = list(ignored_leading_words)
    listed = {unit_key(u, ignored): u for u in units}
    activities: list[str | None] = [activity] if activity else list(_activities(submissions))
    per_activity = []
    for act in activities or [None]:
        done = {unit_key(s.unit, ignored) for s in submissions if s.unit and s.activity
                and act is not None and activity_key(s.activity) == activity_key(act)}
        per_activity.append({"activity": act, "submitted": len(done & set(listed)),
                             "missing": [name for key, name in listed.items()
                                         if key not in done]})
    missing = [{"unit": name, "activity": entry["activity"]} for entry in per_activity
               for name in entry["missing"]]
    unlisted = []
    for sub in submissions:
        if activity and sub.activity and activity_key(sub.activity) != activity_key(activity):
            continue
        key = unit_key(sub.unit or _folder_name(sub.path), ignored)
        if key not in listed:
            unlisted.append({"unit": sub.unit, "path": sub.path,
                             "suggestion": _suggest(key, listed)})
    return {"activity": activity, "units": len(listed), "activities": per_activity,
            "missing": missing, "unlisted": unlisted}


def _activities(submissions: list[SubmissionResult]) -> list[str]:
    """Each activity once, spelled as first seen, in a stable order."""
    seen: dict[str, str] = {}
    for sub in sorted(submissions, key=lambda s: (activity_key(s.activity or ""), s.path)):
        if sub.activity:
            seen.setdefault(activity_key(sub.activity), sub.activity)
    return list(seen.values())


def _folder_name(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def _suggest(key: str, listed: dict[str, str]) -> str | None:
    close = difflib.get_close_matches(key, list(listed), n=1, cutoff=SUGGEST_CUTOFF)
    return listed[close[0]] if close else None
