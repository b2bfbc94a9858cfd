"""The exit policy, decided in one place: `fail_on`, `strict` as its other spelling, the
command line over the file, and exit code 2 for what could not be checked whatever `fail_on`."""

from __future__ import annotations

import pytest

from mediacheck.policy import PolicyConflict, fails, finding_fails, level, resolve
from mediacheck.report import Finding, Report, Severity, SubmissionResult


def test_verdict_rule() -> None:
    assert fails({"error": 1, "warning": 0}, warnings_fail=False)
    assert not fails({"error": 0, "warning": 3}, warnings_fail=False)
    assert fails({"error": 0, "warning": 3}, warnings_fail=True)
    assert finding_fails("warning", True) and not finding_fails("info", True)


@pytest.mark.parametrize(("cli", "file", "expected"), [
    ((None, None), (None, None), "error"),
    ((True, None), (None, "never"), "warning"),
    ((None, "error"), (True, None), "error"),
    ((False, None), (True, None), "error"),
    ((None, None), (True, "warning"), "warning"),
    ((None, None), (None, "never"), "never"),
])
def test_command_line_over_file_over_default(cli: tuple, file: tuple, expected: str) -> None:
    assert resolve(*cli, *file).fail_on == expected


@pytest.mark.parametrize(("strict", "fail_on"), [(True, "never"), (True, "error"),
                                                 (False, "warning")])
def test_one_level_cannot_contradict_itself(strict: bool, fail_on: str) -> None:
    with pytest.raises(PolicyConflict):
        level(strict, fail_on)


def report_with(errors: int = 0, warnings: int = 0, problem: Severity | None = None,
                strict: bool = False) -> Report:
    def finding(severity: Severity) -> Finding:
        return Finding("x", "k", severity, None, "m", "")

    findings = [finding(Severity.ERROR)] * errors + [finding(Severity.WARNING)] * warnings
    sub = SubmissionResult("S", "U", "A", [], findings, strict=strict)
    report = Report("p", "0", "en", submissions=[sub])
    if problem is not None:
        report.problems = [finding(problem)]
    return report


def test_exit_codes() -> None:
    assert resolve(None, None).exit_code(report_with()) == 0
    assert resolve(None, None).exit_code(report_with(errors=1)) == 1
    assert resolve(None, "never").exit_code(report_with(errors=1)) == 0
    assert resolve(True, None).exit_code(report_with(warnings=1, strict=True)) == 1
    assert resolve(None, "never").exit_code(report_with(problem=Severity.ERROR)) == 2
    assert resolve(None, None).exit_code(report_with(problem=Severity.WARNING)) == 0
