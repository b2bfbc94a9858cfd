"""`video-duration` — Phụ lục 2 §4: each scene lasts 30 seconds to 1 minute.

A clip filmed in one take is one scene: its length must be within the bounds, with a small
tolerance (1 s) because cameras stop a few frames early or late. A longer clip can be cut into
scenes with `mediacheck fix --split-scenes`. Without the motion facts (`--quick`) every clip is
taken as one scene. With them, a clip in which the motion pass found cuts holds several scenes:
`video-scenes` judges each of them with these same bounds and this check leaves the clip to it
(unless `video-scenes` is switched off), so a long clip is reported once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediacheck.checks import EventFacts, Problem

ID = "video-duration"
OPTIONS = {"min_seconds": float, "max_seconds": float, "tolerance_seconds": float}
SHARED_OPTIONS = {"scenes_judged": ("video-scenes", "enabled")}
MESSAGES = ("too-short", "too-long")


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    tolerance = options["tolerance_seconds"]
    for f in event.videos():
        seconds = f.video.duration
        if seconds is None or (options["scenes_judged"] and _has_cuts(f)):
            continue
        params = {"file": f.path, "seconds": f"{seconds:.0f}",
                  "min": f"{options['min_seconds']:g}", "max": f"{options['max_seconds']:g}"}
        if seconds < options["min_seconds"] - tolerance:
            yield Problem("too-short", f.path, params)
        elif seconds > options["max_seconds"] + tolerance:
            yield Problem("too-long", f.path, params)


def _has_cuts(f: Any) -> bool:
    """Several scenes in the clip: `video-scenes` judges them one by one."""
    return f.motion is not None and len(f.motion.scenes) > 1
