"""The web pages' only door to the engine, the reporters and `fix`.

Every call `mediacheck serve` makes into `mediacheck.engine`, `mediacheck.reporters` and
`mediacheck.fix` is in this module, so a change of the engine's signature (the probe stages,
one options object) is adapted here and nowhere else. Routes never check anything themselves.

Long work (a check, a fix) runs in a thread of an executor, off the event loop, as a `Job` that
publishes events; a page follows them as Server-Sent Events (`JobBoard.follow`).
"""

from __future__ import annotations

import asyncio
import io
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from mediacheck import engine
from mediacheck.profile import Profile
from mediacheck.report import Report, SubmissionResult

# ------------------------------------------------------------------------------ jobs & events


@dataclass
class Job:
    """One piece of long work and everything it has said so far (events are kept, so a page
    that reconnects, or opens late, replays them from the start)."""

    id: str
    kind: str
    owner: str
    lang: str
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    done: bool = False
    report: Report | None = None
    data: dict[str, Any] = field(default_factory=dict)
    created: float = field(default_factory=time.time)


class JobBoard:
    """Jobs by id, each visible only to the owner that started it."""

    KEEP = 50

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: dict[str, asyncio.Event] = {}

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def create(self, kind: str, owner: str, lang: str) -> Job:
        job = Job(uuid.uuid4().hex, kind, owner, lang)
        with self._lock:
            self._jobs[job.id] = job
            for old in sorted(self._jobs.values(), key=lambda j: j.created)[:-self.KEEP]:
                if old.done:
                    del self._jobs[old.id]
        return job

    def get(self, job_id: str, owner: str) -> Job | None:
        job = self._jobs.get(job_id)
        return job if job is not None and job.owner == owner else None

    def publish(self, job: Job, event: str, data: dict[str, Any], *, last: bool = False) -> None:
        """Called from worker threads: record the event and wake the pages that follow."""
        with self._lock:
            job.events.append((event, data))
            job.done = job.done or last
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._notify, job.id)

    def _notify(self, job_id: str) -> None:
        wake = self._wake.pop(job_id, None)
        if wake is not None:
            wake.set()

    async def follow(self, job: Job, start: int = 0) -> AsyncIterator[tuple[int, str, dict]]:
        """(index, event, data) from `start` on, as they come, until the job is done."""
        index = start
        while True:
            with self._lock:
                fresh = job.events[index:]
                finished = job.done
            for event, data in fresh:
                yield index, event, data
                index += 1
            if finished and index >= len(job.events):
                return
            if not fresh:
                wake = self._wake.setdefault(job.id, asyncio.Event())
                try:
                    await asyncio.wait_for(wake.wait(), timeout=15)
                except asyncio.TimeoutError:
                    yield -1, "ping", {}


# ------------------------------------------------------------------------------ checking


def render_card(sub: SubmissionResult, index: int, lang: str) -> str:
    """One submission as the contact sheet shows it (the HTML reporter's own rendering)."""
    from mediacheck.reporters.html import render_submission

    return render_submission(sub, index, lang)


def report_css() -> str:
    from mediacheck.reporters.html import CSS

    return CSS


def report_html(report: Report, lang: str) -> str:
    """The whole self-contained HTML report, exactly what `--format html` writes."""
    from mediacheck.reporters import get_reporter

    stream = io.StringIO()
    get_reporter("html").render(report, stream, lang=lang, color=False, quiet=False)
    return stream.getvalue()


def csv_exports(report: Report, lang: str) -> tuple[str, str]:
    """(one row per finding, one row per submission): the CLI's `--format csv` and
    `--summary-csv` files."""
    from mediacheck.reporters import get_reporter
    from mediacheck.reporters.csv_report import render_summary

    findings, summary = io.StringIO(newline=""), io.StringIO(newline="")
    get_reporter("csv").render(report, findings, lang=lang, color=False, quiet=False)
    render_summary(report, summary, lang)
    return findings.getvalue(), summary.getvalue()


def new_report(profile: Profile, lang: str) -> Report:
    from mediacheck import __version__

    return Report(profile=profile.name, tool_version=__version__, lang=lang)


class SharedPool(Executor):
    """One pool of worker processes for the CPU-bound probe stages (pixels, previews), kept
    for the server's life: the engine would otherwise start and stop a pool for every check
    (a few hundred milliseconds each time).

    It is handed to the engine as a foreign executor (like a cluster's), so a run never shuts
    it down; a pool broken by a crashing decoder is replaced at the next submit."""

    def __init__(self, workers: int | None = None) -> None:
        from mediacheck.pipeline import default_jobs

        self.workers = workers or default_jobs()
        self._pool: Any = None
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        from concurrent.futures.process import BrokenProcessPool

        from mediacheck.pipeline import process_pool, stop_pool

        with self._lock:
            if self._pool is None:
                self._pool = process_pool(self.workers)
            try:
                return self._pool.submit(fn, *args, **kwargs)
            except BrokenProcessPool:
                stop_pool(self._pool, cancel=True)
                self._pool = process_pool(self.workers)
                return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """A run's end: nothing to do (the server calls `close`)."""

    def close(self) -> None:
        from mediacheck.pipeline import stop_pool

        with self._lock:
            if self._pool is not None:
                stop_pool(self._pool, cancel=True)
                self._pool = None


def cpu_pool(workers: int | None = None) -> SharedPool:
    return SharedPool(workers)


def stop_pool(pool: SharedPool) -> None:
    pool.close()


def _options(lang: str, report: Report | None = None, **given: Any) -> engine.RunOptions:
    """The engine's options; run notes (a lost cluster, a crashed decoder) go to the report."""
    if report is not None:
        given["on_note"] = lambda key, params: report.problems.append(
            engine.run_note(key, params, lang))
    return engine.RunOptions(lang=lang, **given)


def check_paths(paths: list[Path], profile: Profile, lang: str, *, cache: Any = None,
                thumbnails: bool = False, on_start: Callable[[int], None] | None = None,
                on_file: Callable[[str], None] | None = None,
                on_submission: Callable[[int, SubmissionResult], None] | None = None,
                now: datetime | None = None, executor: Any = None) -> Report:
    """Check `paths` like the command line does, telling as it goes: the number of files,
    each file when read, each submission when judged."""
    submissions, problems = engine.discover(paths, profile, lang)
    if on_start is not None:
        on_start(sum(len(s.files) for s in submissions))
    report = new_report(profile, lang)
    report.problems = problems
    options = _options(lang, report, now=now, thumbnails=thumbnails, cache=cache,
                       executor=executor,
                       on_file=None if on_file is None else (lambda media: on_file(media.rel)))
    report.checks = [{"id": c.id, "description": c.description} for c in
                     engine.runnable_checks(profile, engine.wanted_stages(profile, options))]
    for index, result in enumerate(engine.iter_results(submissions, profile, options)):
        report.submissions.append(result)
        if on_submission is not None:
            on_submission(index, result)
    return report


def check_event(event: Any, profile: Profile, lang: str, *, cache: Any = None,
                thumbnails: bool = False, executor: Any = None) -> SubmissionResult:
    """One submission already found (an `EventFolder`), judged."""
    options = _options(lang, cache=cache, thumbnails=thumbnails, executor=executor)
    return next(iter(engine.iter_results([event], profile, options)))


def check_version(folder: Path, name: str, profile: Profile, lang: str, *, cache: Any = None,
                  thumbnails: bool = False, shown: str | None = None,
                  executor: Any = None) -> SubmissionResult:
    """One intake version folder (`.../THCS Pu Nhi_Khaigiang/v2`), judged under the name of
    the submission it is a version of."""
    from mediacheck.scan import read_event_folder

    event = read_event_folder(folder, profile, name=name, shown=shown)
    return check_event(event, profile, lang, cache=cache, thumbnails=thumbnails,
                       executor=executor)


def report_of(results: list[SubmissionResult], profile: Profile, lang: str) -> Report:
    report = new_report(profile, lang)
    report.submissions = list(results)
    return report


def start_check(board: JobBoard, executor: Executor, paths: list[Path], profile: Profile,
                lang: str, owner: str, *, cache: Any = None, cpu: Any = None,
                data: dict[str, Any] | None = None) -> Job:
    """A check job: events `start` {total}, `file` {done, total, name}, `card` {html, index,
    passed}, then `done` {summary}."""
    job = board.create("check", owner, lang)
    job.data.update(data or {})
    executor.submit(_run_check_job, board, job, paths, profile, cache, cpu)
    return job


def _run_check_job(board: JobBoard, job: Job, paths: list[Path], profile: Profile,
                   cache: Any, cpu: Any = None) -> None:
    lang = job.lang
    counter = {"done": 0, "total": 0}

    def on_start(total: int) -> None:
        counter["total"] = total
        board.publish(job, "start", {"total": total})

    def on_file(name: str) -> None:
        counter["done"] += 1
        board.publish(job, "file", {"done": counter["done"], "total": counter["total"],
                                    "name": name})

    def on_submission(index: int, result: SubmissionResult) -> None:
        board.publish(job, "card", {"index": index, "passed": result.passed,
                                    "html": render_card(result, index, lang)})

    try:
        job.report = check_paths(paths, profile, lang, cache=cache, thumbnails=True,
                                 on_start=on_start, on_file=on_file,
                                 on_submission=on_submission, executor=cpu)
    except Exception as exc:  # noqa: BLE001 - the page shows the error, the server goes on
        board.publish(job, "failed", {"detail": f"{type(exc).__name__}: {exc}"}, last=True)
        return
    board.publish(job, "done", summary_of(job.report), last=True)


def summary_of(report: Report) -> dict[str, Any]:
    summary = report.summary()
    return {"submissions": summary["submissions"], "passed": summary["passed"],
            "failed": summary["failed"], "counts": summary["counts"],
            "problems": [p.message for p in report.problems]}


# ------------------------------------------------------------------------------------ fix


@dataclass
class FixPreview:
    """A fix plan for one event folder and where its new folder will be built."""

    source: Path
    output: Path
    name: str
    plan: Any
    refused: tuple[str, dict[str, Any]] | None = None


def fix_names_ok(unit: str, activity: str, profile: Profile) -> bool:
    """Does `Unit_Activity` pass `folder-name`? (Then the plan answers those findings.)"""
    from mediacheck.checks import EventFacts, folder_name

    config = profile.checks["folder-name"]
    name = f"{unit}_{activity}"
    return not config.enabled or not list(folder_name.check(EventFacts(name, []),
                                                            config.options))


def find_event(source: Path, profile: Profile) -> Any:
    """The one event folder `source` is, or None (a folder of several events, or none)."""
    from mediacheck.scan import find_submissions

    submissions, _problems = find_submissions([source], profile)
    wanted = source.resolve()
    found = [s for s in submissions if s.fs_path is not None and s.fs_path.resolve() == wanted]
    return found[0] if len(found) == 1 else None


def plan_fix(source: Path, output: Path, name: str, profile: Profile, lang: str, *,
             heic_to_jpeg: bool = False, split_scenes: bool = False,
             cache: Any = None, cpu: Any = None) -> FixPreview | None:
    """The dry run: check the folder, plan every file; nothing is written."""
    from mediacheck.fix.apply import FixRefused, check_output_location, same_filesystem
    from mediacheck.fix.plan import build_plan

    event = find_event(source, profile)
    if event is None:
        return None
    result = check_event(event, profile, lang, cache=cache, executor=cpu)
    unit, _, activity = name.partition("_")
    plan = build_plan(event, result, name, profile.fix_options(), heic_to_jpeg=heic_to_jpeg,
                      split_scenes=split_scenes, same_filesystem=same_filesystem(source, output),
                      folder_name_fixed=fix_names_ok(unit, activity, profile))
    preview = FixPreview(source, output, name, plan)
    try:
        check_output_location(source, output, overwrite=False)
    except FixRefused as exc:
        preview.refused = (exc.key, exc.params)
    return preview


def plan_rows(preview: FixPreview, lang: str) -> dict[str, Any]:
    """What the plan page shows: per file its action (in words), outputs, size and details."""
    from mediacheck.fix.show import action_details, fix_hint
    from mediacheck.i18n import t as tr
    from mediacheck.reporters import human_size

    plan = preview.plan
    rows = [{"source": a.source, "action": a.action, "label": tr(f"action_{a.action}", lang),
             "outputs": a.outputs if a.outputs != [a.source] else [],
             "size": human_size(a.estimated_bytes, lang) if a.outputs else "",
             "details": action_details(a, lang)} for a in plan.actions]
    people = [{"severity": f.severity.value, "path": f.path, "message": f.message,
               "hint": fix_hint(f, lang)} for f in plan.needs_person]
    written = sum(len(a.outputs) for a in plan.actions)
    total = tr("plan_total", lang, count=written, size=human_size(plan.output_bytes, lang),
               disk=human_size(plan.estimated_bytes, lang))
    refused = tr(preview.refused[0], lang, **_sizes(preview.refused[1], lang)) if (
        preview.refused) else None
    return {"rows": rows, "needs_person": people, "total": total, "refused": refused,
            "expected_pass": plan.expected_pass, "title": tr(
                "plan_title", lang, source=str(preview.source), output=str(preview.output))}


def _sizes(params: dict[str, Any], lang: str) -> dict[str, Any]:
    from mediacheck.reporters import human_size

    return {k: human_size(v, lang) if isinstance(v, int) else v for k, v in params.items()}


class _FixEvents:
    """fix's ProgressSink, publishing progress (by seconds of video) and each file's outcome."""

    def __init__(self, board: JobBoard, job: Job, plan: Any) -> None:
        from mediacheck.fix.progress import weight

        self.board, self.job, self.weight = board, job, weight
        self.total = sum(weight(a) for a in plan.actions if a.outputs) or 1.0
        self.done: dict[int, float] = {}
        self.lock = threading.Lock()

    def _send(self, name: str) -> None:
        done = sum(self.done.values())
        self.board.publish(self.job, "fixprogress", {
            "fraction": min(1.0, done / self.total), "file": name})

    def begin(self, action: Any, total: float) -> None:
        with self.lock:
            self.done[id(action)] = 0.0
        self._send(action.source)

    def update(self, action: Any, done: float) -> None:
        with self.lock:
            self.done[id(action)] = min(done, self.weight(action))
        self._send(action.source)

    def end(self, action: Any, outcome: Any) -> None:
        from mediacheck.i18n import t as tr

        with self.lock:
            self.done[id(action)] = self.weight(action)
        self._send(action.source)
        if outcome.status != "cancelled":
            text = tr(f"status_{outcome.status}", self.job.lang, file=action.source,
                      outputs=", ".join(outcome.outputs), detail=outcome.detail)
            self.board.publish(self.job, "fixfile", {"status": outcome.status, "text": text})


def start_fix(board: JobBoard, executor: Executor, preview: FixPreview, profile: Profile,
              lang: str, owner: str, *, cache: Any = None, cpu: Any = None) -> Job:
    """Build the new folder (events `fixprogress`, `fixfile`), then re-check it like any
    submission (events of a check job), then `done`."""
    job = board.create("fix", owner, lang)
    job.data["output"] = str(preview.output)
    executor.submit(_run_fix_job, board, job, preview, profile, cache, cpu)
    return job


def _run_fix_job(board: JobBoard, job: Job, preview: FixPreview, profile: Profile,
                 cache: Any, cpu: Any = None) -> None:
    from mediacheck.fix.apply import FixRefused, apply_plan, check_disk_space
    from mediacheck.i18n import plural
    from mediacheck.i18n import t as tr

    lang = job.lang
    try:
        check_disk_space(preview.plan, preview.output)
        outcomes = apply_plan(preview.plan, preview.output,
                              progress=_FixEvents(board, job, preview.plan))
    except FixRefused as exc:
        board.publish(job, "failed", {"detail": tr(exc.key, lang, **_sizes(exc.params, lang))},
                      last=True)
        return
    except Exception as exc:  # noqa: BLE001 - shown on the page; the source is untouched
        board.publish(job, "failed", {"detail": f"{type(exc).__name__}: {exc}"}, last=True)
        return
    failed = sum(1 for o in outcomes if o.status == "failed")
    key = "applied_failed" if failed else "applied"
    text = plural(key, len(outcomes) - failed, lang, failed=failed)
    board.publish(job, "fixdone", {"text": text, "output": str(preview.output)})
    _run_check_job(board, job, [preview.output], profile, cache, cpu)
