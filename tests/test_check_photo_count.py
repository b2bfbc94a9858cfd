"""`photo-count`: at least `min` (3) acceptable photos; a photo with an error does not count."""

from __future__ import annotations

from pathlib import Path

from conftest import check_folder, event_facts, good_photos, of, photo_facts, run_check

from mediacheck.checks import photo_count
from mediacheck.report import Severity
from mediacheck.samples.factory import make_photo, make_video


def test_three_good_photos_are_enough(event_dir: Path) -> None:
    good_photos(event_dir, 3)
    assert of(check_folder(event_dir), "photo-count") == []


def test_two_photos_are_too_few(event_dir: Path) -> None:
    good_photos(event_dir, 2)
    make_video(event_dir / "VID_1.mp4", width=1280, height=720, seconds=2, fps=1)
    result = check_folder(event_dir)
    (finding,) = of(result, "photo-count")
    assert finding.severity is Severity.ERROR and finding.path is None
    assert finding.details["count"] == 2 and finding.details["min"] == 3
    assert result.verdict == "fail"


def test_photos_with_errors_do_not_count(event_dir: Path) -> None:
    good_photos(event_dir, 3)
    make_photo(event_dir / "small.jpg", size=(640, 480), seed=5)  # photo-resolution error
    make_photo(event_dir / "edited.jpg", size=(1800, 1200), seed=6, software="Adobe Photoshop")
    (event_dir / "broken.jpg").write_text("not a photo")
    assert of(check_folder(event_dir), "photo-count") == []
    (event_dir / "IMG_20230905_073000.jpg").unlink()
    (finding,) = of(check_folder(event_dir), "photo-count")
    assert finding.details["count"] == 2 and finding.details["total"] == 5


def test_warnings_do_not_stop_a_photo_counting(event_dir: Path) -> None:
    good_photos(event_dir, 2)
    make_photo(event_dir / "IMG_9.heic", fmt="HEIC", size=(1800, 1200), seed=9)
    result = check_folder(event_dir)
    assert of(result, "photo-format", "heic")
    assert of(result, "photo-count") == []


def test_minimum_comes_from_the_options(profile) -> None:
    event = event_facts([photo_facts(f"IMG_{i}.jpg") for i in range(3)])
    assert run_check(photo_count, event, profile) == []
    (problem,) = run_check(photo_count, event, profile, min=5)
    assert problem.params["count"] == 3
    event.error_paths = frozenset({"IMG_0.jpg"})
    (problem,) = run_check(photo_count, event, profile)
    assert problem.params == {"count": 2, "min": 3, "total": 3}
