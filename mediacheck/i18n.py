"""Message catalog lookup: the interface's words in Vietnamese or English, and the way numbers,
sizes and time spans are written in each.

One catalog, kept in several files by subject (`locale/ui.toml` for the check and the reports,
`locale/fix.toml` for `mediacheck fix`, `locale/click.toml` for the command line's own words);
a message id is defined once across all of them. Check messages are in the rules profile; this
module only renders them. Vietnamese is the default because teachers read the report;
`--lang en` or `MEDIACHECK_LANG=en` switch.

Parameters stay raw numbers (the JSON keeps them so); the template says how to show them, in
the language it is rendered in: `{megapixels:.1f}` is "0,8" in Vietnamese and "0.8" in
English, `{size:bytes}` is "934,4 KB", `{seconds:span}` is "hơn 7 năm" / "over 7 years".
"""

from __future__ import annotations

import math
import os
import string
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

LANGS = ("vi", "en")  # every language of the catalog and of the profiles' messages
LOCALE = Path(__file__).with_name("locale")
DEFAULT_LANG = "vi"
# Vietnamese writes a decimal comma and groups thousands with a dot: 0,8 MP; 15.000 tệp.
_VI_DIGITS = str.maketrans({".": ",", ",": "."})
# Units of a time span, largest first, and from how many seconds on each is used: a span is
# said in the largest unit it holds twice (48 hours are still hours, 3 days are days).
_SPAN_UNITS = (
    ("year", 365.25 * 86400, 2 * 365.25 * 86400),
    ("month", 30.44 * 86400, 60 * 86400),
    ("day", 86400, 48 * 3600),
    ("hour", 3600, 90 * 60),
    ("minute", 60, 90),
    ("second", 1, 0),
)


def format_number(value: float, lang: str | None, spec: str = "") -> str:
    """A number as the language writes it. `spec` is Python's format spec (".1f", ",", "g");
    without one an integer is shown whole and a fraction with at most two decimals."""
    if not spec:
        if isinstance(value, int):
            spec = "d"
        elif float(value).is_integer():
            spec = ".0f"
        else:
            text = f"{value:.2f}".rstrip("0").rstrip(".")
            return text.translate(_VI_DIGITS) if lang == "vi" else text
    text = format(value, spec)
    return text.translate(_VI_DIGITS) if lang == "vi" else text


def format_bytes(size: float, lang: str | None) -> str:
    """Sizes in decimal units, as file managers on Windows and macOS show them: 934,4 KB."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{format_number(value, lang, '.0f' if unit == 'B' else '.1f')} {unit}"
        value /= 1000
    return f"{format_number(value, lang, '.1f')} TB"  # pragma: no cover - the loop returns


def format_span(seconds: float, lang: str | None) -> str:
    """A length of time in the unit people would use: "50 giờ", "gần 3 ngày", "hơn 7 năm"
    (English: "50 hours", "nearly 3 days", "over 7 years"), never "2803,4 ngày"."""
    lang = lang or "en"
    length = abs(float(seconds))
    name, unit, _start = next(u for u in _SPAN_UNITS if length >= u[2])
    count = length / unit
    whole = math.floor(count + 1e-9)
    fraction = count - whole
    qualifier = ""
    if name == "second":
        whole = round(count)
    elif fraction >= 0.9:
        whole, qualifier = whole + 1, "span_nearly"
    elif fraction >= 0.02:
        qualifier = "span_over"
    plural = "one" if whole == 1 else "other"
    text = t(f"span_{name}_{plural}", lang, count=format_number(whole, lang))
    return t(qualifier, lang, span=text) if qualifier else text


_SPECS: dict[str, Callable[[Any, str | None], str]] = {
    "bytes": format_bytes,
    "span": format_span,
}


class _Placeholder:
    """A {name} the parameters do not have: shown as it is written, never an error."""

    def __init__(self, name: str) -> None:
        self.name = name


class _Formatter(string.Formatter):
    """`str.format` with numbers written the language's way and the `bytes`/`span` specs."""

    def __init__(self, lang: str | None) -> None:
        super().__init__()
        self.lang = lang

    def get_value(self, key: int | str, args: Any, kwargs: Any) -> Any:
        if isinstance(key, int):
            raise IndexError(key)
        return kwargs[key] if key in kwargs else _Placeholder(key)

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, _Placeholder):
            return "{" + value.name + (":" + format_spec if format_spec else "") + "}"
        if format_spec in _SPECS and _is_number(value):
            return _SPECS[format_spec](value, self.lang)
        if _is_number(value):
            try:
                return format_number(value, self.lang, format_spec)
            except ValueError:
                return str(value)
        try:
            return format(value, format_spec)
        except (ValueError, TypeError):
            return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def render(template: str, params: dict[str, Any], lang: str | None = None) -> str:
    """Fill a message's {placeholders}; numbers are written the way `lang` writes them (None:
    as Python does). An unknown placeholder stays visible instead of failing the report."""
    try:
        return _Formatter(lang).vformat(template, (), params)
    except (ValueError, IndexError, AttributeError, KeyError, TypeError):
        return template


@lru_cache(maxsize=1)
def _catalog() -> dict[str, dict[str, str]]:
    return load_catalog(LOCALE)


def load_catalog(folder: Path) -> dict[str, dict[str, str]]:
    """Every `[vi]`/`[en]` table of the folder's TOML files, as one catalog per language.

    Raises ValueError for a message id defined in two files (one id, one text)."""
    from mediacheck.tomlfile import read_toml

    catalog: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
    origin: dict[str, str] = {}
    for path in sorted(folder.glob("*.toml")):
        for lang, table in read_toml(path).items():
            for key, text in table.items():
                where = origin.setdefault(f"{lang}:{key}", path.name)
                if where != path.name:
                    raise ValueError(f"{key!r} is defined in both {where} and {path.name}")
                catalog.setdefault(lang, {})[key] = text
    return catalog


def t(message_id: str, lang: str, /, **params: Any) -> str:
    """The interface text `message_id` in `lang`, with its {placeholders} filled."""
    catalog = _catalog()
    text = catalog.get(lang, {}).get(message_id) or catalog[DEFAULT_LANG].get(message_id,
                                                                             message_id)
    return render(text, params, lang)


def resolve_lang(option: str | None) -> str:
    """--lang wins, then MEDIACHECK_LANG, then Vietnamese."""
    for candidate in (option, os.environ.get("MEDIACHECK_LANG")):
        if candidate and candidate.lower()[:2] in LANGS:
            return candidate.lower()[:2]
    return DEFAULT_LANG


def lookup(message_id: str, lang: str) -> str | None:
    """The catalog's text for `message_id` in exactly `lang` (no fallback, no placeholders
    filled), or None: for texts whose fallback is not Vietnamese (click's English messages)."""
    return _catalog().get(lang, {}).get(message_id)


def plural(message_id: str, count: int, lang: str, /, **params: Any) -> str:
    """`message_id` with {count} filled, in the singular form `<id>_one` when there is one
    (English "1 video"; Vietnamese has no plural and defines no `_one` forms)."""
    singular = f"{message_id}_one"
    if count == 1 and lookup(singular, lang) is not None:
        message_id = singular
    return t(message_id, lang, count=count, **params)
