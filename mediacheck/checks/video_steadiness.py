"""`video-steadiness` — Phụ lục 2 §4: "use a tripod to avoid shaking".

The motion pass measures how much the camera shakes in each scene: the jitter left once the
camera's intended movement (a pan, a slow sway, a zoom) is smoothed away, in percent of the
picture's diagonal, so it means the same at 720p and at 4K. A scene above `shaky_above` is
shaky (warning); above `handheld_above` it was filmed hand-held (information: acceptable, a
tripod is better). Scenes shorter than `min_scene_seconds` are not judged. Without the motion
facts (`--quick`) this check says nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediacheck.checks import EventFacts, Problem
from mediacheck.checks.video_scenes import clock

ID = "video-steadiness"
NEEDS = ("motion",)
OPTIONS = {"handheld_above": float, "shaky_above": float, "min_scene_seconds": float}
MESSAGES = ("shaky", "handheld")


def shake_class(shake: float | None, options: dict[str, Any]) -> str:
    """steady, handheld or shaky, by the profile's thresholds (None: too short to measure)."""
    if shake is not None and shake > options["shaky_above"]:
        return "shaky"
    if shake is not None and shake > options["handheld_above"]:
        return "handheld"
    return "steady"


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    for f in event.videos():
        if f.motion is None:
            continue
        for scene in f.motion.scenes:
            if scene["end"] - scene["start"] < options["min_scene_seconds"]:
                continue
            kind = shake_class(scene["shake"], options)
            if kind != "steady":
                yield Problem(kind, f.path, {
                    "file": f.path, "start": clock(scene["start"]), "end": clock(scene["end"]),
                    "shake": f"{scene['shake']:.2f}"})
