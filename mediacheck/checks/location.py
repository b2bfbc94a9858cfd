"""`location` — Phụ lục 2 §2, 5WH "Where": where was the event?

Media with GPS positions show where the event took place; a folder without any position gets a
note (many schools switch location off, so it is information, not a fault). Positions far from
the others (more than `max_spread_km` from their median) suggest a photo of another event.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from statistics import median
from typing import Any

from mediacheck.checks import EventFacts, Problem

ID = "location"
OPTIONS = {"max_spread_km": float}
MESSAGES = ("missing", "spread")
EARTH_RADIUS_KM = 6371.0


def distance_km(a: list[float], b: list[float]) -> float:
    """Great-circle distance between two (lat, lon) points in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    media = event.photos() + event.videos()
    placed = [(f.path, (f.photo or f.video).gps) for f in media if (f.photo or f.video).gps]
    if not media:
        return
    if not placed:
        yield Problem("missing", None, {"count": len(media)})
        return
    centre = [median(p[1][0] for p in placed), median(p[1][1] for p in placed)]
    for path, point in placed:
        km = distance_km(centre, point)
        if km > options["max_spread_km"]:
            yield Problem("spread", path, {
                "file": path, "km": f"{km:.0f}", "max_km": f"{options['max_spread_km']:g}"})
