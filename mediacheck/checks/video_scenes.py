"""`video-scenes` — Phụ lục 2 §4: each scene lasts 30 s to 1 min, from 1-2 camera angles.

A scene ("cảnh quay") is a stretch of video between two hard cuts, found in the pictures by the
motion pass (`mediacheck.probe.motion`). Each scene — not each clip — must last between the
bounds of `video-duration` (read from that check's table, so 30 and 60 are written once), with
its tolerance. A clip filmed from more than `max_angles` camera positions is a warning too.

A clip with cuts is judged here scene by scene, and `video-duration` leaves it alone; a clip
without a cut is one scene, which `video-duration` judges (and this check only when
`video-duration` is switched off): each clip is reported once, and `mediacheck fix
--split-scenes` still splits a long single take. Without the motion facts (`--quick`) this
check says nothing and `video-duration` judges whole clips. A clip whose decoding stopped
half-way gets a notice (its last scene is not judged, since its real end is unknown), and so
does one with damaged frames that decoding got past (its cuts there may be false). A video
whose pictures cannot be decoded at all is `file-unreadable`'s `analysis-failed`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediacheck.checks import EventFacts, Problem

ID = "video-scenes"
NEEDS = ("motion",)
OPTIONS = {"max_angles": int, "max_listed": int}
SHARED_OPTIONS = {
    "min_seconds": ("video-duration", "min_seconds"),
    "max_seconds": ("video-duration", "max_seconds"),
    "tolerance_seconds": ("video-duration", "tolerance_seconds"),
    "clips_judged": ("video-duration", "enabled"),
}
MESSAGES = ("scene-too-short", "scene-too-long", "too-many-angles", "incomplete", "damaged")


def clock(seconds: float) -> str:
    """Seconds as a player shows them: 0:07, 1:05, 1:02:03."""
    total = int(seconds + 0.5)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    for f in event.videos():
        motion = f.motion
        if motion is None:             # not analysed, or failed: file-unreadable says why
            continue
        base = {"file": f.path, "min": f"{options['min_seconds']:g}",
                "max": f"{options['max_seconds']:g}"}
        scenes = motion.scenes if motion.complete else motion.scenes[:-1]
        if len(motion.scenes) == 1 and options["clips_judged"]:
            scenes = []                    # one take: video-duration's
        short, long = _out_of_bounds(scenes, options)
        for key, found in (("scene-too-short", short), ("scene-too-long", long)):
            if found:
                yield Problem(key, f.path, {**base, "count": str(len(found)),
                                            "scenes": _listing(found, options["max_listed"])})
        if motion.angles > options["max_angles"]:
            yield Problem("too-many-angles", f.path, {**base, "angles": str(motion.angles),
                                                      "max_angles": str(options["max_angles"])})
        if not motion.complete:
            duration = f.video.duration
            yield Problem("incomplete", f.path, {
                **base, "until": clock(motion.analysed_until),
                "duration": clock(duration) if duration else "?",
                "detail": motion.error or ""})
        elif motion.damaged:
            yield Problem("damaged", f.path, {
                **base, "count": str(motion.damaged), "at": clock(motion.damaged_at or 0.0)})


def _out_of_bounds(scenes: list[dict[str, Any]], options: dict[str, Any]
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    tolerance = options["tolerance_seconds"]
    short = [s for s in scenes if s["end"] - s["start"] < options["min_seconds"] - tolerance]
    long = [s for s in scenes if s["end"] - s["start"] > options["max_seconds"] + tolerance]
    return short, long


def _listing(scenes: list[dict[str, Any]], limit: int) -> str:
    """'0:00–0:12 (12 s), 0:12–0:20 (8 s)…': the first `limit` scenes, the rest counted."""
    parts = [f"{clock(s['start'])}–{clock(s['end'])} ({int(s['end'] - s['start'] + 0.5)} s)"
             for s in scenes[:limit]]
    more = len(scenes) - limit
    return ", ".join(parts) + (f", … (+{more})" if more > 0 else "")
