"""`photo-sharpness`: real photos blurred at several radii in fixtures, judged from their facts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pixel_fixtures as px
import pytest
from PIL import Image

from mediacheck.checks import photo_sharpness
from mediacheck.profile import load_profile

OPTIONS = load_profile().checks["photo-sharpness"].options
SOURCES = [px.PEOPLE / "city.jpg", px.PEOPLE / "obama.jpg",
           px.CORPUS / "exif-samples" / "jpg" / "gps" / "DSCN0021.jpg"]


def keys(tmp_path: Path, image: Image.Image, name: str = "IMG_1.jpg") -> list[str]:
    facts = px.facts_for(px.save(image, tmp_path / name))
    return [p.key for p in photo_sharpness.check(px.event_of(facts), OPTIONS)]


@pytest.fixture(autouse=True)
def _shared() -> None:
    px.need_shared()


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_sharp_originals_pass_and_a_strong_blur_is_flagged(tmp_path: Path, source: Path) -> None:
    photo = px.load(source, 1600)
    assert keys(tmp_path, photo) == []
    assert keys(tmp_path, px.blurred(photo, 3.0), "blur3.jpg") == ["blurred"]


@pytest.mark.parametrize("source", SOURCES[:2], ids=lambda p: p.name)
def test_a_light_blur_is_only_possibly_soft(tmp_path: Path, source: Path) -> None:
    assert keys(tmp_path, px.blurred(px.load(source, 1600), 1.5)) == ["soft"]


def test_edge_width_grows_with_the_blur_radius(tmp_path: Path) -> None:
    photo = px.load(px.PEOPLE / "two_people.jpg", 1600)
    widths = [px.facts_for(px.save(px.blurred(photo, sigma) if sigma else photo,
                                   tmp_path / f"s{sigma}.jpg")).pixels.edge_width
              for sigma in (0, 1.0, 2.0, 3.0)]
    assert widths == sorted(widths) and widths[-1] > 2 * widths[0]


def test_low_contrast_is_not_blur(tmp_path: Path) -> None:
    """A dim, flat photo has weak edges, but they are as steep as ever."""
    photo = px.load(px.PEOPLE / "city.jpg")
    array = np.asarray(photo, dtype=np.float32)
    flat = Image.fromarray((array.mean() + (array - array.mean()) * 0.35).astype(np.uint8))
    sharp = px.facts_for(px.save(photo, tmp_path / "a.jpg", 95)).pixels
    dim = px.facts_for(px.save(flat, tmp_path / "b.jpg", 95)).pixels
    assert keys(tmp_path, flat) == []
    assert dim.edge_width == pytest.approx(sharp.edge_width, rel=0.2)


def test_too_little_detail_gets_no_verdict(tmp_path: Path) -> None:
    """A plain wall: nothing to judge sharpness by, so nothing is said."""
    rng = np.random.default_rng(1)
    wall = np.clip(rng.normal(150, 3, (1200, 1600, 3)), 0, 255).astype(np.uint8)
    facts = px.facts_for(px.save(px.blurred(Image.fromarray(wall), 4.0), tmp_path / "wall.jpg"))
    assert facts.pixels.detail < OPTIONS["min_detail"]
    assert list(photo_sharpness.check(px.event_of(facts), OPTIONS)) == []


def test_a_photo_without_pixels_gets_no_verdict(tmp_path: Path) -> None:
    blurred = px.blurred(px.load(px.PEOPLE / "city.jpg"), 4)
    facts = px.facts_for(px.save(blurred, tmp_path / "a.jpg"))
    facts.pixels = None
    assert list(photo_sharpness.check(px.event_of(facts), OPTIONS)) == []


def test_the_finding_names_the_file_and_the_edge_width(tmp_path: Path) -> None:
    photo = px.blurred(px.load(px.PEOPLE / "obama.jpg"), 3.0)
    facts = px.facts_for(px.save(photo, tmp_path / "Phat bieu.jpg"))
    (problem,) = photo_sharpness.check(px.event_of(facts), OPTIONS)
    assert problem.path == "Phat bieu.jpg" and problem.params["file"] == "Phat bieu.jpg"
    assert float(problem.params["edge_width"]) >= OPTIONS["blurred_edge_width"]
