"""Reporters format a finished report; they never check anything. Chosen by name.

A reporter module says what it needs from the run, so the command line need not know:
`NEEDS_FACTS` (each file's metadata; without it a result keeps only path, kind and size per
file) and `NEEDS_THUMBNAILS` (a preview of each photo and video). `OPTIONS` names the extra
keyword arguments its `render` takes (the CSV separator).
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol, TextIO

from mediacheck.report import Report, Severity

REPORTERS = {
    "text": "mediacheck.reporters.terminal",
    "json": "mediacheck.reporters.json_report",
    "html": "mediacheck.reporters.html",
    "csv": "mediacheck.reporters.csv_report",
    "junit": "mediacheck.reporters.junit",
    "sarif": "mediacheck.reporters.sarif",
    "github": "mediacheck.reporters.github",
}


class Reporter(Protocol):
    NEEDS_FACTS: bool
    NEEDS_THUMBNAILS: bool

    def render(self, report: Report, stream: TextIO, *, lang: str, color: bool | None,
               quiet: bool) -> None: ...


def get_reporter(name: str) -> Reporter:
    return importlib.import_module(REPORTERS[name])  # type: ignore[return-value]


def reporter_options(reporter: Reporter, settings: dict[str, Any]) -> dict[str, Any]:
    """The settings a reporter declares in `OPTIONS` (e.g. `csv_sep`), to pass to `render`."""
    return {name: settings[name] for name in getattr(reporter, "OPTIONS", ())
            if settings.get(name) is not None}


def hint_label(severity: Severity, lang: str) -> str:
    """"Cách khắc phục" before the hint of an error or a warning; "Lưu ý" before that of an
    info finding, which has nothing to fix (the drone praise, the GPS reminder)."""
    from mediacheck.i18n import t

    return t("note" if severity is Severity.INFO else "hint", lang)


def human_size(size: int) -> str:
    """Sizes as people read them, in decimal units like file managers on Windows and macOS."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"
