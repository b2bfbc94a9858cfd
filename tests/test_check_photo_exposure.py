"""`photo-exposure`: real photos shifted by whole stops in fixtures, and a backlit scene."""

from __future__ import annotations

from pathlib import Path

import pixel_fixtures as px
import pytest
from PIL import Image

from mediacheck.checks import photo_exposure
from mediacheck.profile import load_profile

OPTIONS = load_profile().checks["photo-exposure"].options
SOURCES = [px.PEOPLE / "city.jpg", px.PEOPLE / "alex_lacamoire1.jpg",
           px.PEOPLE / "kit_with_rose.jpg", px.MD_JPG / "Oppo R7 Plus.jpg"]


@pytest.fixture(autouse=True)
def _shared() -> None:
    px.need_shared()


def keys(tmp_path: Path, image: Image.Image, name: str = "IMG_1.jpg") -> list[str]:
    facts = px.facts_for(px.save(image, tmp_path / name))
    return [p.key for p in photo_exposure.check(px.event_of(facts), OPTIONS)]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_well_exposed_originals_pass(tmp_path: Path, source: Path) -> None:
    assert keys(tmp_path, px.load(source, 1600)) == []


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_three_stops_under_is_under_exposed(tmp_path: Path, source: Path) -> None:
    assert keys(tmp_path, px.exposure(px.load(source, 1600), -3)) == ["under-exposed"]


@pytest.mark.parametrize("source", SOURCES[:2] + SOURCES[3:], ids=lambda p: p.name)
def test_two_and_a_half_stops_over_is_over_exposed(tmp_path: Path, source: Path) -> None:
    assert keys(tmp_path, px.exposure(px.load(source, 1600), 2.5)) == ["over-exposed"]


def test_a_dark_scene_with_a_lit_subject_is_not_under_exposed(tmp_path: Path) -> None:
    """biden.jpg: a dark suit before a dark room (median luma 15), but the face is lit."""
    facts = px.facts_for(px.PEOPLE / "biden.jpg")
    assert facts.pixels.median_luma < OPTIONS["under_max_median"]
    assert list(photo_exposure.check(px.event_of(facts), OPTIONS)) == []


def test_a_person_before_a_bright_window_is_backlit(tmp_path: Path) -> None:
    facts = px.facts_for(px.save(px.backlit(px.load(px.PEOPLE / "alex_lacamoire1.jpg", 1200)),
                                 tmp_path / "IMG_2.jpg"))
    (problem,) = photo_exposure.check(px.event_of(facts), OPTIONS)
    assert problem.key == "backlit" and problem.path == "IMG_2.jpg"
    assert int(problem.params["face"]) < OPTIONS["backlit_ratio"] * int(
        problem.params["background"])


def test_no_pixels_no_verdict(tmp_path: Path) -> None:
    facts = px.facts_for(px.save(px.exposure(px.load(px.PEOPLE / "city.jpg"), -3),
                                 tmp_path / "a.jpg"))
    facts.pixels = None
    assert list(photo_exposure.check(px.event_of(facts), OPTIONS)) == []
