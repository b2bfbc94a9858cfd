"""Reporters format a report; they never check anything. Chosen by name.

A reporter writes as the run goes (the protocol of `ReportWriter`): `begin` with what is known
before the first submission (profile, checks, paths that could not be read), `submission` once
per submission as soon as it is checked, `end` with the totals. So a run over thousands of
submissions holds one submission at a time, whatever the format; `render(report, stream)` writes
a finished report through the same three calls.

A reporter module says what it needs from the run, so the command line need not know:
`NEEDS_FACTS` (each file's metadata; without it a result keeps only path, kind and size per
file) and `NEEDS_THUMBNAILS` (a preview of each photo and video). `OPTIONS` names the extra
keyword arguments its writer takes (the CSV separator).
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol, TextIO

from mediacheck.report import Report, Severity, SubmissionResult

REPORTERS = {
    "text": "mediacheck.reporters.terminal",
    "json": "mediacheck.reporters.json_report",
    "html": "mediacheck.reporters.html",
    "csv": "mediacheck.reporters.csv_report",
    "junit": "mediacheck.reporters.junit",
    "sarif": "mediacheck.reporters.sarif",
    "github": "mediacheck.reporters.github",
}


class ReportWriter:
    """Writes one report to `stream` as the run goes: `begin`, `submission`..., `end`."""

    def __init__(self, stream: TextIO, *, lang: str, color: bool | None = None,
                 quiet: bool = False, **options: Any) -> None:
        self.stream = stream
        self.lang = lang
        self.color = color
        self.quiet = quiet
        self.options = options

    def begin(self, report: Report) -> None:
        """What is known before the first submission is checked."""

    def submission(self, sub: SubmissionResult) -> None:
        """One checked submission; it is not kept after this call."""

    def end(self, report: Report) -> None:
        """The totals (`report.summary()`, `report.rows()`), units, late notes."""


class Tee(ReportWriter):
    """Several writers fed by one run (the report and `--summary-csv`)."""

    def __init__(self, writers: list[ReportWriter]) -> None:
        self.writers = writers

    def begin(self, report: Report) -> None:
        for writer in self.writers:
            writer.begin(report)

    def submission(self, sub: SubmissionResult) -> None:
        for writer in self.writers:
            writer.submission(sub)

    def end(self, report: Report) -> None:
        for writer in self.writers:
            writer.end(report)


def write_report(writer: ReportWriter, report: Report) -> None:
    """A finished report through a writer: what `render` of every reporter does."""
    writer.begin(report)
    for sub in report.submissions:
        writer.submission(sub)
    writer.end(report)


class Reporter(Protocol):
    NEEDS_FACTS: bool
    NEEDS_THUMBNAILS: bool
    Writer: type[ReportWriter]

    def render(self, report: Report, stream: TextIO, *, lang: str, color: bool | None,
               quiet: bool) -> None: ...


def get_reporter(name: str) -> Reporter:
    return importlib.import_module(REPORTERS[name])  # type: ignore[return-value]


def reporter_options(reporter: Reporter, settings: dict[str, Any]) -> dict[str, Any]:
    """The settings a reporter declares in `OPTIONS` (e.g. `csv_sep`), to pass to `render`."""
    return {name: settings[name] for name in getattr(reporter, "OPTIONS", ())
            if settings.get(name) is not None}


def hint_label(severity: Severity, lang: str) -> str:
    """"Cách khắc phục" before the hint of an error or a warning; "Lưu ý" before that of an
    info finding, which has nothing to fix (the drone praise, the GPS reminder)."""
    from mediacheck.i18n import t

    return t("note" if severity is Severity.INFO else "hint", lang)


def human_size(size: int, lang: str | None = None) -> str:
    """Sizes as people read them, in decimal units like file managers on Windows and macOS,
    with the language's decimal mark (934,4 KB in Vietnamese)."""
    from mediacheck.i18n import format_bytes

    return format_bytes(size, lang)


def units_by_activity(units: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's units comparison per activity (`activity`, `missing` names): from its
    `activities`, or rebuilt from the flat `missing` rows of a report made before them."""
    if units.get("activities") is not None:
        return list(units["activities"])
    grouped: dict[Any, list[str]] = {}
    for row in units.get("missing") or []:
        row = row if isinstance(row, dict) else {"unit": str(row), "activity": None}
        grouped.setdefault(row.get("activity") or units.get("activity"), []).append(
            str(row.get("unit")))
    return [{"activity": act, "missing": names} for act, names in grouped.items()] or [
        {"activity": units.get("activity"), "missing": []}]


def files_line(sub: Any, lang: str) -> str:
    """"4 ảnh, 2 video, 697.7 KB" / "1 photo, 2 videos, 697.7 KB"."""
    from mediacheck.i18n import plural, t

    return t("files_line", lang, photos=plural("n_photos", sub.kind_count("photo"), lang),
             videos=plural("n_videos", sub.kind_count("video"), lang),
             size=human_size(sub.total_bytes, lang))


def counts_line(counts: dict[str, int], lang: str) -> str:
    """"2 lỗi, 1 cảnh báo, 0 thông tin" / "2 errors, 1 warning, 0 info"."""
    from mediacheck.i18n import t

    return t("report_counts", lang, **_count_words(counts, lang))


def summary_line(summary: dict[str, Any], lang: str) -> str:
    """"17 thư mục sự kiện: 9 đạt, 8 chưa đạt — 12 lỗi, 3 cảnh báo, 4 thông tin."."""
    from mediacheck.i18n import plural, t

    return t("summary_line", lang,
             submissions=plural("n_event_folders", summary["submissions"], lang),
             passed=summary["passed"], failed=summary["failed"],
             **_count_words(summary["counts"], lang))


def _count_words(counts: dict[str, int], lang: str) -> dict[str, str]:
    from mediacheck.i18n import plural

    return {"errors": plural("n_errors", counts["error"], lang),
            "warnings": plural("n_warnings", counts["warning"], lang),
            "infos": plural("n_infos", counts["info"], lang)}


SHOT_KINDS = ("wide", "speaker", "closeup")


def shot_kinds(sub: Any) -> tuple[list[str], list[str]] | None:
    """(kinds present, kinds missing) among the three of Phụ lục 2, from the photos' `shot`;
    None when no photo has one (a `--quick` run)."""
    kinds = {row.get("shot") for row in sub.files if row.get("kind") == "photo"}
    if not kinds - {None}:
        return None
    return [k for k in SHOT_KINDS if k in kinds], [k for k in SHOT_KINDS if k not in kinds]


def shot_kinds_line(sub: Any, lang: str) -> str | None:
    """"Có: toàn cảnh, cận cảnh — Thiếu: ảnh phát biểu trước phông"."""
    from mediacheck.i18n import t

    found = shot_kinds(sub)
    if found is None:
        return None
    have = [t(f"shot_name_{k}", lang) for k in found[0]]
    missing = [t(f"shot_missing_{k}", lang) for k in found[1]]
    if not missing:
        return t("shot_summary_all", lang, present=", ".join(have))
    if not have:
        return t("shot_summary_none", lang, missing=", ".join(missing))
    return t("shot_summary", lang, present=", ".join(have), missing=", ".join(missing))


def photos_by_kind(sub: Any) -> list[tuple[str, list[str]]]:
    """(kind, photo names) for the kinds present, in the policy's order, unclear last."""
    groups: dict[str, list[str]] = {}
    for row in sub.files:
        if row.get("kind") == "photo" and row.get("shot"):
            groups.setdefault(row["shot"], []).append(str(row["path"]))
    return [(k, groups[k]) for k in (*SHOT_KINDS, "unknown") if k in groups]
