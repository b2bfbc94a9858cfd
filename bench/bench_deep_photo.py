"""The photo pixel pass against a plain full decode of the same JPEG, paired in one run.

For each photo: mediacheck's pixel stage (`decode_for_analysis` + `analyse_photo`) and
Pillow's full decode (`Image.open(p).load()`), one after the other, `--runs` times; the report
is the median [min-max] of the per-run ratios, per photo and over the set (sum of one run's
times). Target: at most 0.5x. The set: the real camera JPEGs of the corpus of 8 MP and more,
and 12-MP JPEGs made from corpus and people photos upscaled to 4000 x 3000 (so they cost like
a phone's: quality 92, written to a temporary folder, deleted after).

    python bench/bench_deep_photo.py [--shared ../shared] [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from mediacheck.probe.pixels import analyse_photo, decode_for_analysis  # noqa: E402

REAL = ["Canon PowerShot G11.jpg", "FujiFilm FinePix F40fd.jpg", "Motorola XT1068 (Moto G).jpg",
        "Oppo R7 Plus.jpg", "Samsung GT-I9505 (Galaxy S4).jpg", "Blackberry Z10.jpg"]
UPSCALED = ["people/city.jpg", "people/obama_and_biden.jpg", "people/two_people.jpg",
            "corpus/exif-samples/jpg/gps/DSCN0021.jpg", "people/johnsnow_test1.jpg"]


def make_12mp(shared: Path, folder: Path) -> list[Path]:
    from PIL import Image, ImageOps

    out = []
    for rel in UPSCALED:
        with Image.open(shared / rel) as image:
            picture = ImageOps.exif_transpose(image).convert("RGB")
        size = (4000, 3000) if picture.width >= picture.height else (3000, 4000)
        path = folder / (Path(rel).stem + "_12mp.jpg")
        picture.resize(size, Image.Resampling.BICUBIC).save(path, "JPEG", quality=92)
        out.append(path)
    return out


def pixel_pass(path: Path) -> float:
    start = time.perf_counter()
    with open(path, "rb") as fh:
        analyse_photo(decode_for_analysis(fh, "jpeg", None))
    return time.perf_counter() - start


def full_decode(path: Path) -> float:
    from PIL import Image

    start = time.perf_counter()
    with Image.open(path) as image:
        image.load()
    return time.perf_counter() - start


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    return (f"{fmt.format(statistics.median(values))} "
            f"[{fmt.format(min(values))}-{fmt.format(max(values))}]")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=HERE.parents[1] / "shared")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    corpus = args.shared / "corpus" / "metadata-extractor-images" / "jpg"
    if not corpus.is_dir():
        print(f"no corpus under {args.shared}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        photos = [corpus / name for name in REAL if (corpus / name).is_file()]
        photos += make_12mp(args.shared, Path(tmp))
        for path in photos:  # warm: the face model loads once per process, files in cache
            pixel_pass(path)
            full_decode(path)
        totals: list[tuple[float, float]] = []
        rows = {path: [] for path in photos}
        for _ in range(args.runs):
            run_ours = run_full = 0.0
            for path in photos:
                ours, full = pixel_pass(path), full_decode(path)
                rows[path].append((ours, full))
                run_ours, run_full = run_ours + ours, run_full + full
            totals.append((run_ours, run_full))
        print(f"{'photo':40} {'pixel pass ms':>22} {'full decode ms':>22} {'ratio':>18}")
        for path, pairs in rows.items():
            print(f"{path.name[:40]:40} {spread([o * 1000 for o, _ in pairs], '{:.1f}'):>22} "
                  f"{spread([f * 1000 for _, f in pairs], '{:.1f}'):>22} "
                  f"{spread([o / f for o, f in pairs]):>18}")
        print(f"{'all ' + str(len(photos)) + ' photos':40} "
              f"{spread([o * 1000 for o, _ in totals], '{:.0f}'):>22} "
              f"{spread([f * 1000 for _, f in totals], '{:.0f}'):>22} "
              f"{spread([o / f for o, f in totals]):>18}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
