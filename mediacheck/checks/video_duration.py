"""`video-duration` — Phụ lục 2 §4: each scene lasts 30 seconds to 1 minute.

Each clip is taken as one scene; the profile sets the bounds and a small tolerance (1 s) because
cameras stop a few frames early or late. A longer clip can be cut into scenes with
`mediacheck fix --split-scenes`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediacheck.checks import EventFacts, Problem

ID = "video-duration"
OPTIONS = {"min_seconds": float, "max_seconds": float, "tolerance_seconds": float}
MESSAGES = ("too-short", "too-long")


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    tolerance = options["tolerance_seconds"]
    for f in event.videos():
        seconds = f.video.duration
        if seconds is None:
            continue
        params = {"file": f.path, "seconds": f"{seconds:.0f}",
                  "min": f"{options['min_seconds']:g}", "max": f"{options['max_seconds']:g}"}
        if seconds < options["min_seconds"] - tolerance:
            yield Problem("too-short", f.path, params)
        elif seconds > options["max_seconds"] + tolerance:
            yield Problem("too-long", f.path, params)
