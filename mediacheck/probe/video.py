"""Read a video's facts: container brands, streams, duration, rotation, camera tags.

An MP4/MOV (what phones and cameras write) is read by our own box reader: brands, rotation and
truncation from the top-level boxes (`bmff.py`), streams and tags from the `moov` bytes it
already holds (`mp4meta.py`), so the index is read once and no decoder library is loaded. Other
containers (AVI, MKV, MTS ...) and anything the reader does not recognise go to PyAV, which opens
a file in about 3 ms where an ffprobe process costs about 70 ms, and whose wheels bundle FFmpeg's
libraries, so a teacher on Windows installs nothing else. Frames are never decoded here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import BinaryIO

from mediacheck.probe.bmff import read_boxes
from mediacheck.probe.facts import VideoFacts

ISO6709 = re.compile(r"([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)")
MAKE_KEYS = ("com.apple.quicktime.make", "make", "com.android.manufacturer", "manufacturer")
MODEL_KEYS = ("com.apple.quicktime.model", "model", "com.android.model")
SOFTWARE_KEYS = ("com.apple.quicktime.software", "software", "com.android.version", "encoder")
TIME_KEYS = ("com.apple.quicktime.creationdate", "creation_time", "date")
LOCATION_KEYS = ("com.apple.quicktime.location.ISO6709", "location", "location-eng")


class VideoUnreadable(Exception):
    """The video cannot be read; `reason` is a file-unreadable message key."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail


def probe_video(fh: BinaryIO, size: int, content: str, fs_path: Path | None) -> VideoFacts:
    """Gather a video's facts; raise VideoUnreadable for a file no player could open."""
    facts = VideoFacts(container=content)
    if content == "iso-bmff":
        boxes = read_boxes(fh, size)
        facts.major_brand = boxes.major_brand
        facts.compatible_brands = boxes.compatible_brands
        facts.rotation = boxes.rotation
        if not boxes.has_moov:
            raise VideoUnreadable("no-moov", "the index ('moov' box) is missing")
        if boxes.truncated:
            raise VideoUnreadable("truncated", "a box runs past the end of the file")
        if boxes.moov is not None and _read_moov(boxes.moov, size, facts):
            return facts
    _read_streams(fh, fs_path, facts, quick=content == "iso-bmff")
    if facts.width is None and content == "iso-bmff":
        _read_streams(fh, fs_path, facts, quick=False)
    return facts


def open_container(fh: BinaryIO, fs_path: Path | None, quick: bool):
    """Open by path where we can (faster); 'file:' keeps a name like 'concat:x' a plain file.

    An MP4/MOV describes its streams in the `moov` box, so FFmpeg need not decode any frame
    to learn them (`quick`): that takes the open from ~30 ms to under 1 ms on large clips.
    """
    import av

    options = {"probesize": "32", "analyzeduration": "0"} if quick else {}
    if fs_path is not None:
        try:
            return av.open("file:" + str(fs_path.resolve()), options=options,
                           metadata_errors="replace")
        except UnicodeEncodeError:
            pass
    fh.seek(0)
    return av.open(fh, options=options, metadata_errors="replace")


def _read_streams(fh: BinaryIO, fs_path: Path | None, facts: VideoFacts, quick: bool) -> None:
    import av

    try:
        container = open_container(fh, fs_path, quick)
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise VideoUnreadable("corrupt", str(exc)[:200]) from exc
    with container:
        video = next(iter(container.streams.video), None)
        audio = next(iter(container.streams.audio), None)
        if video is None:
            raise VideoUnreadable("no-video-stream", "the file holds no video picture")
        ctx = video.codec_context
        facts.video_codec = ctx.name
        facts.width, facts.height = ctx.width or None, ctx.height or None
        facts.pixel_format = ctx.format.name if ctx.format is not None else None
        facts.audio_codec = _codec_name(audio.codec_context.name) if audio is not None else None
        rate = video.average_rate or video.guessed_rate
        facts.fps = round(float(rate), 3) if rate else None
        facts.duration = _duration(container, video)
        facts.bit_rate = container.bit_rate or None
        tags = {**{k: v for s in container.streams for k, v in s.metadata.items()},
                **container.metadata}
        facts.handlers = sorted(
            {_printable(s.metadata.get("handler_name", "")) for s in container.streams} - {""})
        _tags_to_facts(tags, facts)


def _read_moov(moov: bytes, size: int, facts: VideoFacts) -> bool:
    """Fill the stream facts from the `moov` bytes; False when FFmpeg should judge instead."""
    from mediacheck.probe.mp4meta import Unrecognised, read_movie

    try:
        movie = read_movie(moov)
    except Unrecognised:
        return False
    video, audio = movie.first(b"vide"), movie.first(b"soun")
    if video is None:
        raise VideoUnreadable("no-video-stream", "the file holds no video picture")
    if not video.width or not video.height or not video.timescale:
        return False
    facts.video_codec = video.codec
    facts.width, facts.height = video.width, video.height
    facts.pixel_format = video.pixel_format
    facts.audio_codec = audio.codec if audio is not None else None
    seconds = video.duration / video.timescale if video.duration else None
    if seconds is None and movie.timescale and movie.duration:
        seconds = movie.duration / movie.timescale
    facts.duration = round(seconds, 3) if seconds else None
    frames = video.samples
    facts.fps = round(frames / (video.frame_ticks / video.timescale), 3) if (
        frames and video.frame_ticks) else None
    whole = movie.duration / movie.timescale if movie.timescale and movie.duration else seconds
    facts.bit_rate = int(size * 8 / whole) if whole else None
    tags = {**{k: v for t in movie.tracks for k, v in t.tags.items()}, **movie.tags}
    facts.handlers = sorted({_printable(t.handler_name) for t in movie.tracks} - {""})
    _tags_to_facts(tags, facts)
    return True


def _tags_to_facts(tags: dict[str, str], facts: VideoFacts) -> None:
    facts.make = _first(tags, MAKE_KEYS)
    facts.model = _first(tags, MODEL_KEYS)
    facts.software = _first(tags, SOFTWARE_KEYS)
    facts.creation_time = _first(tags, TIME_KEYS)
    facts.gps = _location(_first(tags, LOCATION_KEYS))


def _duration(container, video) -> float | None:
    """The picture's length: a container's duration also spans data tracks (a GoPro's GPMF
    telemetry runs a second longer than its video), so the video stream comes first."""
    if video.duration and video.time_base:
        return round(float(video.duration * video.time_base), 3)
    if container.duration:
        return round(container.duration / 1_000_000, 3)
    return None


def _first(tags: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = (tags.get(key) or "").strip()
        if value:
            return value
    return None


def _location(text: str | None) -> list[float] | None:
    """ISO 6709 ('+21.3856+103.0170/'); (0, 0) means the phone had no fix."""
    if not text:
        return None
    match = ISO6709.match(text.strip())
    if not match:
        return None
    lat, lon = float(match.group(1)), float(match.group(2))
    if abs(lat) < 1e-9 and abs(lon) < 1e-9:
        return None
    return [lat, lon]


def _codec_name(decoder: str) -> str:
    """FFmpeg names some decoders after their arithmetic ('mp3float', 'aac_fixed')."""
    for suffix in ("float", "_fixed", "_at"):
        if decoder.endswith(suffix):
            return decoder[: -len(suffix)]
    return decoder


def _printable(text: str) -> str:
    return "".join(ch for ch in text if ch.isprintable()).strip()
