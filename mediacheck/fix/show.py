"""Print a plan and the outcome of applying it, in the user's language.

On a terminal every line is wrapped to its width with a hanging indent (a file name never runs
into the next column); in a file or a pipe each item stays on one line, for logs and grep.
File names go into rich `Text` objects, never markup, so `[red]x.jpg` prints as it is.

The "Cần thầy/cô tự làm" list is read by someone already running `mediacheck fix`, so a hint
that says "run `mediacheck fix`" is replaced by what to add to this command
(`fixhint_<check>_<key>` in locale/fix.toml).
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from mediacheck.fix.apply import Outcome
from mediacheck.fix.plan import FileAction, Plan
from mediacheck.i18n import lookup, plural, render, t
from mediacheck.report import Finding, Severity
from mediacheck.reporters import hint_label, human_size

ACTION_STYLE = {"copy": "green", "link": "green", "transcode": "cyan", "convert-heic": "cyan",
                "split": "cyan", "skip-junk": "dim", "skip-duplicate": "dim",
                "skip-failing": "yellow", "cannot-fix": "bold red"}


def line(console: Console, text: Text, indent: int = 0, hang: int = 0) -> None:
    """One item: wrapped to the terminal, its continuation lines `hang` further in than the
    first; unwrapped in a file or a pipe."""
    if not console.is_terminal:
        console.print(Text(" " * indent) + text, soft_wrap=True)
        return
    width = max(20, console.width - indent - hang)
    for index, part in enumerate(text.wrap(console, width)):
        lead = indent if index == 0 else indent + hang
        console.print(Text(" " * lead) + part, soft_wrap=True)


def print_plan(console: Console, plan: Plan, output: str, lang: str, *, dry_run: bool) -> None:
    line(console, Text(t("plan_title", lang, source=plan.source, output=output), style="bold"))
    if dry_run:
        line(console, Text(t("plan_dry_run", lang)))
    console.print()
    width = max(len(t(f"action_{a}", lang)) for a in ACTION_STYLE)
    for action in plan.actions:
        _print_action(console, action, lang, width)
    console.print()
    for note in _notes(plan, lang):
        line(console, Text("• " + note), 2, 2)
    if _notes(plan, lang):
        console.print()
    _print_needs_person(console, plan, lang)
    written = sum(1 for a in plan.actions for _ in a.outputs)
    line(console, Text(plural("plan_total", written, lang, size=human_size(plan.output_bytes, lang),
                              disk=human_size(plan.estimated_bytes, lang)), style="bold"))
    _print_verdict(console, plan, lang)


def _notes(plan: Plan, lang: str) -> list[str]:
    """What the plan does that a reader could not guess from the list: hard links, photos left
    out because enough good ones remain."""
    notes = []
    if any(a.action == "skip-failing" for a in plan.actions):
        notes.append(t("plan_left_out_photos", lang, good=plan.good_photos,
                       min=plan.min_photos))
    if plan.links:
        notes.append(t("plan_hard_links", lang))
    return notes


def _print_action(console: Console, action: FileAction, lang: str, width: int) -> None:
    label = t(f"action_{action.action}", lang)
    text = Text.assemble((label.ljust(width) + "  ", ACTION_STYLE[action.action]),
                         action.source)
    if action.outputs and action.outputs != [action.source]:
        text.append(" → " + ", ".join(action.outputs))
    if action.outputs:
        approx = "≈ " if action.action in ("transcode", "convert-heic", "split") else ""
        text.append(f"  ({approx}{human_size(action.estimated_bytes, lang)})", style="dim")
    line(console, text, 2, width + 2)
    for detail in _details(action, lang):
        line(console, Text(detail), width + 4, 2)


def action_details(action: FileAction, lang: str) -> list[str]:
    """The lines under one planned file (new size, why, what blocks it), for other views of a
    plan (the web page of `mediacheck serve`)."""
    return _details(action, lang)


def _details(action: FileAction, lang: str) -> list[str]:
    lines = []
    facts = action.facts
    if action.transcode and action.target_size:
        shown = f"{facts.get('display_width')}x{facts.get('display_height')}"
        target = f"{action.target_size[0]}x{action.target_size[1]}"
        key = "detail_upscale" if action.upscale else "detail_transcode"
        if shown == target:
            key, target = "detail_transcode_same", shown
        lines.append(t(key, lang, source=shown, target=target))
    if action.action == "split":
        lines.append(t("detail_split", lang, parts=action.parts,
                       seconds=f"{action.duration:.0f}"))
    key = "detail_left_out" if action.action == "skip-failing" else "detail_because"
    for finding in action.answers:
        lines.append(t(key, lang, message=finding.message))
    for finding in action.blocked_by:
        lines.append(t("detail_blocked", lang, message=finding.message))
    return lines


def fix_hint(finding: Finding, lang: str) -> str:
    """The hint for someone running `fix`: never "run `mediacheck fix`"."""
    override = lookup(f"fixhint_{finding.check}_{finding.key}".replace("-", "_"), lang)
    return render(override, finding.details) if override is not None else finding.hint


def _print_needs_person(console: Console, plan: Plan, lang: str) -> None:
    short = plan.photos_short and not any(f.check == "photo-count" for f in plan.needs_person)
    if not plan.needs_person and not short:
        line(console, Text(t("needs_person_none", lang), style="green"))
        console.print()
        return
    line(console, Text(t("needs_person_title", lang), style="bold yellow"))
    if short:
        line(console, Text.assemble(("• ", "red"), t("needs_photos", lang, good=plan.good_photos,
                                                     min=plan.min_photos)), 2, 2)
    for finding in plan.needs_person:
        style = "red" if finding.severity is Severity.ERROR else "yellow"
        where = (f"{finding.path}: ", "bold") if finding.path else ""
        line(console, Text.assemble(("• ", style), where, finding.message), 2, 2)
        hint = fix_hint(finding, lang)
        if hint:
            label = hint_label(finding.severity, lang)
            line(console, Text.assemble((f"→ {label}: ", "bold"), hint), 4, 2)
    console.print()


def _print_verdict(console: Console, plan: Plan, lang: str) -> None:
    """What the re-check after --apply is expected to say."""
    if plan.expected_pass:
        line(console, Text(t("plan_expect_pass", lang), style="bold green"))
    else:
        errors = len(plan.remaining_errors) + (1 if plan.photos_short else 0)
        line(console, Text(plural("plan_expect_fail", errors, lang), style="bold red"))


def print_outcomes(console: Console, outcomes: list[Outcome], lang: str) -> None:
    done = [o for o in outcomes if o.status in ("done", "kept")]
    failed = [o for o in outcomes if o.status == "failed"]
    key = "applied_failed" if failed else "applied"
    line(console, Text(plural(key, len(done), lang, failed=len(failed)), style="bold"))
    for outcome in failed:
        line(console, Text(t("failed_file", lang, file=outcome.action.source,
                             detail=outcome_reason(outcome, lang)), style="red"), 0, 2)


def outcome_reason(outcome: Outcome, lang: str) -> str:
    """Why a file failed: the system's reason in our words, else ffmpeg's own last words."""
    if outcome.os_code:
        from mediacheck.errors import os_reason

        return os_reason(outcome.os_code, lang)
    return outcome.detail
