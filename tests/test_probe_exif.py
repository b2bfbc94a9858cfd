"""`probe/exif.py`: the targeted EXIF reader gives the values Pillow gives for the tags asked,
on generated photos and on the real camera files of the corpus, and survives hostile blocks."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from conftest import REPO
from PIL import Image

from mediacheck.probe.exif import Ratio, read_directories
from mediacheck.samples.factory import make_photo

CORPUS = Path(os.environ.get("MEDIACHECK_CORPUS") or REPO.parent / "shared" / "corpus")
WANTED = {"0": {0x010F, 0x0110, 0x0131, 0x010E, 0x0112, 0x0132},
          "exif": {0x9003, 0xA002, 0xA003, 0x9286}, "gps": {1, 2, 3, 4}}


def tiff_block(path: Path) -> bytes | None:
    with Image.open(path) as image:
        for marker, data in getattr(image, "applist", []):
            if marker == "APP1" and data[:6] == b"Exif\0\0":
                return data[6:]
    return None


def as_pillow(value):  # noqa: ANN001, ANN201 - our value in Pillow's shape, to compare
    if isinstance(value, Ratio):
        return value.num / value.den if value.den else None
    if isinstance(value, tuple):
        return tuple(as_pillow(v) for v in value)
    return value


def pillow_value(value):  # noqa: ANN001, ANN201
    if hasattr(value, "denominator"):
        return float(value) if value.denominator else None
    if isinstance(value, tuple):
        return tuple(pillow_value(v) for v in value)
    return value


def same_as_pillow(path: Path) -> None:
    data = tiff_block(path)
    if data is None:
        return
    ours = read_directories(data, WANTED)
    with Image.open(path) as image:
        exif = image.getexif()
        theirs = {"0": exif, "exif": exif.get_ifd(0x8769), "gps": exif.get_ifd(0x8825)}
    for ifd, tags in WANTED.items():
        for tag in tags:
            a, b = pillow_value(theirs[ifd].get(tag)), as_pillow(ours.get(ifd, {}).get(tag))
            if isinstance(a, str) and isinstance(b, str):
                a, b = a.rstrip("\0 "), b.rstrip("\0 ")
            assert a == b, (path.name, ifd, hex(tag), a, b)


def test_a_generated_camera_photo(tmp_path: Path) -> None:
    photo = make_photo(tmp_path / "IMG_1.jpg", size=(320, 240), seed=1,
                       gps=(21.3856, 103.017))
    same_as_pillow(photo)
    found = read_directories(tiff_block(photo), WANTED)
    assert found["0"][0x010F] and found["exif"][0x9003].startswith("20")


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not beside the checkout")
def test_real_camera_files() -> None:
    photos = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg"))
    assert len(photos) >= 20
    for path in photos:
        same_as_pillow(path)


def test_a_maker_note_is_located_not_decoded(tmp_path: Path) -> None:
    photo = make_photo(tmp_path / "IMG_1.jpg", size=(320, 240), seed=1)
    data = tiff_block(photo)
    found = read_directories(data, {"exif": {0x9003}}, places=frozenset({0x9003}))
    offset, length = found.places[0x9003]
    assert data[offset:offset + length].startswith(b"20")
    assert 0x9003 not in found["exif"]


def test_hostile_blocks_never_raise(tmp_path: Path) -> None:
    """Mutated real EXIF (offsets, counts, types) and loops between directories."""
    photo = make_photo(tmp_path / "IMG_1.jpg", size=(320, 240), seed=1, gps=(21.3, 103.0))
    data = tiff_block(photo)
    rng = random.Random(7)
    for _ in range(400):
        broken = bytearray(data)
        for _ in range(rng.randint(1, 12)):
            broken[rng.randrange(len(broken))] = rng.randrange(256)
        read_directories(bytes(broken), WANTED, frozenset({0x927C}))
    looping = bytearray(data)
    looping[4:8] = (8).to_bytes(4, "little" if data[:2] == b"II" else "big")
    read_directories(bytes(looping), WANTED)
    assert read_directories(b"II*\0", WANTED) == {}


def test_a_user_comment_of_an_odd_type_is_not_a_damaged_photo(tmp_path: Path) -> None:
    """A program that writes UserComment as numbers leaves a readable photo, not `corrupt`."""
    from mediacheck.probe import probe
    from mediacheck.scan import MediaFile

    photo = make_photo(tmp_path / "IMG_1.jpg", size=(320, 240), seed=1)
    with Image.open(photo) as image:
        exif = image.getexif()
        exif.get_ifd(0x8769)[0x9286] = (1, 2, 3)
        image.save(tmp_path / "IMG_2.jpg", exif=exif)
    odd = tmp_path / "IMG_2.jpg"
    facts = probe(MediaFile(odd.name, "photo", odd.stat().st_size, 0.0,
                            lambda: odd.open("rb"), odd))
    assert facts.unreadable is None and facts.photo.make
