"""`probe.bmff`: brands, a missing index, truncation and rotation read from the MP4 boxes."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest

from mediacheck.probe.bmff import matrix_rotation, read_boxes
from mediacheck.samples.factory import make_video, truncate


def box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", 8 + len(body)) + kind + body


def summary_of(data: bytes):
    return read_boxes(io.BytesIO(data), len(data))


def test_brands_and_moov_of_a_real_clip(tmp_path: Path) -> None:
    clip = make_video(tmp_path / "a.mp4", width=160, height=90, seconds=1, fps=1)
    with open(clip, "rb") as fh:
        summary = read_boxes(fh, clip.stat().st_size)
    assert summary.major_brand == "isom" and "mp41" in summary.compatible_brands
    assert summary.has_moov and not summary.truncated and summary.rotation == 0


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotation_from_the_track_matrix(tmp_path: Path, rotation: int) -> None:
    clip = make_video(tmp_path / "r.mp4", width=160, height=90, seconds=1, fps=1,
                      rotation=rotation)
    with open(clip, "rb") as fh:
        assert read_boxes(fh, clip.stat().st_size).rotation == rotation


def test_cut_off_clip_is_truncated(tmp_path: Path) -> None:
    clip = truncate(make_video(tmp_path / "t.mp4", width=160, height=90, seconds=2, fps=2), 0.6)
    with open(clip, "rb") as fh:
        assert read_boxes(fh, clip.stat().st_size).truncated


def test_boxes_by_hand() -> None:
    ftyp = box(b"ftyp", b"qt  \0\0\0\0qt  ")
    assert summary_of(ftyp + box(b"mdat", b"\0" * 16)).has_moov is False
    assert summary_of(ftyp).major_brand == "qt  "
    assert summary_of(ftyp + b"\0\0\0").truncated  # three bytes of a next box
    big = struct.pack(">I4sQ", 1, b"mdat", 16 + 4) + b"\0" * 4  # a 64-bit size
    assert not summary_of(ftyp + big).truncated
    lying = box(b"ftyp", b"isom\0\0\0\0") + struct.pack(">I4s", 10_000, b"mdat")
    assert summary_of(lying).truncated
    zero = box(b"ftyp", b"isom\0\0\0\0") + struct.pack(">I4s", 0, b"mdat") + b"\0" * 8
    assert not summary_of(zero).truncated  # size 0: the box runs to the end of the file


def tkhd(a: int, b: int, c: int, d: int, version: int = 0) -> bytes:
    times = 32 if version == 1 else 20
    return bytes([version, 0, 0, 0]) + b"\0" * times + b"\0" * 16 + struct.pack(
        ">9i", a, b, 0, c, d, 0, 0, 0, 1 << 30)


@pytest.mark.parametrize(("matrix", "degrees"), [
    ((1 << 16, 0, 0, 1 << 16), 0), ((0, 1 << 16, -(1 << 16), 0), 90),
    ((-(1 << 16), 0, 0, -(1 << 16)), 180), ((0, -(1 << 16), 1 << 16, 0), 270),
    ((0, 0, 0, 0), 0)])
def test_matrix_rotation(matrix: tuple[int, int, int, int], degrees: int) -> None:
    assert matrix_rotation(tkhd(*matrix)) == degrees
    assert matrix_rotation(tkhd(*matrix, version=1)) == degrees
    assert matrix_rotation(b"\0" * 10) == 0
