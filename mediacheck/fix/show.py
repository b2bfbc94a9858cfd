"""Print a plan and the outcome of applying it, in the user's language.

File names go into rich `Text` objects, never markup, so `[red]x.jpg` prints as it is.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from mediacheck.fix.apply import Outcome
from mediacheck.fix.plan import FileAction, Plan
from mediacheck.i18n import plural, t
from mediacheck.reporters import human_size

ACTION_STYLE = {"copy": "green", "link": "green", "transcode": "cyan", "convert-heic": "cyan",
                "split": "cyan", "skip-junk": "dim", "skip-duplicate": "dim",
                "cannot-fix": "bold red"}


def print_plan(console: Console, plan: Plan, output: str, lang: str, *, dry_run: bool) -> None:
    console.print(Text(t("plan_title", lang, source=plan.source, output=output), style="bold"),
                  soft_wrap=True)
    if dry_run:
        console.print(Text(t("plan_dry_run", lang), style="dim"), soft_wrap=True)
    console.print()
    width = max(len(t(f"action_{a}", lang)) for a in ACTION_STYLE)
    for action in plan.actions:
        _print_action(console, action, lang, width)
    console.print()
    _print_needs_person(console, plan, lang)
    written = sum(1 for a in plan.actions for _ in a.outputs)
    console.print(Text(plural("plan_total", written, lang, size=human_size(plan.output_bytes),
                          disk=human_size(plan.estimated_bytes)), style="bold"), soft_wrap=True)


def _print_action(console: Console, action: FileAction, lang: str, width: int) -> None:
    label = t(f"action_{action.action}", lang)
    line = Text.assemble(("  " + label.ljust(width) + "  ", ACTION_STYLE[action.action]),
                         action.source)
    if action.outputs and action.outputs != [action.source]:
        line.append(" → " + ", ".join(action.outputs))
    if action.outputs:
        approx = "≈ " if action.action in ("transcode", "convert-heic", "split") else ""
        line.append(f"  ({approx}{human_size(action.estimated_bytes)})", style="dim")
    console.print(line, soft_wrap=True)
    indent = " " * (width + 4)
    for detail in _details(action, lang):
        console.print(Text(indent + detail, style="dim"), soft_wrap=True)


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
    for finding in action.answers:
        lines.append(t("detail_because", lang, message=finding.message))
    for finding in action.blocked_by:
        lines.append(t("detail_blocked", lang, message=finding.message))
    return lines


def _print_needs_person(console: Console, plan: Plan, lang: str) -> None:
    if not plan.needs_person:
        console.print(Text(t("needs_person_none", lang), style="green"))
        console.print()
        return
    console.print(Text(t("needs_person_title", lang), style="bold yellow"))
    for finding in plan.needs_person:
        style = "red" if finding.severity.value == "error" else "yellow"
        console.print(Text.assemble(("  • ", style), finding.message), soft_wrap=True)
        if finding.hint:
            console.print(Text("    → " + t("hint", lang) + ": " + finding.hint, style="dim"),
                          soft_wrap=True)
    console.print()


def print_outcomes(console: Console, outcomes: list[Outcome], lang: str) -> None:
    done = [o for o in outcomes if o.status in ("done", "kept")]
    failed = [o for o in outcomes if o.status == "failed"]
    console.print(Text(t("applied", lang, done=len(done), failed=len(failed)), style="bold"))
    for outcome in failed:
        console.print(Text(t("failed_file", lang, file=outcome.action.source,
                              detail=outcome.detail), style="red"), soft_wrap=True)
