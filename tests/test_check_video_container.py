"""`video-container`: the real container is MP4 (ISO BMFF with an MP4 brand), whatever the name."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_folder, event_facts, good_photos, of, run_check, video_facts

from mediacheck.checks import video_container
from mediacheck.report import Severity
from mediacheck.samples.factory import make_video

TINY = {"width": 1280, "height": 720, "seconds": 1, "fps": 1}


@pytest.mark.parametrize("options", [{}, {"brand": "mp42"}, {"brand": "M4V "}])
def test_mp4_passes(options: dict, event_dir: Path) -> None:
    good_photos(event_dir)
    make_video(event_dir / "VID_1.mp4", **TINY, **options)
    assert of(check_folder(event_dir), "video-container") == []


@pytest.mark.parametrize("name, options, key, container", [
    ("VID_1.mp4", {"container": "mov"}, "quicktime", "QuickTime MOV"),
    ("VID_2.MOV", {"container": "mov"}, "quicktime", "QuickTime MOV"),
    ("VID_3.avi", {"container": "avi", "vcodec": "mpeg4", "acodec": "mp3"}, "not-mp4", "AVI"),
    ("VID_4.mkv", {"container": "mkv"}, "not-mp4", "MKV"),
    ("VID_5.mp4", {"container": "mkv"}, "not-mp4", "MKV"),
    ("VID_6.webm", {"container": "webm", "vcodec": "vp9"}, "not-mp4", "WebM"),
    ("VID_7.mts", {"container": "mpegts"}, "not-mp4", "MPEG-TS"),
])
def test_other_containers_fail(name: str, options: dict, key: str, container: str,
                               event_dir: Path) -> None:
    good_photos(event_dir)
    make_video(event_dir / name, **{**TINY, **options})
    result = check_folder(event_dir)
    (finding,) = of(result, "video-container")
    assert (finding.path, finding.key, finding.details["container"]) == (name, key, container)
    assert finding.severity is Severity.ERROR
    assert result.verdict == "fail"


@pytest.mark.parametrize("major, compatible, key", [
    ("isom", ["isom", "iso2", "avc1", "mp41"], None),
    ("mp42", ["mp42", "mp41"], None),
    ("3gp5", ["3gp5", "isom"], None),  # also declares MP4: plays as MP4
    ("qt  ", ["qt  "], "quicktime"),
    ("3gp4", ["3gp4", "3gp5"], "3gp"),
    ("3gp5", [], "3gp"),
    ("MSNV", ["MSNV"], None),
    ("crx ", ["crx "], "not-mp4"),
])
def test_brands(major: str, compatible: list[str], key: str | None, profile) -> None:
    facts = video_facts(major_brand=major, compatible_brands=compatible)
    found = run_check(video_container, event_facts([facts]), profile)
    assert [p.key for p in found] == ([key] if key else [])
