"""Carry out a plan into a NEW folder; the source folder is only ever read.

Safety first: refuse when the output is the source, lies inside it or contains it, when it already
exists (unless --overwrite-output), or when the disk lacks room for the estimate. The folder is
built under a hidden staging name next to the output and renamed to `Unit_Activity` only when
everything is done, so a half-built folder never looks finished. Inside it every file is written
under a temporary name and renamed when complete (`os.replace`): Ctrl-C or a failed encode leaves
no partial file, and a rerun resumes by keeping the outputs already complete and valid. While
it works, the staging folder holds a lock naming this process and its encoders
(`lifeline.StagingLock`): a rerun refuses to start while any of them still runs.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from mediacheck.fix.ffmpeg import (
    Cancelled,
    FfmpegError,
    Runner,
    copy_part_command,
    transcode_command,
)
from mediacheck.fix.lifeline import LOCK_NAME, StagingBusy, StagingLock
from mediacheck.fix.plan import FileAction, Plan

TEMP_PREFIX = ".mediacheck-tmp-"
STAGING_SUFFIX = ".mediacheck-partial"
COPY_JOBS = 4
CUT_TOLERANCE = 1.0


class FixRefused(Exception):
    """`fix` will not write: `key` names the message in locale/fix.toml."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class ProgressSink(Protocol):
    def begin(self, action: FileAction, total: float) -> None: ...
    def update(self, action: FileAction, done: float) -> None: ...
    def end(self, action: FileAction, outcome: Outcome) -> None: ...


class NullProgress:
    def begin(self, action: FileAction, total: float) -> None:
        pass

    def update(self, action: FileAction, done: float) -> None:
        pass

    def end(self, action: FileAction, outcome: Outcome) -> None:
        pass


@dataclass
class Outcome:
    """What happened to one planned file: done, kept (already complete) or failed."""

    action: FileAction
    status: str
    detail: str = ""  # ffmpeg's last words, for a technician
    outputs: list[str] = field(default_factory=list)
    os_code: str = ""  # a failure the system reported (mediacheck.errors), said in our words


def staging_dir(output: Path) -> Path:
    return output.parent / f".{output.name}{STAGING_SUFFIX}"


def check_output_location(source: Path, output: Path, *, overwrite: bool) -> None:
    """Refuse outputs that could touch the source or an existing folder."""
    src, out = source.resolve(), output.resolve()
    if out == src or src in out.parents:
        raise FixRefused("refuse_inside_source", output=str(output), source=str(source))
    if out in src.parents:
        raise FixRefused("refuse_contains_source", output=str(output), source=str(source))
    if output.exists() and not overwrite:
        raise FixRefused("refuse_exists", output=str(output))
    if output.exists() and not output.is_dir():
        raise FixRefused("refuse_not_folder", output=str(output))


def check_disk_space(plan: Plan, output: Path) -> None:
    """Refuse before starting when the output disk has less room than the estimate needs."""
    needed = plan.estimated_bytes - _bytes_already_staged(plan, staging_dir(output))
    probe_dir = next(p for p in [output.parent, *output.parent.parents] if p.exists())
    free = shutil.disk_usage(probe_dir).free
    if needed > free:
        raise FixRefused("refuse_disk", needed=needed, free=free)


def _bytes_already_staged(plan: Plan, staging: Path) -> int:
    if not staging.is_dir():
        return 0
    done = 0
    for action in plan.actions:
        if action.outputs and all((staging / n).exists() for n in action.outputs):
            done += action.estimated_bytes if action.action != "link" else 0
    return done


def same_filesystem(source: Path, output: Path) -> bool:
    """Hard links work only within one filesystem; compare the nearest existing folders."""
    target = next(p for p in [output.parent, *output.parent.parents] if p.exists())
    try:
        return os.stat(source).st_dev == os.stat(target).st_dev
    except OSError:
        return False


def apply_plan(plan: Plan, output: Path, *, overwrite: bool = False, jobs: int = 1,
               runner: Runner | None = None, progress: ProgressSink | None = None) -> list[Outcome]:
    """Build the output folder from the plan; return what happened to each file."""
    progress = progress or NullProgress()
    staging = staging_dir(output)
    staging.mkdir(parents=True, exist_ok=True)
    lock = StagingLock(staging)
    try:
        lock.acquire()
    except StagingBusy as exc:
        raise FixRefused("refuse_busy", staging=str(staging),
                         pids=", ".join(map(str, exc.pids))) from exc
    try:
        runner = runner or Runner(on_start=lock.started, on_end=lock.ended)
        _remove_stale_files(staging, {n for a in plan.actions for n in a.outputs})
        work = [a for a in plan.actions if a.outputs]
        quick = [a for a in work if not _encodes(a)]
        slow = [a for a in work if _encodes(a)]
        outcomes = _run_all(quick, max(COPY_JOBS, jobs), plan, staging, runner, progress)
        outcomes += _run_all(slow, max(1, jobs), plan, staging, runner, progress)
    finally:
        lock.release()
    _finish(staging, output, overwrite)
    return outcomes


def _encodes(action: FileAction) -> bool:
    return action.action in ("transcode", "split", "convert-heic")


def _run_all(actions: list[FileAction], jobs: int, plan: Plan, staging: Path, runner: Runner,
             progress: ProgressSink) -> list[Outcome]:
    """Run actions N at a time; on Ctrl-C stop ffmpeg, let workers clean up, then re-raise."""
    if not actions:
        return []
    pool = ThreadPoolExecutor(max_workers=jobs)
    futures: dict[Future, FileAction] = {
        pool.submit(_run_one, a, plan, staging, runner, progress): a for a in actions}
    pending = set(futures)
    try:
        while pending:
            _done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
    except BaseException:
        runner.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    outcomes = [f.result() for f in futures]
    if runner.cancelled.is_set():
        raise KeyboardInterrupt
    return outcomes


def _run_one(action: FileAction, plan: Plan, staging: Path, runner: Runner,
             progress: ProgressSink) -> Outcome:
    total = action.duration if _encodes(action) and action.action != "convert-heic" else 1.0
    progress.begin(action, total)
    if all(_complete(action, staging / name) for name in action.outputs):
        outcome = Outcome(action, "kept", outputs=action.outputs)
    else:
        outcome = _produce(action, plan, staging, runner, progress)
    progress.end(action, outcome)
    return outcome


def _produce(action: FileAction, plan: Plan, staging: Path, runner: Runner,
             progress: ProgressSink) -> Outcome:
    try:
        if action.action in ("copy", "link"):
            _write(staging, action.outputs[0], lambda tmp: _copy(action, tmp))
        elif action.action == "convert-heic":
            _write(staging, action.outputs[0], lambda tmp: _heic_to_jpeg(action, tmp))
        elif action.action == "transcode":
            _write(staging, action.outputs[0], lambda tmp: runner.run(
                _transcode_args(action, plan.options, tmp),
                lambda done: progress.update(action, done)))
        else:
            _split(action, plan.options, staging, runner, progress)
    except Cancelled:
        return Outcome(action, "cancelled")
    except OSError as exc:
        from mediacheck.errors import os_code

        return Outcome(action, "failed", exc.strerror or str(exc), os_code=os_code(exc))
    except (FfmpegError, ValueError) as exc:
        return Outcome(action, "failed", _detail(exc))
    return Outcome(action, "done", outputs=action.outputs)


def _detail(exc: Exception) -> str:
    if isinstance(exc, FfmpegError):
        return exc.detail[:300]
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)[:300]


def _write(staging: Path, name: str, produce: Callable[[Path], Any]) -> None:
    """Produce into a temporary name, then rename: the final name only ever holds a whole file."""
    tmp = staging / f"{TEMP_PREFIX}{uuid.uuid4().hex[:12]}"
    try:
        produce(tmp)
        os.replace(tmp, staging / name)
    finally:
        if tmp.exists():
            tmp.unlink()


def _copy(action: FileAction, tmp: Path) -> None:
    """Byte for byte: a hard link when allowed, else a copy with its times."""
    assert action.src_path is not None
    if action.action == "link":
        try:
            os.link(action.src_path, tmp)
            return
        except OSError:
            pass
    shutil.copy2(action.src_path, tmp)


def _heic_to_jpeg(action: FileAction, tmp: Path) -> None:
    """HEIC -> JPEG with the camera's EXIF carried over (the checks need it)."""
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    with Image.open(action.src_path) as img:
        exif = img.info.get("exif") or img.getexif().tobytes()
        img.convert("RGB").save(tmp, "JPEG", quality=92, exif=exif)


def _transcode_args(action: FileAction, options: dict[str, Any], tmp: Path,
                    start: float | None = None, duration: float | None = None) -> list[str]:
    return transcode_command(str(action.src_path), str(tmp), options,
                             size=_scale_to(action), has_audio=_has_audio(action),
                             start=start, duration=duration)


def _scale_to(action: FileAction) -> tuple[int, int] | None:
    """The size to scale to, or None when the picture keeps its size (no needless filter)."""
    shown = (action.facts.get("display_width"), action.facts.get("display_height"))
    return None if action.target_size == shown else action.target_size


def _has_audio(action: FileAction) -> bool:
    return bool(action.facts.get("audio_codec"))


def _split(action: FileAction, options: dict[str, Any], staging: Path, runner: Runner,
           progress: ProgressSink) -> None:
    """Cut into parts: stream copy at keyframes when they fall within 30-60 s, else encode."""
    cuts, by_copy = split_points(action, options)
    bounds = list(zip(cuts, cuts[1:] + [None], strict=True))
    for name, (start, end) in zip(action.outputs, bounds, strict=True):
        length = None if end is None else end - start
        if by_copy:
            args = lambda tmp, s=start, n=length: copy_part_command(  # noqa: E731
                str(action.src_path), str(tmp), start=s, duration=n)
        else:
            args = lambda tmp, s=start, n=length: _transcode_args(  # noqa: E731
                action, options, tmp, s, n)
        if _complete(action, staging / name):
            continue
        _write(staging, name, lambda tmp, a=args, s=start: runner.run(
            a(tmp), lambda done: progress.update(action, s + done)))


def split_points(action: FileAction, options: dict[str, Any]) -> tuple[list[float], bool]:
    """Start times of the parts, and whether they can be cut without re-encoding."""
    duration, parts = action.duration, action.parts
    ideal = [duration * k / parts for k in range(parts)]
    if action.transcode:
        return ideal, False
    keyframes = _keyframes(action.src_path)
    snapped = [0.0] + [min(keyframes, key=lambda t, i=i: abs(t - i)) for i in ideal[1:]]
    lengths = [b - a for a, b in zip(snapped, snapped[1:] + [duration], strict=True)]
    low = options["split_min_seconds"] - CUT_TOLERANCE
    high = options["split_max_seconds"] + CUT_TOLERANCE
    if keyframes and all(low <= n <= high for n in lengths) and len(set(snapped)) == parts:
        return snapped, True
    action.transcode = True
    action.target_size = action.target_size or _even_display(action)
    return ideal, False


def _even_display(action: FileAction) -> tuple[int, int] | None:
    width, height = action.facts.get("display_width"), action.facts.get("display_height")
    if not width or not height:
        return None
    return int(width) - int(width) % 2, int(height) - int(height) % 2


def _keyframes(path: Path | None) -> list[float]:
    """Times of the video's keyframes, read from packets (no decoding)."""
    import av

    times = []
    with av.open("file:" + str(path)) as container:
        stream = container.streams.video[0]
        for packet in container.demux(stream):
            if packet.is_keyframe and packet.pts is not None:
                times.append(float(packet.pts * packet.time_base))
    return sorted(times)


def _complete(action: FileAction, path: Path) -> bool:
    """Is an output left by an earlier run whole and usable? Renames happen only when a file is
    complete, so this guards against a file changed since, not against our own partial ones."""
    if not path.is_file():
        return False
    if action.action in ("copy", "link"):
        return path.stat().st_size == action.source_bytes
    try:
        if action.action == "convert-heic":
            from PIL import Image

            with Image.open(path) as img:
                img.verify()
            return True
        import av

        with av.open("file:" + str(path)) as container:
            return bool(container.streams.video) and bool(container.duration)
    except Exception:  # noqa: BLE001 - anything unreadable is simply redone
        return False


def _remove_stale_files(staging: Path, planned: set[str]) -> None:
    """Clear what an earlier run left in our staging folder that this plan does not produce:
    temporary files of a run killed outright, outputs of a run with other options."""
    for entry in staging.iterdir():
        if entry.name == LOCK_NAME:
            continue
        if entry.is_file() and (entry.name.startswith(TEMP_PREFIX) or entry.name not in planned):
            entry.unlink()


def _finish(staging: Path, output: Path, overwrite: bool) -> None:
    """Put the finished folder in place; an old output (with --overwrite-output) goes last."""
    old = None
    if output.exists() and overwrite:
        old = output.parent / f".{output.name}.mediacheck-old-{uuid.uuid4().hex[:8]}"
        os.replace(output, old)
    os.replace(staging, output)
    if old is not None:
        shutil.rmtree(old)
