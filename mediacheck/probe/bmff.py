"""A small reader for ISO base media files (MP4, MOV, 3GP, HEIC): brands, boxes, rotation.

The container a video really is must be judged from its content, not its name, and the brands
are in the first bytes. Rotation is read from the track header's matrix, where all tools agree
on what is stored (they disagree only on the sign they print).
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field
from typing import BinaryIO


@dataclass
class BoxSummary:
    """What the top-level boxes of an ISO BMFF file say."""

    major_brand: str | None = None
    compatible_brands: list[str] = field(default_factory=list)
    truncated: bool = False
    rotation: int = 0
    has_moov: bool = False
    moov: bytes | None = None  # the index, kept so the streams are read from it, not reread
    meta: bytes | None = None  # a HEIF's item index (kept when asked for)


def _brand(raw: bytes) -> str:
    return raw.decode("latin-1")


def read_boxes(fh: BinaryIO, file_size: int, want_rotation: bool = True,
               want_meta: bool = False) -> BoxSummary:
    """Walk the top-level boxes; note brands, truncation and the video track's rotation."""
    summary = BoxSummary()
    offset = 0
    while offset + 8 <= file_size:
        fh.seek(offset)
        header = fh.read(16)
        if len(header) < 8:
            summary.truncated = True
            break
        size, kind = struct.unpack(">I4s", header[:8])
        header_len = 8
        if size == 1:
            if len(header) < 16:
                summary.truncated = True
                break
            size = struct.unpack(">Q", header[8:16])[0]
            header_len = 16
        elif size == 0:
            size = file_size - offset
        if size < header_len:
            summary.truncated = True
            break
        if offset + size > file_size:
            summary.truncated = True
        if kind == b"ftyp":
            fh.seek(offset + header_len)
            body = fh.read(min(size - header_len, 256))
            if len(body) >= 8:
                summary.major_brand = _brand(body[:4])
                brands = (_brand(body[i : i + 4]) for i in range(8, len(body) - 3, 4))
                summary.compatible_brands = [b for b in brands if b.strip("\x00 ")]
        elif kind == b"meta" and want_meta and summary.meta is None and size < MAX_META_BYTES:
            fh.seek(offset + header_len)
            summary.meta = fh.read(size - header_len)
        elif kind == b"moov":
            summary.has_moov = True
            if want_rotation and not summary.truncated and size < MAX_MOOV_BYTES:
                fh.seek(offset + header_len)
                summary.moov = fh.read(size - header_len)
                summary.rotation = _rotation_from_moov(summary.moov)
        offset += size
    if offset < file_size:  # fewer than 8 bytes left: the start of a box that was cut off
        summary.truncated = True
    return summary


MAX_MOOV_BYTES = 64 * 1024 * 1024
MAX_META_BYTES = 16 * 1024 * 1024


def children(data: bytes) -> list[tuple[bytes, bytes]]:
    """The boxes inside a box body, as (type, body); a box running past the end stops it."""
    out = []
    pos = 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        start = pos + 8
        if size == 1 and pos + 16 <= len(data):
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
            start = pos + 16
        if size < 8 or pos + size > len(data):
            break
        out.append((kind, data[start : pos + size]))
        pos += size
    return out


def _rotation_from_moov(moov: bytes) -> int:
    """Clockwise degrees (0, 90, 180, 270) the first video track is turned when displayed."""
    for kind, trak in children(moov):
        if kind != b"trak":
            continue
        boxes = dict(children(trak))
        tkhd = boxes.get(b"tkhd")
        if tkhd is None or not _is_video_track(boxes.get(b"mdia", b"")):
            continue
        return matrix_rotation(tkhd)
    return 0


def _is_video_track(mdia: bytes) -> bool:
    hdlr = dict(children(mdia)).get(b"hdlr", b"")
    return len(hdlr) >= 12 and hdlr[8:12] == b"vide"


def matrix_rotation(tkhd: bytes) -> int:
    """Read the display matrix of a `tkhd` body and turn it into clockwise degrees.

    A matrix (a, b, c, d) = (0, 1, -1, 0) is what phones write for a portrait clip; exiftool
    calls it Rotation 90, ffprobe calls it -90 (counter-clockwise). We use exiftool's sign.
    """
    version = tkhd[0] if tkhd else 0
    matrix_at = 4 + (32 if version == 1 else 20) + 16
    if len(tkhd) < matrix_at + 36:
        return 0
    a, b, _u, c, d, _v = struct.unpack(">iiiiii", tkhd[matrix_at : matrix_at + 24])
    if a == b == c == d == 0:
        return 0
    degrees = math.degrees(math.atan2(b, a))
    return int(round(degrees / 90.0)) % 4 * 90
