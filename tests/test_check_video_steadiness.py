"""`video-steadiness`: each scene's camera shake, steady / hand-held (info) / shaky (warning)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_folder, event_facts, good_photos, of, run_check, video_facts
from motion_clips import CITY, KARMA, needs_corpus, needs_people

from mediacheck.checks import video_steadiness
from mediacheck.engine import run_checks
from mediacheck.probe.motion import VideoMotion
from mediacheck.report import Severity
from mediacheck.samples.motion import Piece, camera_clip, splice_clips


def clip(*scenes: tuple[float, float, float | None], path: str = "VID_1.mp4"):
    """A video whose motion facts hold scenes (start, end, shake)."""
    facts = video_facts(path, duration=scenes[-1][1])
    facts.motion = VideoMotion(
        cuts=[s[0] for s in scenes[1:]], analysed_until=scenes[-1][1],
        scenes=[{"start": a, "end": b, "shake": c, "angle": 0} for a, b, c in scenes])
    return facts


@pytest.mark.parametrize("shake, expected", [
    (0.02, []), (0.13, []), (0.2, ["handheld"]), (0.6, ["handheld"]), (0.9, ["shaky"]),
    (None, []),
])
def test_classes_from_the_profile_thresholds(profile, shake, expected) -> None:
    problems = run_check(video_steadiness, event_facts([clip((0, 35, shake))]), profile)
    assert [p.key for p in problems] == expected


def test_each_scene_is_judged_and_named_by_its_times(profile) -> None:
    event = event_facts([clip((0, 12, 0.05), (12, 47, 1.3), (47, 48.5, 2.0), (48.5, 80, 0.3))])
    problems = run_check(video_steadiness, event, profile)
    assert [(p.key, p.params["start"], p.params["end"]) for p in problems] == [
        ("shaky", "0:12", "0:47"), ("handheld", "0:49", "1:20")]   # 1.5 s scene: not judged


def test_severities_and_words(profile) -> None:
    event = event_facts([clip((0, 12, 1.3), (12, 47, 0.3))])
    findings = [f for f in run_checks(event, profile.enabled_checks(), "vi")
                if f.check == "video-steadiness"]
    assert [(f.key, f.severity) for f in findings] == [
        ("shaky", Severity.WARNING), ("handheld", Severity.INFO)]
    assert findings[0].message == "Cảnh từ 0:00 đến 0:12 bị rung, lắc mạnh."
    assert "chân máy" in findings[0].hint


def test_thresholds_can_be_changed(profile) -> None:
    event = event_facts([clip((0, 35, 0.5))])
    assert [p.key for p in run_check(video_steadiness, event, profile, shaky_above=0.4)] == [
        "shaky"]


def test_without_motion_facts_says_nothing(profile) -> None:
    assert run_check(video_steadiness, event_facts([video_facts()]), profile) == []


@needs_people
@needs_corpus
def test_real_clips_end_to_end(event_dir: Path) -> None:
    """A shaky shot, a tripod shot and a drone clip with a cut, through probe and motion."""
    good_photos(event_dir)
    camera_clip(event_dir / "VID_shaky.mp4", CITY, "shaky", seconds=3)
    camera_clip(event_dir / "VID_tripod.mp4", CITY, "tripod", seconds=3)
    splice_clips(event_dir / "VID_drone.mp4", [Piece(KARMA, 0, 2.5), Piece(KARMA, 6, 2.5)])
    result = check_folder(event_dir)
    found = of(result, "video-steadiness")
    assert [(f.path, f.key) for f in found] == [("VID_shaky.mp4", "shaky")]
    assert found[0].details["start"] == "0:00" and found[0].details["end"] == "0:03"
