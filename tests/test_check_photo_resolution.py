"""`photo-resolution`: at least `min_megapixels` (2 MP by default)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_folder, event_facts, good_photos, of, photo_facts, run_check

from mediacheck.checks import photo_resolution
from mediacheck.report import Severity
from mediacheck.samples.factory import make_photo


def test_enough_pixels(event_dir: Path) -> None:
    good_photos(event_dir)
    make_photo(event_dir / "exact.jpg", size=(2000, 1000), seed=9)  # exactly 2.0 MP
    assert of(check_folder(event_dir), "photo-resolution") == []


def test_too_small(event_dir: Path) -> None:
    good_photos(event_dir)
    make_photo(event_dir / "small.jpg", size=(1024, 768), seed=9)
    result = check_folder(event_dir)
    (finding,) = of(result, "photo-resolution")
    assert finding.path == "small.jpg" and finding.severity is Severity.ERROR
    assert finding.details["megapixels"] == pytest.approx(0.786432)
    assert (finding.details["width"], finding.details["height"]) == (1024, 768)
    assert finding.message == "The photo has only 0.8 MP (1024×768), below the minimum of 2 MP."
    assert result.verdict == "fail"
    (vi,) = of(check_folder(event_dir, lang="vi"), "photo-resolution")
    assert vi.message == "Ảnh chỉ có 0,8 MP (1024×768), dưới mức tối thiểu 2 MP."


def test_minimum_comes_from_the_options(profile) -> None:
    event = event_facts([photo_facts(width=1600, height=1200)])  # 1.92 MP
    assert len(run_check(photo_resolution, event, profile)) == 1
    assert run_check(photo_resolution, event, profile, min_megapixels=1.0) == []
