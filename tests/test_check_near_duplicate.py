"""`near-duplicate`: bursts and near-identical shots made from a real photo in fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pixel_fixtures as px
import pytest
from PIL import Image, ImageEnhance

from mediacheck.checks import near_duplicate
from mediacheck.probe.facts import FileFacts
from mediacheck.profile import load_profile

OPTIONS = load_profile().checks["near-duplicate"].options


def frame(image: Image.Image, shift: float, brightness: float = 1.0) -> Image.Image:
    """The next frame of a burst: the camera moved `shift` of the width, the light changed."""
    width, height = image.size
    dx = int(width * shift)
    moved = image.crop((dx, 0, width - int(width * 0.03) + dx, height)).resize(image.size)
    return ImageEnhance.Brightness(moved).enhance(brightness)


def taken(facts: FileFacts, time: str) -> FileFacts:
    facts.photo.datetime_original = time
    return facts


@pytest.fixture(scope="module")
def burst(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FileFacts]:
    px.need_shared()
    folder = tmp_path_factory.mktemp("burst")
    city = px.load(px.PEOPLE / "city.jpg")
    shots = {
        "IMG_1001.jpg": px.blurred(city, 1.2),
        "IMG_1002.jpg": city,
        "IMG_1003.jpg": frame(city, 0.02, 1.08),
        "IMG_2000.jpg": px.load(px.PEOPLE / "obama_and_biden.jpg", 800),
    }
    facts = {name: px.facts_for(px.save(image, folder / name)) for name, image in shots.items()}
    for second, name in enumerate(shots):
        taken(facts[name], f"2023-09-05T07:30:0{second}")
    return facts


def test_a_burst_is_one_group_and_the_sharpest_is_kept(burst: dict[str, FileFacts]) -> None:
    problems = list(near_duplicate.check(px.event_of(*burst.values()), OPTIONS))
    assert sorted(p.path for p in problems) == ["IMG_1001.jpg", "IMG_1003.jpg"]
    for problem in problems:
        assert problem.key == "burst"
        assert problem.params["same_as"] == "IMG_1002.jpg"
        assert problem.params["group_size"] == 3


def test_without_capture_times_only_near_identical_shots_group(
        burst: dict[str, FileFacts], tmp_path: Path) -> None:
    """The looser burst bound needs the EXIF times; the strict one does not."""
    city = px.load(px.PEOPLE / "city.jpg")
    again = px.facts_for(px.save(city, tmp_path / "IMG_1002 (1).jpg", quality=80))
    first = px.facts_for(px.save(city, tmp_path / "IMG_1002.jpg", quality=95))
    for facts in (again, first):
        facts.photo.datetime_original = None
    (problem,) = near_duplicate.check(px.event_of(first, again, burst["IMG_2000.jpg"]), OPTIONS)
    assert (problem.key, problem.path, problem.params["same_as"]) == (
        "similar", "IMG_1002 (1).jpg", "IMG_1002.jpg")


def test_shots_minutes_apart_are_not_a_burst(burst: dict[str, FileFacts]) -> None:
    import copy

    far = [copy.deepcopy(burst[n]) for n in ("IMG_1002.jpg", "IMG_1003.jpg")]
    taken(far[1], "2023-09-05T07:45:00")
    distance = near_duplicate.hash_distance(far[0].pixels.phash, far[1].pixels.phash)
    expected = 1 if distance <= OPTIONS["max_distance"] else 0
    assert len(list(near_duplicate.check(px.event_of(*far), OPTIONS))) == expected
    assert distance <= OPTIONS["burst_max_distance"]


def test_different_photos_are_not_duplicates() -> None:
    px.need_shared()
    photos = [px.facts_for(px.PEOPLE / n) for n in ("city.jpg", "obama.jpg", "biden.jpg",
                                                    "two_people.jpg", "kit_with_rose.jpg")]
    for facts in photos:
        facts.photo.datetime_original = "2023-09-05T07:30:00"
    assert list(near_duplicate.check(px.event_of(*photos), OPTIONS)) == []


def test_an_exact_copy_is_left_to_the_duplicate_check(tmp_path: Path) -> None:
    """Same bytes: `duplicate` names the copy; this check must not name it a second time."""
    px.need_shared()
    original = shutil.copyfile(px.PEOPLE / "obama.jpg", tmp_path / "IMG_5.jpg")
    copy = shutil.copyfile(px.PEOPLE / "obama.jpg", tmp_path / "IMG_5 - Copy.jpg")
    facts = [px.facts_for(Path(p)) for p in (original, copy)]
    for f in facts:
        f.sha256 = "same"
    assert list(near_duplicate.check(px.event_of(*facts), OPTIONS)) == []


def test_photos_without_pixels_are_left_out(burst: dict[str, FileFacts]) -> None:
    import copy

    blind = [copy.copy(burst[n]) for n in ("IMG_1001.jpg", "IMG_1002.jpg")]
    blind[0].pixels = None
    assert list(near_duplicate.check(px.event_of(*blind), OPTIONS)) == []
