"""The pixel pass as issue 7 measures it, in one command: photos, videos, and a whole tree.

1. `bench_deep_photo.py`: the photo pixel stage against a full Pillow decode of the same JPEGs
   (target <= 0.5x);
2. `bench_deep_video.py`: the video motion pass against a bare `ffmpeg -i CLIP -an -f null -`
   decode (<= 1.0x) and PySceneDetect's content detector (<= 0.5x, when installed), and its
   peak memory on a 60 s 4K clip (< 300 MB);
3. the district (or event) tree of `bench_check.py` checked with the pixel checks, cold (no
   cache) and warm (the cache filled by the cold run: no picture is decoded), each paired with
   the metadata-only run (`--quick`) in the same round, as median [min-max] of `--rounds`.

    python bench/bench_deep.py                       # all three, district tree
    python bench/bench_deep.py --only tree --scenario event --rounds 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(
    p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV,
                   check=False)
    return time.perf_counter() - start


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} [{min(values):.3f}-{max(values):.3f}]"


def tree_pass(scenario: str, rounds: int) -> None:
    """Cold and warm full checks of a tree, each against the metadata-only pass."""
    from bench_check import build_corpus

    tree = build_corpus(HERE / "corpus", scenario)
    files = sum(1 for p in tree.rglob("*") if p.is_file())
    base = [sys.executable, "-m", "mediacheck", str(tree), "--format", "json", "-o", os.devnull]
    quick = base + ["--quick", "--no-cache"]
    cold_ratios, warm_ratios, colds, warms, quicks = [], [], [], [], []
    for _ in range(rounds):
        cache = Path(tempfile.mkdtemp(prefix="mediacheck-deep-")) / "facts.sqlite3"
        metadata = wall(quick)
        cold = wall(base + ["--cache", str(cache)])
        warm = wall(base + ["--cache", str(cache)])
        quicks.append(metadata)
        colds.append(cold)
        warms.append(warm)
        cold_ratios.append(cold / metadata)
        warm_ratios.append(warm / metadata)
    print(f"\ntree: {tree} ({files} files), {os.cpu_count()} CPUs, {rounds} rounds")
    print(f"  metadata only (--quick, no cache): {spread(quicks)} s")
    print(f"  with pixels, cold (fills the cache): {spread(colds)} s, "
          f"{spread(cold_ratios)}x the metadata pass")
    print(f"  with pixels, warm (no picture decoded): {spread(warms)} s, "
          f"{spread(warm_ratios)}x the metadata pass")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("photo", "video", "tree"), default=None)
    parser.add_argument("--scenario", default="district", choices=("event", "district"))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if args.only in (None, "photo"):
        subprocess.run([sys.executable, str(HERE / "bench_deep_photo.py"),
                        "--runs", str(max(5, args.rounds))], env=ENV, check=False)
    if args.only in (None, "video"):
        subprocess.run([sys.executable, str(HERE / "bench_deep_video.py"),
                        "--rounds", str(args.rounds)], env=ENV, check=False)
    if args.only in (None, "tree"):
        tree_pass(args.scenario, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
