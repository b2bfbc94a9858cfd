"""Checks of the benchmark helpers themselves (run: python -m pytest -q bench/test_bench.py).

A benchmark that builds the wrong files or miscounts bytes would report wrong numbers with
confidence, so the pieces the numbers rest on are tested on real files: the EXIF rewrite keeps a
real MakerNote readable, padding gives exactly the size asked, the strace parser counts what a
real traced process read, and the tree plan plants the cases it says.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

IPHONE = common.CORPUS / common.EXIF_TEMPLATES["iphone6"][0]
needs_corpus = pytest.mark.skipif(not IPHONE.is_file(), reason="shared corpus not present")


@needs_corpus
def test_patched_exif_keeps_the_makernote_and_says_the_new_size(tmp_path: Path) -> None:
    import exifread
    from PIL import Image

    with open(IPHONE, "rb") as fh:
        original = exifread.process_file(fh, details=True)
    exif = common.patch_exif(common.jpeg_app1_exif(IPHONE.read_bytes()), (4032, 3024),
                             "2023:09:05 07:01:02")
    path = tmp_path / "photo.jpg"
    Image.new("RGB", (64, 48), "gray").save(path, "JPEG", exif=exif)
    with open(path, "rb") as fh:
        tags = exifread.process_file(fh, details=True)
    assert str(tags["EXIF ExifImageWidth"]) == "4032"
    assert str(tags["EXIF ExifImageLength"]) == "3024"
    assert str(tags["EXIF DateTimeOriginal"]) == "2023:09:05 07:01:02"
    makernote = {k for k in original if k.startswith("MakerNote")}
    assert makernote and makernote <= set(tags)
    assert str(tags["Image Model"]) == "iPhone 6"


@pytest.mark.parametrize("extra", [4, 5, 65537, 65540, 200_001])
def test_pad_jpeg_gives_exactly_the_size_and_stays_decodable(tmp_path: Path, extra: int
                                                            ) -> None:
    from PIL import Image

    path = tmp_path / "a.jpg"
    Image.new("RGB", (80, 60), "red").save(path, "JPEG")
    target = path.stat().st_size + extra
    common.pad_jpeg(path, target)
    assert path.stat().st_size == target
    with Image.open(path) as img:
        img.load()
        assert img.size == (80, 60)


def test_pad_mp4_adds_a_free_box_players_skip(tmp_path: Path) -> None:
    import av

    from mediacheck.samples.factory import make_video

    path = make_video(tmp_path / "v.mp4", width=160, height=90, seconds=1, fps=5)
    assert common.top_boxes(path)[-1] == "moov"  # the muxer's default, as phones write it
    target = path.stat().st_size + 1000
    common.pad_mp4(path, target)
    assert path.stat().st_size == target
    assert common.top_boxes(path)[-2:] == ["moov", "free"]
    with av.open(str(path)) as container:
        assert container.streams.video[0].codec_context.width == 160


@pytest.mark.skipif(not shutil.which("strace"), reason="strace not installed")
def test_strace_parser_counts_total_and_distinct_bytes(tmp_path: Path) -> None:
    from bench_bytes import trace

    media = tmp_path / "m.bin"
    media.write_bytes(bytes(100_000))
    script = ("import os, sys\n"
              "fd = os.open(sys.argv[1], os.O_RDONLY)\n"
              "os.read(fd, 4096); os.lseek(fd, 0, 0); os.read(fd, 4096)\n"
              "os.lseek(fd, 90_000, 0); os.read(fd, 20_000)\n"
              "os.pread(fd, 1000, 50_000)\n")
    got = trace([sys.executable, "-c", script, str(media)], {str(media): 100_000})
    reads = got[str(media)]
    assert reads.total == 4096 * 2 + 10_000 + 1000  # the read at 90,000 stops at the end
    assert reads.unique == 4096 + 10_000 + 1000
    assert reads.calls == 4


def test_paired_alternates_and_keeps_every_round() -> None:
    quick = common.Side("a", [sys.executable, "-c", "pass"])
    slow = common.Side("b", [sys.executable, "-c", "import time; time.sleep(0.2)"])
    got = common.paired(quick, slow, 2)
    assert len(got.ratios) == 2
    assert all(r < 1 for r in got.ratios)  # 'a' is faster whichever ran first


def test_district_plan_plants_same_size_pairs_and_duplicates() -> None:
    pool = common.Pool(
        photos=[Path(f"p{i}.jpg") for i in range(common.POOL_PHOTOS)],
        videos=[Path(f"v{i}.mp4") for i in range(8)],
        photo_twins=[(Path(f"p{k}.jpg"), Path(f"t{k}.jpg")) for k in range(4)],
        video_twin=(Path("v2.mp4"), Path("vt.mp4")))
    plans = [common._submission_files(s, pool, 12, 3, "district") for s in range(200)]
    assert all(len(p) == 15 for p in plans)  # 12 photos + 3 videos, the copy in a slot
    assert all(len({name for _, name in p}) == 15 for p in plans)
    twins = sum(1 for p in plans if any(src.name.startswith("t") for src, _ in p))
    video_twins = sum(1 for p in plans if any(src.name == "vt.mp4" for src, _ in p))
    photo_dups = [p for p in plans if any("dup" in n and n.endswith(".jpg") for _, n in p)]
    video_dups = [p for p in plans if any("dup" in n and n.endswith(".mp4") for _, n in p)]
    assert (twins, video_twins, len(photo_dups), len(video_dups)) == (50, 20, 20, 4)
    dup_sources = [next(s for s, n in p if "dup" in n and n.endswith(".jpg"))
                   for p in photo_dups]
    assert len(set(dup_sources)) == len(dup_sources)  # one pool file per occurrence
    for p in photo_dups:
        src = next(s for s, n in p if "dup" in n and n.endswith(".jpg"))
        assert sum(1 for s, _ in p if s == src) == 2


@pytest.mark.skipif(not shutil.which("exiftool"), reason="exiftool not installed")
@needs_corpus
def test_phone_photo_reads_like_a_camera_file_to_exiftool(tmp_path: Path) -> None:
    path = common.make_phone_photo(tmp_path / "p.jpg", "nikon", 1, "2023:09:05 07:00:00")
    out = subprocess.run(["exiftool", "-s", "-s", "-s", "-ExifImageWidth", "-ImageSize",
                          "-MakerNoteVersion", "-Warning", str(path)],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == ["4000", "4000x3000", "2.10"]
    assert 3_000_000 < path.stat().st_size < 5_000_000  # what a 12 MP phone JPEG weighs
