"""`photo-format` — cameras and phones write JPEG or HEIC/HEIF; other formats are not originals.

HEIC (iPhone's default) is an original, but Windows cannot open it without an extension, so it
gets a warning and `mediacheck fix --heic-to-jpeg` converts it. PNG, WebP and GIF are what
screenshots, chat apps and web downloads produce, not camera photos.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediacheck.checks import EventFacts, Problem

ID = "photo-format"
OPTIONS = {"accepted_formats": list, "convertible_formats": list}
MESSAGES = ("heic", "not-camera-format")


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    accepted = {f.upper() for f in options["accepted_formats"]}
    convertible = {f.upper() for f in options["convertible_formats"]}
    for f in event.photos():
        fmt = (f.photo.format or f.content or "?").upper()
        if fmt in accepted:
            continue
        key = "heic" if fmt in convertible else "not-camera-format"
        yield Problem(key, f.path, {"file": f.path, "format": fmt})
