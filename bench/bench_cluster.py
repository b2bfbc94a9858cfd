"""The pixel pass on a Dask cluster against the local process pool, on the same machine.

Builds the district tree of bench_check.py (200 submissions, ~3,000 files), then, in pairs
(alternating which goes first), runs the same `mediacheck` command twice: once with the local
process pool (`--jobs N`), once with `--scheduler` pointing at a `LocalCluster` of N single-thread
worker processes started by this script. Both runs are cold (`--no-cache`), so every file's
pixel stages are computed. The ratio cluster/local is the overhead of shipping the work through
Dask (target: at most 1.10).

The workers are started as README tells the office to start them: without the memory trimming
Dask's nanny switches on by default (`MALLOC_TRIM_THRESHOLD_=65536` in the worker's environment,
which sends every large allocation of the video pass to mmap/munmap).
`--dask-trim` keeps Dask's default, to see what it costs.

It then measures the CPU-bound stages per photo and per clip in-process, and projects a
province's month (700 schools x 3 events x ~8 files) and the Ministry's scale to N workers.

    python bench/bench_cluster.py --rounds 5
    python bench/bench_cluster.py --scenario event --rounds 3 --workers 2
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(
    p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}

# A province's month: 700 schools x 3 events x ~8 files, about a quarter of them clips.
PROVINCE_FILES = 700 * 3 * 8
PROVINCE_CLIP_SHARE = 0.25
MINISTRY_FACTOR = 63  # provinces


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV,
                   check=False)
    return time.perf_counter() - start


def per_file_costs(tree: Path, limit: int = 24) -> tuple[float, float]:
    """Seconds of CPU-bound stages per photo and per clip, measured in this process."""
    from mediacheck.engine import RunOptions, wanted_stages
    from mediacheck.probe import probe
    from mediacheck.probe.stages import STAGES, run_stages
    from mediacheck.profile import load_profile
    from mediacheck.scan import find_submissions

    profile = load_profile()
    names = tuple(n for n in wanted_stages(profile, RunOptions()) if STAGES[n].cpu_bound)
    submissions, _ = find_submissions([tree], profile)
    files = [m for s in submissions for m in s.files]
    costs: dict[str, list[float]] = {"photo": [], "video": []}
    for media in files:
        if media.kind not in costs or len(costs[media.kind]) >= limit:
            continue
        meta = STAGES["meta"].dump(probe(media))
        start = time.perf_counter()
        run_stages(media, meta, names)
        costs[media.kind].append(time.perf_counter() - start)
    return (statistics.median(costs["photo"] or [0.0]), statistics.median(costs["video"] or [0.0]))


def hours(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{seconds / 60:.0f} min"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="district", choices=("event", "district"))
    parser.add_argument("--corpus", type=Path, default=HERE / "corpus")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--format", default="json")
    parser.add_argument("--dask-trim", action="store_true",
                        help="keep Dask's default MALLOC_TRIM_THRESHOLD_ in the workers")
    args = parser.parse_args()

    try:
        from distributed import LocalCluster
    except ImportError:
        print('needs the cluster extra: pip install "mediacheck[cluster]"')
        return 2
    from bench_check import build_corpus

    tree = build_corpus(args.corpus, args.scenario)
    files = sum(1 for p in tree.rglob("*") if p.is_file())
    print(f"tree: {tree} ({files} files), {os.cpu_count()} CPUs, {args.workers} workers")
    base = [sys.executable, "-m", "mediacheck", str(tree), "--format", args.format,
            "--no-cache", "-o", os.devnull]
    local = base + ["--jobs", str(args.workers)]
    ratios, local_times, cluster_times = [], [], []
    import dask

    trim = {} if args.dask_trim else {
        "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
    print("workers: " + ("Dask's default environment (memory trimming on)" if args.dask_trim
                         else "MALLOC_TRIM_THRESHOLD_ unset, as README says"))
    with dask.config.set(trim), LocalCluster(
            n_workers=args.workers, threads_per_worker=1, processes=True,
            dashboard_address=":0", silence_logs=50) as cluster:
        remote = base + ["--scheduler", cluster.scheduler_address]
        wall(remote)  # workers import their modules once, as a long-running cluster has
        for round_ in range(args.rounds):
            order = (local, remote) if round_ % 2 == 0 else (remote, local)
            times = {id(cmd): wall(cmd) for cmd in order}
            local_times.append(times[id(local)])
            cluster_times.append(times[id(remote)])
            ratios.append(times[id(remote)] / times[id(local)])
            print(f"round {round_ + 1}: local {times[id(local)]:.2f} s, "
                  f"cluster {times[id(remote)]:.2f} s, ratio {ratios[-1]:.3f}")
    print(f"local process pool : median {statistics.median(local_times):.2f} s")
    print(f"2-worker cluster   : median {statistics.median(cluster_times):.2f} s")
    print(f"cluster / local    : {statistics.median(ratios):.3f}x "
          f"[{min(ratios):.3f}-{max(ratios):.3f}] (target <= 1.10)")

    photo, clip = per_file_costs(tree)
    print(f"\nCPU-bound stages per file (median, one core): photo {photo * 1000:.0f} ms, "
          f"clip {clip:.2f} s")
    clips = PROVINCE_FILES * PROVINCE_CLIP_SHARE
    photos = PROVINCE_FILES - clips
    province = photos * photo + clips * clip
    overhead = statistics.median(ratios)
    print(f"province month ({PROVINCE_FILES} files, {clips:.0f} clips): one core "
          f"{hours(province)}")
    for workers in (2, 8, 16, 32, 64):
        print(f"  {workers:3d} workers: {hours(province * overhead / workers)};  Ministry "
              f"(x{MINISTRY_FACTOR}): {hours(province * MINISTRY_FACTOR * overhead / workers)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
