"""`photo-format` — cameras and phones write JPEG or HEIC/HEIF; other formats are not originals.

HEIC (iPhone's default) is an original, but Windows cannot open it without an extension, so it
gets a warning and `mediacheck fix --heic-to-jpeg` converts it. PNG, WebP and GIF are what
screenshots, chat apps and web downloads produce, not camera photos. On a photo that
`photo-original` already reports (a screenshot PNG), the format is one more sign of that cause
and is folded into its finding (`photo-original`'s `fold` option).
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
        yield Problem(key, f.path, {"file": f.path, "format": shown_format(f.path, fmt),
                                    "decoded_as": fmt})


def shown_format(path: str, fmt: str) -> str:
    """The name people know the format by: an iPhone's `.heic` is "HEIC" (Pillow says HEIF,
    the container both share)."""
    suffix = path.rsplit(".", 1)[-1].upper() if "." in path else ""
    return "HEIC" if fmt == "HEIF" and suffix == "HEIC" else fmt
