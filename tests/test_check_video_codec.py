"""`video-codec`: H.264 + AAC plays everywhere; HEVC and other codecs get a warning."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_folder, event_facts, good_photos, of, run_check, video_facts

from mediacheck.checks import video_codec
from mediacheck.report import Severity
from mediacheck.samples.factory import make_video

TINY = {"width": 1280, "height": 720, "seconds": 1, "fps": 1}


def test_h264_aac_passes(event_dir: Path) -> None:
    good_photos(event_dir)
    make_video(event_dir / "VID_1.mp4", **TINY)
    make_video(event_dir / "VID_2.mp4", **TINY, acodec=None, seed=2)  # silent clip is fine
    assert of(check_folder(event_dir), "video-codec") == []


def test_hevc_is_a_warning(event_dir: Path) -> None:
    good_photos(event_dir)
    make_video(event_dir / "VID_1.mp4", **TINY, vcodec="hevc")
    result = check_folder(event_dir)
    (finding,) = of(result, "video-codec")
    assert (finding.key, finding.details["codec"]) == ("video-codec", "HEVC (H.265)")
    assert finding.severity is Severity.WARNING
    assert result.verdict == "pass"


def test_other_audio_is_a_warning(event_dir: Path) -> None:
    good_photos(event_dir)
    make_video(event_dir / "VID_1.mp4", **TINY, acodec="mp3")
    (finding,) = of(check_folder(event_dir), "video-codec")
    assert (finding.key, finding.details["codec"]) == ("audio-codec", "MP3")  # as people say it
    assert finding.details["codec_id"] == "mp3"  # as FFmpeg names it, for programs
    assert "MP3, not AAC" in finding.message


@pytest.mark.parametrize("vcodec, acodec, keys", [
    ("h264", "aac", []), ("mpeg4", "aac", ["video-codec"]), ("vp9", "opus", ["video-codec",
                                                                         "audio-codec"]),
])
def test_codecs(vcodec: str, acodec: str, keys: list[str], profile) -> None:
    event = event_facts([video_facts(video_codec=vcodec, audio_codec=acodec)])
    assert [p.key for p in run_check(video_codec, event, profile)] == keys
