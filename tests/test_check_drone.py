"""`drone`: drone footage or photos (DJI and others, from metadata) get a positive note."""

from __future__ import annotations

from pathlib import Path

from conftest import check_folder, event_facts, good_photos, of, photo_facts, run_check

from mediacheck.checks import drone
from mediacheck.report import Severity
from mediacheck.samples.factory import make_photo, make_video

SRT = ("1\n00:00:00,000 --> 00:00:00,033\n<font size=\"28\">FrameCnt: 1, DiffTime: 33ms\n"
       "[iso: 100] [shutter: 1/640.0] [latitude: 21.385600] [longitude: 103.017000]</font>\n")


def test_ordinary_media_get_nothing(event_dir: Path) -> None:
    good_photos(event_dir)
    make_video(event_dir / "VID_1.mp4", width=1280, height=720, seconds=1, fps=1)
    assert of(check_folder(event_dir), "drone") == []


def test_dji_photo_and_clip_are_praised(event_dir: Path) -> None:
    good_photos(event_dir)
    make_photo(event_dir / "DJI_0001.JPG", size=(1800, 1200), make="DJI", model="FC3582",
               seed=9)
    make_video(event_dir / "DJI_0002.MP4", width=1920, height=1080, seconds=1, fps=1,
               make="DJI", model="FC3582")
    result = check_folder(event_dir)
    found = of(result, "drone")
    assert {f.path for f in found} == {"DJI_0001.JPG", "DJI_0002.MP4"}
    assert all(f.severity is Severity.INFO and f.details["signal"] == "Make=DJI" for f in found)
    assert result.verdict == "pass"


def test_telemetry_sidecar_marks_its_clip(event_dir: Path) -> None:
    good_photos(event_dir)
    make_video(event_dir / "clip.mp4", width=1280, height=720, seconds=1, fps=1)
    (event_dir / "clip.SRT").write_text(SRT)
    (finding,) = of(check_folder(event_dir), "drone")
    assert (finding.path, finding.details["signal"]) == ("clip.mp4", "SRT telemetry")


def test_plain_subtitles_are_not_telemetry(event_dir: Path) -> None:
    good_photos(event_dir)
    make_video(event_dir / "clip.mp4", width=1280, height=720, seconds=1, fps=1)
    (event_dir / "clip.srt").write_text("1\n00:00:00,000 --> 00:00:02,000\nXin chào\n")
    assert of(check_folder(event_dir), "drone") == []


def test_other_signals(profile) -> None:
    files = [photo_facts("a.jpg", xmp_tags=["drone-dji:GimbalYawDegree", "xmp:CreateDate"]),
             photo_facts("b.jpg", make="Autel Robotics"),
             photo_facts("DJI_20230905073000_0001.JPG", make=None),
             photo_facts("c.jpg", make="Canon")]
    found = {p.path: p.params["signal"] for p in run_check(drone, event_facts(files), profile)}
    assert found == {"a.jpg": "XMP drone-dji", "b.jpg": "Make=Autel Robotics",
                     "DJI_20230905073000_0001.JPG": "DJI_20230905073000_0001.JPG"}
