"""`submission-size` — Phụ lục 2 §4: the folder is uploaded to Google Drive.

A free Google account holds 15 GB (the annex suggests opening a few new Gmail accounts for room),
so a folder larger than `max_total_gb` will not fit in one account.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediacheck.checks import EventFacts, Problem

ID = "submission-size"
OPTIONS = {"max_total_gb": float}
MESSAGES = ("too-large",)
GIB = 1024**3


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    total = sum(f.size for f in event.files)
    if total > options["max_total_gb"] * GIB:
        yield Problem("too-large", None, {
            "gb": f"{total / GIB:.1f}", "max_gb": f"{options['max_total_gb']:g}"})
