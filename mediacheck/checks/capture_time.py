"""`capture-time` — Phụ lục 2 §2, 5WH "When": when were the photos and videos taken?

The capture time must be present, not in the future, not a camera's unset-clock default
(1970-01-01, 2000-01-01 00:00 and the like: the clock was never set, so the date says nothing),
not all zeroes (`0000:00:00 00:00:00`, a reset or rewritten field), and all media of one event
fall within a short window (`max_span_hours`). A photo's missing DateTimeOriginal is already an
error of `photo-original`, so `missing` here is about videos; a zeroed one is both checks' concern
and `photo-original` folds it into its finding (its `fold` option). A photo whose capture time is
later than the time its file was last written (EXIF DateTime, by more than
`capture_after_modify_hours`) has a clock or a field that was changed: a weak sign, info.
Video times are stored in UTC; `video_utc_offset_hours` turns them into local time (Vietnam: 7).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

from mediacheck.checks import EventFacts, Problem
from mediacheck.probe.facts import FileFacts

ID = "capture-time"
OPTIONS = {
    "max_span_hours": float,
    "future_tolerance_hours": float,
    "unset_clock_times": list,
    "video_utc_offset_hours": float,
    "capture_after_modify_hours": float,
}
MESSAGES = ("missing", "future", "unset-clock", "zero-time", "after-modify", "span")
ZERO_TIME = re.compile(r"^[0\s:.\-T]*0[0\s:.\-TZ]*$")


def is_zero_time(text: str | None) -> bool:
    """A time field written as all zeroes ('0000:00:00 00:00:00'): reset, not a date."""
    return bool(text) and ZERO_TIME.match(text) is not None


def parse_time(text: str | None, utc_offset_hours: float) -> datetime | None:
    """A naive local time from EXIF ('2023-09-05T07:30:00') or MP4 ('...Z', '+0300') text."""
    if not text:
        return None
    cleaned = text.strip().replace("Z", "+00:00")
    if len(cleaned) >= 5 and cleaned[-5] in "+-" and cleaned[-3] != ":":
        cleaned = cleaned[:-2] + ":" + cleaned[-2:]
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        local = timezone(timedelta(hours=utc_offset_hours))
        moment = moment.astimezone(local).replace(tzinfo=None)
    return moment


def media_time(f: FileFacts, options: dict[str, Any]) -> tuple[str | None, datetime | None]:
    """The capture time as written (a photo's text even when it is not a date) and parsed."""
    if f.photo is not None:
        raw = f.photo.datetime_original or f.photo.datetime_original_text
    else:
        raw = f.video.creation_time if f.video else None
    return raw, parse_time(raw, options["video_utc_offset_hours"])


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    good: list[tuple[datetime, str]] = []
    limit = event.now + timedelta(hours=options["future_tolerance_hours"])
    for f in event.photos() + event.videos():
        raw, moment = media_time(f, options)
        if moment is None:
            if is_zero_time(raw):
                yield Problem("zero-time", f.path, {"file": f.path, "written": raw})
            elif f.video is not None:
                yield Problem("missing", f.path, {"file": f.path})
            continue
        iso = moment.isoformat()
        if any(iso.startswith(prefix) for prefix in options["unset_clock_times"]):
            yield Problem("unset-clock", f.path, {"file": f.path, "time": _show(moment)})
        elif moment > limit:
            yield Problem("future", f.path, {"file": f.path, "time": _show(moment)})
        else:
            good.append((moment, f.path))
            yield from _after_modify(f, moment, options)
    if len(good) >= 2:
        good.sort()
        seconds = (good[-1][0] - good[0][0]).total_seconds()
        if seconds > options["max_span_hours"] * 3600:
            yield Problem("span", None, {
                "seconds": seconds, "hours": seconds / 3600, "days": seconds / 86400,
                "max_hours": options["max_span_hours"],
                "first": good[0][1], "first_time": _show(good[0][0]),
                "last": good[-1][1], "last_time": _show(good[-1][0])})


def _after_modify(f: FileFacts, moment: datetime, options: dict[str, Any]) -> Iterator[Problem]:
    """Taken after the file was last written: the camera's clock or the field was changed."""
    saved = parse_time(f.photo.modify_date if f.photo else None, 0.0)
    if saved is None:
        return
    seconds = (moment - saved).total_seconds()
    if seconds > options["capture_after_modify_hours"] * 3600:
        yield Problem("after-modify", f.path, {
            "file": f.path, "time": _show(moment), "modify_time": _show(saved),
            "seconds": seconds})


def _show(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y %H:%M")
