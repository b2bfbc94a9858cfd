"""`photo-original` — Phụ lục 2 §1: the photos sent must be the ORIGINAL photos.

An original straight from a camera or phone carries its EXIF: the camera's Make or Model and the
moment it was taken (DateTimeOriginal), and a pixel size that agrees with what the camera wrote.
A copy that went through an editor (Photoshop, Lightroom, GIMP, Snapseed, PicsArt, Canva, Meitu,
...), a chat or social app (Zalo, Facebook, Messenger, WhatsApp, Telegram, Viber), or a screenshot
loses or changes these. Each finding names the signal it saw. A firmware version in the Software
tag (`I9505XXUGNG8`, `14.4.2`, `Ver.1.0`) or a transfer tool (`Nikon Transfer`) is not an editor.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from mediacheck.checks import EventFacts, Problem
from mediacheck.probe.facts import FileFacts, PhotoFacts

ID = "photo-original"
OPTIONS = {
    "editors": list,
    "chat_name_patterns": list,
    "screenshot_name_patterns": list,
    "screenshot_comments": list,
    "ignored_app13_resources": list,
    "xmp_edit_tags": list,
    "size_tolerance_pixels": int,
}
MESSAGES = (
    "no-exif", "no-camera", "no-datetime", "editor", "chat-copy", "screenshot", "fbmd",
    "photoshop-block", "xmp-history", "size-mismatch",
)


@lru_cache(maxsize=64)
def _word_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(t) for t in terms)
    return re.compile(rf"(?<![a-z0-9])(?:{alternatives})(?![a-z0-9])", re.IGNORECASE)


@lru_cache(maxsize=64)
def _named_patterns(entries: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Entries are 'App: regex'; the app name is what the message shows."""
    out = []
    for entry in entries:
        app, _, pattern = entry.partition(":")
        out.append((app.strip(), re.compile(pattern.strip(), re.IGNORECASE)))
    return tuple(out)


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    for f in event.photos():
        yield from check_photo(f, options)


def check_photo(f: FileFacts, options: dict[str, Any]) -> Iterator[Problem]:
    """All signals for one photo; each is its own problem so the report names every one."""
    photo = f.photo
    assert photo is not None
    name = f.path.rsplit("/", 1)[-1]
    base = {"file": f.path}
    yield from _name_signals(name, base, options)
    if photo.user_comment and _word_pattern(tuple(options["screenshot_comments"])).search(
            photo.user_comment):
        yield Problem("screenshot", f.path, {**base, "signal": f"UserComment={photo.user_comment}"})
    yield from _editor_signals(photo, base, options)
    if photo.fbmd:
        yield Problem("fbmd", f.path, {**base, "signal": "IPTC FBMD"})
    ignored = {int(i) for i in options["ignored_app13_resources"]}
    foreign = [r for r in photo.app13_resources if r not in ignored]
    if foreign:
        shown = ", ".join(f"0x{r:04X}" for r in foreign[:5])
        yield Problem("photoshop-block", f.path, {**base, "signal": f"APP13 8BIM {shown}"})
    history = sorted(set(photo.xmp_tags) & set(options["xmp_edit_tags"]))
    if history:
        yield Problem("xmp-history", f.path, {**base, "signal": "XMP " + ", ".join(history)})
    yield from _exif_signals(photo, base, f.path, options)


def _name_signals(name: str, base: dict[str, Any], options: dict[str, Any]) -> Iterator[Problem]:
    for app, pattern in _named_patterns(tuple(options["chat_name_patterns"])):
        if pattern.search(name):
            yield Problem("chat-copy", base["file"], {**base, "app": app, "signal": name})
            break
    for _app, pattern in _named_patterns(tuple(options["screenshot_name_patterns"])):
        if pattern.search(name):
            yield Problem("screenshot", base["file"], {**base, "signal": name})
            break


def _editor_signals(photo: PhotoFacts, base: dict[str, Any], options: dict[str, Any]
                    ) -> Iterator[Problem]:
    editors = _word_pattern(tuple(options["editors"]))
    for tag, value in (("Software", photo.software), ("XMP CreatorTool", photo.xmp_creator_tool)):
        if value and editors.search(value):
            yield Problem("editor", base["file"], {**base, "software": value,
                                                   "signal": f"{tag}={value}"})
            return


def _exif_signals(photo: PhotoFacts, base: dict[str, Any], path: str, options: dict[str, Any]
                  ) -> Iterator[Problem]:
    if not photo.has_exif or not (photo.make or photo.model or photo.datetime_original):
        key = "no-exif" if not photo.has_exif else "no-camera"
        yield Problem(key, path, {**base, "signal": "EXIF" if key == "no-exif" else "Make/Model"})
        return
    if not (photo.make or photo.model):
        yield Problem("no-camera", path, {**base, "signal": "Make/Model"})
    if not photo.datetime_original:
        yield Problem("no-datetime", path, {**base, "signal": "DateTimeOriginal"})
    if photo.exif_width and photo.exif_height and photo.width and photo.height:
        tol = options["size_tolerance_pixels"]
        real = (photo.width, photo.height)
        said = (photo.exif_width, photo.exif_height)
        if not (_close(real, said, tol) or _close(real, said[::-1], tol)):
            yield Problem("size-mismatch", path, {
                **base, "real": f"{real[0]}x{real[1]}", "exif": f"{said[0]}x{said[1]}",
                "signal": f"EXIF {said[0]}x{said[1]} ≠ {real[0]}x{real[1]}"})


def _close(a: tuple[int, int], b: tuple[int, int], tolerance: int) -> bool:
    return abs(a[0] - b[0]) <= tolerance and abs(a[1] - b[1]) <= tolerance
