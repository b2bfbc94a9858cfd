"""Bytes read per file (issue 9): mediacheck against exiftool, counted with strace.

Each tool runs once under `strace -f -y` over one folder of submissions; every read, pread64,
readv and preadv on a file descriptor whose path is one of the media files is summed (the return
values: bytes the program asked for and got; the kernel's read-ahead is not counted). Positions
are followed through lseek, so besides the total the script reports the distinct bytes covered
(a byte read twice counts once there): "read twice" is the difference. mmap of a media file is
counted separately (none of the tools is expected to do it).

Cases, each in its own submission so the duplicate check of one does not touch another:
  corpus photos   every real camera photo of the shared corpus (JPEG, HEIC, PNG), and its videos
  phone photo     a 12 MP phone JPEG (real EXIF with MakerNote); a motion photo (the same
                  with Google's XMP container directory and a 3.7 MB MP4 after its end marker);
                  and a JPEG with the same MP4 appended but nothing announcing it
  video moov end  a long phone recording (default 2 GiB) with `moov` at the end
  video faststart the same recording with `moov` at the start
  same-size pair  two different recordings of exactly that size in one submission: the
                  duplicate check must sample them, not hash 2 x 2 GiB

Tools: mediacheck `--quick --no-cache` and with a cold cache (a new cache file), exiftool
`-fast` and default. The long videos are made by stream-copying the pool clips end to end (no
encoding) into bench/.work/bytes-<size>/; `--size-mb 200` makes a smoke run quick.

    python bench/bench_bytes.py                  # 2 GiB videos (about 6 GB of disk, once)
    python bench/bench_bytes.py --size-mb 200    # smoke
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

READS = ("read", "pread64", "readv", "preadv", "preadv2")
LINE = re.compile(r"^(?:\[pid\s+)?(\d+)\]?\s+(\w+)\((\d+)<([^>]*)>(.*)\) = (-?\d+)")
MMAP = re.compile(r"\bmmap\([^,]*, (\d+), [^,]*, [^,]*, \d+<([^>]*)>")
OPEN = re.compile(r"^(?:\[pid\s+)?(\d+)\]?\s+open(?:at)?\(.*\) = (\d+)<([^>]*)>")


@dataclass
class FileReads:
    """What one tool read of one file."""

    size: int
    total: int = 0
    calls: int = 0
    mapped: int = 0
    ranges: list[tuple[int, int]] = field(default_factory=list)

    @property
    def unique(self) -> int:
        covered, end = 0, -1
        for start, stop in sorted(self.ranges):
            if stop <= end:
                continue
            covered += stop - max(start, end)
            end = stop
        return covered


def trace(cmd: list[str], files: dict[str, int]) -> dict[str, FileReads]:
    """Run `cmd` under strace and add up its reads of `files` (path -> size)."""
    with tempfile.TemporaryDirectory(prefix="bench-bytes-") as tmp:
        log = Path(tmp) / "strace.txt"
        subprocess.run(["strace", "-f", "-y", "-s", "0", "-e", "quiet=all",
                        "-e", "trace=openat,open,lseek,mmap," + ",".join(READS),
                        "-o", str(log), *cmd], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, env=common.ENV, check=False)
        return parse(log, files)


def parse(log: Path, files: dict[str, int]) -> dict[str, FileReads]:
    """Sum reads per media path; follow each descriptor's position for the distinct bytes.

    Lines split by another thread (`<unfinished ...>` / `<... read resumed>`) are joined."""
    found = {path: FileReads(size) for path, size in files.items()}
    pos: dict[tuple[str, int, str], int] = {}
    pending: dict[str, str] = {}
    with open(log, encoding="utf-8", errors="replace") as fh:
        for raw in fh:
            line = raw.rstrip("\n")
            pid = line.split(None, 1)[0].strip("[pid]")
            if line.endswith("<unfinished ...>"):
                pending[pid] = line[: -len("<unfinished ...>")]
                continue
            if "resumed>" in line and pid in pending:
                line = pending.pop(pid) + line.split("resumed>", 1)[1]
            _account(line, found, pos)
    return found


def _account(line: str, found: dict[str, FileReads], pos: dict[tuple[str, int, str], int]
             ) -> None:
    mapped = MMAP.search(line)
    if mapped:
        if mapped[2] in found:
            found[mapped[2]].mapped += int(mapped[1])
        return
    opened = OPEN.match(line)
    if opened:
        if opened[3] in found:
            pos[(opened[1], int(opened[2]), opened[3])] = 0
        return
    m = LINE.match(line)
    if not m or m[4] not in found:
        return
    pid, call, fd, path, args, ret = m[1], m[2], int(m[3]), m[4], m[5], int(m[6])
    key = (pid, fd, path)
    entry = found[path]
    if call == "lseek":
        if ret >= 0:
            pos[key] = ret
        return
    if ret <= 0:
        return
    entry.total += ret
    entry.calls += 1
    if call.startswith("pread") or call.startswith("preadv"):
        offset = int(args.rsplit(",", 1)[-1].strip() or 0)
        entry.ranges.append((offset, offset + ret))
    else:
        start = pos.get(key, 0)
        entry.ranges.append((start, start + ret))
        pos[key] = start + ret


# ------------------------------------------------------------------------------ the files


def build_cases(size_mb: int) -> tuple[Path, dict[str, list[Path]]]:
    """The submissions to trace, built once per size into bench/.work/bytes-<size>/."""
    root = common.WORK / f"bytes-{size_mb}"
    pool = common.build_pool(print)
    cases: dict[str, list[Path]] = {}
    photos = root / "THCS Anh_Khaigiang"
    photos.mkdir(parents=True, exist_ok=True)
    phone = photos / "IMG_phone.jpg"
    if not phone.exists():
        os.link(pool.photos[1], phone)
    motion, hidden = photos / "IMG_motion_photo.jpg", photos / "IMG_hidden_trailer.jpg"
    if not motion.exists() or not hidden.exists():
        clip = root / "motion.mp4"
        common.make_phone_video(clip, 2, 77)  # ~3.7 MB, like a motion photo's clip
        if not motion.exists():
            common.make_motion_photo(motion, pool.photos[1], clip)
        if not hidden.exists():
            common.add_jpeg_trailer(hidden, pool.photos[2], clip)
        clip.unlink()
    cases["phone photo"] = [phone]
    cases["motion photo (XMP gives the MP4 after EOI)"] = [motion]
    cases["JPEG + unannounced data after EOI"] = [hidden]
    real = root / "THCS Corpus_Anh"
    if not real.exists():
        tmp = root / ".corpus.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for i, (path, _kind) in enumerate(common.corpus_media()):
            shutil.copyfile(path, tmp / f"{i:02d}_{path.name.replace(' ', '_')}")
        tmp.rename(real)
    kinds = {"corpus JPEG photos": (".jpg", ".jpeg"), "corpus HEIC/HEIF photos": (
        ".heic", ".heif"), "corpus PNG images": (".png",)}
    for case, suffixes in kinds.items():
        cases[case] = sorted(p for p in real.iterdir() if p.suffix.lower() in suffixes)
    photos_all = {p for case in kinds for p in cases[case]}
    cases["corpus videos"] = sorted(p for p in real.iterdir() if p not in photos_all)
    target = size_mb * 1024 * 1024
    end_dir, start_dir, pair_dir = (root / n for n in (
        "THCS VideoEnd_Khaigiang", "THCS VideoStart_Khaigiang", "THCS Pair_Khaigiang"))
    long_end = end_dir / "VID_long.mp4"
    if not long_end.exists():
        end_dir.mkdir(parents=True, exist_ok=True)
        print(f"  concatenating a {size_mb} MiB recording (moov at the end) …", flush=True)
        common.concat_video(_clips(pool.videos[:6], target), long_end)
    long_start = start_dir / "VID_long_faststart.mp4"
    if not long_start.exists():
        start_dir.mkdir(parents=True, exist_ok=True)
        print("  the same with moov at the start …", flush=True)
        common.faststart(long_end, long_start)
    pair_a, pair_b = pair_dir / "VID_a.mp4", pair_dir / "VID_b.mp4"
    if not pair_b.exists():
        pair_dir.mkdir(parents=True, exist_ok=True)
        print("  a different recording of the same size …", flush=True)
        other = pair_dir / "VID_b.tmp.mp4"
        common.concat_video(list(reversed(_clips(pool.videos[:6], target))), other)
        a_size, b_size = long_end.stat().st_size, other.stat().st_size
        if a_size < b_size + 8:  # pad b up to a; a gets a small free box first if needed
            common.pad_mp4(long_end, b_size + 8 + max(0, a_size - b_size))
        common.pad_mp4(other, long_end.stat().st_size)
        other.rename(pair_b)
    if not pair_a.exists():
        os.link(long_end, pair_a)
    cases["video moov at end"] = [long_end]
    cases["video moov at start"] = [long_start]
    cases["same-size pair (2 videos)"] = [pair_a, pair_b]
    return root, cases


def _clips(videos: list[Path], target: int) -> list[Path]:
    """Pool clips in turn until their sizes add up to `target` bytes."""
    parts, total, i = [], 0, 0
    while total < target:
        parts.append(videos[i % len(videos)])
        total += parts[-1].stat().st_size
        i += 1
    return parts


# ------------------------------------------------------------------------------ report


def tools(root: Path) -> dict[str, list[str]]:
    cache = common.WORK / "cache" / f"bytes-{root.name}.sqlite3"  # a new, empty cache
    cache.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(cache) + suffix).unlink(missing_ok=True)
    found = {
        "mediacheck --quick --no-cache": common.mediacheck_cmd(root, output=Path(os.devnull)),
        "mediacheck --quick, cold cache": common.mediacheck_cmd(root, output=Path(os.devnull),
                                                                cache=cache),
    }
    if common.tool("exiftool"):
        found["exiftool -fast"] = ["exiftool", "-json", "-r", "-fast", str(root)]
        found["exiftool"] = ["exiftool", "-json", "-r", str(root)]
    else:
        print(common.missing_note("exiftool"))
    return found


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.3f}%" if whole else "n/a"


def human(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=2048,
                        help="size of the long recordings in MiB (200 for a smoke run)")
    parser.add_argument("--per-file", action="store_true", help="also list every corpus file")
    args = parser.parse_args()
    if not common.tool("strace"):
        print(common.missing_note("strace"))
        return 0
    root, cases = build_cases(args.size_mb)
    files = {os.path.realpath(p): p.stat().st_size for ps in cases.values() for p in ps}
    print(f"bytes: {root} ({len(files)} files); {common.loadavg()}", flush=True)
    results: dict[str, dict[str, FileReads]] = {}
    for name, cmd in tools(root).items():
        print(f"  tracing {name} …", flush=True)
        results[name] = trace(cmd, files)
    names = list(results)
    rows = []
    for case, paths in cases.items():
        keys = [os.path.realpath(p) for p in paths]
        size = sum(files[k] for k in keys)
        for i, tool_name in enumerate(names):
            got = [results[tool_name][k] for k in keys]
            total, unique = sum(g.total for g in got), sum(g.unique for g in got)
            mapped = sum(g.mapped for g in got)
            label = case if i == 0 else ""
            shown = human(size / len(keys)) + (f" x{len(keys)}" if len(keys) > 1 else "")
            rows.append([label, shown if i == 0 else "", tool_name, pct(total, size),
                         human(total / len(keys)), pct(unique, size),
                         str(sum(g.calls for g in got) // len(keys))
                         + (f", mmap {human(mapped)}" if mapped else "")])
    print("\nBytes read per file (read/pread64/readv/preadv on the media files), as a share of "
          "the files' bytes;\n'distinct' counts a byte read twice once\n"
          + common.table(rows, ["case", "file size", "tool", "read", "per file", "distinct",
                                "calls/file"]))
    _compare(cases, results, files, names)
    if args.per_file:
        _per_file(cases, results, files, names)
    common.dump_json(common.WORK / "results" / f"bytes-{args.size_mb}.json", {
        tool_name: {k: {"size": v.size, "read": v.total, "distinct": v.unique,
                        "calls": v.calls} for k, v in got.items()}
        for tool_name, got in results.items()})
    return 0


def _compare(cases: dict[str, list[Path]], results: dict[str, dict[str, FileReads]],
             files: dict[str, int], names: list[str]) -> None:
    """Files where mediacheck read more than exiftool -fast (the target: never)."""
    ref = "exiftool -fast"
    if ref not in results:
        return
    for tool_name in names[:2]:
        worse = [(Path(k).name, results[tool_name][k].total, results[ref][k].total)
                 for ps in cases.values() for k in map(os.path.realpath, ps)
                 if results[tool_name][k].total > results[ref][k].total]
        print(f"{tool_name}: reads more than {ref} on {len(worse)} of {len(files)} files"
              + "".join(f"\n    {n}: {human(a)} vs {human(b)}" for n, a, b in worse[:12]))


def _per_file(cases: dict[str, list[Path]], results: dict[str, dict[str, FileReads]],
              files: dict[str, int], names: list[str]) -> None:
    rows = []
    for ps in cases.values():
        for p in ps:
            k = os.path.realpath(p)
            rows.append([p.name[:40], human(files[k]),
                         *(f"{human(results[n][k].total)} ({pct(results[n][k].total, files[k])})"
                           for n in names)])
    print("\n" + common.table(rows, ["file", "size", *names]))


if __name__ == "__main__":
    sys.exit(main())
