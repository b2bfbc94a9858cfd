"""`probe.video`: a clip's container, streams, size, rotation, duration and metadata, read
without decoding frames; clips no player could open are unreadable with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediacheck.probe.sniff import sniff
from mediacheck.probe.video import VideoUnreadable, probe_video
from mediacheck.samples.factory import make_video, truncate


def facts_of(path: Path):
    data = path.read_bytes()
    with open(path, "rb") as fh:
        return probe_video(fh, len(data), sniff(data[:512]), path)


def test_phone_clip(tmp_path: Path) -> None:
    clip = make_video(tmp_path / "VID.mp4", width=1280, height=720, seconds=3, fps=2,
                      rotation=90, make="samsung", model="SM-A525F",
                      location="+21.3856+103.0170/", creation_time="2023-09-05T00:30:00Z")
    facts = facts_of(clip)
    assert facts.container == "iso-bmff" and facts.major_brand == "isom"
    assert (facts.width, facts.height, facts.rotation) == (1280, 720, 90)
    assert facts.display_size == (720, 1280)
    assert (facts.video_codec, facts.audio_codec) == ("h264", "aac")
    assert facts.duration == pytest.approx(3.0, abs=0.2)
    assert (facts.make, facts.model) == ("samsung", "SM-A525F")
    assert facts.gps == pytest.approx([21.3856, 103.017], abs=1e-4)
    assert facts.creation_time and facts.creation_time.startswith("2023-09-05")


@pytest.mark.parametrize(("container", "kind"), [("mov", "iso-bmff"), ("mkv", "matroska"),
                                                 ("avi", "avi")])
def test_other_containers(tmp_path: Path, container: str, kind: str) -> None:
    clip = make_video(tmp_path / f"v.{container}", width=320, height=240, seconds=1, fps=2,
                      container=container, vcodec="mjpeg" if container == "avi" else "h264",
                      acodec=None)
    facts = facts_of(clip)
    assert facts.container == kind and (facts.width, facts.height) == (320, 240)
    assert facts.audio_codec is None


def test_quicktime_brand(tmp_path: Path) -> None:
    facts = facts_of(make_video(tmp_path / "q.mp4", width=320, height=240, seconds=1, fps=1,
                                container="mov"))
    assert facts.major_brand == "qt  "


def test_cut_short_clip_is_unreadable(tmp_path: Path) -> None:
    clip = truncate(make_video(tmp_path / "c.mp4", width=320, height=240, seconds=2, fps=2),
                    0.5)
    with pytest.raises(VideoUnreadable) as info:
        facts_of(clip)
    assert info.value.reason in ("no-moov", "truncated")
