"""CSV for the office's spreadsheet: one row per finding (`--format csv`) or one row per
submission (`render_summary`, `--summary-csv`); with the office's list of units, one more row
per unit that has not submitted (verdict "CHƯA NỘP"), so the sheet is the whole picture.

Written for Excel first: a UTF-8 byte order mark so Vietnamese shows without an import wizard,
headers and verdicts in the report's language, and every text cell that Excel would read as a
formula (= + - @, tab, carriage return) prefixed with a quote, because unit and file names come
from strangers (CSV injection). The column separator is `,` unless `csv_sep` says `;` (what
Excel expects where the decimal separator is a comma, as on Vietnamese Windows) or `tab`. No
`sep=` line is written: Excel then stops honouring the UTF-8 mark, and other programs show the
line as data.
"""

from __future__ import annotations

import csv
from typing import Any, TextIO

from mediacheck.i18n import t
from mediacheck.report import Finding, Report, SubmissionResult
from mediacheck.reporters import ReportWriter, units_by_activity, write_report

NEEDS_FACTS = False  # each file's metadata (sizes, EXIF, codecs...)
NEEDS_THUMBNAILS = False  # a preview of every photo and video

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

OPTIONS = ("csv_sep",)
SEPARATORS = {",": ",", ";": ";", "tab": "\t"}

FINDING_COLUMNS = ("path", "unit", "activity", "verdict", "file", "check", "severity",
                   "message", "hint")
SUMMARY_COLUMNS = ("path", "unit", "activity", "photos", "videos", "size_bytes", "errors",
                   "warnings", "infos", "verdict")


class Writer(ReportWriter):
    """One row per finding; a submission without findings still gets one row, so that every
    submission is in the sheet. Paths that could not be read come first (run notes that came
    during the run, at the end), units that have not submitted last."""

    def __init__(self, stream: TextIO, *, csv_sep: str = ",", **kwargs: Any) -> None:
        super().__init__(stream, **kwargs)
        self.sep = csv_sep
        self.problems_written = 0

    def _problems(self, report: Report) -> None:
        for problem in report.problems[self.problems_written:]:
            self.rows.writerow(_finding_row(None, problem, self.lang))
        self.problems_written = len(report.problems)

    def begin(self, report: Report) -> None:
        self.rows = _writer(self.stream, FINDING_COLUMNS, self.lang, self.sep)
        self._problems(report)

    def submission(self, sub: SubmissionResult) -> None:
        if self.quiet and sub.passed:
            return
        if not sub.findings:
            self.rows.writerow(_clean_row(sub, self.lang))
        for finding in sub.findings:
            self.rows.writerow(_finding_row(sub, finding, self.lang))

    def end(self, report: Report) -> None:
        self._problems(report)
        for unit, activity in _missing(report):
            self.rows.writerow(_safe_row(["", unit, activity, t("verdict_missing", self.lang),
                                          "", "", "", t("units_missing_row", self.lang), ""]))


class SummaryWriter(ReportWriter):
    """One row per submission with its counts and verdict (`--summary-csv`), then one per unit
    on the list that has not submitted (counts left empty: nothing arrived to count)."""

    def __init__(self, stream: TextIO, *, csv_sep: str = ",", **kwargs: Any) -> None:
        super().__init__(stream, **kwargs)
        self.sep = csv_sep

    def begin(self, report: Report) -> None:
        self.rows = _writer(self.stream, SUMMARY_COLUMNS, self.lang, self.sep)

    def submission(self, sub: SubmissionResult) -> None:
        counts = sub.counts
        self.rows.writerow(_safe_row([
            sub.path, sub.unit or "", sub.activity or "", sub.kind_count("photo"),
            sub.kind_count("video"), sub.total_bytes, counts["error"], counts["warning"],
            counts["info"], _verdict(sub, self.lang),
        ]))

    def end(self, report: Report) -> None:
        for unit, activity in _missing(report):
            self.rows.writerow(_safe_row(["", unit, activity, "", "", "", "", "", "",
                                          t("verdict_missing", self.lang)]))


def render(report: Report, stream: TextIO, *, lang: str, color: bool | None = None,
           quiet: bool = False, csv_sep: str = ",") -> None:
    write_report(Writer(stream, lang=lang, quiet=quiet, csv_sep=csv_sep), report)


def render_summary(report: Report, stream: TextIO, lang: str, csv_sep: str = ",") -> None:
    write_report(SummaryWriter(stream, lang=lang, csv_sep=csv_sep), report)


def _missing(report: Report) -> list[tuple[str, str]]:
    """(unit, activity) of every unit on the office's list that has not submitted."""
    if report.units is None:
        return []
    return [(name, entry["activity"] or "") for entry in units_by_activity(report.units)
            for name in entry["missing"]]


def _writer(stream: TextIO, columns: tuple[str, ...], lang: str, sep: str = ",") -> Any:
    stream.write(BOM)
    writer = csv.writer(stream, delimiter=SEPARATORS.get(sep, sep), lineterminator="\r\n")
    writer.writerow([t(f"report_col_{c}", lang) for c in columns])
    return writer


def _finding_row(sub: SubmissionResult | None, finding: Finding, lang: str) -> list[Any]:
    if sub is None:
        head = [finding.path or "", "", "", t("verdict_fail", lang), ""]
    else:
        head = [sub.path, sub.unit or "", sub.activity or "", _verdict(sub, lang),
                finding.path or ""]
    return _safe_row([*head, finding.check, t(f"severity_{finding.severity.value}", lang),
                      finding.message, finding.hint])


def _clean_row(sub: SubmissionResult, lang: str) -> list[Any]:
    return _safe_row([sub.path, sub.unit or "", sub.activity or "", _verdict(sub, lang), "", "",
                      "", t("no_findings", lang), ""])


def _verdict(sub: SubmissionResult, lang: str) -> str:
    return t("verdict_pass" if sub.passed else "verdict_fail", lang)


def _safe_row(values: list[Any]) -> list[Any]:
    return [safe_cell(v) if isinstance(v, str) else v for v in values]


def safe_cell(value: str) -> str:
    """A text cell Excel will show as text, never evaluate as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
