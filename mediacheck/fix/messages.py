"""The words of `mediacheck fix`, in Vietnamese and English (`locale/fix.toml`).

Kept apart from the main catalog so the fix command owns its wording; rendering is the same
(`mediacheck.i18n.render`: an unknown {placeholder} stays visible instead of failing).
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from mediacheck.i18n import DEFAULT_LANG, render

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CATALOG = Path(__file__).resolve().parent.parent / "locale" / "fix.toml"


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    with open(CATALOG, "rb") as fh:
        return tomllib.load(fh)


def tr(key: str, lang: str, **params: Any) -> str:
    """The fix text `key` in `lang` (Vietnamese when missing), {placeholders} filled."""
    table = catalog()
    text = table.get(lang, {}).get(key) or table[DEFAULT_LANG].get(key, key)
    return render(text, params)
