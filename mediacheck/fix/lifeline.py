"""ffmpeg dies with mediacheck, and a rerun never starts while an orphan still writes.

A 4K encode runs for minutes. If `fix` is killed outright (SIGKILL, a closed terminal, Task
Manager), nothing of ours runs to stop it, so the child must be tied to us by the system:

- Linux: the child asks for a parent-death signal (`prctl(PR_SET_PDEATHSIG, SIGKILL)`). It is
  set by a three-line Python stub that then `exec`s ffmpeg (the setting survives `exec`), not by
  `preexec_fn`, which is unsafe in a process with threads (copies and encodes run in a pool).
- Windows: every child is put in a job object created with KILL_ON_JOB_CLOSE; when our process
  ends, however it ends, Windows closes the job and kills what is in it.
- Other systems (macOS, BSD): a small watchdog process runs ffmpeg and reads a pipe from us; the
  pipe closes when we die, and the watchdog then kills ffmpeg. Both run in their own process
  group, so cancelling kills both at once.

`StagingLock` is the second half: the partial folder holds a lock file naming our pid and the
pids of the encoders; a rerun that finds any of them alive refuses to start instead of writing
beside an orphan, and one that finds them all gone takes the lock over and resumes.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

LOCK_NAME = ".mediacheck-lock"
_LINUX_STUB = ("import ctypes, os, sys\n"
               "ctypes.CDLL(None, use_errno=True).prctl(1, 9)\n"  # PR_SET_PDEATHSIG, SIGKILL
               "os.getppid() == int(sys.argv[1]) or os._exit(70)\n"  # we died meanwhile
               "os.execv(sys.argv[2], sys.argv[2:])\n")
_WATCHDOG = ("import os, signal, subprocess, sys, threading\n"
             "child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL)\n"
             "def watch():\n"
             "    sys.stdin.buffer.read()\n"  # returns when mediacheck closes or dies
             "    child.kill()\n"
             "threading.Thread(target=watch, daemon=True).start()\n"
             "sys.exit(child.wait())\n")


def spawn(args: list[str], **popen: Any) -> subprocess.Popen:
    """Start `args` (ffmpeg) so that it cannot outlive this process."""
    if sys.platform.startswith("linux"):
        stub = [sys.executable, "-I", "-S", "-c", _LINUX_STUB, str(os.getpid())]
        return subprocess.Popen([*stub, *args], **popen)
    if sys.platform == "win32":
        proc = subprocess.Popen(args, **popen)
        _windows_job().assign(proc)
        return proc
    popen["stdin"] = subprocess.PIPE  # the lifeline: never written, closed only by our end
    watchdog = [sys.executable, "-I", "-S", "-c", _WATCHDOG]
    return subprocess.Popen([*watchdog, *args], start_new_session=True, **popen)


def stop(proc: subprocess.Popen) -> None:
    """Kill a child started by `spawn` (and, with a watchdog, what it runs)."""
    if proc.poll() is not None:
        return
    if sys.platform not in ("win32",) and not sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        proc.kill()


class _WindowsJob:
    """A job object whose processes die when its last handle (ours) closes."""

    def __init__(self) -> None:
        import ctypes
        from ctypes import wintypes

        class Basic(ctypes.Structure):
            _fields_ = [("PerProcessUserTimeLimit", ctypes.c_int64),
                        ("PerJobUserTimeLimit", ctypes.c_int64),
                        ("LimitFlags", wintypes.DWORD),
                        ("MinimumWorkingSetSize", ctypes.c_size_t),
                        ("MaximumWorkingSetSize", ctypes.c_size_t),
                        ("ActiveProcessLimit", wintypes.DWORD),
                        ("Affinity", ctypes.c_size_t),
                        ("PriorityClass", wintypes.DWORD),
                        ("SchedulingClass", wintypes.DWORD)]

        class Extended(ctypes.Structure):
            _fields_ = [("BasicLimitInformation", Basic),
                        ("IoInfo", ctypes.c_uint64 * 6),
                        ("ProcessMemoryLimit", ctypes.c_size_t),
                        ("JobMemoryLimit", ctypes.c_size_t),
                        ("PeakProcessMemoryUsed", ctypes.c_size_t),
                        ("PeakJobMemoryUsed", ctypes.c_size_t)]

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        kernel32.CreateJobObjectW.restype = wintypes.HANDLE
        self._kernel32 = kernel32
        self._handle = kernel32.CreateJobObjectW(None, None)
        info = Extended()
        info.BasicLimitInformation.LimitFlags = 0x2000  # JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
        kernel32.SetInformationJobObject(self._handle, 9,  # JobObjectExtendedLimitInformation
                                         ctypes.byref(info), ctypes.sizeof(info))

    def assign(self, proc: subprocess.Popen) -> None:
        handle = int(proc._handle)  # type: ignore[attr-defined]
        if not self._kernel32.AssignProcessToJobObject(self._handle, handle):
            pass  # best effort: an older Windows without nested jobs; Ctrl-C still stops it


_JOB: list[_WindowsJob] = []
_JOB_LOCK = threading.Lock()


def _windows_job() -> _WindowsJob:
    with _JOB_LOCK:
        if not _JOB:
            _JOB.append(_WindowsJob())
        return _JOB[0]


# ------------------------------------------------------------------------------ the lock


class StagingBusy(Exception):
    """Another run (or an encoder it left behind) still writes into the staging folder."""

    def __init__(self, pids: list[int]) -> None:
        super().__init__(", ".join(map(str, pids)))
        self.pids = pids


class StagingLock:
    """`.mediacheck-lock` in the staging folder: our pid and our encoders' pids."""

    def __init__(self, staging: Path) -> None:
        self.path = staging / LOCK_NAME
        self.children: set[int] = set()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Take the lock, or raise StagingBusy naming the processes that still run."""
        alive = [pid for pid in self._recorded() if pid != os.getpid() and is_alive(pid)]
        if alive:
            raise StagingBusy(alive)
        self._write()

    def started(self, pid: int) -> None:
        with self._lock:
            self.children.add(pid)
            self._write()

    def ended(self, pid: int) -> None:
        with self._lock:
            self.children.discard(pid)
            self._write()

    def release(self) -> None:
        with contextlib.suppress(OSError):
            if os.getpid() in self._recorded():
                self.path.unlink()

    def _recorded(self) -> list[int]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return [int(p) for p in [data.get("pid"), *data.get("children", [])] if p]
        except (OSError, ValueError, TypeError, AttributeError):
            return []

    def _write(self) -> None:
        """Atomically, so a reader never sees half a lock."""
        tmp = self.path.with_name(f"{LOCK_NAME}.{uuid.uuid4().hex[:8]}")
        tmp.write_text(json.dumps({"pid": os.getpid(), "children": sorted(self.children)}),
                       encoding="utf-8")
        os.replace(tmp, self.path)


def is_alive(pid: int) -> bool:
    """Is process `pid` running? Never sends a signal that could hurt it."""
    if sys.platform == "win32":
        return _windows_alive(pid)
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """A finished child not yet reaped still answers signal 0 (Linux: state Z in /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def _windows_alive(pid: int) -> bool:
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)
