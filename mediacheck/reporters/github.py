"""GitHub Actions annotations: one workflow command per finding, shown on the run's summary.

`::error file=...,title=...::message` for errors, `::warning` for warnings, `::notice` for info.
GitHub reads the line up to the end, so the message escapes `%`, CR and LF, and property values
also escape `:` and `,` which would otherwise end the property.
"""

from __future__ import annotations

from typing import TextIO

from mediacheck.report import Finding, Report, Severity, SubmissionResult
from mediacheck.reporters import ReportWriter, hint_label, write_report
from mediacheck.reporters.common import finding_location

NEEDS_FACTS = False  # each file's metadata (sizes, EXIF, codecs...)
NEEDS_THUMBNAILS = False  # a preview of every photo and video

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


class Writer(ReportWriter):
    """One line per finding as each submission is checked; run notes from during the run at
    the end."""

    def begin(self, report: Report) -> None:
        for problem in report.problems:
            self.stream.write(annotation(None, problem, self.lang) + "\n")
        self.problems_written = len(report.problems)

    def submission(self, sub: SubmissionResult) -> None:
        for finding in sub.findings:
            if self.quiet and finding.severity is Severity.INFO:
                continue
            self.stream.write(annotation(sub, finding, self.lang) + "\n")

    def end(self, report: Report) -> None:
        for problem in report.problems[self.problems_written:]:
            self.stream.write(annotation(None, problem, self.lang) + "\n")


def render(report: Report, stream: TextIO, *, lang: str, color: bool | None = None,
           quiet: bool = False) -> None:
    write_report(Writer(stream, lang=lang, quiet=quiet), report)


def annotation(sub: SubmissionResult | None, finding: Finding, lang: str) -> str:
    """One workflow command line for one finding."""
    message = finding.message
    if finding.hint:
        message += f"\n{hint_label(finding.severity, lang)}: {finding.hint}"
    title = f"mediacheck {finding.check}"
    if sub is not None and sub.unit:
        title += f" ({sub.unit})"
    props = f"file={escape_property(finding_location(sub, finding))},title={escape_property(title)}"
    return f"::{COMMANDS[finding.severity]} {props}::{escape_data(message)}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
