"""The terminal report (rich): per submission a verdict, findings by file with their hints,
then a summary and the 5WH items only a person can confirm.

Everything user-supplied (file names) goes into `Text` objects, never markup, so a file named
`[red]x.jpg` prints as it is. Colour only on a terminal; rich honours NO_COLOR.
"""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

from rich.console import Console
from rich.padding import Padding
from rich.rule import Rule
from rich.text import Text

from mediacheck.i18n import t
from mediacheck.report import Finding, Report, Severity, SubmissionResult
from mediacheck.reporters import human_size

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
SEVERITY_ICON = {Severity.ERROR: "✗", Severity.WARNING: "!", Severity.INFO: "i"}


def make_console(stream: TextIO, color: bool | None) -> Console:
    return Console(file=stream, highlight=False, emoji=False,
                   force_terminal=color if color else None, no_color=color is False,
                   soft_wrap=False)


def render(report: Report, stream: TextIO, *, lang: str, color: bool | None = None,
           quiet: bool = False) -> None:
    console = make_console(stream, color)
    for problem in report.problems:
        console.print(Text(f"✗ {problem.message}", style="bold red"))
    shown = [s for s in report.submissions if not (quiet and s.passed)]
    for submission in shown:
        _render_submission(console, submission, lang)
    if quiet and not shown and report.submissions:
        console.print(Text(t("quiet_all_pass", lang, count=len(report.submissions)),
                           style="green"))
    _render_summary(console, report, lang)
    if not quiet:
        _render_checklist(console, lang)


def _render_submission(console: Console, sub: SubmissionResult, lang: str) -> None:
    verdict = t("verdict_pass" if sub.passed else "verdict_fail", lang)
    style = "bold green" if sub.passed else "bold red"
    title = Text.assemble((sub.path, "bold"), "  ", (f" {verdict} ", f"reverse {style}"))
    console.print()
    console.print(Rule(title, align="left", style=style))
    unknown = t("unknown", lang)
    console.print(Text.assemble(
        (f"{t('unit', lang)}: ", "dim"), sub.unit or unknown, "  ·  ",
        (f"{t('activity', lang)}: ", "dim"), sub.activity or unknown, "  ·  ",
        t("files_line", lang, photos=sub.kind_count("photo"), videos=sub.kind_count("video"),
          size=human_size(sub.total_bytes)),
    ))
    if not sub.findings:
        console.print(Text("  " + t("no_findings", lang), style="green"))
        return
    for path, group in groupby(sub.findings, key=lambda f: f.path):
        console.print(Text("  " + (path if path is not None else t("folder", lang)),
                           style="bold"))
        for finding in group:
            _render_finding(console, finding, lang)


def _render_finding(console: Console, finding: Finding, lang: str) -> None:
    label = t(f"severity_{finding.severity.value}", lang)
    style = SEVERITY_STYLE[finding.severity]
    line = Text.assemble(
        (f"{SEVERITY_ICON[finding.severity]} {label}", style), " ",
        (f"[{finding.check}]", "dim"), " ", finding.message,
    )
    _print_indented(console, line, 4)
    if finding.hint:
        _print_indented(console, Text.assemble((f"→ {t('hint', lang)}: ", "dim"), finding.hint), 6)


def _print_indented(console: Console, text: Text, indent: int) -> None:
    """On a terminal, wrapped lines keep the indent; in a file or pipe, one line per item."""
    if console.is_terminal:
        console.print(Padding(text, (0, 0, 0, indent), expand=False))
    else:
        console.print(Text(" " * indent) + text, soft_wrap=True)


def _render_summary(console: Console, report: Report, lang: str) -> None:
    summary = report.summary()
    counts = summary["counts"]
    console.print()
    console.print(Rule(Text(t("summary_title", lang), style="bold"), align="left"))
    style = "bold green" if report.passed else "bold red"
    console.print(Text(t(
        "summary_line", lang, submissions=summary["submissions"], passed=summary["passed"],
        failed=summary["failed"], errors=counts["error"], warnings=counts["warning"],
        infos=counts["info"]), style=style))


def _render_checklist(console: Console, lang: str) -> None:
    console.print()
    console.print(Text(t("checklist_title", lang), style="bold"))
    for key in ("checklist_what", "checklist_who", "checklist_how", "checklist_steady"):
        console.print(Text(f"  ☐ {t(key, lang)}"))
