"""When a submission fails and what the exit code is: decided here, and only here.

One setting, `fail_on`, says what fails:

| fail_on   | a submission fails when it has | exit code |
|-----------|--------------------------------|-----------|
| `error`   | an error (the default)         | 1 if any submission fails |
| `warning` | an error or a warning          | 1 if any submission fails |
| `never`   | an error (the verdict is shown)| 0 |

`strict` (`--strict`, `strict = true`) is another spelling of `fail_on = "warning"`. Whatever
`fail_on` says, the exit code is 2 when something could not be checked at all: a path that does
not exist or cannot be read, a refused or incomplete archive, or nothing found to check. The
command line wins over the config file; within one of them, `strict` and a different `fail_on`
contradict each other and are refused. The verdicts (`SubmissionResult.passed`, the JSON
summary's passed/failed, JUnit failures) and the exit code all come from `fails` below, so they
cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FAIL_ON = ("error", "warning", "never")
EXIT_PASS, EXIT_FAIL, EXIT_ERROR = 0, 1, 2


class PolicyConflict(ValueError):
    """`strict` and `fail_on` given together with different meanings, at one level."""

    def __init__(self, fail_on: str) -> None:
        super().__init__(fail_on)
        self.fail_on = fail_on


def fails(counts: dict[str, int], warnings_fail: bool) -> bool:
    """The verdict rule: errors fail a submission; warnings too when `warnings_fail`."""
    return counts.get("error", 0) > 0 or (warnings_fail and counts.get("warning", 0) > 0)


def finding_fails(severity: str, warnings_fail: bool) -> bool:
    """Does one finding of this severity fail its submission (JUnit's failure per check)?"""
    return severity == "error" or (warnings_fail and severity == "warning")


@dataclass(frozen=True)
class ExitPolicy:
    """The resolved `fail_on` of one run."""

    fail_on: str = "error"

    @property
    def warnings_fail(self) -> bool:
        return self.fail_on == "warning"

    def exit_code(self, report: Any) -> int:
        """2 when something could not be checked; else 1 when a submission fails (unless
        `never`); else 0."""
        if any(p.severity.value == "error" for p in report.problems):
            return EXIT_ERROR
        if self.fail_on == "never":
            return EXIT_PASS
        return EXIT_FAIL if any(not s.passed for s in report.rows()) else EXIT_PASS


def level(strict: bool | None, fail_on: str | None) -> str | None:
    """What one level (command line, or config file) says, or None when it says nothing."""
    if strict and fail_on not in (None, "warning"):
        raise PolicyConflict(fail_on)
    if fail_on is not None:
        if strict is False and fail_on == "warning":
            raise PolicyConflict(fail_on)
        return fail_on
    if strict is None:
        return None
    return "warning" if strict else "error"


def resolve(cli_strict: bool | None, cli_fail_on: str | None, file_strict: bool | None = None,
            file_fail_on: str | None = None) -> ExitPolicy:
    """The command line over the config file over the default (`error`)."""
    chosen = level(cli_strict, cli_fail_on)
    if chosen is None:
        chosen = level(file_strict, file_fail_on)
    return ExitPolicy(chosen or "error")
