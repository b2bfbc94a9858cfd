"""`probe.sniff`: what a file is from its first bytes, whatever its name says."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from mediacheck.probe.sniff import IMAGE_TYPES, VIDEO_TYPES, sniff
from mediacheck.samples.factory import make_photo, make_video


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = major + b"\0\0\0\0" + b"".join(compatible)
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body + b"\0" * 32


@pytest.mark.parametrize(("head", "kind"), [
    (b"", "empty"),
    (b"\xff\xd8\xff\xe1" + b"\0" * 60, "jpeg"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 56, "png"),
    (b"GIF89a" + b"\0" * 58, "gif"),
    (b"RIFF\0\0\0\0WEBPVP8 " + b"\0" * 48, "webp"),
    (b"RIFF\0\0\0\0AVI LIST" + b"\0" * 48, "avi"),
    (ftyp(b"isom", b"isom", b"mp41"), "iso-bmff"),
    (ftyp(b"qt  ", b"qt  "), "iso-bmff"),
    (ftyp(b"heic", b"mif1", b"heic"), "heif"),
    (ftyp(b"mif1", b"avif", b"mif1"), "avif"),
    (ftyp(b"mp42", b"mp42", b"isom", b"heic"), "iso-bmff"),  # a video that lists heic too
    (b"\x1a\x45\xdf\xa3" + b"\0" * 20 + b"webm" + b"\0" * 36, "webm"),
    (b"\x1a\x45\xdf\xa3" + b"\0" * 20 + b"matroska" + b"\0" * 32, "matroska"),
    (b"II*\x00" + b"\0" * 60, "tiff"),
    (b"0&\xb2u" + b"\0" * 60, "asf"),
    (b"FLV\x01" + b"\0" * 60, "flv"),
    (b"\x00\x00\x01\xba" + b"\0" * 60, "mpeg-ps"),
    (b"Hello, this is a text file that someone renamed to .jpg\n", "text"),
    (b"\x00\x01\x02\x03" * 16, "unknown"),
])
def test_heads(head: bytes, kind: str) -> None:
    assert sniff(head) == kind


def test_real_files_from_the_factory(tmp_path: Path) -> None:
    cases = {
        make_photo(tmp_path / "a.jpg", size=(64, 48)): "jpeg",
        make_photo(tmp_path / "b.png", fmt="PNG", size=(64, 48), exif=False): "png",
        make_photo(tmp_path / "c.heic", fmt="HEIF", size=(64, 48)): "heif",
        make_photo(tmp_path / "d.webp", fmt="WEBP", size=(64, 48)): "webp",
        make_video(tmp_path / "e.mp4", width=160, height=90, seconds=1, fps=1): "iso-bmff",
        make_video(tmp_path / "f.mp4", width=160, height=90, seconds=1, fps=1,
                   container="mkv"): "matroska",
    }
    for path, kind in cases.items():
        assert sniff(path.read_bytes()[:512]) == kind, path.name
    assert {"jpeg", "heif", "png"} <= IMAGE_TYPES and {"iso-bmff", "avi"} <= VIDEO_TYPES
