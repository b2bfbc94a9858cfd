"""Message catalog lookup: the interface's words (`locale/ui.toml`) in Vietnamese or English.

Check messages are in the rules profile; this module only renders them. Vietnamese is the
default because teachers read the report; `--lang en` or `MEDIACHECK_LANG=en` switch.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

LANGS = ("vi", "en")
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
    with open(Path(__file__).with_name("locale") / "ui.toml", "rb") as fh:
        return tomllib.load(fh)


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


def help_text(message_id: str) -> str:
    """Command-line help in the language of MEDIACHECK_LANG (Vietnamese by default): help is
    built before the options are parsed, so --lang cannot choose it."""
    return t(message_id, resolve_lang(None))
