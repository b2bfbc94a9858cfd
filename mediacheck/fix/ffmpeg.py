"""Build ffmpeg commands (ffmpeg-python) and run them with a progress callback.

Commands are argument lists, never shell strings, and every path is given as `file:PATH`, so a
file named `-i x.mp4` or `;rm -rf ~.mov` is only ever a file name to ffmpeg. The binary is the
one on PATH, else the static build shipped in the `imageio-ffmpeg` wheel, so `fix` works after
a plain `pip install`. ffmpeg reports progress on stdout (`-progress pipe:1`): `out_time_us`
against the clip's duration gives the bar and its ETA. Each ffmpeg is started through
`lifeline.spawn`, so it dies with us even when we are killed outright.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from mediacheck.fix.lifeline import spawn, stop

GLOBAL_ARGS = ("-nostdin", "-hide_banner", "-loglevel", "error", "-nostats",
               "-progress", "pipe:1")
OnProgress = Callable[[float], None]


class FfmpegError(Exception):
    """ffmpeg failed; `detail` is the end of what it said."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Cancelled(Exception):
    """The run was stopped (Ctrl-C, SIGTERM) while ffmpeg worked."""


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """ffmpeg from PATH, else the one bundled with imageio-ffmpeg."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def transcode_command(src: str, dst: str, options: dict[str, Any], *,
                      size: tuple[int, int] | None, has_audio: bool,
                      start: float | None = None, duration: float | None = None,
                      exe: str | None = None) -> list[str]:
    """MP4, H.264 yuv420p (CRF/preset from the profile) + AAC, `+faststart`.

    ffmpeg's autorotate turns the pixels upright and writes no rotation matrix, so `size` is the
    displayed size and a portrait phone clip stays portrait in every player. Metadata (capture
    time, GPS, make/model) is carried over for the checks that read it.
    """
    import ffmpeg

    source = ffmpeg.input("file:" + src, **_seek(start))
    video = source["v:0"]
    if size is not None:
        video = video.filter("scale", size[0], size[1])
    streams = [video] + ([source["a:0"]] if has_audio else [])
    extra: dict[str, Any] = {"t": _seconds(duration)} if duration is not None else {}
    audio: dict[str, Any] = {"acodec": "aac", "audio_bitrate": options["audio_bitrate"]} if (
        has_audio) else {}
    out = ffmpeg.output(
        *streams, "file:" + dst, f="mp4", vcodec="libx264", pix_fmt="yuv420p",
        crf=options["crf"], preset=options["preset"], map_metadata=0,
        movflags="+faststart+use_metadata_tags", **audio, **extra)
    return out.global_args(*GLOBAL_ARGS).overwrite_output().compile(cmd=exe or ffmpeg_exe())


def copy_part_command(src: str, dst: str, *, start: float, duration: float | None,
                      exe: str | None = None) -> list[str]:
    """One part of a clip by stream copy (no re-encoding): exact when `start` is a keyframe."""
    import ffmpeg

    source = ffmpeg.input("file:" + src, **_seek(start))
    extra: dict[str, Any] = {"t": _seconds(duration)} if duration is not None else {}
    out = ffmpeg.output(source["v:0"], source["a?"], "file:" + dst, f="mp4", c="copy",
                        map_metadata=0, avoid_negative_ts="make_zero",
                        movflags="+faststart+use_metadata_tags", **extra)
    return out.global_args(*GLOBAL_ARGS).overwrite_output().compile(cmd=exe or ffmpeg_exe())


def _seek(start: float | None) -> dict[str, Any]:
    return {"ss": _seconds(start)} if start else {}


def _seconds(value: float) -> str:
    return f"{value:.3f}"


def parse_progress(line: str) -> float | None:
    """Seconds done from one `-progress` line (`out_time_us=12000000`), else None."""
    key, _, value = line.strip().partition("=")
    if key in ("out_time_us", "out_time_ms") and value.strip().lstrip("-").isdigit():
        return max(0.0, int(value) / 1_000_000)  # out_time_ms is microseconds too (old bug)
    return None


class Runner:
    """Runs ffmpeg processes and can stop all of them at once when the user interrupts."""

    def __init__(self, on_start: Callable[[int], None] | None = None,
                 on_end: Callable[[int], None] | None = None) -> None:
        self._procs: set[subprocess.Popen] = set()
        self._lock = threading.Lock()
        self.cancelled = threading.Event()
        self.on_start, self.on_end = on_start, on_end  # the staging lock records the pids

    def run(self, args: list[str], on_progress: OnProgress | None = None) -> None:
        """Run one ffmpeg command; raise FfmpegError on failure, Cancelled when stopped."""
        if self.cancelled.is_set():
            raise Cancelled()
        with tempfile.TemporaryFile() as errors:
            proc = spawn(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors,
                         text=True, errors="replace")
            with self._lock:
                self._procs.add(proc)
            if self.on_start is not None:
                self.on_start(proc.pid)
            try:
                self._follow(proc, on_progress)
            finally:
                stop(proc)
                proc.wait()
                if proc.stdin is not None:  # the watchdog's lifeline, where there is one
                    proc.stdin.close()
                with self._lock:
                    self._procs.discard(proc)
                if self.on_end is not None:
                    self.on_end(proc.pid)
            if self.cancelled.is_set():
                raise Cancelled()
            if proc.returncode != 0:
                errors.seek(0)
                tail = errors.read().decode("utf-8", "replace").strip().splitlines()[-3:]
                raise FfmpegError(" | ".join(tail) or f"exit code {proc.returncode}")

    def _follow(self, proc: subprocess.Popen, on_progress: OnProgress | None) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            done = parse_progress(line)
            if done is not None and on_progress is not None:
                on_progress(done)

    def cancel(self) -> None:
        """Stop every running ffmpeg; their callers then remove their temporary files."""
        self.cancelled.set()
        with self._lock:
            for proc in list(self._procs):
                stop(proc)
