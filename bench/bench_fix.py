"""Benchmark: `mediacheck fix --apply` on a 60 s 4K clip vs the bare ffmpeg command it runs.

Both run in this script on the same machine, on the same generated clip, so the ratio shows
what `fix` adds around ffmpeg (startup, checking the source, progress parsing, the final rename
and the re-check). Target: within 5 % (ratio <= 1.05).

    python bench/bench_fix.py [--seconds 60] [--fps 30] [--repeat 2]

Generating the clip takes a while (the factory encodes it with the bundled ffmpeg).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mediacheck.engine import RunOptions, iter_results  # noqa: E402
from mediacheck.fix.apply import same_filesystem  # noqa: E402
from mediacheck.fix.ffmpeg import ffmpeg_exe, transcode_command  # noqa: E402
from mediacheck.fix.plan import build_plan  # noqa: E402
from mediacheck.profile import load_profile  # noqa: E402
from mediacheck.samples.factory import make_video  # noqa: E402
from mediacheck.scan import find_submissions  # noqa: E402

NAME = "THCS Bench_Bench"


def bare_command(event_dir: Path, dst: Path) -> list[str]:
    """The exact ffmpeg command `fix` builds for the clip, from the same plan."""
    profile = load_profile()
    [event], _ = find_submissions([event_dir], profile)
    result = next(iter_results([event], profile, RunOptions(lang="en", pixels=False)))
    plan = build_plan(event, result, NAME, profile.fix_options(),
                      same_filesystem=same_filesystem(event_dir, dst))
    [action] = [a for a in plan.actions if a.action == "transcode"]
    return transcode_command(str(action.src_path), str(dst), profile.fix_options(),
                             size=action.target_size, has_audio=bool(action.facts["audio_codec"]))


def timed(args: list[str]) -> float:
    """Wall time of one run; `fix` exits 1 when the re-check fails (no photos here): fine."""
    start = time.perf_counter()
    code = subprocess.run(args, cwd=ROOT, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE).returncode
    if code not in (0, 1):
        raise SystemExit(f"{args[0]} failed with exit code {code}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_fix_") as tmp:
        work = Path(tmp)
        event_dir = work / "src" / NAME
        print(f"generating a {args.seconds:g} s 3840x2160 clip at {args.fps:g} fps ...",
              flush=True)
        started = time.perf_counter()
        make_video(event_dir / "VID_4K.mp4", width=3840, height=2160, seconds=args.seconds,
                   fps=args.fps)
        print(f"  generated in {time.perf_counter() - started:.1f} s; ffmpeg: {ffmpeg_exe()}")
        bare, fixed = [], []
        for round_ in range(args.repeat):  # alternate the order: load drifts on shared machines
            for which in (("bare", "fix") if round_ % 2 == 0 else ("fix", "bare")):
                if which == "bare":
                    dst = work / "bare.mp4"
                    bare.append(timed(bare_command(event_dir, dst)))
                    dst.unlink()
                else:
                    out = work / "out"
                    fixed.append(timed([sys.executable, "-m", "mediacheck", "fix",
                                        str(event_dir), "--out", str(out), "--apply"]))
                    shutil.rmtree(out)
        best_bare, best_fix = min(bare), min(fixed)
        ratio = best_fix / best_bare
        print(f"bare ffmpeg           : {best_bare:8.2f} s")
        print(f"mediacheck fix --apply: {best_fix:8.2f} s")
        verdict = "OK" if ratio <= 1.05 else "ABOVE TARGET"
        print(f"ratio fix/ffmpeg      : {ratio:8.3f}  (target <= 1.05: {verdict})")


if __name__ == "__main__":
    main()
