"""`video-container` — Phụ lục 2 §4: videos are converted to the standard MP4 format.

Judged from the file's content, not its name: an ISO media file whose major or compatible brands
include an MP4 brand (isom, iso2-iso6, mp41, mp42, avc1, M4V) is MP4. QuickTime (brand `qt  `
only, what iPhones write as .MOV), 3GP-only brands, AVI, MKV, MTS, WMV and WebM are not, even
when renamed to `.mp4`. `mediacheck fix` converts them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediacheck.checks import EventFacts, Problem

ID = "video-container"
OPTIONS = {"mp4_brands": list}
MESSAGES = ("quicktime", "3gp", "not-mp4")
CONTAINER_NAMES = {
    "avi": "AVI", "matroska": "MKV", "webm": "WebM", "mpegts": "MPEG-TS", "mts": "AVCHD/MTS",
    "asf": "WMV/ASF", "flv": "FLV", "mpeg-ps": "MPEG-PS", "iso-bmff": "ISO",
}


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    mp4_brands = {b.ljust(4) for b in options["mp4_brands"]}
    for f in event.videos():
        v = f.video
        params = {"file": f.path}
        if v.container == "iso-bmff":
            brands = [b for b in [v.major_brand, *v.compatible_brands] if b]
            if {b.ljust(4) for b in brands} & mp4_brands:
                continue
            params["brands"] = ", ".join(b.strip() for b in brands) or "?"
            if v.major_brand == "qt  ":
                yield Problem("quicktime", f.path, {**params, "container": "QuickTime MOV"})
            elif brands and all(b.startswith("3g") for b in brands):
                yield Problem("3gp", f.path, {**params, "container": "3GP"})
            else:
                yield Problem("not-mp4", f.path, {**params, "container": "ISO " + params["brands"]})
        else:
            name = CONTAINER_NAMES.get(v.container or "", (v.container or "?").upper())
            yield Problem("not-mp4", f.path, {**params, "container": name, "brands": "-"})
