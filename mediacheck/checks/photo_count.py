"""`photo-count` — Phụ lục 2 §3: each event has at least 3 photos.

Among them a wide shot of the event, a wide shot of the organiser speaking in front of the event
backdrop, and a close-up of the attendees. A photo that has an error of its own (not original,
too small, unreadable) does not count, because the office cannot use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediacheck.checks import EventFacts, Problem

ID = "photo-count"
OPTIONS = {"min": int}
MESSAGES = ("too-few",)
AFTER_OTHERS = True


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    photos = [f for f in event.files if f.kind == "photo"]
    acceptable = [f for f in event.photos() if f.path not in event.error_paths]
    if len(acceptable) < options["min"]:
        yield Problem("too-few", None, {
            "count": len(acceptable), "min": options["min"], "total": len(photos)})
