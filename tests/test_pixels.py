"""The photo pixel stage: decoding small and safely, and what the analysis measures."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pixel_fixtures as px
import pytest
from PIL import Image

from mediacheck.probe import pixels
from mediacheck.probe.facts import FileFacts
from mediacheck.probe.pixels import (
    ANALYSIS_SIZE,
    PhotoPixels,
    PixelsUnreadable,
    analyse_photo,
    decode_for_analysis,
    hash_distance,
)

HEIC = px.CORPUS / "metadata-extractor-images" / "heic" / "IMG_1034.heic"
ROTATED = px.CORPUS / "exif-samples" / "jpg" / "orientation" / "portrait_6.jpg"


@pytest.fixture(autouse=True)
def _shared() -> None:
    px.need_shared()


def decode(data: bytes, content: str = "jpeg", orientation: int | None = None) -> Image.Image:
    return decode_for_analysis(io.BytesIO(data), content, orientation)


def test_a_12mp_jpeg_is_decoded_at_a_quarter_then_fitted(tmp_path: Path) -> None:
    big = px.load(px.PEOPLE / "city.jpg").resize((4000, 3000))
    data = px.save(big, tmp_path / "big.jpg").read_bytes()
    seen: list[tuple[int, int]] = []
    original = Image.Image.resize

    def spy(self: Image.Image, size: tuple[int, int], *args: object, **kw: object) -> Image.Image:
        seen.append(self.size)
        return original(self, size, *args, **kw)

    Image.Image.resize = spy  # type: ignore[method-assign]
    try:
        image = decode(data)
    finally:
        Image.Image.resize = original  # type: ignore[method-assign]
    assert image.size == (ANALYSIS_SIZE, ANALYSIS_SIZE * 3 // 4) and image.mode == "RGB"
    assert seen == [(500, 375)]  # libjpeg's 1/8 scale: never the 12 MP


def test_a_small_photo_is_never_enlarged(tmp_path: Path) -> None:
    data = px.save(px.load(px.PEOPLE / "kit_with_rose.jpg").resize((300, 420)),
                   tmp_path / "s.jpg").read_bytes()
    assert decode(data).size == (300, 420)
    assert ANALYSIS_SIZE > 420


def test_exif_orientation_is_applied() -> None:
    with Image.open(ROTATED) as raw:
        assert raw.width > raw.height and raw.getexif().get(0x0112) == 6
    image = decode(ROTATED.read_bytes(), orientation=6)
    assert image.height > image.width


def test_heic_is_decoded_upright_and_small() -> None:
    if not HEIC.is_file():
        pytest.skip("no HEIC sample")
    image = decode(HEIC.read_bytes(), "heif", orientation=6)  # libheif rotates, not us
    assert image.size == (ANALYSIS_SIZE, ANALYSIS_SIZE * 3 // 4)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
def test_a_damaged_photo_raises_pixels_unreadable(damage: str) -> None:
    data = (px.PEOPLE / "obama.jpg").read_bytes()
    broken = {"truncated": data[: len(data) // 3], "garbage": data[:600] + bytes(5000),
              "empty": b""}[damage]
    with pytest.raises(PixelsUnreadable) as caught:
        decode(broken)
    assert caught.value.reason in ("truncated", "corrupt")


def test_a_transparent_png_is_analysed_on_white(tmp_path: Path) -> None:
    image = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    image.paste(px.load(px.PEOPLE / "obama.jpg", 300), (50, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    result = analyse_photo(decode(buffer.getvalue(), "png"))
    assert result.clipped_white > 0.3 and result.face_count == 1


def test_faces_are_found_in_real_photos() -> None:
    counts = {name: analyse_photo(decode((px.PEOPLE / name).read_bytes())).face_count
              for name in ("obama.jpg", "two_people.jpg", "kit_with_rose.jpg", "city.jpg")}
    assert counts["obama.jpg"] == 1 and counts["two_people.jpg"] == 2
    assert counts["kit_with_rose.jpg"] == 2 and counts["city.jpg"] >= 8


def test_no_face_is_found_in_a_landscape() -> None:
    path = px.CORPUS / "exif-samples" / "jpg" / "gps" / "DSCN0010.jpg"
    result = analyse_photo(decode(path.read_bytes()))
    assert result.face_detector == "yunet" and result.faces == []


def test_the_face_model_is_the_one_shipped_and_checked() -> None:
    assert pixels.face_detector_name() == "yunet"
    assert pixels._face_model() is not None


def test_perceptual_hash_survives_re_encoding_and_tells_photos_apart(tmp_path: Path) -> None:
    city = px.load(px.PEOPLE / "city.jpg")
    a = analyse_photo(decode(px.save(city, tmp_path / "a.jpg", 95).read_bytes())).phash
    b = analyse_photo(decode(px.save(city.resize((640, 451)), tmp_path / "b.jpg", 60)
                             .read_bytes())).phash
    other = analyse_photo(decode((px.PEOPLE / "obama.jpg").read_bytes())).phash
    assert len(a) == 16 and hash_distance(a, b) <= 4 and hash_distance(a, other) >= 20
    assert hash_distance(a, "") == 64


def test_pixels_round_trip_through_the_cache_and_show_in_the_json_row() -> None:
    facts = px.facts_for(px.PEOPLE / "two_people.jpg")
    again = FileFacts(path=facts.path, kind="photo", size=facts.size)
    pixels.load_stage(again, json.loads(json.dumps(pixels.dump_stage(facts))))
    assert again.pixels == facts.pixels and isinstance(again.pixels, PhotoPixels)
    row = json.loads(json.dumps(facts.to_dict()))
    assert len(row["faces"]) == 2 and row["phash"] == facts.pixels.phash
    assert {"sharpness", "banner", "clipped_white", "dark_p10", "median_luma"} <= set(row)


def test_from_dict_ignores_fields_of_another_stage_version() -> None:
    data = PhotoPixels(analysed_width=10).to_dict() | {"a_future_field": 1}
    assert PhotoPixels.from_dict(data).analysed_width == 10


class _Ref:
    """What the stage runner hands a stage: something to open (a path or a ZIP member)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def open(self) -> io.BufferedReader:
        return open(self.path, "rb")


def test_the_stage_fills_the_facts_and_leaves_the_picture_for_the_thumbnail() -> None:
    facts = px.facts_for(px.PEOPLE / "obama.jpg")
    fresh = FileFacts(path="obama.jpg", kind="photo", size=facts.size, content="jpeg",
                      photo=facts.photo)
    ctx: dict[str, object] = {}
    pixels.run_stage(_Ref(px.PEOPLE / "obama.jpg"), fresh, ctx)
    assert fresh.pixels == facts.pixels
    assert max(ctx["image"].size) == ANALYSIS_SIZE  # type: ignore[union-attr]


def test_the_stage_raises_on_a_damaged_photo(tmp_path: Path) -> None:
    broken = tmp_path / "cut.jpg"
    broken.write_bytes((px.PEOPLE / "obama.jpg").read_bytes()[:20000])
    facts = px.facts_for(px.PEOPLE / "obama.jpg")
    with pytest.raises(PixelsUnreadable):
        pixels.run_stage(_Ref(broken), facts, {})
