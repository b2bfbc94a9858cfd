"""HEIC facts from the `meta` box: the same facts pillow-heif gives, for a few KiB read instead
of the whole file; a damaged box never raises (the file falls back to pillow-heif)."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from conftest import counted
from PIL import Image

from mediacheck.probe import photo as photo_probe
from mediacheck.probe import probe
from mediacheck.probe.bmff import read_boxes
from mediacheck.probe.heif import read_heif

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
CORPUS_HEIC = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in (".heic", ".heif"))


def through_pillow(path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """The facts as pillow-heif and exifread give them (the path before this reader)."""
    with monkeypatch.context() as patch:
        patch.setattr(photo_probe, "_probe_heif", lambda fh, size: None)
        return vars(probe(counted(path)[0]).photo)


def make_heic(path: Path, size: tuple[int, int], orientation: int = 1) -> Path:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "samsung", "SM-A525F", orientation
    exif[0x0131] = "A525FXXU4CVJB"
    exif.get_ifd(0x8769)[0x9003] = "2023:09:05 07:30:00"
    picture = Image.frombytes("RGB", size, random.Random(1).randbytes(size[0] * size[1] * 3))
    picture.save(path, exif=exif.tobytes(), quality=90)
    return path


def test_a_phone_heic_gives_the_same_facts_reading_a_few_kib(tmp_path: Path,
                                                               monkeypatch) -> None:
    path = make_heic(tmp_path / "IMG_1.HEIC", (1600, 1200))
    media, reads = counted(path)
    facts = probe(media)
    assert facts.unreadable is None
    assert vars(facts.photo) == through_pillow(path, monkeypatch)
    assert (facts.photo.make, facts.photo.width, facts.photo.height) == ("samsung", 1600, 1200)
    assert facts.photo.datetime_original == "2023-09-05T07:30:00"
    assert sum(reads) < 64 * 1024 < path.stat().st_size


def test_a_turned_heic_is_shown_at_its_turned_size(tmp_path: Path, monkeypatch) -> None:
    """pillow-heif stores EXIF orientation 6 as an `irot`: the size is the turned one, and the
    EXIF tag does not turn it a second time."""
    path = make_heic(tmp_path / "IMG_3.HEIC", (800, 600), orientation=6)
    facts = probe(counted(path)[0])
    assert vars(facts.photo) == through_pillow(path, monkeypatch)
    assert facts.photo.display_size == (600, 800)


@pytest.mark.skipif(not CORPUS_HEIC, reason="../shared/corpus is not present")
@pytest.mark.parametrize("path", CORPUS_HEIC, ids=lambda p: p.name)
def test_real_camera_heic_files_give_the_same_facts(path: Path, monkeypatch) -> None:
    media, reads = counted(path)
    facts = probe(media)
    assert facts.unreadable is None
    assert vars(facts.photo) == through_pillow(path, monkeypatch)
    if path.stat().st_size > 200_000:
        assert sum(reads) < 0.1 * path.stat().st_size


def test_a_cut_heic_is_truncated_and_a_damaged_index_falls_back(tmp_path: Path) -> None:
    path = make_heic(tmp_path / "IMG_2.HEIC", (800, 600))
    data = path.read_bytes()
    cut = tmp_path / "cut.HEIC"
    cut.write_bytes(data[: len(data) * 2 // 3])
    assert probe(counted(cut)[0]).unreadable == "truncated"
    boxes = read_boxes(io.BytesIO(data), len(data), want_rotation=False, want_meta=True)
    assert boxes.meta and read_heif(io.BytesIO(data), boxes.meta, len(data)) is not None
    rng = random.Random(7)
    for _ in range(2000):
        meta = bytearray(boxes.meta[: rng.randrange(len(boxes.meta) + 1)])
        for _ in range(rng.randrange(6)):
            if meta:
                meta[rng.randrange(len(meta))] = rng.randrange(256)
        picture = read_heif(io.BytesIO(data), bytes(meta), len(data))
        assert picture is None or (picture.width > 0 and picture.height > 0)
