"""`location` (5WH "Where"): GPS present (info when missing), positions close together."""

from __future__ import annotations

from pathlib import Path

from conftest import (
    check_folder,
    event_facts,
    good_photos,
    of,
    photo_facts,
    run_check,
    video_facts,
)

from mediacheck.checks import location
from mediacheck.report import Severity
from mediacheck.samples.factory import make_photo, make_video

SCHOOL = (21.3856, 103.0170)
NEARBY = (21.3860, 103.0175)  # ~70 m away
HANOI = (21.0285, 105.8542)


def test_close_positions_pass(event_dir: Path) -> None:
    good_photos(event_dir, gps=SCHOOL)
    make_photo(event_dir / "IMG_9.jpg", size=(1800, 1200), gps=NEARBY, seed=9)
    assert of(check_folder(event_dir), "location") == []


def test_no_gps_at_all_is_an_info(event_dir: Path) -> None:
    good_photos(event_dir, gps=None)
    result = check_folder(event_dir)
    (finding,) = of(result, "location")
    assert (finding.key, finding.path) == ("missing", None)
    assert finding.severity is Severity.INFO
    assert finding.details["count"] == 3
    assert result.verdict == "pass"


def test_one_position_far_away_is_a_warning(event_dir: Path) -> None:
    good_photos(event_dir, gps=SCHOOL)
    make_photo(event_dir / "IMG_hanoi.jpg", size=(1800, 1200), gps=HANOI, seed=9)
    (finding,) = of(check_folder(event_dir), "location")
    assert (finding.key, finding.path) == ("spread", "IMG_hanoi.jpg")
    assert finding.severity is Severity.WARNING
    assert 280 < int(finding.details["km"]) < 310


def test_video_positions_count(event_dir: Path) -> None:
    good_photos(event_dir, gps=None)
    make_video(event_dir / "VID_1.mp4", width=1280, height=720, seconds=1, fps=1,
               location="+21.3856+103.0170/")
    result = check_folder(event_dir)
    assert of(result, "location") == []
    (row,) = [f for f in result.files if f["kind"] == "video"]
    assert row["gps"] == [21.3856, 103.017]


def test_spread_limit_comes_from_the_options(profile) -> None:
    files = [photo_facts("a.jpg", gps=list(SCHOOL)), photo_facts("b.jpg", gps=list(SCHOOL)),
             video_facts("c.mp4", gps=[21.50, 103.0170])]  # ~13 km north
    assert run_check(location, event_facts(files), profile) == []
    (problem,) = run_check(location, event_facts(files), profile, max_spread_km=5.0)
    assert problem.path == "c.mp4"


def test_distance() -> None:
    assert abs(location.distance_km([21.0, 105.0], [22.0, 105.0]) - 111.2) < 0.5
