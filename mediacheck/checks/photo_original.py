"""`photo-original` — Phụ lục 2 §1: the photos sent must be the ORIGINAL photos.

An original straight from a camera or phone carries its EXIF: the camera's Make or Model and the
moment it was taken (DateTimeOriginal; some devices keep it in their own maker block, which is
read too), and a pixel size that agrees with what the camera wrote. A copy that went through an
editor (Photoshop, Lightroom, GIMP, Snapseed, noise-reduction tools, RAW converters, ...), a
desktop viewer that saved it again (Windows Photo Gallery, the Photos app: it re-encodes), a chat
or social app (Zalo, Facebook, Messenger, WhatsApp, Telegram, Viber), or a screenshot loses or
changes these. The program named in Software or XMP CreatorTool is classified with the profile's
lists, first match wins: a transfer tool (`Nikon Transfer`, it keeps the camera's bytes), an
editor, a viewer that re-saved, a firmware version (`I9505XXUGNG8`, `14.4.2`, `Ver.1.00`);
only editors and viewers are signals.

Every sign is its own signal (`details.key`); a photo gets one finding, the profile's `fold`
option folding its signals, and those `photo-format`, `photo-resolution` and
`capture-time` see in the same photo, into it (`details.signals` keeps them all). An EXIF size
of 0x0 is a rewritten field; the size in XMP counts like the one in EXIF; a lossless 90°
rotation may trim up to one JPEG block (8 or 16 px) per side, which is not a crop. A
ModifyDate long after the capture is a weak sign (info by default).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from typing import Any

from mediacheck.checks import EventFacts, Problem
from mediacheck.checks.capture_time import is_zero_time
from mediacheck.probe.facts import FileFacts, PhotoFacts

ID = "photo-original"
OPTIONS = {
    "fold": list,
    "transfer_tools": list,
    "editors": list,
    "viewers": list,
    "firmware_patterns": list,
    "chat_name_patterns": list,
    "screenshot_name_patterns": list,
    "screenshot_comments": list,
    "ignored_app13_resources": list,
    "xmp_edit_tags": list,
    "size_tolerance_pixels": int,
    "rotation_trim_pixels": int,
    "modified_after_capture_days": float,
}
MESSAGES = (
    "no-exif", "no-camera", "no-datetime", "editor", "viewer-resave", "chat-copy", "screenshot",
    "fbmd", "photoshop-block", "xmp-history", "size-mismatch", "size-differs", "size-zeroed",
    "modified-later",
)


@lru_cache(maxsize=64)
def _word_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(t) for t in terms) or "(?!)"
    return re.compile(rf"(?<![a-z0-9])(?:{alternatives})(?![a-z0-9])", re.IGNORECASE)


@lru_cache(maxsize=64)
def _any_pattern(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns) or "(?!)", re.IGNORECASE)


@lru_cache(maxsize=64)
def _named_patterns(entries: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Entries are 'App: regex'; the app name is what the message shows."""
    out = []
    for entry in entries:
        app, _, pattern = entry.partition(":")
        out.append((app.strip(), re.compile(pattern.strip(), re.IGNORECASE)))
    return tuple(out)


def classify_software(value: str | None, options: dict[str, Any]) -> str | None:
    """What the program named in Software/CreatorTool did: "transfer", "editor", "viewer",
    "firmware" or "unknown" (None without a value). Lists from the profile, first match wins:
    a transfer tool keeps the bytes, so it is named before the editors it might resemble."""
    if not value:
        return None
    for kind, option in (("transfer", "transfer_tools"), ("editor", "editors"),
                         ("viewer", "viewers")):
        if _word_pattern(tuple(options[option])).search(value):
            return kind
    if _any_pattern(tuple(options["firmware_patterns"])).search(value.strip()):
        return "firmware"
    return "unknown"


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    for f in event.photos():
        yield from check_photo(f, options)


def check_photo(f: FileFacts, options: dict[str, Any]) -> Iterator[Problem]:
    """Every signal for one photo, strongest first: the engine folds them into one finding."""
    photo = f.photo
    assert photo is not None
    name = f.path.rsplit("/", 1)[-1]
    base = {"file": f.path}
    yield from _name_signals(name, f.path, base, options)
    if photo.user_comment and _word_pattern(tuple(options["screenshot_comments"])).search(
            photo.user_comment):
        yield Problem("screenshot", f.path, {**base, "signal": f"UserComment={photo.user_comment}"},
                      signal_key="screenshot-comment")
    if photo.fbmd:
        yield Problem("fbmd", f.path, {**base, "app": "Facebook", "signal": "IPTC FBMD"})
    yield from _software_signals(photo, f.path, base, options)
    yield from _size_signals(photo, f.path, base, options)
    yield from _exif_signals(photo, f.path, base)
    yield from _modify_signals(photo, f.path, base, options)


def _name_signals(name: str, path: str, base: dict[str, Any], options: dict[str, Any]
                  ) -> Iterator[Problem]:
    for _app, pattern in _named_patterns(tuple(options["screenshot_name_patterns"])):
        if pattern.search(name):
            yield Problem("screenshot", path, {**base, "signal": name},
                          signal_key="screenshot-name")
            break
    for app, pattern in _named_patterns(tuple(options["chat_name_patterns"])):
        if pattern.search(name):
            yield Problem("chat-copy", path, {**base, "app": app, "signal": name},
                          signal_key="chat-name")
            break


def _software_signals(photo: PhotoFacts, path: str, base: dict[str, Any],
                      options: dict[str, Any]) -> Iterator[Problem]:
    """The program named in Software or XMP CreatorTool, then what editors leave behind:
    Photoshop's APP13 resources and an XMP editing history (with the program that saved it)."""
    for tag, value in (("Software", photo.software), ("XMP CreatorTool", photo.xmp_creator_tool)):
        kind = classify_software(value, options)
        if kind in ("editor", "viewer"):
            key = "editor" if kind == "editor" else "viewer-resave"
            where = "software" if tag == "Software" else "creator-tool"
            yield Problem(key, path, {**base, "software": value, "software_class": kind,
                                      "signal": f"{tag}={value}"},
                          signal_key=f"{kind}-{where}")
            break
    ignored = {int(i) for i in options["ignored_app13_resources"]}
    foreign = [r for r in photo.app13_resources if r not in ignored]
    if foreign:
        shown = ", ".join(f"0x{r:04X}" for r in foreign[:5])
        yield Problem("photoshop-block", path, {**base, "software": "Photoshop",
                                                "signal": f"APP13 8BIM {shown}"})
    history = sorted(set(photo.xmp_tags) & set(options["xmp_edit_tags"]))
    if history:
        params = {**base, "signal": "XMP " + ", ".join(history)}
        if photo.xmp_history_agent:
            params["software"] = photo.xmp_history_agent
        yield Problem("editor" if photo.xmp_history_agent else "xmp-history", path, params,
                      signal_key="xmp-history")


def _size_signals(photo: PhotoFacts, path: str, base: dict[str, Any], options: dict[str, Any]
                  ) -> Iterator[Problem]:
    """The size the camera (EXIF) or a program (XMP) wrote against the real one."""
    if not (photo.width and photo.height):
        return
    real = (photo.width, photo.height)
    if photo.exif_width == 0 or photo.exif_height == 0:
        yield Problem("size-zeroed", path, {
            **base, "exif_width": photo.exif_width or 0, "exif_height": photo.exif_height or 0,
            "signal": f"EXIF {photo.exif_width or 0}x{photo.exif_height or 0}"},
            signal_key="exif-size-zero")
    written = []
    if photo.exif_width and photo.exif_height:
        written.append(("EXIF", "exif-size-mismatch", (photo.exif_width, photo.exif_height)))
    for tag, (w, h) in photo.xmp_sizes.items():
        written.append((f"XMP {tag}", "xmp-size-mismatch", (w, h)))
    for source, signal, said in written:
        if sizes_agree(real, said, options["size_tolerance_pixels"],
                       options["rotation_trim_pixels"]):
            continue
        smaller = real[0] * real[1] < said[0] * said[1]
        yield Problem("size-mismatch" if smaller else "size-differs", path, {
            **base, "width": real[0], "height": real[1], "written_width": said[0],
            "written_height": said[1], "source": source,
            "signal": f"{source} {said[0]}x{said[1]} ≠ {real[0]}x{real[1]}"}, signal_key=signal)
        return  # one disagreement says it; the rest would repeat it


def sizes_agree(real: tuple[int, int], said: tuple[int, int], tolerance: int, trim: int) -> bool:
    """The real size is the written one (within `tolerance`), either way round; or the written
    one turned 90° with up to `trim` pixels cut per side, as a lossless JPEG rotation drops the
    last partial block (MCU) of a row or column: that is not a crop."""
    swapped = (said[1], said[0])
    if _close(real, said, tolerance) or _close(real, swapped, tolerance):
        return True
    return all(0 <= s - r <= trim for r, s in zip(real, swapped, strict=True))


def _close(a: tuple[int, int], b: tuple[int, int], tolerance: int) -> bool:
    return abs(a[0] - b[0]) <= tolerance and abs(a[1] - b[1]) <= tolerance


def _exif_signals(photo: PhotoFacts, path: str, base: dict[str, Any]) -> Iterator[Problem]:
    if not photo.has_exif:
        yield Problem("no-exif", path, {**base, "signal": "EXIF"})
        return
    if not (photo.make or photo.model):
        yield Problem("no-camera", path, {**base, "signal": "Make/Model"})
    if not photo.datetime_original:
        written = photo.datetime_original_text
        if written is None:
            signal, shown = "no-datetime", "DateTimeOriginal"
        elif is_zero_time(written):
            signal, shown = "zero-datetime", f"DateTimeOriginal={written}"
        else:
            signal, shown = "bad-datetime", f"DateTimeOriginal={written}"
        yield Problem("no-datetime", path, {**base, "written": written, "signal": shown},
                      signal_key=signal)


def _modify_signals(photo: PhotoFacts, path: str, base: dict[str, Any], options: dict[str, Any]
                    ) -> Iterator[Problem]:
    """A file written again long after the capture (EXIF DateTime, 0x0132): a weak sign."""
    if not (photo.datetime_original and photo.modify_date):
        return
    try:
        taken = datetime.fromisoformat(photo.datetime_original)
        saved = datetime.fromisoformat(photo.modify_date)
    except ValueError:
        return
    seconds = (saved - taken).total_seconds()
    if seconds > options["modified_after_capture_days"] * 86400:
        yield Problem("modified-later", path, {
            **base, "seconds": seconds, "days": seconds / 86400,
            "capture_time": taken.strftime("%d/%m/%Y"), "modify_time": saved.strftime("%d/%m/%Y"),
            "signal": f"DateTime={photo.modify_date} > DateTimeOriginal={photo.datetime_original}"})
