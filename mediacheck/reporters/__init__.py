"""Reporters format a finished report; they never check anything. Chosen by name."""

from __future__ import annotations

import importlib
from typing import Protocol, TextIO

from mediacheck.report import Report

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
    def render(self, report: Report, stream: TextIO, *, lang: str, color: bool | None,
               quiet: bool) -> None: ...


def get_reporter(name: str) -> Reporter:
    return importlib.import_module(REPORTERS[name])  # type: ignore[return-value]


def human_size(size: int, lang: str | None = None) -> str:
    """Sizes as people read them, in decimal units like file managers on Windows and macOS,
    with the language's decimal mark (934,4 KB in Vietnamese)."""
    from mediacheck.i18n import format_bytes

    return format_bytes(size, lang)
