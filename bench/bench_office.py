"""Office scale (issue 9): mediacheck against exiftool and MediaInfo, measured in pairs.

Every comparison runs mediacheck and the reference tool back to back in the same round,
alternating which goes first, and reports the per-round ratio as median [min–max] of the
rounds (>= 5 for a claim), plus how noisy each side was ((max - min) / median of its own runs):
the machine is shared, so an unpaired minimum would flatter whichever tool ran in a quiet second.

Sections (all by default; pick with --sections):
  metadata   cold metadata pass, no cache (`--no-cache --quick --format json`) vs
             `exiftool -json -r -fast`, on the event, district and real-corpus trees
  cache      cold cache (filling: cache deleted before each run) and warm cache vs exiftool
  mediainfo  the no-cache pass vs `mediainfo --Output=JSON` over the same tree
  formats    json, text, csv, html on the district tree: wall time, ratio to json in the same
             round, output size, peak memory; and a warm-cache html run vs a warm json run
  memory     peak memory per format on district (3,000 files) and district-x10 (30,000)
  startup    `mediacheck --version`, a 1-photo and a 1-video folder (vs exiftool), and the
             import cost of the heavy modules (`python -X importtime`)
  profile    one cold district run under py-spy (cProfile without it): where the time goes

Trees are built on first use into bench/.work/ (see bench/common.py for what is in them).
`--quick-smoke` runs everything on the 350-file event tree with 3 rounds (a check that the
script works, a few minutes on 2 cores, not numbers to quote). `--pixels` runs the formats and
memory sections with the default analysis (pixel stages on) instead of `--quick`.

    python bench/bench_office.py                       # everything, 5 rounds
    python bench/bench_office.py --sections metadata,cache --rounds 7
    python bench/bench_office.py --quick-smoke
    python bench/bench_office.py --sections formats --formats-tree event --pixels
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import Paired, Side, paired, run_once, spread, table  # noqa: E402

OUT = common.WORK / "out"
FORMATS = ("json", "text", "csv", "html")
TARGETS = {
    # (section, tree): (target ratio to the reference, what)
    ("metadata", "district"): 0.07,
    ("metadata", "event"): 0.15,
    ("warm", "district"): 0.02,
}
HEAVY_MODULES = ("mediacheck.cli", "click", "mediacheck.profile", "mediacheck.fix.command",
                 "mediacheck.web.command", "mediacheck.engine", "mediacheck.cache", "sqlite3",
                 "PIL.Image", "pillow_heif", "exifread", "av", "numpy", "cv2", "rich",
                 "mediacheck.probe.photo", "mediacheck.probe.video", "mediacheck.probe.mp4meta",
                 "mediacheck.reporters.html")
QUICK = [True]  # False with --pixels: reports and memory with the default (pixel) analysis


def _mode() -> str:
    return "--quick" if QUICK[0] else "default analysis, pixel stages on"


SECTIONS = ("metadata", "cache", "mediainfo", "formats", "memory", "startup", "profile")


def log(text: str) -> None:
    print(text, flush=True)


def verdict(value: float, target: float | None) -> str:
    if target is None:
        return ""
    return f"<= {target:g}: {'met' if value <= target else 'NOT met'}"


def _remove_cache(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(str(path) + suffix).unlink()


def exiftool_side(tree: Path, name: str) -> Side:
    return Side("exiftool", ["exiftool", "-json", "-r", "-fast", str(tree)],
                stdout=OUT / f"{name}.exiftool.json")


def pair_row(label: str, result: Paired, target: float | None) -> list[str]:
    ratio = statistics.median(result.ratios)
    a = [r.wall for r in result.runs_a]
    b = [r.wall for r in result.runs_b]
    return [label, spread(result.ratios), verdict(ratio, target), spread(a, 2, " s"),
            spread(b, 2, " s"), f"{common.noise(a):.0%} / {common.noise(b):.0%}"]


PAIR_HEADER = ["comparison", "ratio median [min–max]", "target", "mediacheck s",
               "reference s", "noise mc / ref"]


# ------------------------------------------------------------------------------ sections


def section_metadata(trees: dict[str, Path], rounds: int, results: dict) -> None:
    if not common.tool("exiftool"):
        log(common.missing_note("exiftool"))
        return
    rows = []
    for name, tree in trees.items():
        log(f"metadata: {common.describe(tree)}")
        mc = Side("mediacheck", common.mediacheck_cmd(tree, output=OUT / f"{name}.json"))
        got = paired(mc, exiftool_side(tree, name), rounds, label=name)
        rows.append(pair_row(f"{name}: no cache vs exiftool -fast", got,
                             TARGETS.get(("metadata", name))))
        results.setdefault("metadata", {})[name] = _pair_json(got)
        if name != "corpus" and mediacheck_profile_ok():
            # What hashing the planted real duplicates in full costs (exiftool hashes nothing).
            mc = Side("mediacheck", common.mediacheck_cmd(
                tree, output=OUT / f"{name}.nodup.json", extra=["--rules", str(NO_DUP)]))
            got = paired(mc, exiftool_side(tree, name), rounds, label=f"{name} no duplicate")
            rows.append(pair_row(f"{name}: same, duplicate check off", got, None))
            results.setdefault("metadata_no_duplicate_check", {})[name] = _pair_json(got)
    log("\nCold metadata pass, no cache (--no-cache --quick --format json) vs "
        "exiftool -json -r -fast\n" + table(rows, PAIR_HEADER))


NO_DUP = common.WORK / "no-duplicate.toml"


def mediacheck_profile_ok() -> bool:
    """Write the profile that turns the duplicate check off (the shipped one, extended)."""
    if not NO_DUP.exists():
        NO_DUP.parent.mkdir(parents=True, exist_ok=True)
        NO_DUP.write_text('name = "bench-no-duplicate"\nextends = "phuluc2"\n\n'
                          '[checks.duplicate]\nenabled = false\n', encoding="utf-8")
    probe = run_once(common.mediacheck_cmd(_single("photo").parent, output=OUT / "nodup.json",
                                           extra=["--rules", str(NO_DUP)]), ok_codes=(0, 1, 2))
    return probe.code in (0, 1)


def section_cache(trees: dict[str, Path], rounds: int, results: dict) -> None:
    if not common.tool("exiftool"):
        log(common.missing_note("exiftool"))
        return
    rows = []
    for name, tree in trees.items():
        cache = common.WORK / "cache" / f"{name}.sqlite3"
        cache.parent.mkdir(parents=True, exist_ok=True)
        _remove_cache(cache)
        cold = Side("mediacheck", common.mediacheck_cmd(tree, output=OUT / f"{name}.json",
                                                        cache=cache),
                    before=lambda c=cache: _remove_cache(c))
        got = paired(cold, exiftool_side(tree, name), rounds, label=f"{name} cold cache")
        rows.append(pair_row(f"{name}: cold cache (filling) vs exiftool", got, None))
        results.setdefault("cache_cold", {})[name] = _pair_json(got)
        run_once(cold.cmd)  # fill it once more: the warm runs read what this one wrote
        warm = Side("mediacheck", cold.cmd)
        got = paired(warm, exiftool_side(tree, name), rounds, label=f"{name} warm cache")
        rows.append(pair_row(f"{name}: warm cache vs exiftool", got,
                             TARGETS.get(("warm", name))))
        results.setdefault("cache_warm", {})[name] = _pair_json(got)
        results.setdefault("cache_size", {})[name] = cache.stat().st_size
    log("\nFact cache (--cache FILE --quick --format json) vs exiftool -json -r -fast\n"
        + table(rows, PAIR_HEADER))


def section_mediainfo(trees: dict[str, Path], rounds: int, results: dict) -> None:
    if not common.tool("mediainfo"):
        log(common.missing_note("mediainfo"))
        return
    rows = []
    for name, tree in trees.items():
        mc = Side("mediacheck", common.mediacheck_cmd(tree, output=OUT / f"{name}.json"))
        ref = Side("mediainfo", ["mediainfo", "--Output=JSON", str(tree)],
                   stdout=OUT / f"{name}.mediainfo.json")
        got = paired(mc, ref, rounds, label=f"{name} vs mediainfo")
        rows.append(pair_row(f"{name}: no cache vs mediainfo", got, None))
        results.setdefault("mediainfo", {})[name] = _pair_json(got)
    log("\nCold metadata pass, no cache, vs mediainfo --Output=JSON (same tree)\n"
        + table(rows, PAIR_HEADER))


def _format_round(tree: Path, name: str, order: list[str], extra_cache: Path | None = None
                  ) -> dict[str, tuple[common.Run, int]]:
    got = {}
    for fmt in order:
        out = OUT / f"{name}.report.{fmt}"
        out.unlink(missing_ok=True)
        run = run_once(common.mediacheck_cmd(tree, fmt, output=out, cache=extra_cache,
                                             quick=QUICK[0]), sample=True)
        got[fmt] = (run, out.stat().st_size)
    return got


def section_formats(tree: Path, name: str, rounds: int, results: dict) -> None:
    """Each round runs the four formats in a rotated order; ratios are to that round's json."""
    log(f"formats: {common.describe(tree)}")
    runs: dict[str, list[tuple[common.Run, int]]] = defaultdict(list)
    for i in range(rounds):
        order = list(FORMATS[i % 4:] + FORMATS[:i % 4])
        got = _format_round(tree, name, order)
        for fmt, value in got.items():
            runs[fmt].append(value)
        log(f"  formats round {i + 1}/{rounds}: " + ", ".join(
            f"{f} {got[f][0].wall:.1f} s" for f in FORMATS))
    rows = []
    for fmt in FORMATS:
        walls = [r.wall for r, _ in runs[fmt]]
        ratios = [r.wall / j.wall for (r, _), (j, _) in zip(runs[fmt], runs["json"], strict=True)]
        target = 3.0 if fmt == "html" else None
        size = runs[fmt][-1][1]
        rows.append([fmt, spread(walls, 2, " s"), spread(ratios, 2) + " " + verdict(
            statistics.median(ratios), target), f"{size / 1e6:.2f} MB" + (
            f" ({'met' if size < 8e6 else 'NOT met'}: < 8 MB)" if fmt == "html" else ""),
            f"{max(r.maxrss_mib for r, _ in runs[fmt]):.0f}",
            f"{max(r.tree_mib for r, _ in runs[fmt]):.0f}", f"{common.noise(walls):.0%}"])
        results.setdefault("formats", {})[fmt] = {
            "wall": walls, "ratio_to_json": ratios, "bytes": size,
            "maxrss_mib": [r.maxrss_mib for r, _ in runs[fmt]],
            "tree_rss_mib": [r.tree_mib for r, _ in runs[fmt]]}
    log(f"\nReports on {name} (--no-cache {_mode()}), {rounds} rounds, formats rotated each "
        "round\n" + table(rows, ["format", "wall median [min–max]", "ratio to json (same round)",
                                 "output", "peak MiB", "tree peak MiB", "noise"]))
    _warm_html(tree, name, rounds, results)


def _warm_html(tree: Path, name: str, rounds: int, results: dict) -> None:
    """html vs json, both on a warm cache (a warm html run should decode no photo)."""
    cache = common.WORK / "cache" / f"{name}-html.sqlite3"
    cache.parent.mkdir(parents=True, exist_ok=True)
    _remove_cache(cache)
    html = Side("html", common.mediacheck_cmd(tree, "html", output=OUT / f"{name}.warm.html",
                                              cache=cache, quick=QUICK[0]))
    json_ = Side("json", common.mediacheck_cmd(tree, "json", output=OUT / f"{name}.warm.json",
                                               cache=cache, quick=QUICK[0]))
    run_once(html.cmd)  # fills meta, hashes and thumbnails
    got = paired(html, json_, rounds, label=f"{name} warm html/json")
    log(f"warm cache ({_mode()}), html / json in the same round: {spread(got.ratios, 2)} "
        f"(html {spread([r.wall for r in got.runs_a], 2, ' s')}, json "
        f"{spread([r.wall for r in got.runs_b], 2, ' s')})")
    results["formats_warm_html_over_json"] = _pair_json(got)


def section_memory(trees: dict[str, Path], rounds: int, results: dict,
                   cached_html: set[str]) -> None:
    """Peak memory per format. A tree the formats section already ran reuses its runs (same
    options). For trees in `cached_html` the html run gets a fresh cache, so the thumbnails of
    hard-linked copies are adopted from the first link of each file instead of decoded again:
    the report's memory is the same, the run takes minutes instead of an hour."""
    rows = []
    for name, tree in trees.items():
        log(f"memory: {common.describe(tree)}")
        for fmt in FORMATS:
            known = results.get("formats", {}).get(fmt) if results.get(
                "formats_tree") == name else None
            if known:
                got = [common.Run(w, m, t, 0) for w, m, t in zip(
                    known["wall"], known["maxrss_mib"], known["tree_rss_mib"], strict=True)]
            else:
                got = [_memory_run(tree, name, fmt, fmt == "html" and name in cached_html)
                       for _ in range(rounds)]
            peak = max(r.maxrss_mib for r in got)
            how = "fresh cache, thumbnails adopted" if (
                fmt == "html" and name in cached_html and not known) else "--no-cache"
            rows.append([name, fmt, f"{peak:.0f}", f"{max(r.tree_mib for r in got):.0f}",
                         "met" if peak < 100 else "NOT met",
                         spread([r.wall for r in got], 1, " s"), how])
            results.setdefault("memory", {}).setdefault(name, {})[fmt] = {
                "maxrss_mib": [r.maxrss_mib for r in got],
                "tree_rss_mib": [r.tree_mib for r in got], "wall": [r.wall for r in got],
                "how": how}
            log(f"  {name} {fmt}: peak {peak:.0f} MiB ({how})")
    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    log(f"\nPeak memory ({_mode()}); 'peak' is ru_maxrss of the biggest process, 'tree' the "
        "sampled sum over the process and its pool workers (a child's ru_maxrss cannot be "
        f"below this script's own peak, {floor:.0f} MiB)\n" + table(
            rows, ["tree", "format", "peak MiB", "tree peak MiB", "< 100 MB", "wall", "run"]))


def _memory_run(tree: Path, name: str, fmt: str, cached: bool) -> common.Run:
    out = OUT / f"{name}.mem.{fmt}"
    out.unlink(missing_ok=True)
    cache = None
    if cached:
        cache = common.WORK / "cache" / f"{name}-mem-{fmt}.sqlite3"
        cache.parent.mkdir(parents=True, exist_ok=True)
        _remove_cache(cache)
    return run_once(common.mediacheck_cmd(tree, fmt, output=out, cache=cache, quick=QUICK[0]),
                    sample=True)


def _single(kind: str) -> Path:
    """A folder holding one pool photo or one pool video."""
    pool = common.build_pool(log)
    folder = common.WORK / f"one-{kind}" / "THCS Mot_Khaigiang"
    if not folder.exists():
        folder.mkdir(parents=True)
        src = pool.photos[0] if kind == "photo" else pool.videos[0]
        os.link(src, folder / src.name)
    return folder


def _import_costs(cmd: list[str], rounds: int) -> tuple[dict[str, float], float, bool]:
    """Median cumulative import time (ms) of the heavy modules, the total, and whether av
    was imported at all."""
    per: dict[str, list[float]] = defaultdict(list)
    totals = []
    saw_av = False
    for _ in range(rounds):
        run = run_once([sys.executable, "-X", "importtime", *cmd[1:]])
        total = 0.0
        found: dict[str, float] = {}
        for line in run.err.splitlines():
            m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
            if not m:
                continue
            cumulative, depth, module = int(m[2]) / 1000, len(m[3]), m[4]
            if depth == 0:
                total += cumulative
            if module in HEAVY_MODULES:
                found[module] = max(found.get(module, 0.0), cumulative)
            saw_av |= module == "av"
        for module, value in found.items():
            per[module].append(value)
        totals.append(total)
    return {m: statistics.median(v) for m, v in per.items()}, statistics.median(totals), saw_av


def section_startup(rounds: int, results: dict) -> None:
    photo, video = _single("photo"), _single("video")
    pairs = [("--version", [sys.executable, "-m", "mediacheck", "--version"], ["exiftool", "-ver"]),
             ("1 photo", common.mediacheck_cmd(photo.parent, output=OUT / "one-photo.json"),
              ["exiftool", "-json", "-r", "-fast", str(photo.parent)]),
             ("1 video", common.mediacheck_cmd(video.parent, output=OUT / "one-video.json"),
              ["exiftool", "-json", "-r", "-fast", str(video.parent)])]
    rows = []
    have_exiftool = bool(common.tool("exiftool"))
    base = [run_once([sys.executable, "-c", "pass"]).wall for _ in range(rounds)]
    for label, mc, ref in pairs:
        if have_exiftool:
            got = paired(Side("mediacheck", mc), Side("exiftool", ref), rounds)
            rows.append(pair_row(label, got, None))
            results.setdefault("startup", {})[label] = _pair_json(got)
        else:
            walls = [run_once(mc).wall for _ in range(rounds)]
            rows.append([label, "n/a", "", spread(walls, 3, " s"), "", ""])
    log(f"\nStart-up (python -c pass: {spread(base, 3, ' s')})\n" + table(rows, PAIR_HEADER))
    irows = []
    for label, folder in (("1 photo", photo), ("1 video", video)):
        costs, total, saw_av = _import_costs(common.mediacheck_cmd(folder.parent), rounds)
        results.setdefault("imports", {})[label] = {"modules_ms": costs, "total_ms": total,
                                                     "imports_av": saw_av}
        for module in HEAVY_MODULES:
            if module in costs:
                irows.append([label, module, f"{costs[module]:.1f}"])
        irows.append([label, "all imports (incl. site, under -X importtime)", f"{total:.1f}"])
        irows.append([label, "av imported?", "yes" if saw_av else "no"])
    log("\nImport cost, python -X importtime, median of "
        f"{rounds} runs (cumulative ms; nested modules count inside their parent)\n"
        + table(irows, ["folder", "module", "ms"]))


def section_profile(tree: Path, name: str, results: dict) -> None:
    """Where one cold run's time goes: py-spy samples (when installed: little overhead, native
    calls charged to the Python line that made them), else cProfile."""
    cmd = common.mediacheck_cmd(tree, output=OUT / f"{name}.prof.json")
    spy = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if spy:
        _profile_pyspy(spy, cmd, name, results)
    else:
        log("py-spy not found (pip install py-spy): using cProfile, which slows Python code "
            "more than C code")
        _profile_cprofile(cmd, name, results)


def _profile_pyspy(spy: str, cmd: list[str], name: str, results: dict) -> None:
    raw = common.WORK / f"profile-{name}.pyspy.txt"
    subprocess.run([spy, "record", "-r", "200", "-f", "raw", "-o", str(raw), "--", *cmd],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=common.ENV,
                   check=False)
    deepest: dict[str, int] = defaultdict(int)
    leaf: dict[str, int] = defaultdict(int)
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames, n = stack.split(";"), int(count)
        total += n
        ours = [f for f in frames if "(mediacheck/" in f]
        deepest[_frame(ours[-1]) if ours else "(outside mediacheck) " + _frame(frames[-1])] += n
        leaf[_package(_frame_file(frames[-1]))] += n
    if not total:
        log("py-spy recorded nothing (ptrace not allowed?): skipped")
        return
    rows = [[f, f"{n / total:.1%}"] for f, n in sorted(deepest.items(), key=lambda kv: -kv[1])
            [:20]]
    log(f"\nProfile of one cold run on {name} (py-spy, {total} samples at 200 Hz): share of "
        "samples by the deepest mediacheck function on the stack (what it calls included)\n"
        + table(rows, ["mediacheck function", "share"]))
    rows = [[p, f"{n / total:.1%}"] for p, n in sorted(leaf.items(), key=lambda kv: -kv[1])[:10]]
    log("by the package of the innermost Python frame\n" + table(rows, ["package", "share"]))
    results["profile"] = {"tool": "py-spy", "samples": total, "by_mediacheck_function": {
        k: v / total for k, v in deepest.items()}, "by_leaf_package": {
        k: v / total for k, v in leaf.items()}, "file": str(raw)}


def _frame(frame: str) -> str:
    """'probe_photo (mediacheck/probe/photo.py:40)' -> 'mediacheck/probe/photo.py:probe_photo'."""
    func, _, where = frame.partition(" (")
    return f"{where.rsplit(':', 1)[0]}:{func}" if where else func


def _frame_file(frame: str) -> str:
    return frame.partition(" (")[2].rsplit(":", 1)[0]


def _profile_cprofile(cmd: list[str], name: str, results: dict) -> None:
    prof = common.WORK / f"profile-{name}.prof"
    run_once([sys.executable, "-m", "cProfile", "-o", str(prof), *cmd[1:]])
    stats = pstats.Stats(str(prof))
    table_ = stats.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in table_.values())
    by_package: dict[str, float] = defaultdict(float)
    for (file, _line, _func), (_cc, _nc, tt, _ct, _callers) in table_.items():
        by_package[_package(file)] += tt
    rows = [[pkg, f"{t:.2f}", f"{t / total:.0%}"] for pkg, t in
            sorted(by_package.items(), key=lambda kv: -kv[1])[:14]]
    log(f"\nProfile of one cold run on {name} (cProfile, {total:.1f} s of self time)\n"
        + table(rows, ["package", "self s", "share"]))
    funcs = sorted(table_.items(), key=lambda kv: -kv[1][3])
    frows = [[f"{_package(f)}:{fn}", f"{ct:.2f}", f"{ct / total:.0%}", f"{tt:.2f}", str(nc)]
             for (f, _l, fn), (_cc, nc, tt, ct, _c) in funcs
             if not fn.startswith("<") and "runpy" not in f][:25]
    log(table(frows, ["function (cumulative)", "cum s", "share", "self s", "calls"]))
    results["profile"] = {"tool": "cProfile", "total_s": total,
                          "by_package_s": dict(by_package), "file": str(prof)}


def _package(file: str) -> str:
    """A short owner for a profiled file: 'mediacheck.probe.photo', 'PIL', 'exifread', 'av'."""
    if file.startswith(("~", "<")) or file == "":
        return "builtins/C" if not file.startswith("<frozen") else "stdlib:importlib"
    path = Path(file)
    parts = path.parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].split(".")[0]
    if "mediacheck" in parts:
        i = parts.index("mediacheck")
        return ".".join((*parts[i:-1], path.stem))
    if not path.is_absolute() and len(parts) > 1:  # py-spy names files from sys.path
        return parts[0]
    return f"stdlib:{path.stem}"


def _pair_json(result: Paired) -> dict:
    return {"a": result.a, "b": result.b, "ratios": result.ratios,
            "a_wall": [r.wall for r in result.runs_a], "b_wall": [r.wall for r in result.runs_b],
            "a_maxrss_mib": [r.maxrss_mib for r in result.runs_a]}


# ------------------------------------------------------------------------------ main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sections", default=",".join(SECTIONS),
                        help=f"comma-separated, of {', '.join(SECTIONS)}")
    parser.add_argument("--rounds", type=int, default=5, help="pairs per comparison (>= 5)")
    parser.add_argument("--trees", default="event,district,corpus",
                        help="trees for metadata/mediainfo")
    parser.add_argument("--cache-trees", default="district,event,corpus")
    parser.add_argument("--memory-trees", default="district,district-x10")
    parser.add_argument("--memory-rounds", type=int, default=1)
    parser.add_argument("--memory-cached-html", default="district-x10",
                        help="trees whose html memory run uses a fresh cache (adopted "
                             "thumbnails of hard links) instead of decoding 24,000 photos")
    parser.add_argument("--formats-tree", default="district")
    parser.add_argument("--quick-smoke", action="store_true",
                        help="event tree only, 3 rounds: checks the script, not for claims")
    parser.add_argument("--pixels", action="store_true",
                        help="formats and memory without --quick (pixel stages on, the "
                             "default analysis); the comparisons with exiftool stay --quick")
    args = parser.parse_args()
    QUICK[0] = not args.pixels
    if args.quick_smoke:
        args.rounds, args.trees, args.cache_trees = 3, "event", "event"
        args.memory_trees, args.formats_tree = "event", "event"
        if args.sections == ",".join(SECTIONS):
            args.sections = "metadata,cache,mediainfo,formats,memory,startup"
    sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.time()
    log(f"bench_office: {common.loadavg()}; python {sys.version.split()[0]}; "
        f"exiftool {_version(['exiftool', '-ver'])}; mediainfo "
        f"{_version(['mediainfo', '--Version']).split()[-1] if common.tool('mediainfo') else '-'}"
        f"; --quick {'known' if common.mediacheck_knows('--quick') else 'NOT known: omitted'}")
    trees = lambda names: {n: common.build_tree(n, log) for n in names.split(",") if n}  # noqa: E731
    results: dict = {"rounds": args.rounds, "load_start": os.getloadavg()}
    if "metadata" in sections:
        section_metadata(trees(args.trees), args.rounds, results)
    if "cache" in sections:
        section_cache(trees(args.cache_trees), args.rounds, results)
    if "mediainfo" in sections:
        section_mediainfo(trees(args.trees), args.rounds, results)
    if "formats" in sections:
        section_formats(common.build_tree(args.formats_tree, log), args.formats_tree,
                        args.rounds, results)
        results["formats_tree"] = args.formats_tree
    if "memory" in sections:
        section_memory(trees(args.memory_trees), args.memory_rounds, results,
                       set(args.memory_cached_html.split(",")))
    if "startup" in sections:
        section_startup(max(args.rounds, 5), results)
    if "profile" in sections:
        section_profile(common.build_tree(args.formats_tree, log), args.formats_tree, results)
    results["load_end"] = os.getloadavg()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    common.dump_json(common.WORK / "results" / f"office-{stamp}.json", results)
    log(f"\ndone in {time.time() - started:.0f} s; {common.loadavg()}; raw numbers in "
        f"bench/.work/results/office-{stamp}.json")
    return 0


def _version(cmd: list[str]) -> str:
    if not shutil.which(cmd[0]):
        return "missing"
    out = subprocess.run(cmd, capture_output=True, text=True)
    return (out.stdout or out.stderr).strip().splitlines()[-1] if (out.stdout or out.stderr) \
        else "?"


if __name__ == "__main__":
    sys.exit(main())
