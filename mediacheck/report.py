"""Plain data that flows from the engine to the reporters: findings, submissions, the report.

Everything here is JSON-serialisable and knows nothing about files, probes or terminals, so a
reporter only formats and a test can build a report by hand.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from mediacheck.policy import fails


class Severity(str, Enum):
    """How much a finding matters. The profile decides it, never the check."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]


@dataclass(frozen=True)
class Finding:
    """One thing a check saw, stamped by the engine with its check ID, severity and wording."""

    check: str
    key: str
    severity: Severity
    path: str | None
    message: str
    hint: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "severity": self.severity.value,
            "path": self.path,
            "message": self.message,
            "hint": self.hint,
            "details": self.details,
        }


@dataclass
class SubmissionResult:
    """The verdict on one event folder (one submission) and what led to it."""

    path: str
    unit: str | None
    activity: str | None
    files: list[dict[str, Any]]
    findings: list[Finding]
    strict: bool = False

    @property
    def counts(self) -> dict[str, int]:
        seen = Counter(f.severity.value for f in self.findings)
        order = (Severity.ERROR, Severity.WARNING, Severity.INFO)
        return {s.value: seen.get(s.value, 0) for s in order}

    @property
    def passed(self) -> bool:
        """The verdict, by the run's policy (`strict`: warnings fail too)."""
        return not fails(self.counts, warnings_fail=self.strict)

    @property
    def verdict(self) -> str:
        return "pass" if self.passed else "fail"

    def kind_count(self, kind: str) -> int:
        return sum(1 for f in self.files if f.get("kind") == kind)

    @property
    def total_bytes(self) -> int:
        return sum(int(f.get("size") or 0) for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "unit": self.unit,
            "activity": self.activity,
            "verdict": self.verdict,
            "counts": self.counts,
            "files": self.files,
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass(frozen=True)
class SubmissionRow:
    """What a report keeps of a submission once a streaming reporter has written it: enough
    for the summary table, the totals, the units comparison and the exit code."""

    path: str
    unit: str | None
    activity: str | None
    passed: bool
    counts: dict[str, int]
    photos: int
    videos: int
    total_bytes: int

    @classmethod
    def of(cls, sub: SubmissionResult) -> SubmissionRow:
        return cls(sub.path, sub.unit, sub.activity, sub.passed, sub.counts,
                   sub.kind_count("photo"), sub.kind_count("video"), sub.total_bytes)

    @property
    def verdict(self) -> str:
        return "pass" if self.passed else "fail"

    def kind_count(self, kind: str) -> int:
        return {"photo": self.photos, "video": self.videos}.get(kind, 0)


@dataclass(frozen=True)
class CheckRef:
    """A check that ran in this report: its id and its one-line description per language.

    The report carries them so that CI formats (JUnit testcases, SARIF rules) list exactly the
    checks of the profile actually used (`--rules my-province.toml`), never a profile loaded
    again by name."""

    id: str
    description: dict[str, str] = field(default_factory=dict)

    def described(self, lang: str) -> str:
        return self.description.get(lang) or self.description.get("en") or ""


@dataclass
class Report:
    """All submissions of one run, plus run-level problems (paths that could not be read).

    A run written by a streaming reporter keeps no `submissions`: each one is handed to the
    reporter as soon as it is checked and only its `SubmissionRow` stays (`streamed`), so the
    memory of a run does not grow with the files it holds."""

    profile: str
    tool_version: str
    lang: str
    submissions: list[SubmissionResult] = field(default_factory=list)
    streamed: list[SubmissionRow] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    # Set when the office's list of units was given (mediacheck.units.compare_units).
    units: dict[str, Any] | None = None
    # The checks that ran (enabled, with every fact they need), in profile order (engine).
    checks: list[CheckRef] = field(default_factory=list)
    # What fails a run (mediacheck.policy): "error", "warning" or "never".
    fail_on: str = "error"

    def add(self, sub: SubmissionResult, *, keep: bool = True) -> None:
        """One more checked submission: kept whole, or only as its row (streaming)."""
        if keep:
            self.submissions.append(sub)
        else:
            self.streamed.append(SubmissionRow.of(sub))

    def rows(self) -> list[SubmissionRow | SubmissionResult]:
        """Every submission of the run, kept or streamed, in the order checked."""
        return [*self.submissions, *self.streamed]

    @property
    def passed(self) -> bool:
        return all(s.passed for s in self.rows()) and not any(
            p.severity is Severity.ERROR for p in self.problems
        )

    def summary(self) -> dict[str, Any]:
        rows = self.rows()
        totals = Counter()
        for sub in rows:
            totals.update(sub.counts)
        return {
            "submissions": len(rows),
            "passed": sum(1 for s in rows if s.passed),
            "failed": sum(1 for s in rows if not s.passed),
            "photos": sum(s.kind_count("photo") for s in rows),
            "videos": sum(s.kind_count("video") for s in rows),
            "bytes": sum(s.total_bytes for s in rows),
            "counts": {k: totals.get(k, 0) for k in ("error", "warning", "info")},
            "problems": [p.to_dict() for p in self.problems],
            "fail_on": self.fail_on,
        }

    def to_dict(self) -> dict[str, Any]:
        out = {
            "schema_version": 1,
            "tool": {"name": "mediacheck", "version": self.tool_version},
            "profile": self.profile,
            "lang": self.lang,
            "submissions": [s.to_dict() for s in self.submissions],
            "summary": self.summary(),
        }
        if self.units is not None:
            out["units"] = self.units
        return out
