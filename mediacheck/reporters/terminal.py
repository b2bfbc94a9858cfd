"""The terminal report (rich): per submission a verdict, findings by file with their hints,
then a summary (with a table of all submissions when there are several, and the units that have
not submitted when the office's list was given) and the 5WH items only a person can confirm.

Everything user-supplied (file names) goes into `Text` objects, never markup, so a file named
`[red]x.jpg` prints as it is. Colour only on a terminal; rich honours NO_COLOR.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any, TextIO

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from mediacheck.i18n import plural, t
from mediacheck.naming import fold
from mediacheck.report import Finding, Report, Severity, SubmissionResult
from mediacheck.reporters import (
    ReportWriter,
    files_line,
    hint_label,
    human_size,
    photos_by_kind,
    shot_kinds,
    shot_kinds_line,
    summary_line,
    units_by_activity,
    write_report,
)

NEEDS_FACTS = False  # each file's metadata (sizes, EXIF, codecs...)
NEEDS_THUMBNAILS = False  # a preview of every photo and video

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
SEVERITY_ICON = {Severity.ERROR: "✗", Severity.WARNING: "!", Severity.INFO: "i"}


def make_console(stream: TextIO, color: bool | None) -> Console:
    return Console(file=stream, highlight=False, emoji=False,
                   force_terminal=color if color else None,
                   no_color=True if color is False else None,
                   soft_wrap=False)


class Writer(ReportWriter):
    """Each submission's block as soon as it is checked; the summary at the end."""

    def __init__(self, stream: TextIO, **kwargs: Any) -> None:
        super().__init__(stream, **kwargs)
        self.console = make_console(stream, self.color)
        self.shown = 0
        self.problems_shown = 0

    def _problems(self, report: Report) -> None:
        for problem in report.problems[self.problems_shown:]:
            style = "bold red" if problem.severity is Severity.ERROR else "yellow"
            mark = SEVERITY_ICON[problem.severity]
            self.console.print(Text(f"{mark} {problem.message}", style=style))
            if problem.hint:
                label = hint_label(problem.severity, self.lang)
                _print_indented(self.console, Text.assemble((f"→ {label}: ", "bold"),
                                                            problem.hint), 2)
        self.problems_shown = len(report.problems)

    def begin(self, report: Report) -> None:
        self._problems(report)

    def submission(self, sub: SubmissionResult) -> None:
        if self.quiet and sub.passed:
            return
        _render_submission(self.console, sub, self.lang)
        self.shown += 1

    def end(self, report: Report) -> None:
        lang, console = self.lang, self.console
        self._problems(report)  # notes that came during the run (a lost cluster)
        rows = report.rows()
        if self.quiet and not self.shown and rows:
            console.print(Text(plural("quiet_all_pass", len(rows), lang), style="green"))
        _render_summary(console, report, lang, self.quiet)
        if report.units is not None:
            _render_units(console, report.units, lang)
        if not self.quiet:
            _render_checklist(console, lang)


def render(report: Report, stream: TextIO, *, lang: str, color: bool | None = None,
           quiet: bool = False) -> None:
    write_report(Writer(stream, lang=lang, color=color, quiet=quiet), report)


def _render_submission(console: Console, sub: SubmissionResult, lang: str) -> None:
    verdict = t("verdict_pass" if sub.passed else "verdict_fail", lang)
    style = "bold green" if sub.passed else "bold red"
    # The verdict first: a long path may be cut to the width of the screen, the verdict never.
    title = Text.assemble((f" {verdict} ", f"reverse {style}"), "  ", (sub.path, "bold"))
    console.print()
    console.print(Rule(title, align="left", style=style))
    unknown = t("unknown", lang)
    console.print(Text.assemble(
        (f"{t('unit', lang)}: ", "dim"), sub.unit or unknown, "  ·  ",
        (f"{t('activity', lang)}: ", "dim"), sub.activity or unknown, "  ·  ",
        files_line(sub, lang),
    ), soft_wrap=not console.is_terminal)
    _render_shot_kinds(console, sub, lang)
    if not sub.findings:
        console.print(Text("  " + t("no_findings", lang), style="green"))
        return
    for path, group in groupby(sub.findings, key=lambda f: f.path):
        console.print(Text("  " + (path if path is not None else t("folder", lang)),
                           style="bold"))
        for finding in group:
            _render_finding(console, finding, lang)


def _render_shot_kinds(console: Console, sub: SubmissionResult, lang: str) -> None:
    """The three kinds of photo of Phụ lục 2: which are there, which photo is which."""
    line, found = shot_kinds_line(sub, lang), shot_kinds(sub)
    if line is None or found is None:
        return
    complete = not found[1]
    _print_indented(console, Text.assemble((f"{t('shot_kinds_title', lang)}: ", "dim"),
                                           (line, "green" if complete else "yellow")), 2)
    parts = []
    for kind, names in photos_by_kind(sub):
        parts.append(Text.assemble((f"{t(f'shot_label_{kind}', lang)}: ", "bold"),
                                   ", ".join(names)))
    if parts:
        _print_indented(console, Text("  ·  ").join(parts), 4)


def _render_finding(console: Console, finding: Finding, lang: str) -> None:
    label = t(f"severity_{finding.severity.value}", lang)
    style = SEVERITY_STYLE[finding.severity]
    line = Text.assemble(
        (f"{SEVERITY_ICON[finding.severity]} {label}", style), " ",
        (f"[{finding.check}]", "dim"), " ", finding.message,
    )
    _print_indented(console, line, 4)
    if finding.hint:
        # The line a teacher needs most: never dim. An info finding has nothing to fix.
        label = hint_label(finding.severity, lang)
        _print_indented(console, Text.assemble((f"→ {label}: ", "bold"), finding.hint), 6)


def _print_indented(console: Console, text: Text, indent: int) -> None:
    """On a terminal, wrapped lines keep the indent; in a file or pipe, one line per item."""
    if console.is_terminal:
        console.print(Padding(text, (0, 0, 0, indent), expand=False))
    else:
        console.print(Text(" " * indent) + text, soft_wrap=True)


def _render_summary(console: Console, report: Report, lang: str, quiet: bool) -> None:
    summary = report.summary()
    console.print()
    console.print(Rule(Text(t("summary_title", lang), style="bold"), align="left"))
    if len(report.rows()) > 1:
        _print_summary_table(console, report, lang, quiet)
    style = "bold green" if report.passed else "bold red"
    console.print(Text(summary_line(summary, lang), style=style))


# Above this many rows the summary table is laid out here, not by rich: rich measures every
# cell of a Table several times (about 1 ms a row), which made the table most of a warm run.
RICH_TABLE_MAX_ROWS = 200
PLAIN_TEXT_WIDTH = 40
SUMMARY_HEADERS = ("unit", "activity", "col_photos", "col_videos", "col_size", "col_errors",
                   "col_warnings", "col_verdict")


def _print_summary_table(console: Console, report: Report, lang: str, quiet: bool) -> None:
    """One row per submission (with -q, failing ones only), sorted by unit then activity, and
    a totals row over all of them."""
    rows = sorted((s for s in report.rows() if not (quiet and s.passed)), key=_row_order)
    cells = [_summary_cells(sub, lang) for sub in rows]
    headers = [t(key, lang) for key in SUMMARY_HEADERS]
    footer = _summary_footer(report, lang)
    if len(cells) <= RICH_TABLE_MAX_ROWS:
        console.print(_rich_table(headers, cells, footer))
    else:
        _plain_table(console, headers, cells, footer)


def _summary_cells(sub: Any, lang: str) -> list[Text]:
    counts = sub.counts
    verdict = t("verdict_pass" if sub.passed else "verdict_fail", lang)
    return [Text(sub.unit or sub.path.rsplit("/", 1)[-1]), Text(sub.activity or t("unknown", lang)),
            Text(str(sub.kind_count("photo"))), Text(str(sub.kind_count("video"))),
            Text(human_size(sub.total_bytes, lang)),
            Text(str(counts["error"]), style="red" if counts["error"] else ""),
            Text(str(counts["warning"]), style="yellow" if counts["warning"] else ""),
            Text(verdict, style="bold green" if sub.passed else "bold red")]


def _summary_footer(report: Report, lang: str) -> list[str]:
    summary = report.summary()
    return [t("summary_total", lang, count=summary["submissions"]), "",
            str(summary["photos"]), str(summary["videos"]), human_size(summary["bytes"], lang),
            str(summary["counts"]["error"]), str(summary["counts"]["warning"]),
            t("summary_passed_of", lang, passed=summary["passed"],
              count=summary["submissions"])]


def _numeric(index: int) -> bool:
    return 2 <= index <= 6


def _rich_table(headers: list[str], cells: list[list[Text]], footer: list[str]) -> Table:
    table = Table(show_footer=True, header_style="bold", footer_style="bold",
                  box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for index, (header, total) in enumerate(zip(headers, footer, strict=True)):
        table.add_column(header, footer=total, overflow="fold", no_wrap=index >= 2,
                         justify="right" if _numeric(index) else "left",
                         min_width=max(len(header), len(total)) if index > 1 else 8)
    for row in cells:
        table.add_row(*row)
    return table


def _plain_table(console: Console, headers: list[str], cells: list[list[Text]],
                 footer: list[str]) -> None:
    """The same table for hundreds of rows, built as one Text: names longer than
    `PLAIN_TEXT_WIDTH` are cut with "…", the rest is padded to the widest cell."""
    from rich.cells import cell_len

    for row in cells:
        for cell in row[:2]:
            cell.truncate(PLAIN_TEXT_WIDTH, overflow="ellipsis")
    widths = [max(cell_len(headers[i]), cell_len(footer[i]),
                  *(cell_len(row[i].plain) for row in cells)) for i in range(len(headers))]

    def line(values: list[Text]) -> Text:
        out = Text()
        for index, (value, width) in enumerate(zip(values, widths, strict=True)):
            pad = " " * (width - cell_len(value.plain))
            out.append_text(Text(pad) + value if _numeric(index) else value + Text(pad))
            out.append("  ")
        out.rstrip()
        return out

    rule = Text("  ".join("─" * w for w in widths))
    block = Text("\n").join([line([Text(h, style="bold") for h in headers]), rule,
                             *(line(row) for row in cells), rule,
                             line([Text(f, style="bold") for f in footer])])
    console.print(block, soft_wrap=True)


def _row_order(sub: SubmissionResult) -> tuple[bool, str, str, str]:
    return (sub.unit is None, fold(sub.unit or ""), fold(sub.activity or ""), sub.path)


def _render_units(console: Console, units: dict, lang: str) -> None:
    """Per activity, the units on the office's list with no submission (each activity with its
    own count); then the submissions whose unit is not on the list."""
    console.print()
    for entry in units_by_activity(units):
        _render_missing(console, entry, units["units"], lang)
    if units["unlisted"]:
        console.print(Text(t("units_unlisted_title", lang, count=len(units["unlisted"])),
                           style="bold yellow"))
        table = Table(header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column(t("unit", lang), overflow="fold")
        table.add_column(t("units_path", lang), overflow="fold")
        table.add_column(t("units_did_you_mean", lang), overflow="fold")
        for row in units["unlisted"]:
            table.add_row(Text(row["unit"] or t("unknown", lang)), Text(row["path"]),
                          Text(row["suggestion"] or "—"))
        console.print(table)


def _render_missing(console: Console, entry: dict, total: int, lang: str) -> None:
    activity = entry["activity"] or t("units_any_activity", lang)
    missing = entry["missing"]
    if not missing:
        console.print(Text(plural("units_all_submitted", total, lang, activity=activity),
                           style="green"))
        return
    console.print(Text(plural("units_missing_title", len(missing), lang, activity=activity,
                              total=total), style="bold red"))
    table = Table(header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column(t("unit", lang), overflow="fold")
    for index, name in enumerate(missing, 1):
        table.add_row(str(index), Text(name))
    console.print(table)


def _render_checklist(console: Console, lang: str) -> None:
    console.print()
    console.print(Text(t("checklist_title", lang), style="bold"))
    for key in ("checklist_what", "checklist_who", "checklist_how", "checklist_steady"):
        _print_indented(console, Text(f"☐ {t(key, lang)}"), 2)
