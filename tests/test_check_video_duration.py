"""`video-duration`: each clip (one scene) lasts 30..60 s, with a 1 s tolerance."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_folder, event_facts, good_photos, of, run_check, video_facts

from mediacheck.checks import video_duration
from mediacheck.report import Severity
from mediacheck.samples.factory import make_video


@pytest.mark.parametrize("seconds, key", [
    (10, "too-short"), (28.5, "too-short"), (29.5, None), (30, None), (45, None), (60, None),
    (60.9, None), (61.5, "too-long"), (75, "too-long"),
])
def test_bounds_and_tolerance(seconds: float, key: str | None, profile) -> None:
    event = event_facts([video_facts(duration=seconds)])
    assert [p.key for p in run_check(video_duration, event, profile)] == ([key] if key else [])


def test_unknown_duration_is_not_judged(profile) -> None:
    assert run_check(video_duration, event_facts([video_facts(duration=None)]), profile) == []


def test_real_clips(event_dir: Path) -> None:
    good_photos(event_dir)
    small = {"width": 1280, "height": 720, "fps": 1}
    make_video(event_dir / "short.mp4", seconds=10, **small)
    make_video(event_dir / "ok.mp4", seconds=35, seed=1, **small)
    make_video(event_dir / "long.mp4", seconds=75, seed=2, **small)
    result = check_folder(event_dir, pixels=False)         # --quick: no motion facts
    found = {f.path: f for f in of(result, "video-duration")}
    assert {p: f.key for p, f in found.items()} == {"short.mp4": "too-short",
                                                     "long.mp4": "too-long"}
    assert found["short.mp4"].details["seconds"] == "10"
    assert all(f.severity is Severity.WARNING for f in found.values())
    assert result.verdict == "pass"
    assert of(result, "video-scenes") == []
    # With the motion pass: each clip is one take (no cut), still video-duration's, once.
    deep = check_folder(event_dir)
    assert {f.path: f.key for f in of(deep, "video-duration")} == {
        "short.mp4": "too-short", "long.mp4": "too-long"}
    assert of(deep, "video-scenes") == []
