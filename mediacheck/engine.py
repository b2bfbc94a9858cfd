"""Run the checks over submissions: gather the facts each enabled check needs (probe stages, via
`mediacheck.pipeline`), run every enabled check, and stamp each problem with its check ID, the
severity the profile gives it, and its wording.

Checks never know their severity or words (that is policy, in the profile), and an exception in
a check becomes an error finding for the folder instead of a crash. There is one path from paths
to results (`run` -> `iter_results`), used by the command line, `fix` and the web pages alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from mediacheck import __version__
from mediacheck.checks import REGISTRY, EventFacts, Problem, fold_findings, needs
from mediacheck.i18n import render, t
from mediacheck.naming import split_name
from mediacheck.pipeline import Cache, OnFile, ProbeFn, Prober, ProbeSettings
from mediacheck.probe import FileFacts
from mediacheck.probe.stages import STAGES
from mediacheck.profile import CheckConfig, Profile
from mediacheck.report import CheckRef, Finding, Report, Severity, SubmissionResult
from mediacheck.scan import EventFolder, ScanProblem, find_submissions


@dataclass
class RunOptions:
    """How to run a check, apart from the profile (which says what to check).

    `pixels` None means the profile decides (`[analysis] pixels`); `jobs` is the number of
    processes for the CPU-bound stages (default: every core); `io_threads` reads headers on
    that many threads (default 1: inline, fastest on a local disk)."""

    lang: str = "vi"
    strict: bool = False
    fail_on: str = "error"  # what fails the run (mediacheck.policy), stated in the report
    now: datetime | None = None
    pixels: bool | None = None
    thumbnails: bool = False
    keep_facts: bool = True
    jobs: int | None = None
    io_threads: int = 1
    cache: Cache | None = None
    on_start: Callable[[int], None] | None = None
    on_file: OnFile | None = None
    probe_fn: ProbeFn | None = None
    units: list[str] | None = None
    activity: str | None = None
    executor: Any = None
    scheduler: str | None = None
    path_map: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    on_note: Callable[[str, dict[str, Any]], None] | None = None


def stamp(config: CheckConfig, problem: Problem, lang: str) -> Finding:
    """Turn what a check saw into a finding the user reads, with the profile's severity."""
    message = config.messages[problem.key]
    params = problem.params
    return Finding(
        check=config.id,
        key=problem.key,
        severity=message.severity,
        path=problem.path,
        message=render(message.text[lang], params, lang),
        hint=render(message.hint[lang], params, lang),
        details=problem.details(),
    )


def pixels_on(profile: Profile, options: RunOptions) -> bool:
    return profile.analysis.get("pixels", True) if options.pixels is None else options.pixels


def wanted_stages(profile: Profile, options: RunOptions) -> tuple[str, ...]:
    """The union of the stages the enabled checks need (and the report: previews), minus the
    pixel stages when they are switched off (`--quick`)."""
    names = {"meta"}
    for config in profile.enabled_checks():
        names.update(needs(REGISTRY[config.id]))
    if options.thumbnails:
        names.add("thumbnail")
    if not pixels_on(profile, options):
        names = {n for n in names if not STAGES[n].pixel}
    return tuple(s.name for s in STAGES.ordered(names))


def runnable_checks(profile: Profile, stages: Iterable[str]) -> list[CheckConfig]:
    """Enabled checks whose every stage is computed: a check without its facts is not run
    (rather than run on missing facts and mistaken for a pass)."""
    have = set(stages)
    return [c for c in profile.enabled_checks() if set(needs(REGISTRY[c.id])) <= have]


def run_checks(event: EventFacts, configs: list[CheckConfig], lang: str) -> list[Finding]:
    """These checks over one submission; `AFTER_OTHERS` checks see earlier errors."""
    early = [c for c in configs if not getattr(REGISTRY[c.id], "AFTER_OTHERS", False)]
    late = [c for c in configs if getattr(REGISTRY[c.id], "AFTER_OTHERS", False)]
    findings = [f for c in early for f in _run_one(c, event, lang)]
    event.error_paths = frozenset(
        f.path for f in findings if f.severity is Severity.ERROR and f.path)
    findings += [f for c in late for f in _run_one(c, event, lang)]
    return sort_findings(fold_findings(findings, configs))


def _run_one(config: CheckConfig, event: EventFacts, lang: str) -> Iterator[Finding]:
    module = REGISTRY[config.id]
    try:
        problems = list(module.check(event, config.options))
    except Exception as exc:  # noqa: BLE001 - one broken check must not stop the run
        yield Finding(config.id, "internal", Severity.ERROR, None,
                      t("internal_error", lang, error=f"{config.id}: {exc!r}"), "", {})
        return
    for problem in problems:
        yield stamp(config, problem, lang)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Folder-level findings first, then by file, most severe first: a stable, readable order."""
    return sorted(findings, key=lambda f: (f.path is not None, f.path or "", -f.severity.rank,
                                           f.check, f.message))


def _pictures(fact: FileFacts) -> dict[str, Any]:
    """What a report that shows pictures (the HTML contact sheet) adds to a file's row: its
    preview, and for a video one frame per scene (with the scene's times) and the shake over
    time. Other reports never carry them."""
    out: dict[str, Any] = {"thumbnail": fact.thumbnail}
    motion = fact.motion
    if motion is not None and motion.filmstrip:
        out["filmstrip"] = [
            {"start": scene.get("start"), "end": scene.get("end"),
             "image": "data:image/jpeg;base64," + picture}
            for scene, picture in zip(motion.scenes, motion.filmstrip, strict=False)]
        out["shake_series"] = motion.shake_series
    return out


def _annotate(event: EventFacts, files: list[dict[str, Any]], configs: list[CheckConfig]) -> None:
    """What a check concludes about each file beyond findings (a photo's shot kind, from
    `shot-kinds`'s `annotate`) joins that file's row, in every report."""
    rows = {row["path"]: row for row in files}
    for config in configs:
        annotate = getattr(REGISTRY[config.id], "annotate", None)
        if annotate is None:
            continue
        try:
            extra = annotate(event, config.options)
        except Exception:  # noqa: BLE001 - an annotation is a nicety; its check reports
            continue
        for path, values in extra.items():
            if path in rows:
                rows[path].update(values)


def result_of(event: EventFolder, facts: list[FileFacts], configs: list[CheckConfig],
              options: RunOptions) -> SubmissionResult:
    """One submission's verdict from its files' facts."""
    event_facts = EventFacts(
        name=event.name, files=facts, subfolders=event.subfolders,
        scan_problems=event.problems, now=options.now or datetime.now(), twins=event.twins,
    )
    unit, activity = split_name(event.name)
    files = [f.to_dict() if options.keep_facts else f.summary() for f in facts]
    if options.thumbnails:
        for fact, row in zip(facts, files, strict=True):
            row.update(_pictures(fact))
    _annotate(event_facts, files, configs)
    return SubmissionResult(
        path=event.path, unit=unit, activity=activity, files=files,
        findings=run_checks(event_facts, configs, options.lang), strict=options.strict,
    )


PROBLEM_KEYS = {
    "not-found": "problem_not_found", "not-a-folder": "problem_not_a_folder",
    "permission": "problem_permission", "symlink-loop": "problem_symlink_loop",
    "zip-corrupt": "problem_zip_corrupt", "zip-too-big": "problem_zip_too_big",
    "zip-too-many": "problem_zip_too_many", "unsafe-path": "problem_zip_unsafe_path",
    "nothing-found": "problem_nothing_found", "zip-nested": "problem_zip_nested",
    "zip-missing-parts": "problem_zip_missing_parts",
}
# A link looping back is skipped and the rest is checked: worth knowing, not a failed run.
WARNING_PROBLEMS = frozenset({"symlink-loop"})


def scan_problem_finding(problem: ScanProblem, lang: str) -> Finding:
    """A path that could not be scanned (or an archive refused whole), as a run-level finding."""
    key = PROBLEM_KEYS.get(problem.reason, "problem_other")
    message = t(key, lang, path=problem.path, detail=problem.detail)
    hint_key = f"{key}_hint"
    hint = t(hint_key, lang, path=problem.path, detail=problem.detail)
    severity = Severity.WARNING if problem.reason in WARNING_PROBLEMS else Severity.ERROR
    return Finding("path", problem.reason, severity, problem.path, message,
                   "" if hint == hint_key else hint,
                   {"reason": problem.reason, "detail": problem.detail})


def run_note(key: str, params: dict[str, Any], lang: str) -> Finding:
    """Something about the run itself worth saying (the cluster went away and the rest ran
    here): a warning on the report, never a reason to fail it."""
    hint = t(f"{key}_hint", lang, **params)
    return Finding("run", key, Severity.WARNING, None, t(key, lang, **params),
                   "" if hint == f"{key}_hint" else hint, {"key": key, **params})


def discover(paths: list[Path], profile: Profile, lang: str
             ) -> tuple[list[EventFolder], list[Finding]]:
    """The submissions under `paths` and the run-level problems met while finding them."""
    submissions, problems = find_submissions(paths, profile)
    return submissions, [scan_problem_finding(p, lang) for p in problems]


def iter_results(submissions: Iterable[EventFolder], profile: Profile,
                 options: RunOptions) -> Iterator[SubmissionResult]:
    """Yield each submission's result, in the order given, as soon as it is ready.

    The facts come from the stages the enabled checks need (`wanted_stages`), through the
    cache and the pools of `mediacheck.pipeline`. Without `keep_facts` a result keeps only each
    file's path, kind and size (enough for the text, CSV and CI reports), so a run over
    thousands of submissions holds their findings, not their metadata.
    """
    stages = wanted_stages(profile, options)
    configs = runnable_checks(profile, stages)
    expected = None
    if isinstance(submissions, list):
        kinds = [m.kind for s in submissions for m in s.files]
        expected = (kinds.count("photo"), kinds.count("video"))
    settings = ProbeSettings(stages=stages, jobs=options.jobs, io_threads=options.io_threads,
                             cache=options.cache, probe_fn=options.probe_fn,
                             on_file=options.on_file, executor=options.executor,
                             scheduler=options.scheduler, path_map=options.path_map,
                             on_note=options.on_note, expected=expected)
    with Prober(settings) as prober:
        for event, facts in prober.probed(submissions):
            try:
                yield result_of(event, facts, configs, options)
            finally:
                event.release()


def run(paths: list[Path], profile: Profile, options: RunOptions | None = None,
        writer: Any = None) -> Report:
    """Check every submission under `paths` and gather the report.

    With a `writer` (a reporter's `ReportWriter`), each submission is handed to it as soon as
    it is checked and only its summary row is kept: the report is written as the run goes and
    memory stays flat however many files there are. Without one, every result is kept in
    `report.submissions`.

    With `units` (the office's list), the report also says which units have not submitted
    for `activity` (or for each activity seen) and which submissions name a unit not listed.
    """
    options = options or RunOptions()
    lang = options.lang
    submissions, problems = discover(paths, profile, lang)
    if options.on_start is not None:
        options.on_start(sum(len(s.files) for s in submissions))
    report = Report(profile=profile.name, tool_version=__version__, lang=lang,
                    fail_on=options.fail_on)
    report.problems = problems
    if options.on_note is None:
        options = replace(options, on_note=lambda key, params: report.problems.append(
            run_note(key, params, lang)))
    report.checks = [CheckRef(c.id, dict(c.description))
                     for c in runnable_checks(profile, wanted_stages(profile, options))]
    if writer is not None:
        writer.begin(report)
    for result in iter_results(submissions, profile, options):
        report.add(result, keep=writer is None)
        if writer is not None:
            writer.submission(result)
    if options.units is not None:
        from mediacheck.units import compare_units

        ignored = profile.checks["folder-name"].options.get("ignored_leading_words", [])
        report.units = compare_units(options.units, report.rows(), options.activity, ignored)
    if writer is not None:
        writer.end(report)
    return report


def profile_summary(profile: Profile) -> list[dict[str, Any]]:
    """What `mediacheck rules` shows: each check with its severities and options."""
    rows = []
    for config in profile.checks.values():
        severities = sorted({m.severity.value for m in config.messages.values()},
                            key=lambda s: -Severity(s).rank)
        rows.append({"id": config.id, "enabled": config.enabled, "severity": config.severity.value,
                     "severities": severities, "options": config.options,
                     "description": config.description})
    return rows
