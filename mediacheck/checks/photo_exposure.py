"""`photo-exposure` — Phụ lục 2 §1: photos of good quality, so neither washed out nor dark.

From the picture's brightness (luma) histogram at the analysis size:
- over-exposed: more than `max_clipped_white` of the frame blown out to pure white (all three
  channels at 250+, so a bright yellow or red banner is not counted) and the middle of the
  histogram (median luma) at least `over_min_median` (a white overcast sky over a normally
  exposed yard is not over-exposure; a washed-out yard is);
- under-exposed: the middle of the histogram (median luma) at most `under_max_median` and even
  its brightest 1 % at most `under_max_bright` (a night ceremony with lit faces and a lit stage
  has bright parts and passes);
- backlit: where faces were found, their median luma below `backlit_ratio` of the background's,
  against a background at least `backlit_min_background` bright (people before a window or the
  sun: the faces come out dark).
One finding per photo, the most specific first: backlit (the faces are the problem, whatever
the background does), then over-, then under-exposed. A photo whose pixels could not be read
gets no verdict.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediacheck.checks import EventFacts, Problem

ID = "photo-exposure"
NEEDS = ("pixels",)
OPTIONS = {
    "max_clipped_white": float,
    "over_min_median": float,
    "under_max_median": float,
    "under_max_bright": float,
    "backlit_ratio": float,
    "backlit_min_background": float,
}
MESSAGES = ("over-exposed", "under-exposed", "backlit")


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    for f in event.photos():
        pixels = f.pixels
        if pixels is None or not pixels.analysed_width:
            continue
        if _backlit(pixels, options):
            yield Problem("backlit", f.path, {
                "file": f.path, "face": f"{pixels.face_luma:.0f}",
                "background": f"{pixels.background_luma:.0f}", "faces": pixels.face_count})
        elif (pixels.clipped_white > options["max_clipped_white"]
                and pixels.median_luma >= options["over_min_median"]):
            yield Problem("over-exposed", f.path, {
                "file": f.path, "percent": f"{pixels.clipped_white * 100:.0f}",
                "max_percent": f"{options['max_clipped_white'] * 100:.0f}"})
        elif (pixels.median_luma <= options["under_max_median"]
              and pixels.bright_p99 <= options["under_max_bright"]):
            yield Problem("under-exposed", f.path, {
                "file": f.path, "median": f"{pixels.median_luma:.0f}",
                "bright": f"{pixels.bright_p99:.0f}"})


def _backlit(pixels: Any, options: dict[str, Any]) -> bool:
    if pixels.face_luma is None or pixels.background_luma is None:
        return False
    return (pixels.background_luma >= options["backlit_min_background"]
            and pixels.face_luma < options["backlit_ratio"] * pixels.background_luma)
