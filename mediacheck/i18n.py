"""Message catalog lookup: the interface's words in Vietnamese or English.

One catalog, kept in several files by subject (`locale/ui.toml` for the check and the reports,
`locale/fix.toml` for `mediacheck fix`, `locale/click.toml` for the command line's own words);
a message id is defined once across all of them. Check messages are in the rules profile; this
module only renders them. Vietnamese is the default because teachers read the report;
`--lang en` or `MEDIACHECK_LANG=en` switch.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

LANGS = ("vi", "en")  # every language of the catalog and of the profiles' messages
LOCALE = Path(__file__).with_name("locale")
DEFAULT_LANG = "vi"


class _Missing(dict):
    """Leave an unknown {placeholder} visible instead of failing the whole report."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(template: str, params: dict[str, Any]) -> str:
    try:
        return template.format_map(_Missing(params))
    except (ValueError, IndexError):
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
    return render(text, params)


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
