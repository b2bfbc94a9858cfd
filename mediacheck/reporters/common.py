"""What the machine-readable reporters (csv, junit, sarif, github) share: the list of checks a
run knew about, and the path a finding points at.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from mediacheck.report import Finding, Report, SubmissionResult

RUN_CHECK = "path"  # the check id the engine gives paths that could not be scanned at all


@dataclass(frozen=True)
class CheckInfo:
    """One check as CI tools list it: its id and a one-line description in the report's language."""

    id: str
    description: str


def check_catalog(report: Report, lang: str) -> list[CheckInfo]:
    """The run's enabled checks with their descriptions, in profile order.

    The engine may record them on the report (`report.checks`); otherwise the report names its
    profile, loaded again here; when that fails (a profile file that moved),
    every registered check stands in, so a CI report never fails for want of descriptions. Checks
    that appear in findings but not in the list (an internal error, a path problem) are added.
    """
    given = getattr(report, "checks", None)
    checks = _given_checks(given, lang) if given else _profile_checks(report.profile, lang)
    known = {c.id for c in checks}
    for finding in all_findings(report):
        if finding.check not in known:
            checks.append(CheckInfo(finding.check, ""))
            known.add(finding.check)
    return checks


def _given_checks(given: list[Any], lang: str) -> list[CheckInfo]:
    """Checks the engine recorded on the report: ids, or dicts with `id` and `description`."""
    out = []
    for item in given:
        if isinstance(item, dict):
            description = item.get("description") or ""
            if isinstance(description, dict):
                description = description.get(lang) or description.get("en") or ""
            out.append(CheckInfo(str(item.get("id")), str(description)))
        else:
            out.append(CheckInfo(str(item), ""))
    return out


def _profile_checks(name: str, lang: str) -> list[CheckInfo]:
    try:
        from mediacheck.profile import load_profile

        profile = load_profile(name)
    except Exception:  # noqa: BLE001 - fall back to the registry below
        from mediacheck.checks import REGISTRY

        return [CheckInfo(check_id, "") for check_id in REGISTRY]
    return [CheckInfo(c.id, c.description.get(lang) or c.description.get("en") or "")
            for c in profile.enabled_checks()]


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
