"""Benchmark the video pixel pass (`mediacheck.probe.motion.analyse_video`) against reference
tools run in the same script, on the same clips, paired run by run.

For each clip, each round runs back to back, each in its own child process:
  - `ffmpeg -threads N -i CLIP -an -f null -` (the bundled imageio-ffmpeg binary): a bare
    decode of every frame, the least any tool that looks at the pictures can do;
  - the motion pass with the same N decoding threads;
  - PySceneDetect's content detector (`scenedetect.detect(CLIP, ContentDetector())`), when
    `scenedetect` is installed (`pip install scenedetect-headless`: for this benchmark only,
    not a dependency of mediacheck); otherwise that column is skipped.
and prints, per clip, the median [min–max] wall time of each, the motion pass's ratio to each
(median [min–max] of the per-round ratios), the same ratio for CPU time (user + system of the
child: less sensitive to other work on the machine), and the motion pass's peak memory
(ru_maxrss of its child process). "The call alone" is `analyse_video` timed inside its process,
without starting Python and importing numpy, OpenCV and PyAV (about 0.4-0.7 s, paid once per
worker process in the engine's pool, not per clip): it is what a clip costs the engine.

Clips (generated once with ffmpeg into bench/.work/, which git ignores): 60 s at 1080p and at
4K, H.264 without B-frames like a phone's encoder, from the corpus drone clip (karma.mp4) looped,
scaled and given film grain so they weigh what a phone's clips weigh (16 and 40 Mbit/s); a 1080p
one with B-frames (x264's defaults, like a camera or an editor); and the real corpus clips.

    python bench/bench_deep_video.py                 # 5 rounds, N = number of cores
    python bench/bench_deep_video.py --rounds 7 --threads 2 --only 4k
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
WORK = HERE / ".work"
SHARED = ROOT.parent / "shared"
KARMA = SHARED / "corpus/gpmf-parser/samples/karma.mp4"
REAL = [KARMA, SHARED / "corpus/gpmf-parser/samples/max-heromode.mp4",
        SHARED / "people/short_hamilton_clip.mp4"]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(
    p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
# name: (size, x264 options): 60 s each
GENERATED = {
    "1080p": ("1920:1080", ["-bf", "0", "-b:v", "16M", "-maxrate", "20M", "-bufsize", "32M"]),
    "1080p-bframes": ("1920:1080", ["-b:v", "16M", "-maxrate", "20M", "-bufsize", "32M"]),
    "4k": ("3840:2160", ["-bf", "0", "-b:v", "40M", "-maxrate", "45M", "-bufsize", "80M"]),
}

MOTION_CHILD = """
import json, resource, sys, time
from mediacheck.probe.facts import VideoFacts
from mediacheck.probe.motion import analyse_video
start = time.perf_counter()
m = analyse_video(sys.argv[1], VideoFacts(), threads=int(sys.argv[2]))
print(json.dumps({"cuts": len(m.cuts), "frames": m.frames,
                  "call_s": time.perf_counter() - start,
                  "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""
SCENEDETECT_CHILD = """
import json, sys
from scenedetect import ContentDetector, detect
scenes = detect(sys.argv[1], ContentDetector())
print(json.dumps({"cuts": max(0, len(scenes) - 1)}))
"""


def ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def build_clips(only: set[str] | None) -> dict[str, Path]:
    """The generated 60 s clips (made once) and the real corpus clips that are present."""
    WORK.mkdir(parents=True, exist_ok=True)
    clips: dict[str, Path] = {}
    for name, (size, options) in GENERATED.items():
        if only and name not in only:
            continue
        path = WORK / f"deep-{name}.mp4"
        if not path.is_file():
            if not KARMA.is_file():
                print(f"skipping {name}: needs {KARMA}")
                continue
            print(f"generating {path.name} (once) ...", flush=True)
            tmp = path.with_name(path.name + ".part.mp4")
            subprocess.run(
                [ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                 "-stream_loop", "5", "-i", str(KARMA), "-t", "60",
                 "-vf", f"scale={size},noise=alls=6:allf=t", "-an", "-c:v", "libx264",
                 "-preset", "superfast", *options, "-pix_fmt", "yuv420p", str(tmp)],
                check=True)
            tmp.replace(path)
        clips[name] = path
    for path in REAL:
        if path.is_file() and (not only or path.stem in only):
            clips[path.stem] = path
    return clips


def timed(args: list[str]) -> tuple[float, float, str]:
    """Wall and CPU seconds (user + system) of a child process, and its standard output."""
    before = os.times()
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=ENV)
    wall = time.perf_counter() - start
    after = os.times()
    if done.returncode != 0:
        raise RuntimeError(f"{args[0]} failed: {done.stderr.strip()[-500:]}")
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system)
    return wall, cpu, done.stdout


def has_scenedetect() -> bool:
    probe = subprocess.run([sys.executable, "-c", "import scenedetect"], capture_output=True)
    return probe.returncode == 0


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    return (f"{fmt.format(statistics.median(values))} "
            f"[{fmt.format(min(values))}–{fmt.format(max(values))}]")


def bench_clip(path: Path, rounds: int, threads: int, scenedetect: bool) -> dict[str, list]:
    runs: dict[str, list] = {"ffmpeg": [], "motion": [], "scenedetect": [], "rss": [], "call": [],
                             "ffmpeg_cpu": [], "motion_cpu": [], "scenedetect_cpu": []}
    decode = [ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error", "-threads",
              str(threads), "-i", str(path), "-an", "-f", "null", "-"]
    for _ in range(rounds):
        wall, cpu, _ = timed(decode)
        runs["ffmpeg"].append(wall)
        runs["ffmpeg_cpu"].append(cpu)
        wall, cpu, out = timed([sys.executable, "-c", MOTION_CHILD, str(path), str(threads)])
        runs["motion"].append(wall)
        runs["motion_cpu"].append(cpu)
        runs["rss"].append(json.loads(out)["rss_kb"] / 1024)
        runs["call"].append(json.loads(out)["call_s"])
        if scenedetect:
            wall, cpu, _ = timed([sys.executable, "-c", SCENEDETECT_CHILD, str(path)])
            runs["scenedetect"].append(wall)
            runs["scenedetect_cpu"].append(cpu)
    return runs


def ratios(a: list[float], b: list[float]) -> list[float]:
    return [x / y for x, y in zip(a, b, strict=True)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--only", nargs="*", help="clip names (1080p, 4k, karma, ...)")
    args = parser.parse_args()
    scenedetect = has_scenedetect()
    clips = build_clips(set(args.only) if args.only else None)
    print(f"{args.rounds} paired rounds, {args.threads} decoding threads, load average "
          f"{os.getloadavg()[0]:.1f}; PySceneDetect: "
          f"{'yes' if scenedetect else 'not installed, skipped'}\n")
    for name, path in clips.items():
        runs = bench_clip(path, args.rounds, args.threads, scenedetect)
        print(f"{name} ({path.stat().st_size / 1e6:.0f} MB)")
        print(f"  ffmpeg decode   {spread(runs['ffmpeg'])} s")
        print(f"  motion pass     {spread(runs['motion'])} s   peak memory "
              f"{spread(runs['rss'], '{:.0f}')} MiB")
        print(f"  motion / ffmpeg         wall {spread(ratios(runs['motion'], runs['ffmpeg']))}x"
              f"   cpu {spread(ratios(runs['motion_cpu'], runs['ffmpeg_cpu']))}x"
              f"   the call alone {spread(ratios(runs['call'], runs['ffmpeg']))}x")
        if scenedetect:
            print(f"  PySceneDetect   {spread(runs['scenedetect'])} s")
            print(f"  motion / PySceneDetect  wall "
                  f"{spread(ratios(runs['motion'], runs['scenedetect']))}x   cpu "
                  f"{spread(ratios(runs['motion_cpu'], runs['scenedetect_cpu']))}x")
        print(flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
