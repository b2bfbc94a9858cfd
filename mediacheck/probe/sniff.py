"""What a file really is, from its first bytes, whatever its name says."""

from __future__ import annotations

import struct

IMAGE_TYPES = {"jpeg", "png", "gif", "webp", "heif", "tiff", "bmp", "avif"}
VIDEO_TYPES = {"iso-bmff", "matroska", "webm", "avi", "mpegts", "asf", "flv", "mpeg-ps", "mts"}
HEIF_BRANDS = {"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "mif2", "avif"}


def sniff(head: bytes) -> str:
    """Name the format of a file from its first 64 or more bytes; 'text' or 'unknown' else."""
    if not head:
        return "empty"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    if head[4:8] == b"ftyp":
        return _iso_kind(head)
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"):
        return "iso-bmff"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm" if b"webm" in head[:64] else "matroska"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:2] == b"BM" and len(head) >= 6:
        return "bmp"
    if head[:4] == b"\x30\x26\xb2\x75":
        return "asf"
    if head[:3] == b"FLV":
        return "flv"
    if head[:4] == b"\x00\x00\x01\xba":
        return "mpeg-ps"
    if head[0] == 0x47 and (len(head) < 189 or head[188] == 0x47):
        return "mpegts"
    if len(head) > 4 and head[4] == 0x47 and (len(head) < 197 or head[196] == 0x47):
        return "mts"
    if _looks_like_text(head):
        return "text"
    return "unknown"


def _iso_kind(head: bytes) -> str:
    size = struct.unpack(">I", head[:4])[0]
    brands = {head[8:12].decode("latin-1")}
    end = min(size, len(head))
    brands.update(head[i : i + 4].decode("latin-1") for i in range(16, end - 3, 4))
    if head[8:12].decode("latin-1") in HEIF_BRANDS or (
        brands & HEIF_BRANDS and not brands & {"isom", "mp41", "mp42", "qt  ", "avc1", "iso2"}
    ):
        return "avif" if "avif" in brands and "heic" not in brands else "heif"
    return "iso-bmff"


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(b >= 9 for b in head)
