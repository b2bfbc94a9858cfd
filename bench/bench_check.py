"""Benchmark the metadata pass of `mediacheck` against the reference tools, in one run.

Builds (or reuses) a corpus of real files with mediacheck.samples.factory, then times, on the
same tree and the same machine, back to back:
  - `mediacheck --format json TREE` (cold: no cache; warm: second run on a filled cache),
  - `exiftool -json -r -fast TREE` (the reference for a metadata pass),
  - a loop of `ffprobe -show_format -show_streams` over the videos,
and prints mediacheck's wall time as a ratio to each, plus its peak memory (max RSS).

Scenarios:
  event     (issue 2) 300 12-MP JPEGs with EXIF + 50 MP4s (720p/1080p), in 50 event folders
  district  (issue 4) 200 submissions, ~3,000 files (12 photos + 3 videos each)
Distinct files are generated once and copied into the folders, each copy with its own mtime
(so the fact cache cannot recognise a copy as a moved file: "cold" really is cold; the duplicate
check only compares files within one event, so it does no extra work).

    python bench/bench_check.py --scenario event
    python bench/bench_check.py --scenario district --repeat 3

These are unpaired minimums over small synthetic files; bench/bench_office.py measures the same
pass in pairs on phone-like files and the real corpus (issue 9).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(
    p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
SCENARIOS = {
    # name: (submissions, photos per submission, videos per submission)
    "event": (50, 6, 1),
    "district": (200, 12, 3),
}
DISTINCT_PHOTOS, DISTINCT_VIDEOS = 40, 10


def build_corpus(root: Path, scenario: str) -> Path:
    """Generate the distinct files once, then hard-link them into the submissions."""
    from mediacheck.samples.factory import make_photo, make_video

    pool = root / "pool"
    pool.mkdir(parents=True, exist_ok=True)
    photos = []
    for i in range(DISTINCT_PHOTOS):
        path = pool / f"IMG_{i:04d}.jpg"
        if not path.exists():
            make_photo(path, size=(4000, 3000), seed=1000 + i,
                       datetime_original=f"2023:09:05 07:{i % 60:02d}:00")
        photos.append(path)
    videos = []
    for i in range(DISTINCT_VIDEOS):
        path = pool / f"VID_{i:04d}.mp4"
        if not path.exists():
            w, h = (1920, 1080) if i % 2 else (1280, 720)
            make_video(path, width=w, height=h, seconds=35, fps=30, seed=2000 + i)
        videos.append(path)
    count, per_photos, per_videos = SCENARIOS[scenario]
    tree = root / scenario
    if tree.exists():
        return tree
    staging = root / f".{scenario}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    for s in range(count):
        folder = staging / f"THCS Truong {s:03d}_Khaigiang"
        folder.mkdir(parents=True)
        for j in range(per_photos):
            _copy(photos[(s + j) % len(photos)], folder / f"IMG_{s:03d}_{j:02d}.jpg")
        for j in range(per_videos):
            _copy(videos[(s + j) % len(videos)], folder / f"VID_{s:03d}_{j:02d}.mp4")
    staging.rename(tree)
    return tree


def _copy(src: Path, dst: Path) -> None:
    shutil.copyfile(src, dst)
    stamp = 1_693_900_000 + zlib.crc32(dst.name.encode()) % 1_000_000
    os.utime(dst, (stamp, stamp))


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and peak memory (MiB) of one command, output discarded."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=env or ENV)
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return time.perf_counter() - start, usage.ru_maxrss // 1024


def best(cmd: list[str], repeat: int, env: dict[str, str] | None = None,
         before=None) -> tuple[float, int]:
    runs = []
    for _ in range(repeat):
        if before is not None:
            before()
        runs.append(timed(cmd, env))
    return min(r[0] for r in runs), max(r[1] for r in runs)


def ffprobe_loop(videos: list[Path]) -> list[str]:
    """One shell-free command that runs ffprobe once per video, as a user's script would."""
    script = ("import subprocess,sys\n"
              "for p in sys.argv[1:]:\n"
              "    subprocess.run(['ffprobe','-v','error','-show_format','-show_streams',"
              "'-of','json','file:'+p],stdout=subprocess.DEVNULL)\n")
    return [sys.executable, "-c", script, *map(str, videos)]


def knows_quick() -> bool:
    """`--quick` (metadata only) keeps this a metadata pass, comparable with exiftool, now that
    pixel checks run by default; older versions do not know the flag."""
    out = subprocess.run([sys.executable, "-m", "mediacheck", "check", "--help"],
                         capture_output=True, text=True, env=ENV)
    return "--quick" in out.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="event")
    parser.add_argument("--corpus", type=Path, default=HERE / "corpus")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        build_corpus(args.corpus, args.scenario)
        return 0
    # Built in a child: a child's ru_maxrss starts at its parent's RSS, so this process must
    # stay small for the peak memory figures to be the tools' own.
    subprocess.run([sys.executable, __file__, "--build-only", "--scenario", args.scenario,
                    "--corpus", str(args.corpus)], check=True)
    tree = args.corpus / args.scenario
    files = sorted(p for p in tree.rglob("*") if p.is_file())
    videos = [p for p in files if p.suffix == ".mp4"]
    print(f"corpus: {tree} — {len(files)} files ({len(files) - len(videos)} photos, "
          f"{len(videos)} videos), {os.cpu_count()} CPUs")

    cache = Path(tempfile.mkdtemp(prefix="mediacheck-bench-")) / "facts.sqlite3"
    mediacheck = [sys.executable, "-m", "mediacheck", "--format", "json", str(tree)]
    if knows_quick():
        mediacheck.append("--quick")
    results: dict[str, tuple[float, int]] = {}
    results["mediacheck (no cache)"] = best(mediacheck + ["--no-cache"], args.repeat)
    clear = lambda: cache.unlink(missing_ok=True)  # noqa: E731
    results["mediacheck cold cache"] = best(mediacheck + ["--cache", str(cache)], args.repeat,
                                            before=clear)
    timed(mediacheck + ["--cache", str(cache)])
    results["mediacheck warm cache"] = best(mediacheck + ["--cache", str(cache)], args.repeat)
    if shutil.which("exiftool"):
        results["exiftool -json -r -fast"] = best(
            ["exiftool", "-json", "-r", "-fast", str(tree)], args.repeat)
    if shutil.which("ffprobe"):
        results["ffprobe loop (videos)"] = best(ffprobe_loop(videos), args.repeat)

    for name, (seconds, rss) in results.items():
        print(f"{name:28s} {seconds:8.3f} s   peak {rss:5d} MiB")
    exiftool = results.get("exiftool -json -r -fast")
    ffprobe = results.get("ffprobe loop (videos)")
    for name in ("mediacheck (no cache)", "mediacheck cold cache", "mediacheck warm cache"):
        seconds = results[name][0]
        ratios = []
        if exiftool:
            ratios.append(f"{seconds / exiftool[0]:.3f}x exiftool")
        if ffprobe:
            ratios.append(f"{seconds / ffprobe[0]:.3f}x ffprobe loop")
        print(f"ratio {name:22s} " + ", ".join(ratios))
    return 0


if __name__ == "__main__":
    sys.exit(main())
