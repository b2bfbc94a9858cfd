"""`probe/mp4meta.py`: an MP4/MOV's streams and tags read from the `moov` bytes the box walk
already holds give the same facts FFmpeg (PyAV) gives, on generated clips of every kind a phone
writes and on the real camera files of the corpus; a damaged index falls back to FFmpeg; and the
metadata pass of a folder of MP4s never loads PyAV."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest
from conftest import REPO

from mediacheck.probe import probe
from mediacheck.probe import video as video_mod
from mediacheck.probe.sniff import sniff
from mediacheck.samples.factory import make_video
from mediacheck.scan import MediaFile

CORPUS = Path(os.environ.get("MEDIACHECK_CORPUS") or REPO.parent / "shared" / "corpus")
PEOPLE = CORPUS.parent / "people"
# bit_rate: FFmpeg's estimate differs by a few bits per second; pixel_format: FFmpeg's quick
# open often cannot tell it at all (None), where the moov reader can.
LOOSE = {"bit_rate", "pixel_format"}


def both_readers(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, dict]:
    """(facts from the moov reader, facts from PyAV) of one file."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        content = sniff(fh.read(512))
    with path.open("rb") as fh:
        ours = asdict(video_mod.probe_video(fh, size, content, path))
    with monkeypatch.context() as patch:
        patch.setattr(video_mod, "_read_moov", lambda *args: False)
        with path.open("rb") as fh:
            theirs = asdict(video_mod.probe_video(fh, size, content, path))
    return ours, theirs


def strict(facts: dict) -> dict:
    return {k: v for k, v in facts.items() if k not in LOOSE}


@pytest.mark.parametrize("kwargs", [
    {},
    {"acodec": None},
    {"vcodec": "hevc"},
    {"vcodec": "mpeg4"},
    {"rotation": 90, "make": "samsung", "model": "SM-A525F", "location": "+21.3856+103.0170/"},
    {"container": "mov", "make": "Apple", "model": "iPhone 12", "location": "+21.3856+103.0170/"},
    {"container": "3gp", "width": 320, "height": 240},
    {"acodec": "mp3"},
], ids=["h264-aac", "no-audio", "hevc", "mpeg4", "portrait-tags", "mov-apple", "3gp", "mp3"])
def test_generated_clips_read_as_ffmpeg_reads_them(tmp_path: Path, monkeypatch, kwargs) -> None:
    suffix = kwargs.get("container", "mp4")
    clip = make_video(tmp_path / f"VID_1.{suffix}", **{"width": 640, "height": 360,
                                                        "seconds": 1, "fps": 5, **kwargs})
    ours, theirs = both_readers(clip, monkeypatch)
    assert strict(ours) == strict(theirs)
    assert ours["video_codec"] and ours["width"] and ours["duration"]


def test_a_full_range_clip_is_yuvj420p(tmp_path: Path, monkeypatch) -> None:
    clip = make_video(tmp_path / "VID_1.mp4", width=320, height=240, seconds=1, fps=5,
                      vcodec="mjpeg", acodec=None)
    ours, theirs = both_readers(clip, monkeypatch)
    assert strict(ours) == strict(theirs)


def corpus_videos() -> list[Path]:
    found = [p for p in sorted(CORPUS.rglob("*")) + sorted(PEOPLE.glob("*"))
             if p.suffix.lower() in (".mp4", ".mov", ".3gp")]
    return found


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not beside the checkout")
def test_real_camera_files_read_as_ffmpeg_reads_them(monkeypatch) -> None:
    videos = corpus_videos()
    assert len(videos) >= 10
    for path in videos:
        ours, theirs = both_readers(path, monkeypatch)
        assert strict(ours) == strict(theirs), path.name
        if theirs["pixel_format"]:
            assert ours["pixel_format"] == theirs["pixel_format"], path.name
        if theirs["bit_rate"]:
            assert abs(ours["bit_rate"] - theirs["bit_rate"]) / theirs["bit_rate"] < 0.08


def test_a_damaged_index_falls_back_to_ffmpeg(tmp_path: Path) -> None:
    """Garbage inside the moov boxes never escapes as an exception of the reader."""
    from mediacheck.probe.bmff import read_boxes
    from mediacheck.probe.mp4meta import Unrecognised, read_movie

    clip = make_video(tmp_path / "VID_1.mp4", width=320, height=240, seconds=1, fps=5)
    data = clip.read_bytes()
    moov = read_boxes(clip.open("rb"), len(data)).moov
    assert moov is not None
    start = data.index(moov)
    for seed in range(40):
        broken = bytearray(moov)
        for i in range(seed % 7 + 1):
            broken[(seed * 7919 + i * 104729) % len(broken)] ^= 0xA5
        with contextlib.suppress(Unrecognised):
            read_movie(bytes(broken))
        damaged = tmp_path / f"VID_{seed}.mp4"
        damaged.write_bytes(data[:start] + bytes(broken) + data[start + len(moov):])
        facts = probe(MediaFile(damaged.name, "video", len(data), 0.0,
                                lambda d=damaged: d.open("rb"), damaged))
        assert facts.unreadable or facts.video is not None


def test_the_metadata_pass_of_mp4s_does_not_load_pyav(tmp_path: Path) -> None:
    folder = tmp_path / "THCS Pu Nhi_Khaigiang"
    make_video(folder / "VID_1.mp4", width=320, height=240, seconds=1, fps=5)
    code = ("import sys; from mediacheck.cli import main; main(sys.argv[1:]); "
            "print('PYAV' if 'av' in sys.modules else 'NO-PYAV', file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code, str(folder), "--quick", "--no-cache",
                           "--format", "json"], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120)
    assert "NO-PYAV" in proc.stderr, proc.stderr
    assert '"video_codec":"h264"' in proc.stdout.replace(" ", "")
