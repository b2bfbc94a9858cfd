"""`video-resolution` — Phụ lục 2 §4: resolution at least 720p and at most 1080p.

The "p" number is the short side of the picture as it is displayed, with the phone's rotation
applied: a portrait 1080x1920 clip is 1080p. Below 720p is too blurry for the news; above 1080p
(4K) is too heavy to send, and `mediacheck fix` scales it down.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediacheck.checks import EventFacts, Problem

ID = "video-resolution"
OPTIONS = {"min_short_side": int, "max_short_side": int}
MESSAGES = ("too-low", "too-high")


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    for f in event.videos():
        size = f.video.display_size
        if size is None:
            continue
        short = min(size)
        params = {"file": f.path, "size": f"{size[0]}x{size[1]}", "p": f"{short}p",
                  "min": f"{options['min_short_side']}p", "max": f"{options['max_short_side']}p"}
        if short < options["min_short_side"]:
            yield Problem("too-low", f.path, params)
        elif short > options["max_short_side"]:
            yield Problem("too-high", f.path, params)
