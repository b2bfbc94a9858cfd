"""`drone` — Phụ lục 2 §4: units are encouraged to film, especially with a drone (flycam).

Drone footage and photos are recognised from their metadata (the maker in EXIF or in the MP4's
tags, DJI's XMP block, DJI's file names) or from the flight telemetry (.SRT) a DJI drone writes
beside each clip, and the report thanks the school for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from mediacheck.checks import EventFacts, Problem
from mediacheck.probe.facts import FileFacts

ID = "drone"
OPTIONS = {"makes": list, "name_patterns": list, "xmp_prefixes": list}
MESSAGES = ("drone",)


def drone_signal(f: FileFacts, telemetry_stems: set[str], options: dict[str, Any]) -> str | None:
    """Why this file looks like drone footage, or None."""
    meta = f.photo or f.video
    makes = {m.casefold() for m in options["makes"]}
    if meta is not None and meta.make and meta.make.strip().casefold() in makes:
        return f"Make={meta.make}"
    if f.photo is not None:
        prefixes = tuple(options["xmp_prefixes"])
        tag = next((t for t in f.photo.xmp_tags if t.startswith(prefixes)), None)
        if tag:
            return f"XMP {tag.split(':')[0]}"
    name = f.path.rsplit("/", 1)[-1]
    if f.path.rsplit(".", 1)[0].casefold() in telemetry_stems:
        return "SRT telemetry"
    for pattern in options["name_patterns"]:
        if re.search(pattern, name):
            return name
    return None


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    stems = {f.path.rsplit(".", 1)[0].casefold() for f in event.files
             if f.kind == "sidecar" and f.content == "drone-telemetry"}
    for f in event.photos() + event.videos():
        signal = drone_signal(f, stems, options)
        if signal:
            yield Problem("drone", f.path, {"file": f.path, "signal": signal})
