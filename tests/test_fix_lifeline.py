"""ffmpeg dies with `fix`: SIGKILL of the parent stops the encoder at once (Linux parent-death
signal; the watchdog used on other systems, exercised here too), and a rerun refuses to start
while a process recorded in the staging lock still runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mediacheck.cli import main
from mediacheck.fix.apply import STAGING_SUFFIX
from mediacheck.fix.lifeline import LOCK_NAME, is_alive
from mediacheck.samples.factory import make_photo, make_video

NAME = "THCS Pu Nhi_Khaigiang"
ROOT = Path(__file__).resolve().parent.parent
posix_only = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def gone(pid: int, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while is_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@posix_only
def test_sigkill_of_fix_takes_its_ffmpeg_along(tmp_path: Path) -> None:
    event = tmp_path / "src" / NAME
    event.mkdir(parents=True)
    for i in range(3):
        make_photo(event / f"IMG_{i}.jpg", size=(1800, 1200), seed=i)
    # About 10 s of work at "veryslow": far longer than the second a dead parent's child gets.
    make_video(event / "VID_4k.mp4", width=3840, height=2160, seconds=20, fps=4)
    slow = tmp_path / "slow.toml"
    slow.write_text('extends = "phuluc2"\n[fix]\npreset = "veryslow"\n', encoding="utf-8")
    out = tmp_path / "out"
    lock = out / f".{NAME}{STAGING_SUFFIX}" / LOCK_NAME
    proc = subprocess.Popen([sys.executable, "-m", "mediacheck", "fix", str(event), "--out",
                             str(out), "--apply", "--rules", str(slow)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def encoders() -> list[int]:
        try:
            return json.loads(lock.read_text())["children"]
        except (OSError, ValueError, KeyError):
            return []

    try:
        wait_for(lambda: bool(encoders()) or proc.poll() is not None)
        [ffmpeg] = encoders()
        assert is_alive(ffmpeg)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        assert gone(ffmpeg, timeout=1.5), f"ffmpeg {ffmpeg} outlived its parent"
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in encoders():
            if is_alive(pid):
                os.kill(pid, signal.SIGKILL)


@posix_only
def test_the_watchdog_used_elsewhere_kills_its_child_too(tmp_path: Path) -> None:
    """macOS/BSD have no parent-death signal: a watchdog reading a pipe from us does it."""
    pid_file = tmp_path / "child.pid"
    child = [sys.executable, "-c", "import os, sys, time; open(sys.argv[1], 'w').write("
             "str(os.getpid())); time.sleep(60)", str(pid_file)]
    harness = ("import sys, time\n"
               "from mediacheck.fix import lifeline\n"
               "lifeline.sys.platform = 'darwin'\n"
               f"lifeline.spawn({child!r})\n"
               "time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", harness], cwd=ROOT)
    try:
        wait_for(lambda: pid_file.is_file() and pid_file.read_text().strip() != "", 30)
        pid = int(pid_file.read_text())
        assert is_alive(pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        assert gone(pid), "the watchdog did not stop its child"
    finally:
        if proc.poll() is None:
            proc.kill()


@posix_only
def test_rerun_refuses_while_a_recorded_process_still_writes(tmp_path: Path, capsys) -> None:
    event = tmp_path / "src" / NAME
    event.mkdir(parents=True)
    for i in range(3):
        make_photo(event / f"IMG_{i}.jpg", size=(1800, 1200), seed=i)
    out = tmp_path / "out"
    staging = out / f".{NAME}{STAGING_SUFFIX}"
    staging.mkdir(parents=True)
    orphan = subprocess.Popen(["sleep", "60"])
    try:
        (staging / LOCK_NAME).write_text(json.dumps({"pid": 999999999,
                                                     "children": [orphan.pid]}))
        assert main(["fix", str(event), "--out", str(out), "--apply", "--lang", "en"]) == 2
        err = capsys.readouterr().err
        assert "an earlier run is still writing" in err and str(orphan.pid) in err
        assert sorted(p.name for p in staging.iterdir()) == [LOCK_NAME]  # nothing written
    finally:
        orphan.kill()
        orphan.wait()
    # Only dead processes in the lock now: a rerun takes it over and finishes the job.
    assert main(["fix", str(event), "--out", str(out), "--apply"]) == 0
    assert len(list((out / NAME).iterdir())) == 3 and not staging.exists()
