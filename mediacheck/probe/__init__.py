"""Gather the facts of each file once: what it really is, and its photo or video metadata."""

from __future__ import annotations

import errno
import re

from mediacheck.probe.facts import FileFacts, PhotoFacts, VideoFacts
from mediacheck.probe.sniff import IMAGE_TYPES, VIDEO_TYPES, sniff
from mediacheck.scan import MediaFile

__all__ = ["FileFacts", "PhotoFacts", "VideoFacts", "probe"]
HEAD_BYTES = 512
TELEMETRY = re.compile(rb"GPS ?\(|\[latitude|HOME ?\(|SrtCnt|FrameCnt|F\.PRY")


def probe(media: MediaFile) -> FileFacts:
    """Facts of one file. Never raises: whatever goes wrong becomes `unreadable` with a reason."""
    facts = FileFacts(path=media.rel, kind=media.kind, size=media.size, stages={"meta"})
    if media.problem:
        facts.unreadable, facts.unreadable_detail = media.problem, media.problem_detail
        return facts
    if media.kind == "sidecar":
        facts.content = _sidecar_content(media)
    if media.kind not in ("photo", "video"):
        return facts
    if media.size == 0:
        facts.unreadable, facts.content = "empty", "empty"
        return facts
    try:
        with media.open() as fh:
            _probe_open(fh, media, facts)
    except OSError as exc:
        facts.unreadable = "permission" if exc.errno in (errno.EACCES, errno.EPERM) else "os-error"
        facts.unreadable_detail = exc.strerror or str(exc)
    except Exception as exc:  # noqa: BLE001 - a probe must never stop the run
        facts.unreadable, facts.unreadable_detail = "corrupt", f"{type(exc).__name__}: {exc}"[:200]
    return facts


def _sidecar_content(media: MediaFile) -> str | None:
    """A DJI drone writes flight telemetry (.SRT) beside each clip; recognise it by its lines."""
    try:
        with media.open() as fh:
            head = fh.read(2048)
    except OSError:
        return None
    return "drone-telemetry" if TELEMETRY.search(head) else "text"


def _probe_open(fh, media: MediaFile, facts: FileFacts) -> None:
    from mediacheck.probe.photo import PhotoUnreadable, probe_photo
    from mediacheck.probe.video import VideoUnreadable, probe_video

    head = fh.read(HEAD_BYTES)
    facts.content = sniff(head)
    if media.kind == "photo":
        if facts.content not in IMAGE_TYPES:
            facts.unreadable = "not-media"
            return
        try:
            facts.photo = probe_photo(fh, media.size, facts.content)
        except PhotoUnreadable as exc:
            facts.unreadable, facts.unreadable_detail = exc.reason, exc.detail
    else:
        if facts.content not in VIDEO_TYPES:
            facts.unreadable = "not-media"
            return
        try:
            facts.video = probe_video(fh, media.size, facts.content, media.fs_path)
        except VideoUnreadable as exc:
            facts.unreadable, facts.unreadable_detail = exc.reason, exc.detail
