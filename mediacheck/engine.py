"""Run the checks over submissions: probe each file once, run every enabled check, and stamp
each problem with its check ID, the severity the profile gives it, and its wording.

Checks never know their severity or words (that is policy, in the profile), and an exception in
a check becomes an error finding for the folder instead of a crash.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from mediacheck import __version__
from mediacheck.checks import REGISTRY, EventFacts, Problem
from mediacheck.checks.folder_name import split_name
from mediacheck.i18n import render, t
from mediacheck.probe import FileFacts, probe
from mediacheck.profile import CheckConfig, Profile
from mediacheck.report import Finding, Report, Severity, SubmissionResult
from mediacheck.scan import EventFolder, MediaFile, ScanProblem, find_submissions

ProbeFn = Callable[[MediaFile], FileFacts]
OnFile = Callable[[MediaFile], None]


def stamp(config: CheckConfig, problem: Problem, lang: str) -> Finding:
    """Turn what a check saw into a finding the user reads, with the profile's severity."""
    message = config.messages[problem.key]
    params = {k: v for k, v in problem.params.items()}
    return Finding(
        check=config.id,
        key=problem.key,
        severity=message.severity,
        path=problem.path,
        message=render(message.text[lang], params),
        hint=render(message.hint[lang], params),
        details={"key": problem.key, **params},
    )


def run_checks(event: EventFacts, profile: Profile, lang: str) -> list[Finding]:
    """All enabled checks over one submission; `AFTER_OTHERS` checks see earlier errors."""
    configs = profile.enabled_checks()
    early = [c for c in configs if not getattr(REGISTRY[c.id], "AFTER_OTHERS", False)]
    late = [c for c in configs if getattr(REGISTRY[c.id], "AFTER_OTHERS", False)]
    findings = [f for c in early for f in _run_one(c, event, lang)]
    event.error_paths = frozenset(
        f.path for f in findings if f.severity is Severity.ERROR and f.path)
    findings += [f for c in late for f in _run_one(c, event, lang)]
    return sort_findings(findings)


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


def add_content_hashes(files: list[MediaFile], facts: list[FileFacts]) -> None:
    """Hash only files whose size another file shares: duplicates need equal sizes first."""
    by_size: dict[int, list[int]] = defaultdict(list)
    for index, fact in enumerate(facts):
        if fact.size > 0 and not fact.unreadable and fact.kind in ("photo", "video"):
            by_size[fact.size].append(index)
    for indexes in by_size.values():
        if len(indexes) < 2:
            continue
        for index in indexes:
            facts[index].sha256 = _sha256(files[index])


def _sha256(media: MediaFile) -> str | None:
    digest = hashlib.sha256()
    try:
        with media.open() as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def check_event(
    event: EventFolder,
    profile: Profile,
    lang: str,
    *,
    strict: bool = False,
    now: datetime | None = None,
    probe_fn: ProbeFn = probe,
    on_file: OnFile | None = None,
    thumbnails: bool = False,
) -> SubmissionResult:
    """Probe the files of one event folder, run the checks, and give its verdict."""
    facts = []
    for media in event.files:
        facts.append(probe_fn(media))
        if on_file is not None:
            on_file(media)
    add_content_hashes(event.files, facts)
    event_facts = EventFacts(
        name=event.name, files=facts, subfolders=event.subfolders,
        scan_problems=event.problems, now=now or datetime.now(),
    )
    unit, activity = split_name(event.name)
    files = [f.to_dict() for f in facts]
    if thumbnails:
        from mediacheck.thumbnails import thumbnail_data_uri

        for media, fact, row in zip(event.files, facts, files):
            row["thumbnail"] = thumbnail_data_uri(media, fact)
    return SubmissionResult(
        path=event.path, unit=unit, activity=activity,
        files=files,
        findings=run_checks(event_facts, profile, lang),
        strict=strict,
    )


def scan_problem_finding(problem: ScanProblem, lang: str) -> Finding:
    key = {"not-found": "problem_not_found", "not-a-folder": "problem_not_a_folder",
           "permission": "problem_permission"}.get(problem.reason, "problem_other")
    message = t(key, lang, path=problem.path, detail=problem.detail)
    return Finding("path", problem.reason, Severity.ERROR, problem.path, message, "",
                   {"reason": problem.reason})


def run(
    paths: list[Path],
    profile: Profile,
    lang: str,
    *,
    strict: bool = False,
    now: datetime | None = None,
    on_start: Callable[[int], None] | None = None,
    on_file: OnFile | None = None,
    probe_fn: ProbeFn = probe,
    thumbnails: bool = False,
) -> Report:
    """Check every submission under `paths` and gather the report."""
    submissions, problems = find_submissions(paths, profile)
    if on_start is not None:
        on_start(sum(len(s.files) for s in submissions))
    report = Report(profile=profile.name, tool_version=__version__, lang=lang)
    report.problems = [scan_problem_finding(p, lang) for p in problems]
    for event in submissions:
        report.submissions.append(
            check_event(event, profile, lang, strict=strict, now=now, on_file=on_file,
                        probe_fn=probe_fn, thumbnails=thumbnails))
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
