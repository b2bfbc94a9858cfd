"""`photo-sharpness` — Phụ lục 2 §1: photos of good quality, so not blurred.

Judged from the picture at the analysis size (long side 480 px, what a news page shows): the
width of its sharpest edges, measured by how much they soften when blurred once more (a ratio,
so a dim or low-contrast photo is not called blurred, and a soft background behind a sharp
subject does not count). Edges wider than `blurred_edge_width` pixels: blurred (camera shake,
missed focus), a warning; wider than `soft_edge_width`: possibly soft, for information. A photo
with too little detail to judge (a plain wall, a dark frame: less than `min_detail` of it on a
clear edge) gets no verdict, nor does one whose pixels could not be read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediacheck.checks import EventFacts, Problem

ID = "photo-sharpness"
NEEDS = ("pixels",)
OPTIONS = {"blurred_edge_width": float, "soft_edge_width": float, "min_detail": float}
MESSAGES = ("blurred", "soft")


def judged(pixels: Any, options: dict[str, Any]) -> bool:
    """Whether the photo has a verdict at all (enough detail to measure its edges)."""
    return pixels is not None and pixels.sharpness > 0 and pixels.detail >= options["min_detail"]


def annotate(event: EventFacts, options: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`sharpness_judged` on each analysed photo's row: a report calls a photo sharp only
    when this check judged it, not for a plain wall it could not judge."""
    return {f.path: {"sharpness_judged": judged(f.pixels, options)}
            for f in event.photos() if f.pixels is not None}


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    for f in event.photos():
        pixels = f.pixels
        if not judged(pixels, options):
            continue
        params = {"file": f.path, "edge_width": f"{pixels.edge_width:.1f}",
                  "sharpness": pixels.sharpness}
        if pixels.edge_width >= options["blurred_edge_width"]:
            yield Problem("blurred", f.path, params)
        elif pixels.edge_width >= options["soft_edge_width"]:
            yield Problem("soft", f.path, params)
