"""`video-scenes`: each scene between cuts lasts 30-60 s (video-duration's bounds), at most two
camera angles per clip, a notice for a clip whose decoding stopped; `video-duration` leaves
clips with cuts to it and keeps single takes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_folder, event_facts, good_photos, of, run_check, video_facts
from motion_clips import HERO, KARMA, needs_corpus

from mediacheck.checks import video_duration, video_scenes
from mediacheck.engine import run_checks
from mediacheck.probe.motion import VideoMotion
from mediacheck.profile import ProfileError, load_profile
from mediacheck.report import Severity
from mediacheck.samples.motion import Piece, splice_clips


def motion(*lengths: float, angles: list[int] | None = None, complete: bool = True,
           until: float | None = None, damaged: int = 0) -> VideoMotion:
    """Motion facts with scenes of the given lengths, back to back."""
    scenes, start = [], 0.0
    for i, length in enumerate(lengths):
        angle = angles[i] if angles else 0
        scenes.append({"start": start, "end": start + length, "shake": 0.05, "angle": angle})
        start += length
    return VideoMotion(cuts=[s["start"] for s in scenes[1:]], scenes=scenes,
                       angles=len(set(angles or [0])), analysed_until=until or start,
                       complete=complete, error=None if complete else "decoding ended early",
                       damaged=damaged, damaged_at=2.0 if damaged else None)


def clip(m: VideoMotion | None, duration: float = 0.0, path: str = "VID_1.mp4"):
    facts = video_facts(path, duration=duration or (m.analysed_until if m else 35.0))
    facts.motion = m
    return facts


def keys(problems) -> list[str]:
    return [p.key for p in problems]


@pytest.mark.parametrize("lengths, expected", [
    ((35, 40), []), ((29.5, 60.9), []), ((28, 35), ["scene-too-short"]),
    ((75, 40), ["scene-too-long"]), ((40, 12, 45), ["scene-too-short"]),
    ((70, 10), ["scene-too-short", "scene-too-long"]),
])
def test_each_scene_is_judged_not_the_clip(profile, lengths, expected) -> None:
    problems = run_check(video_scenes, event_facts([clip(motion(*lengths))]), profile)
    assert keys(problems) == expected


@pytest.mark.parametrize("length, expected", [
    (35, []), (29.5, []), (60.9, []), (28, ["scene-too-short"]), (75, ["scene-too-long"])])
def test_a_single_take_is_left_to_video_duration(profile, length, expected) -> None:
    """One scene is the whole clip: video-duration judges it, unless it is switched off."""
    event = event_facts([clip(motion(length))])
    assert run_check(video_scenes, event, profile) == []
    assert keys(run_check(video_scenes, event, profile, clips_judged=False)) == expected


def test_short_scenes_are_listed_in_one_finding(profile) -> None:
    problems = run_check(video_scenes, event_facts([clip(motion(5, 8, 40, 3))]), profile)
    assert keys(problems) == ["scene-too-short"]
    assert problems[0].params["count"] == "3"
    assert problems[0].params["scenes"] == "0:00–0:05 (5 s), 0:05–0:13 (8 s), 0:53–0:56 (3 s)"


def test_listing_is_capped(profile) -> None:
    problems = run_check(video_scenes, event_facts([clip(motion(*[2] * 9))]), profile,
                         max_listed=2)
    assert problems[0].params["scenes"].endswith(", … (+7)")


def test_more_than_two_angles(profile) -> None:
    three = motion(35, 35, 35, angles=[0, 1, 2])
    two = motion(35, 35, 35, angles=[0, 1, 0])
    problems = run_check(video_scenes, event_facts([clip(three, path="a.mp4"),
                                                    clip(two, path="b.mp4")]), profile)
    assert [(p.key, p.path) for p in problems] == [("too-many-angles", "a.mp4")]
    assert problems[0].params["angles"] == "3"


def test_incomplete_clip_notice_and_its_open_scene_is_not_judged(profile) -> None:
    m = motion(40, 7, complete=False)
    problems = run_check(video_scenes, event_facts([clip(m, duration=90)]), profile)
    assert keys(problems) == ["incomplete"]
    assert problems[0].params["until"] == "0:47" and problems[0].params["duration"] == "1:30"


def test_damaged_frames_notice(profile) -> None:
    problems = run_check(video_scenes, event_facts([clip(motion(40, damaged=3))]), profile)
    assert keys(problems) == ["damaged"] and problems[0].params["count"] == "3"


def test_without_motion_facts_says_nothing(profile) -> None:
    assert run_check(video_scenes, event_facts([clip(None, duration=90)]), profile) == []


def test_video_duration_leaves_clips_with_cuts_to_video_scenes(profile) -> None:
    """A 90 s clip of two 45 s scenes is fine: no `too-long` from video-duration."""
    event = event_facts([clip(motion(45, 45), path="two-scenes.mp4"),
                         clip(None, duration=90, path="quick.mp4")])
    findings = run_checks(event, profile.enabled_checks(), "en")
    assert [(f.check, f.key, f.path) for f in findings if f.check.startswith("video-")] == [
        ("video-duration", "too-long", "quick.mp4")]


def test_a_long_clip_is_reported_once(profile) -> None:
    """A 90 s single take: video-duration's too-long (what `fix --split-scenes` splits); a
    clip of a 90 s scene and a 40 s one: video-scenes names the long scene."""
    for m, expected in ((motion(90), ("video-duration", "too-long")),
                        (motion(90, 40), ("video-scenes", "scene-too-long"))):
        findings = [f for f in run_checks(event_facts([clip(m)]), profile.enabled_checks(), "vi")
                    if f.check.startswith("video-")]
        assert [(f.check, f.key) for f in findings] == [expected]
        assert findings[0].severity is Severity.WARNING
    assert findings[0].message == "Có 1 cảnh quay dài quá 60 giây (0:00–1:30 (90 s))."


def test_video_duration_judges_clips_when_video_scenes_is_off(tmp_path: Path) -> None:
    rules = tmp_path / "no-scenes.toml"
    rules.write_text('extends = "phuluc2"\n[checks.video-scenes]\nenabled = false\n')
    prof = load_profile(rules)
    event = event_facts([clip(motion(45, 45))])
    assert keys(run_check(video_duration, event, prof)) == ["too-long"]
    found = run_checks(event, prof.enabled_checks(), "en")
    assert [f.check for f in found if f.check.startswith("video-")] == ["video-duration"]


def test_scene_bounds_come_from_video_duration(tmp_path: Path) -> None:
    """One place for 30/60: a province that allows 20-90 s changes video-duration only."""
    rules = tmp_path / "longer.toml"
    rules.write_text('extends = "phuluc2"\n[checks.video-duration]\n'
                     'min_seconds = 20.0\nmax_seconds = 90.0\n')
    prof = load_profile(rules)
    assert prof.checks["video-scenes"].options["max_seconds"] == 90.0
    assert run_check(video_scenes, event_facts([clip(motion(25, 80))]), prof) == []
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "phuluc2"\n[checks.video-scenes]\nmin_seconds = 20.0\n')
    with pytest.raises(ProfileError) as caught:
        load_profile(bad)
    assert caught.value.key == "checks.video-scenes.min_seconds"


@needs_corpus
def test_real_spliced_clip_end_to_end(event_dir: Path) -> None:
    """Two real clips joined: two scenes, both far too short, from two angles: one finding
    from video-scenes, none from video-duration (which would have judged the 5 s clip)."""
    good_photos(event_dir)
    splice_clips(event_dir / "VID_20230905_0800.mp4", [Piece(KARMA, 0, 2.5), Piece(HERO, 0, 2.5)])
    result = check_folder(event_dir)
    assert of(result, "video-duration") == []
    found = of(result, "video-scenes")
    assert [f.key for f in found] == ["scene-too-short"]
    assert found[0].details["count"] == "2"
    assert found[0].details["scenes"] == "0:00–0:03 (3 s), 0:03–0:05 (3 s)"

