"""What the machine-readable reporters (csv, junit, sarif, github) share: the list of checks a
run used, and the path a finding points at.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from mediacheck.report import Finding, Report, SubmissionResult

RUN_CHECK = "path"  # the check id the engine gives paths that could not be scanned at all


@dataclass(frozen=True)
class CheckInfo:
    """One check as CI tools list it: its id and a one-line description in the report's language."""

    id: str
    description: str


def check_catalog(report: Report, lang: str) -> list[CheckInfo]:
    """The checks that ran (as the report records them, in profile order) with their
    descriptions in `lang`, plus any check that appears only in findings (a path problem)."""
    checks = [CheckInfo(c.id, c.described(lang)) for c in report.checks]
    known = {c.id for c in checks}
    for finding in all_findings(report):
        if finding.check not in known:
            checks.append(CheckInfo(finding.check, ""))
            known.add(finding.check)
    return checks


def all_findings(report: Report) -> list[Finding]:
    return [*report.problems, *(f for s in report.submissions for f in s.findings)]


def finding_location(sub: SubmissionResult | None, finding: Finding) -> str:
    """Where a finding points, with forward slashes: the file inside the submission, the
    submission folder itself for folder-level findings, or the path of a run-level problem."""
    if sub is None:
        return _posix(finding.path or "")
    if finding.path is None:
        return _posix(sub.path)
    return str(PurePosixPath(_posix(sub.path)) / _posix(finding.path))


def _posix(path: str) -> str:
    return path.replace("\\", "/")
