"""`photo-resolution` — Phụ lục 2 §1: photos of good quality, so enough pixels.

A phone original has 8 to 50 megapixels; a copy re-encoded by a chat app has 1 to 4. The profile
sets the minimum (2 MP by default). A photo that is small because it is a copy (a chat app's, a
resized one) is one finding with `photo-original`'s, which owns that cause (its `fold` option);
a small camera original is reported here on its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediacheck.checks import EventFacts, Problem

ID = "photo-resolution"
OPTIONS = {"min_megapixels": float}
MESSAGES = ("too-small",)


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    for f in event.photos():
        if not f.photo.width or not f.photo.height:
            continue
        megapixels = f.photo.width * f.photo.height / 1_000_000
        if megapixels < options["min_megapixels"]:
            yield Problem("too-small", f.path, {
                "file": f.path, "megapixels": megapixels, "width": f.photo.width,
                "height": f.photo.height, "min": options["min_megapixels"]})
