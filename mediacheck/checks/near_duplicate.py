"""`near-duplicate` — Phụ lục 2 §4: the material is selected ("chọn lọc"), not every frame.

Phones shoot bursts, and a teacher often sends the same moment five times. Two photos are the
same shot when their perceptual hashes (64-bit DCT hash of the picture) differ in at most
`max_distance` bits, or, when their capture times (EXIF DateTimeOriginal) are at most
`burst_seconds` apart, in at most `burst_max_distance` bits (a burst: the people moved a little).
Shots that chain together form one group; the photo kept is the sharpest, then the largest,
then the one with the shortest name, and each other member gets a finding naming it
(`details.same_as`).

Exact copies (the same bytes, equal sha256) are the `duplicate` check's: a copy is left out
here altogether, its original stands for it, so no file is reported twice for one reason.
Photos whose pixels could not be read are left out too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from mediacheck.checks import EventFacts, Problem
from mediacheck.probe.facts import FileFacts
from mediacheck.probe.pixels import hash_distance

ID = "near-duplicate"
NEEDS = ("pixels",)
OPTIONS = {"max_distance": int, "burst_seconds": float, "burst_max_distance": int}
MESSAGES = ("burst", "similar")


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    photos = _distinct_photos(event)
    for group in _groups(photos, options):
        kept = min(group, key=_keep_order)
        for member in sorted(group, key=lambda f: f.path):
            if member is kept:
                continue
            seconds = _seconds_apart(member, kept)
            burst = seconds is not None and seconds <= options["burst_seconds"]
            yield Problem("burst" if burst else "similar", member.path, {
                "file": member.path, "same_as": kept.path, "kept": kept.path,
                "group_size": len(group),
                "distance": hash_distance(member.pixels.phash, kept.pixels.phash),
                "seconds": "" if seconds is None else f"{seconds:g}"})


def _distinct_photos(event: EventFacts) -> list[FileFacts]:
    """Photos with a hash, one per content: `duplicate` keeps the shortest name of a copy."""
    seen: set[str] = set()
    out = []
    for f in sorted(event.photos(), key=lambda f: (len(f.path), f.path)):
        if f.pixels is None or not f.pixels.phash:
            continue
        if f.sha256 is not None:
            if f.sha256 in seen:
                continue
            seen.add(f.sha256)
        out.append(f)
    return out


def _groups(photos: list[FileFacts], options: dict[str, Any]) -> list[list[FileFacts]]:
    """Connected groups of same-shot pairs (union-find over all pairs: events hold tens to a
    few hundred photos, and 64-bit XORs are cheap)."""
    parent = list(range(len(photos)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(photos):
        for j in range(i + 1, len(photos)):
            if _same_shot(a, photos[j], options):
                parent[root(j)] = root(i)
    groups: dict[int, list[FileFacts]] = {}
    for i, f in enumerate(photos):
        groups.setdefault(root(i), []).append(f)
    return [g for g in groups.values() if len(g) > 1]


def _same_shot(a: FileFacts, b: FileFacts, options: dict[str, Any]) -> bool:
    distance = hash_distance(a.pixels.phash, b.pixels.phash)
    if distance <= options["max_distance"]:
        return True
    seconds = _seconds_apart(a, b)
    return (seconds is not None and seconds <= options["burst_seconds"]
            and distance <= options["burst_max_distance"])


def _seconds_apart(a: FileFacts, b: FileFacts) -> float | None:
    first, second = _taken(a), _taken(b)
    if first is None or second is None:
        return None
    return abs((first - second).total_seconds())


def _taken(f: FileFacts) -> datetime | None:
    text = f.photo.datetime_original if f.photo is not None else None
    if not text:
        return None
    try:
        return datetime.fromisoformat(text[:19])
    except ValueError:
        return None


def _keep_order(f: FileFacts) -> tuple[float, int, int, str]:
    """Smallest is kept: sharpest, then most pixels, then the shortest (then first) name."""
    sharpness = f.pixels.sharpness if f.pixels is not None else 0.0
    size = (f.photo.width or 0) * (f.photo.height or 0) if f.photo is not None else 0
    return (-sharpness, -size, len(f.path), f.path)
