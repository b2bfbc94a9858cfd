"""Load test of the intake portal on loopback: many schools upload at once, and the server is
killed (kill -9) and restarted once in the middle.

    python bench/bench_intake.py                      # 50 schools x 20 files x 100 MB
    python bench/bench_intake.py --schools 8 --files 5 --mb 5 --no-restart

Every school uploads a real submission (camera-like JPEGs padded to size, H.264 clips); half of
them are built to pass and half to fail (one photo without EXIF), so every verdict can be
checked. A school whose upload was cut by the restart starts it again, as a browser would.
At the end: every accepted submission is on disk byte for byte (hashes compared) with its row
and the right verdict, no staging folder is left, no row points at a missing folder, and no
version folder lacks a row. Printed: throughput, peak server memory (VmHWM of each server
process) and the time from the end of an upload to its verdict (median, p95, max).

`run()` is also the CI test's engine (tests/test_web_load.py runs a scaled-down load).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import http.client
import io
import json
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "bench" / ".work" / "intake"
PASSWORD = "bench-password-1234"
BLOCK = 1 << 20


@dataclass
class Template:
    """One submission's files: (name, path, size, sha256), and the verdict it must get."""

    verdict: str
    files: list[tuple[str, Path, int, str]]

    @property
    def bytes(self) -> int:
        return sum(f[2] for f in self.files)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(BLOCK):
            digest.update(chunk)
    return digest.hexdigest()


def build_templates(folder: Path, files: int, total_mb: float) -> dict[str, Template]:
    """A passing and a failing submission of `files` files weighing `total_mb` MB (cached)."""
    from mediacheck.samples.factory import make_photo, make_video

    folder = folder / f"{files}x{total_mb:g}MB"
    videos = min(3, max(1, files // 5))
    photos = files - videos
    size = (4000, 3000) if total_mb / files >= 1.5 else (1800, 1200)
    out = {}
    for verdict in ("pass", "fail"):
        here = folder / verdict
        done = here / ".complete"
        if not done.exists():
            here.mkdir(parents=True, exist_ok=True)
            for i in range(photos):
                make_photo(here / f"IMG_20230905_07{i // 60:02d}{i % 60:02d}.jpg", size=size,
                           seed=i, exif=not (verdict == "fail" and i == 0),
                           datetime_original=f"2023:09:05 07:{i // 60:02d}:{i % 60:02d}")
            for i in range(videos):
                make_video(here / f"VID_20230905_08{i:02d}00.mp4", width=1280, height=720,
                           seconds=35, seed=i)
            _pad(here, int(total_mb * 1_000_000))
            done.write_text("ok")
        paths = sorted(p for p in here.iterdir() if not p.name.startswith("."))
        out[verdict] = Template(verdict, [(p.name, p, p.stat().st_size, sha256_of(p))
                                          for p in paths])
    return out


def _pad(folder: Path, target: int) -> None:
    """Bring the photos up to `target` bytes in all by bytes after the JPEG end (ignored by
    every reader, as a camera's maker notes or a thumbnail trailer are)."""
    photos = sorted(folder.glob("*.jpg"))
    current = sum(p.stat().st_size for p in folder.iterdir())
    extra = max(0, target - current) // max(1, len(photos))
    rng = random.Random(len(photos))
    for photo in photos:
        with open(photo, "ab") as fh:
            fh.write(rng.randbytes(extra))


# ------------------------------------------------------------------------------ the server


class Portal:
    """The intake server in a subprocess, on a fixed port, that can be killed and restarted."""

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root, port
        self.proc: subprocess.Popen | None = None
        self.peaks: list[int] = []
        self.up = threading.Event()

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mediacheck", "serve", "--intake", str(self.root),
             "--port", str(self.port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if f":{self.port}/" in line:
                break
        threading.Thread(target=self._drain, args=(self.proc,), daemon=True).start()
        self.up.set()

    @staticmethod
    def _drain(proc: subprocess.Popen) -> None:
        for _line in proc.stdout or []:
            pass

    def peak_kib(self) -> int:
        """VmHWM of the server process plus its descendants (the forkserver and the worker
        processes of the CPU stages): an upper bound of what the portal held at once."""
        if self.proc is None:
            return 0
        return sum(_hwm(pid) for pid in [self.proc.pid, *_descendants(self.proc.pid)])

    def kill(self) -> None:
        self.up.clear()
        self.peaks.append(self.peak_kib())
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        self.peaks.append(self.peak_kib())
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            self.proc.wait(timeout=60)


def _hwm(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines()
                 if line.startswith("VmHWM:")), 0)


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def setup_portal(root: Path, schools: int) -> dict[str, str]:
    """Units list, codes and admin password, with the CLI as the office would."""
    units = root.parent / "donvi.csv"
    units.write_text("Đơn vị\n" + "".join(f"THCS Bench {i:02d}\n" for i in range(schools)),
                     encoding="utf-8")
    codes = root.parent / "ma.csv"
    codes.unlink(missing_ok=True)
    base = [sys.executable, "-m", "mediacheck", "serve", "--intake", str(root)]
    subprocess.run([*base, "--units", str(units), "--issue-codes", str(codes)], check=True,
                   capture_output=True)
    subprocess.run([*base, "--set-admin-password"], input=PASSWORD + "\n", text=True,
                   check=True, capture_output=True)
    rows = list(csv.reader(io.StringIO(codes.read_text(encoding="utf-8-sig"))))[1:]
    return dict(rows)


# ------------------------------------------------------------------------------ a school


class ServerGone(Exception):
    """The connection failed or the server forgot the upload: start again when it is back."""


@dataclass
class School:
    unit: str
    code: str
    template: Template
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    accepted: list[int] = field(default_factory=list)
    latency: float | None = None
    retries: int = 0
    verdict: str | None = None

    def call(self, method: str, path: str, body: Any = None, headers: dict | None = None,
             length: int | None = None) -> tuple[int, bytes, dict[str, str]]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300,
                                          blocksize=BLOCK)
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                **(headers or {})}
        if length is not None:
            sent["Content-Length"] = str(length)
        try:
            conn.request(method, path, body=body, headers=sent)
            reply = conn.getresponse()
            data = reply.read()
            for value in reply.headers.get_all("set-cookie") or []:
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return reply.status, data, {k.lower(): v for k, v in reply.getheaders()}
        except (OSError, http.client.HTTPException) as exc:
            raise ServerGone(str(exc)) from exc
        finally:
            conn.close()

    def sign_in(self) -> None:
        self.cookies = {}
        self.call("GET", "/")
        form = f"csrf={self.cookies['mc_pre']}&code={self.code}"
        status, _data, _h = self.call("POST", "/login", form, {
            "Content-Type": "application/x-www-form-urlencoded"})
        if status != 303:
            raise RuntimeError(f"{self.unit}: sign-in answered {status}")
        page = self.call("GET", "/school")[1].decode()
        self.csrf = page.split('<meta name="csrf" content="', 1)[1].split('"', 1)[0]

    def submit(self, progress: Any) -> tuple[int, float]:
        json_headers = {"Content-Type": "application/json", "X-CSRF-Token": self.csrf}
        status, data, _h = self.call("POST", "/api/uploads", json.dumps(
            {"activity": "Khaigiang"}), json_headers)
        if status != 200:
            raise ServerGone(f"start {status}")
        uid = json.loads(data)["id"]
        for name, path, size, _sha in self.template.files:
            with open(path, "rb") as fh:
                status, data, _h = self.call(
                    "PUT", f"/api/uploads/{uid}/files?path={quote(name)}", fh,
                    {"X-CSRF-Token": self.csrf, "Content-Type": "application/octet-stream"},
                    length=size)
            if status != 200:
                raise ServerGone(f"put {status} {data[:100]!r}")
            progress(size)
        ended = time.monotonic()
        status, data, _h = self.call("POST", f"/api/uploads/{uid}/finish", "{}", json_headers)
        if status != 200:
            raise ServerGone(f"finish {status}")
        return json.loads(data)["submission"], ended

    def wait_verdict(self, submission: int) -> dict[str, Any]:
        while True:
            status, data, _h = self.call("GET", f"/s/{submission}.json?wait=30")
            if status == 200 and json.loads(data)["status"] != "checking":
                return json.loads(data)
            if status != 200:
                raise ServerGone(f"status {status}")


def run_school(school: School, portal: Portal, progress: Any) -> None:
    """Upload until accepted (starting again after the restart), then wait for the verdict.
    The latency is timed only when no restart fell between the end of the upload and the
    verdict."""
    submission, ended, timed = None, 0.0, True
    while True:
        portal.up.wait(120)
        try:
            if submission is None:
                school.sign_in()
                submission, ended = school.submit(progress)
                school.accepted.append(submission)
            result = school.wait_verdict(submission)
        except ServerGone:
            school.retries += 1
            timed = timed and submission is None
            time.sleep(0.3)
            continue
        school.latency = time.monotonic() - ended if timed else None
        school.verdict = result["verdict"]
        return


# ------------------------------------------------------------------------------ the run


def run(schools: int = 50, files: int = 20, total_mb: float = 100.0, restart: bool = True,
        work: Path = WORK, port: int | None = None) -> dict[str, Any]:
    templates = build_templates(work / "corpus", files, total_mb)
    root = work / f"portal-{schools}x{files}x{total_mb:g}"
    if root.exists():
        import shutil

        shutil.rmtree(root)
    root.mkdir(parents=True)
    codes = setup_portal(root, schools)
    portal = Portal(root, port or _free_port())
    portal.start()
    crowd = [School(unit, code, templates["pass" if i % 2 == 0 else "fail"], portal.port)
             for i, (unit, code) in enumerate(sorted(codes.items()))]
    total = sum(s.template.bytes for s in crowd)
    sent = [0]
    lock = threading.Lock()
    half = threading.Event()

    def progress(size: int) -> None:
        with lock:
            sent[0] += size
            if restart and sent[0] >= total * 0.4:
                half.set()

    started = time.monotonic()
    threads = [threading.Thread(target=run_school, args=(s, portal, progress)) for s in crowd]
    for thread in threads:
        thread.start()
    restarted_at = None
    if restart:
        half.wait()
        portal.kill()
        restarted_at = sent[0]
        portal.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    portal.stop()
    return {"schools": schools, "files": files, "mb": total_mb, "wall_s": wall,
            "bytes": sent[0], "restarted_after_bytes": restarted_at,
            "peak_rss_mib": max(portal.peaks) / 1024,
            **verify(root, crowd), "latencies": sorted(
                s.latency for s in crowd if s.latency is not None and s.latency >= 0),
            "retried": sum(1 for s in crowd if s.retries)}


def verify(root: Path, crowd: list[School]) -> dict[str, Any]:
    """Everything accepted is there, whole, with its row and its right verdict; nothing else."""
    db = sqlite3.connect(f"file:{root / '.mediacheck' / 'intake.sqlite3'}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    rows = {r["id"]: r for r in db.execute("SELECT * FROM submissions")}
    wrong, lost, corrupt = [], [], []
    for school in crowd:
        if school.verdict != school.template.verdict:
            wrong.append(school.unit)
        expected = {name: sha for name, _p, _s, sha in school.template.files}
        for submission in school.accepted:
            row = rows.get(submission)
            if row is None or row["status"] != "checked":
                lost.append(submission)
                continue
            folder = root / row["folder"]
            on_disk = {p.name: sha256_of(p) for p in folder.iterdir()}
            manifest = {f["path"]: f["sha256"] for f in json.loads(row["manifest"])}
            if on_disk != expected or manifest != expected:
                corrupt.append(submission)
    staging = [str(p) for p in root.glob("*/*/.incoming-*")]
    versions = {p.relative_to(root).as_posix() for p in root.glob("*/*/v*") if p.is_dir()}
    folders = {r["folder"] for r in rows.values()}
    return {"wrong_verdicts": wrong, "lost": lost, "corrupt": corrupt,
            "staging_left": staging, "rows_without_folder": sorted(folders - versions),
            "folders_without_row": sorted(versions - folders),
            "extra_versions": len(rows) - sum(len(s.accepted) for s in crowd)}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def summary(result: dict[str, Any]) -> str:
    lat = result["latencies"]
    p95 = lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))] if lat else float("nan")
    lines = [
        f"{result['schools']} schools x {result['files']} files x {result['mb']:g} MB: "
        f"{result['bytes'] / 1e9:.2f} GB in {result['wall_s']:.1f} s "
        f"({result['bytes'] / 1e6 / result['wall_s']:.0f} MB/s through the portal)",
        f"server restarted (kill -9) after {result['restarted_after_bytes'] or 0:,} bytes; "
        f"{result['retried']} schools started again",
        f"peak server memory (VmHWM of the server and its worker processes, summed; the "
        f"larger of the two server runs): {result['peak_rss_mib']:.0f} MiB",
        f"end of upload -> verdict ({len(lat)} timed): median {statistics.median(lat):.2f} s, "
        f"p95 {p95:.2f} s, max {max(lat):.2f} s" if lat else "no latency measured",
        f"wrong verdicts: {len(result['wrong_verdicts'])}; accepted but lost: "
        f"{len(result['lost'])}; corrupt: {len(result['corrupt'])}; staging left: "
        f"{len(result['staging_left'])}; rows without folder: "
        f"{len(result['rows_without_folder'])}; folders without row: "
        f"{len(result['folders_without_row'])}; versions beyond those acknowledged: "
        f"{result['extra_versions']}",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=50)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--mb", type=float, default=100.0)
    parser.add_argument("--no-restart", action="store_true")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    result = run(args.schools, args.files, args.mb, restart=not args.no_restart)
    print(summary(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    bad = (result["wrong_verdicts"] or result["lost"] or result["corrupt"]
           or result["staging_left"] or result["rows_without_folder"]
           or result["folders_without_row"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
