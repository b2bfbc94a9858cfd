"""The HTML contact sheet: one self-contained file the office can open, print or mail.

At the top a summary table (one row per submission; click a column to sort it) with a filter
"only failing", and with a units list, who has not submitted, per activity; then per submission
its verdict and a grid of every photo thumbnail and video poster frame with that file's findings
beside it, folder-level findings above the grid. A passing submission is folded (`<details>`),
so a sheet of hundreds of schools opens on what needs work.

What the pixel checks saw is drawn where it is about: each photo carries its shot kind (Toàn
cảnh / Phát biểu / Cận cảnh / Chưa rõ; the reason as a tooltip, an estimate's confidence in
grey) and quality badges from its findings (blurred, too dark, a burst shot...; a check that
ran and found nothing says so: "✓ Rõ nét"). The photos of a near-duplicate group stand side by
side, the one to keep marked "giữ ảnh này". A video shows a frame per scene with its times (a
single take: its poster) and its shake over time as a small inline SVG: scenes as bands, cuts
as dashed lines, the scenes `video-steadiness` names tinted. The reporter judges nothing
itself: every mark comes from a finding or a figure in the file's row.

Built for a phone as much as for a desk: at 420 px the verdict stays in view (it is the second
column; sizes and counts of files give way). A card says only what the file adds: its size and
length, and each finding with its severity as an icon (the check id as a tooltip) and its hint.

Self-contained on purpose: inline CSS, pictures as `data:` URIs, no web font, no link outside
the file, so it works offline and from a USB stick. The filter is pure CSS (a checkbox), and a
few lines of inline script only add sorting: without script the page is complete. Everything
from the user (folder and file names, messages that quote them) passes through `html.escape`.

Each submission is one fragment (`submission_fragment`) that needs nothing but that submission,
so a renderer can stream a large run section by section.
"""

from __future__ import annotations

import html
import math
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import Any, TextIO

from mediacheck.checks.shot_kinds import label as shot_label
from mediacheck.checks.shot_kinds import why_text
from mediacheck.checks.video_scenes import clock
from mediacheck.i18n import plural, t
from mediacheck.report import Finding, Report, Severity, SubmissionResult
from mediacheck.reporters import (
    ReportWriter,
    counts_line,
    files_line,
    hint_label,
    human_size,
    shot_kinds,
    shot_kinds_line,
    summary_line,
    units_by_activity,
    write_report,
)

NEEDS_FACTS = True  # each file's metadata (sizes, EXIF, codecs...)
NEEDS_THUMBNAILS = True  # a preview of every photo and video

DATA_URI = re.compile(r"^data:image/(jpeg|png|webp);base64,[A-Za-z0-9+/=]+$")
SEVERITY_ICON = {Severity.ERROR: "✗", Severity.WARNING: "!", Severity.INFO: "i"}
# Summary columns: (id, numeric?, shown on a phone?)
COLUMNS = (("no", True, True), ("verdict", False, True), ("unit", False, True),
           ("activity", False, True), ("errors", True, True), ("warnings", True, False),
           ("photos", True, False), ("videos", True, False), ("size", True, False))


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


# Sections written during the run wait in memory up to this size, then in a temporary file.
SPOOL_BYTES = 4_000_000


class Writer(ReportWriter):
    """The page's top (verdict, summary table, units) needs every submission, and comes first:
    each submission's section is written to a spool (memory, then a temporary file) as soon as
    it is checked, and only its summary row is kept; at the end the top is written, then the
    spooled sections are copied after it."""

    def __init__(self, stream: TextIO, **kwargs: Any) -> None:
        super().__init__(stream, **kwargs)
        self.sections = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed in end()
            SPOOL_BYTES, mode="w+", encoding="utf-8")
        self.rows: list[str] = []
        self.checks: frozenset[str] | None = None

    def begin(self, report: Report) -> None:
        # Which checks ran: a photo is called sharp or well exposed only by a check that ran.
        # (`mediacheck serve` lists them as plain dicts.)
        ids = {c.get("id") if isinstance(c, dict) else getattr(c, "id", None)
               for c in report.checks or []}
        self.checks = frozenset(str(i) for i in ids if i) or None

    def submission(self, sub: SubmissionResult) -> None:
        index = len(self.rows)
        self.rows.append(_summary_row(sub, index, self.lang))
        if not (self.quiet and sub.passed):
            self.sections.write(submission_fragment(sub, index, self.lang, checks=self.checks))

    def end(self, report: Report) -> None:
        lang, stream = self.lang, self.stream
        title = t("report_html_title", lang)
        stream.write(f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n'
                     '<meta charset="utf-8">\n'
                     '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                     f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n")
        stream.write('<input type="checkbox" id="only-fail" class="filter-box">\n')
        stream.write(_header(report, lang, title))
        stream.write(_problems(report.problems, lang))
        stream.write(_summary_table(report, self.rows, lang))
        stream.write(_units(report.units, lang))
        self.sections.seek(0)
        shutil.copyfileobj(self.sections, stream)
        self.sections.close()
        stream.write(f"<script>{SCRIPT}</script>\n</body>\n</html>\n")


def render(report: Report, stream: TextIO, *, lang: str, color: bool | None = None,
           quiet: bool = False) -> None:
    write_report(Writer(stream, lang=lang, color=color, quiet=quiet), report)


# ------------------------------------------------------------------------------ top of page


def _header(report: Report, lang: str, title: str) -> str:
    summary = report.summary()
    line = summary_line(summary, lang)
    meta = t("report_html_meta", lang, profile=report.profile, version=report.tool_version)
    state = "pass" if report.passed else "fail"
    legend = " · ".join(f'<span class="sev-{s.value}"><b>{SEVERITY_ICON[s]}</b> '
                        f'{esc(t("severity_" + s.value, lang))}</span>'
                        for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    legend += f' · <span>→ {esc(t("hint", lang))}</span>'
    toolbar = ""
    if summary["submissions"] > 1:
        toolbar = (f'<label for="only-fail" class="filter">{esc(t("report_only_failing", lang))}'
                   f' ({summary["failed"]})</label>')
    return (f'<header id="top"><h1>{esc(title)}</h1><p class="meta">{esc(meta)}</p>'
            f'<p class="overall {state}">{esc(line)}</p>'
            f'<div class="toolbar">{toolbar}<span class="legend">{legend}</span></div>'
            "</header>\n")


def _problems(problems: list[Finding], lang: str) -> str:
    """Paths that could not be checked (errors), then notes about the run itself (warnings)."""
    out = []
    for severity, title in ((Severity.ERROR, "report_problems_title"),
                            (Severity.WARNING, "report_notes_title")):
        chosen = [p for p in problems if p.severity is severity]
        if not chosen:
            continue
        items = "".join(f"<li>{esc(p.message)}" + (
            f'<div class="hint">→ {esc(p.hint)}</div>' if p.hint else "") + "</li>"
            for p in chosen)
        out.append(f'<section class="problems {severity.value}"><h2>{esc(t(title, lang))}</h2>'
                   f"<ul>{items}</ul></section>\n")
    return "".join(out)


def _summary_table(report: Report, rows: list[str], lang: str) -> str:
    if not rows:
        return ""
    head = "".join(
        f'<th class="c-{c}{" num" if numeric else ""}{"" if phone else " wide"}" '
        f'aria-sort="none"><button type="button" data-col="{i}"'
        f'{" data-num" if numeric else ""}>{esc(t("report_col_" + c, lang))}</button></th>'
        for i, (c, numeric, phone) in enumerate(COLUMNS))
    return (f'<section class="summary"><h2>{esc(t("summary_title", lang))}</h2>'
            f'<p class="dim small sort-hint">{esc(t("report_sort_hint", lang))}</p>'
            f'<div class="scroll"><table class="grid-table sortable"><thead><tr>{head}</tr>'
            f"</thead><tbody>{''.join(rows)}</tbody>{_totals_row(report, lang)}</table></div>"
            "</section>\n")


def _summary_row(sub: SubmissionResult, index: int, lang: str) -> str:
    counts = sub.counts
    name = sub.unit or _folder_name(sub.path)
    unit_cls = "" if sub.unit else ' class="dim"'
    cells = [
        f'<td class="num" data-v="{index + 1}">{index + 1}</td>',
        f'<td data-v="{0 if sub.passed else 1}">{_badge(sub, lang)}</td>',
        f'<td class="c-unit" data-v="{esc(name)}"><a href="#s{index}" title="{esc(sub.path)}"'
        f"{unit_cls}>{esc(name)}</a></td>",
        f'<td data-v="{esc(sub.activity or "")}">{esc(sub.activity or "")}</td>',
        _count_cell(counts["error"], "error"),
        _count_cell(counts["warning"], "warning", wide=True),
        f'<td class="num wide">{sub.kind_count("photo")}</td>',
        f'<td class="num wide">{sub.kind_count("video")}</td>',
        f'<td class="num wide" data-v="{sub.total_bytes}">'
        f"{esc(human_size(sub.total_bytes, lang))}</td>",
    ]
    return f'<tr class="{sub.verdict}">{"".join(cells)}</tr>'


def _folder_name(path: str) -> str:
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def _count_cell(count: int, severity: str, wide: bool = False) -> str:
    cls = f"num sev-{severity}" if count else "num zero"
    return f'<td class="{cls}{" wide" if wide else ""}">{count}</td>'


def _totals_row(report: Report, lang: str) -> str:
    summary = report.summary()
    counts = summary["counts"]
    verdicts = (f'<span class="ok">{summary["passed"]} {esc(t("verdict_pass", lang))}</span> · '
                f'<span class="bad">{summary["failed"]} {esc(t("verdict_fail", lang))}</span>')
    return ("<tfoot><tr>"
            f'<td></td><td colspan="3">{esc(t("report_total", lang))}: {verdicts}</td>'
            f'<td class="num">{counts["error"]}</td>'
            f'<td class="num wide">{counts["warning"]}</td>'
            f'<td class="num wide">{summary["photos"]}</td>'
            f'<td class="num wide">{summary["videos"]}</td>'
            f'<td class="num wide">{esc(human_size(summary["bytes"], lang))}</td></tr></tfoot>')


def _units(units: dict[str, Any] | None, lang: str) -> str:
    """The office's list of units against what arrived (present only with `--units`): per
    activity, who has not submitted; then submissions whose unit is not on the list."""
    if not units:
        return ""
    total = int(units.get("units") or 0)
    blocks = "".join(_units_block(entry, total, lang) for entry in units_by_activity(units))
    unlisted = _unlisted(units.get("unlisted") or [], lang)
    return (f'<section class="units"><h2>{esc(t("report_missing_title", lang))}</h2>'
            f"{blocks}{unlisted}</section>\n")


def _units_block(entry: dict[str, Any], total: int, lang: str) -> str:
    activity = entry.get("activity") or t("units_any_activity", lang)
    missing = [str(name) for name in entry.get("missing") or []]
    if not missing:
        line = plural("units_all_submitted", total, lang, activity=activity)
        return f'<h3 class="ok">{esc(line)}</h3>'
    line = plural("units_missing_title", len(missing), lang, activity=activity, total=total)
    items = "".join(f"<li>{esc(name)}</li>" for name in missing)
    return f'<h3 class="bad">{esc(line)}</h3><ol class="missing">{items}</ol>'



def _unlisted(unlisted: list[Any], lang: str) -> str:
    if not unlisted:
        return ""
    rows = []
    for entry in unlisted:
        entry = entry if isinstance(entry, dict) else {"unit": entry}
        suggestion = entry.get("suggestion")
        shown = entry.get("unit") or _folder_name(str(entry.get("path") or ""))
        rows.append(f"<tr><td>{esc(shown)}</td><td>{esc(suggestion) if suggestion else '—'}"
                    "</td></tr>")
    return (f'<h3>{esc(plural("units_unlisted_title", len(unlisted), lang))}</h3>'
            f'<table class="grid-table narrow"><thead><tr><th>{esc(t("report_col_unit", lang))}'
            f'</th><th>{esc(t("report_suggestion", lang))}</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


# ------------------------------------------------------------------------------ submissions


def _badge(sub: SubmissionResult, lang: str) -> str:
    label = t("verdict_pass" if sub.passed else "verdict_fail", lang)
    return f'<span class="badge {sub.verdict}">{esc(label)}</span>'


def render_submission(sub: SubmissionResult, index: int, lang: str) -> str:
    """One submission's section of the contact sheet, for pages that show submissions one by
    one (`mediacheck serve`). Style: `CSS`."""
    return submission_fragment(sub, index, lang)


def submission_fragment(sub: SubmissionResult, index: int, lang: str, *,
                        checks: frozenset[str] | None = None) -> str:
    """One submission's section, complete on its own: verdict, unit and activity, what it
    holds (and which of the three shot kinds), folder-level findings, and a card per file,
    near-identical photos side by side. A passing one is folded.

    `checks`: the ids of the checks that ran (None: any whose figures a file's row holds);
    only those call a photo sharp or well exposed."""
    name = sub.unit or _folder_name(sub.path)
    title = esc(name) + (f' <span class="activity">— {esc(sub.activity)}</span>'
                         if sub.activity else "")
    counts = sub.counts
    chips = [f'<span class="chip">{esc(files_line(sub, lang))}</span>']
    if any(counts.values()):
        chips.append(f'<span class="chip">{esc(counts_line(counts, lang))}</span>')
    found = shot_kinds(sub)
    if found and found[0]:  # none recognised: the folder's shot-kinds finding says so
        chips.append(f'<span class="chip">{esc(shot_kinds_line(sub, lang))}</span>')
    folder = [f for f in sub.findings if f.path is None]
    folder_html = ""
    if folder:
        folder_html = (f'<div class="folder"><h3>{esc(t("report_folder_findings", lang))}</h3>'
                       f"{_findings_list(folder, lang)}</div>")
    elif not sub.findings:
        folder_html = f'<p class="ok">✓ {esc(t("no_findings", lang))}</p>'
    cards = _cards(sub, lang, checks)
    grid = f'<div class="files">{cards}</div>' if cards else ""
    summary = (f'<summary><h2>{_badge(sub, lang)} <span class="sub-title">{title}</span></h2>'
               f'<div class="sub-path">{esc(sub.path)}</div>'
               f'<p class="meta">{"".join(chips)}'
               f'<a class="top" href="#top">{esc(t("report_back_to_top", lang))}</a></p>'
               "</summary>")
    opened = "" if sub.passed else " open"
    return (f'<section class="submission {sub.verdict}" id="s{index}"><details{opened}>'
            f"{summary}{folder_html}{grid}</details></section>\n")


def _file_groups(sub: SubmissionResult) -> Iterable[tuple[dict[str, Any], list[Finding]]]:
    """Every photo and video (with its findings), then other files or paths that have findings
    (junk files, nested folders): nothing a finding names may be left out of the sheet."""
    by_path: dict[str, list[Finding]] = {}
    file_findings = [f for f in sub.findings if f.path is not None]
    for path, group in groupby(file_findings, key=lambda f: f.path):
        by_path.setdefault(str(path), []).extend(group)
    media = [r for r in sub.files if r.get("kind") in ("photo", "video")]
    others = [r for r in sub.files if r not in media and str(r.get("path")) in by_path]
    for row in media + others:
        yield row, by_path.pop(str(row.get("path")), [])
    for path, found in by_path.items():
        yield {"path": path, "kind": "other"}, found


def _cards(sub: SubmissionResult, lang: str, checks: frozenset[str] | None) -> str:
    """A card per file in the submission's order; the photos of one near-duplicate group
    together, where the first of them would be."""
    entries = list(_file_groups(sub))
    groups = _duplicate_groups(sub, {str(row.get("path")) for row, _ in entries})
    group_of = {path: kept for kept, members in groups.items() for path in members}
    by_path = {str(row.get("path")): (row, found) for row, found in entries}
    out, done = [], set()
    for row, found in entries:
        kept = group_of.get(str(row.get("path")))
        if kept is None:
            out.append(_card(row, found, lang, checks))
        elif kept not in done:
            done.add(kept)
            out.append(_duplicate_group(kept, groups[kept], by_path, lang, checks))
    return "".join(out)


def _duplicate_groups(sub: SubmissionResult, paths: set[str]) -> dict[str, list[str]]:
    """kept photo -> [kept, the others], from the `near-duplicate` findings (each names the
    photo to keep in `same_as`)."""
    groups: dict[str, list[str]] = {}
    for f in sub.findings:
        kept = f.details.get("same_as") if f.check == "near-duplicate" else None
        if not isinstance(kept, str) or f.path is None or kept == f.path:
            continue
        members = groups.setdefault(kept, [kept] if kept in paths else [])
        if f.path not in members:
            members.append(f.path)
    return {kept: members for kept, members in groups.items() if members}


def _duplicate_group(kept: str, members: list[str],
                     by_path: dict[str, tuple[dict[str, Any], list[Finding]]], lang: str,
                     checks: frozenset[str] | None) -> str:
    """One near-duplicate group as a row of its cards: the photo to keep first and marked
    "giữ ảnh này", the others "bỏ bớt"."""
    cards = "".join(
        _card(*by_path[path], lang, checks, role="keep" if path == kept else "drop")
        for path in members if path in by_path)
    title = t("report_dup_group", lang, count=len(members))
    cls = "dup-group pair" if len(members) == 2 else "dup-group"
    return (f'<div class="{cls}" role="group" aria-label="{esc(title)}">'
            f'<div class="dup-title">{esc(title)}</div><div class="dup-cards">{cards}</div></div>')


def _card(row: dict[str, Any], findings: list[Finding], lang: str,
          checks: frozenset[str] | None = None, role: str | None = None) -> str:
    worst = max((f.severity for f in findings), key=lambda s: s.rank, default=None)
    cls = f"card sev-{worst.value}" if worst else "card clean"
    video, flag = "", ""
    if row.get("kind") == "video":
        video, flag, scenes = _video_pictures(row, findings, lang)
        cls += " video wide-card" if scenes > 2 else " video"
    if role:
        cls += f" dup-{role}"
    name = str(row.get("path", ""))
    body = _findings_list(findings, lang) if findings else ""
    mark = "" if findings else '<span class="ok" title="✓">✓</span> '
    badges = _quality_badges(row, findings, lang, checks) if row.get("kind") == "photo" else ""
    return (f'<article class="{cls}">{_preview(row, lang, role, flag)}<div class="card-body">'
            f'<div class="name">{mark}{esc(name)}</div>'
            f'<div class="facts">{esc(_file_facts(row, lang))}</div>{badges}{video}{body}'
            "</div></article>")


def _preview(row: dict[str, Any], lang: str, role: str | None = None, flag: str = "") -> str:
    uri = row.get("thumbnail")
    overlay = flag
    if row.get("kind") == "video":
        duration = row.get("duration")
        overlay += f'<span class="play">▶ {esc(_clock(duration)) if duration else ""}</span>'
    elif row.get("kind") == "photo":
        overlay += _kind_badge(row, lang)
    if role:
        mark = "✓ " if role == "keep" else ""
        overlay += f'<span class="role {role}">{mark}{esc(t(f"report_dup_{role}", lang))}</span>'
    if isinstance(uri, str) and DATA_URI.match(uri):
        alt = esc(row.get("path", ""))
        return (f'<div class="thumb"><img src="{esc(uri)}" alt="{alt}" loading="lazy">'
                f"{overlay}</div>")
    name = str(row.get("path", "")).rsplit("/", 1)[-1].lstrip(".")
    ext = name.rsplit(".", 1)[-1].upper() if "." in name else ""
    size = "" if row.get("kind") in ("photo", "video") else " short"
    return (f'<div class="thumb none{size}"><span class="ext">{esc(ext[:5])}</span>'
            f'<span class="small">{esc(t("report_no_preview", lang))}</span>{overlay}</div>')


def _file_facts(row: dict[str, Any], lang: str) -> str:
    """What the thumbnail does not show: pixels, length, size (a file without a preview says
    what it is)."""
    kind = row.get("kind")
    parts = [] if kind in ("photo", "video") else [t("report_other_file", lang)]
    width, height = _display_size(row)
    if width and height:
        parts.append(f"{width}×{height}")
    if kind == "video" and _clock(row.get("duration")):
        parts.append(_clock(row["duration"]))
    if row.get("size") is not None:
        parts.append(human_size(int(row["size"]), lang))
    return " · ".join(parts)


def _display_size(row: dict[str, Any]) -> tuple[Any, Any]:
    """The size a viewer shows (the facts turn photos by EXIF Orientation, videos by their
    rotation)."""
    return row.get("display_width"), row.get("display_height")


def _clock(seconds: Any) -> str:
    """m:ss as a player (and the findings' messages) write it; "" for what is not a time."""
    number = _number(seconds)
    return "" if number is None or number < 0 else clock(number)


def _findings_list(findings: list[Finding], lang: str) -> str:
    """Each finding: its severity as an icon (spelled out for screen readers, the check id as a
    tooltip), its message, and its hint ("→"; "Lưu ý:" for an info finding)."""
    items, hints = [], set()
    for f in findings:
        sev = f.severity
        label = t("severity_" + sev.value, lang)
        hint = ""
        if f.hint and f.hint not in hints:  # the same advice twice in one card says nothing
            hints.add(f.hint)
            lead = "→" if sev is not Severity.INFO else f"{hint_label(sev, lang)}:"
            hint = f'<div class="hint"><b>{esc(lead)}</b> {esc(f.hint)}</div>'
        items.append(
            f'<li class="sev-{sev.value}" title="{esc(label)} · {esc(f.check)}">'
            f'<span class="sev" aria-label="{esc(label)}">{SEVERITY_ICON[sev]}</span> '
            f'<span class="msg">{esc(f.message)}</span>{hint}</li>')
    return f'<ul class="findings">{"".join(items)}</ul>'


# ------------------------------------------------------------------------------ pictures

SHOT_KINDS = ("wide", "speaker", "closeup", "unknown")
# A badge per finding of the pixel checks: (check, key) -> catalog word.
QUALITY_BADGES = {
    ("photo-sharpness", "blurred"): "report_quality_blurred",
    ("photo-sharpness", "soft"): "report_quality_soft",
    ("photo-exposure", "over-exposed"): "report_quality_over",
    ("photo-exposure", "under-exposed"): "report_quality_under",
    ("photo-exposure", "backlit"): "report_quality_backlit",
    ("near-duplicate", "burst"): "report_quality_burst",
    ("near-duplicate", "similar"): "report_quality_similar",
}
# A photo the check judged and found nothing wrong with: (check, the figure it judges, word).
# `photo-sharpness` judges a photo with a sharpness above 0, `photo-exposure` every photo
# whose brightness was measured.
GOOD_BADGES = (("photo-sharpness", "sharpness", "report_quality_sharp"),
               ("photo-exposure", "median_luma", "report_quality_exposed"))
# The shake plot: its drawing box, and the least shake (percent of the picture's diagonal) at
# its top, so that the small jitter of a steady clip stays a flat line near the bottom instead
# of being stretched into a scribble. A display scale, not a verdict: the verdicts are the
# `video-steadiness` findings, drawn as the scenes they name.
PLOT_WIDTH, PLOT_HEIGHT = 300, 44
PLOT_LEAST_TOP = 1.0


def _kind_badge(row: dict[str, Any], lang: str) -> str:
    """The photo's shot kind, its reason as the tooltip; an estimate shows how sure it is."""
    kind = row.get("shot")
    if kind not in SHOT_KINDS:
        return ""
    why = row.get("shot_why") if isinstance(row.get("shot_why"), dict) else {}
    name = shot_label(str(kind), lang)
    reason = why_text(why, lang) if why else ""
    if reason.startswith("shot_why_"):  # a reason this version has no words for
        reason = ""
    confidence = _number(row.get("shot_confidence"))
    if kind == "unknown" or why.get("key") == "name" or confidence is None:
        title, shown = t("report_shot_title", lang, kind=name, why=reason), ""
    else:
        percent = round(confidence * 100)
        title = t("report_shot_title_estimated", lang, kind=name, why=reason, percent=percent)
        shown = f' <span class="conf">{percent}%</span>'
    return f'<span class="kind k-{kind}" title="{esc(title)}">{esc(name)}{shown}</span>'


def _quality_badges(row: dict[str, Any], findings: list[Finding], lang: str,
                    checks: frozenset[str] | None) -> str:
    """Sharp / soft / blurred, well exposed / over / under / backlit, burst or near-duplicate:
    from this photo's findings; a good badge only where its check ran and judged the photo."""
    badges, seen = [], set()
    for f in findings:
        word = QUALITY_BADGES.get((f.check, f.key))
        if word is None or f.check in seen:
            continue
        seen.add(f.check)
        kept = f.details.get("same_as")
        title = (f' title="{esc(t("report_quality_same_as", lang, kept=kept))}"'
                 if f.check == "near-duplicate" and kept else "")
        badges.append((f.check, f'<span class="q sev-{f.severity.value}"{title}>'
                                f"{esc(t(word, lang))}</span>"))
    for check, figure, word in GOOD_BADGES:
        value = _number(row.get(figure))
        measured = value is not None and (value > 0 or figure != "sharpness")
        if figure == "sharpness" and row.get("sharpness_judged") is False:
            measured = False  # too little detail: the check gave no verdict
        if check not in seen and measured and (checks is None or check in checks):
            badges.append((check, f'<span class="q good">✓ {esc(t(word, lang))}</span>'))
    order = [check for check, _, _ in GOOD_BADGES] + ["near-duplicate"]
    badges.sort(key=lambda b: order.index(b[0]) if b[0] in order else len(order))
    return f'<div class="quality">{"".join(b for _, b in badges)}</div>' if badges else ""


def _number(value: Any) -> float | None:
    """A finite number from a row, else None (rows come from caches and old JSON too)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _video_pictures(row: dict[str, Any], findings: list[Finding], lang: str
                    ) -> tuple[str, str, int]:
    """A video's filmstrip (a frame per scene, with its times) and its shake over time, the
    scenes that `video-steadiness` names marked in both; (that HTML, a mark for the poster,
    how many scenes the strip shows).

    A single take's one frame would repeat its poster (the sheet must stay small, and most
    clips are single takes): its poster stands for it, marked as its frame would be."""
    flagged = _flagged_scenes(findings)
    frames = _frames(row)
    plot = _shake_plot(row, flagged, lang)
    uri = row.get("thumbnail")
    if len(frames) == 1 and isinstance(uri, str) and DATA_URI.match(uri):
        finding = _scene_flag(frames[0][1], flagged)
        return plot, _flag(finding, lang) if finding else "", 1
    return _filmstrip(frames, flagged, lang) + plot, "", len(frames)


def _flagged_scenes(findings: list[Finding]) -> dict[tuple[str, str], Finding]:
    """(start, end) as the messages write them -> the steadiness finding on that scene."""
    return {(str(f.details.get("start")), str(f.details.get("end"))): f for f in findings
            if f.check == "video-steadiness"}


def _span(item: Any) -> tuple[float, float] | None:
    """A scene's (start, end) in seconds, when both are numbers and in order."""
    if not isinstance(item, dict):
        return None
    start, end = _number(item.get("start")), _number(item.get("end"))
    if start is None or end is None or end < start:
        return None
    return start, end


def _scene_flag(span: tuple[float, float], flagged: dict[tuple[str, str], Finding]
                ) -> Finding | None:
    return flagged.get((_clock(span[0]), _clock(span[1])))


def _frames(row: dict[str, Any]) -> list[tuple[int, tuple[float, float], str]]:
    """The filmstrip's usable frames: (scene number, (start, end), data URI)."""
    strip = row.get("filmstrip")
    frames = []
    for number, item in enumerate(strip if isinstance(strip, list) else [], start=1):
        span = _span(item)
        uri = item.get("image") if isinstance(item, dict) else None
        if span is not None and isinstance(uri, str) and DATA_URI.match(uri):
            frames.append((number, span, uri))
    return frames


def _flag(finding: Finding, lang: str) -> str:
    """A scene's steadiness on its picture: "bị rung" / "cầm tay"."""
    word = t(f"report_scene_{finding.key}", lang)
    return f'<span class="flag sev-{finding.severity.value}">{esc(word)}</span>'


def _filmstrip(frames: list[tuple[int, tuple[float, float], str]],
               flagged: dict[tuple[str, str], Finding], lang: str) -> str:
    items = []
    for number, (start, end), uri in frames:
        label = t("report_scene", lang, number=number, start=_clock(start), end=_clock(end))
        finding = _scene_flag((start, end), flagged)
        cls, flag, title = "scene", "", label
        if finding is not None:
            cls, flag = f"scene sev-{finding.severity.value}", _flag(finding, lang)
            title += f" · {finding.message}"
        items.append(f'<li class="{cls}" title="{esc(title)}"><img src="{esc(uri)}" '
                     f'alt="{esc(label)}" loading="lazy">{flag}<span class="times">'
                     f"{_clock(start)}–{_clock(end)}</span></li>")
    if not items:
        return ""
    heading = f"{t('report_scenes_title', lang)} ({len(items)})"
    return (f'<div class="strip-title">{esc(heading)}</div>'
            f'<ol class="filmstrip">{"".join(items)}</ol>')


def _shake_plot(row: dict[str, Any], flagged: dict[tuple[str, str], Finding], lang: str) -> str:
    """Inline SVG, no script: the scenes as background bands (those a finding names tinted by
    its severity), cuts as thin lines, the shake series as a line; times below it. Nothing
    when no scene was long enough to measure."""
    points = [p for p in (_point(p) for p in row.get("shake_series") or []) if p is not None]
    scenes = [s for s in (_span(s) for s in row.get("scenes") or []) if s is not None]
    until = _number(row.get("analysed_until"))
    length = max([_number(row.get("duration")) or 0.0, until or 0.0]
                 + [s[1] for s in scenes] + [p[0] for p in points])
    if not points or length <= 0:
        return ""
    axes = _Axes(length, max([PLOT_LEAST_TOP] + [v * 1.1 for _, v in points]))
    shapes = _bands(scenes, flagged, axes, lang)
    if row.get("motion_complete") is False and until is not None and until < length:
        label = t("report_shake_unread", lang, until=_clock(until))
        shapes.append(f'<rect class="unread" x="{axes.x(until):.1f}" y="0" '
                      f'width="{PLOT_WIDTH - axes.x(until):.1f}" height="{PLOT_HEIGHT}">'
                      f"<title>{esc(label)}</title></rect>")
    cuts = [c for c in (_number(c) for c in row.get("cuts") or []) if c is not None]
    shapes += [f'<line class="cut" x1="{axes.x(c):.1f}" y1="0" x2="{axes.x(c):.1f}" '
               f'y2="{PLOT_HEIGHT}"/>' for c in cuts]
    # whole units: a hundred points stay a few hundred bytes, and a unit is about a pixel
    line = " ".join(f"{axes.x(t_):.0f},{axes.y(v):.0f}" for t_, v in points)
    shapes.append(f'<polyline class="series" points="{line}"/>')
    title = esc(t("report_shake_title", lang))
    legend = f' title="{esc(t("report_shake_legend", lang))}"' if cuts else ""
    return (f'<figure class="shake"><svg class="shake-plot" xmlns="http://www.w3.org/2000/svg" '
            f'role="img" aria-label="{title}" viewBox="0 0 {PLOT_WIDTH} {PLOT_HEIGHT}" '
            f'preserveAspectRatio="none">{"".join(shapes)}</svg><figcaption><span>0:00</span>'
            f"<span{legend}>{title}</span><span>{esc(_clock(length))}</span></figcaption>"
            "</figure>")


@dataclass(frozen=True)
class _Axes:
    """Seconds (0 to the clip's length) and shake (0 to `top`) in the plot's units; y grows
    downwards, 2 units clear of each edge so that a still camera's line shows."""

    length: float
    top: float

    def x(self, seconds: float) -> float:
        return min(max(seconds, 0.0), self.length) / self.length * PLOT_WIDTH

    def y(self, shake: float) -> float:
        return PLOT_HEIGHT - 2 - min(max(shake, 0.0), self.top) / self.top * (PLOT_HEIGHT - 4)


def _bands(scenes: list[tuple[float, float]], flagged: dict[tuple[str, str], Finding],
           axes: _Axes, lang: str) -> list[str]:
    """A background band per scene, alternating greys, tinted where a finding names it."""
    out = []
    for number, span in enumerate(scenes, start=1):
        finding = _scene_flag(span, flagged)
        cls = f"band sev-{finding.severity.value}" if finding else f"band b{number % 2}"
        label = t("report_scene", lang, number=number, start=_clock(span[0]), end=_clock(span[1]))
        if finding is not None:
            label += f" · {t(f'report_scene_{finding.key}', lang)}"
        left = axes.x(span[0])
        out.append(f'<rect class="{cls}" x="{left:.1f}" y="0" '
                   f'width="{axes.x(span[1]) - left:.1f}" height="{PLOT_HEIGHT}">'
                   f"<title>{esc(label)}</title></rect>")
    return out


def _point(item: Any) -> tuple[float, float] | None:
    if not isinstance(item, (list, tuple)) or len(item) != 2:
        return None
    time, shake = _number(item[0]), _number(item[1])
    return None if time is None or shake is None else (time, shake)


CSS = """
:root { --ok: #1b7f3b; --ok-bg: #e6f4ea; --err: #c62828; --err-bg: #fdecea; --warn: #9a5b00;
  --warn-bg: #fff3e0; --info: #1559a8; --info-bg: #e8f0fb; --line: #d9dde3; --dim: #5f6670; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif;
  color: #1d2127; background: #f4f5f7; margin: 0; padding: 24px 32px; line-height: 1.45;
  font-size: 14px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 10px; }
h3 { font-size: 14px; margin: 14px 0 6px; }
a { color: inherit; }
.meta { color: var(--dim); margin: 2px 0 8px; }
.dim, .path { color: var(--dim); }
.path { font-size: 12px; overflow-wrap: anywhere; }
.small { font-size: 12px; }
.ok { color: var(--ok); }
.bad { color: var(--err); }
header { margin-bottom: 18px; }
.overall { display: inline-block; margin: 6px 0 0; padding: 6px 12px; border-radius: 6px;
  font-weight: 600; }
.overall.pass { background: var(--ok-bg); color: var(--ok); }
.overall.fail { background: var(--err-bg); color: var(--err); }
.toolbar { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; margin-top: 10px; }
.filter-box { position: absolute; opacity: 0; width: 1px; height: 1px; }
.filter { cursor: pointer; user-select: none; border: 1px solid var(--line); background: #fff;
  border-radius: 999px; padding: 4px 12px; font-weight: 600; }
.filter::before { content: "☐ "; }
#only-fail:checked ~ header .filter { background: var(--err-bg); border-color: var(--err);
  color: var(--err); }
#only-fail:checked ~ header .filter::before { content: "☑ "; }
#only-fail:focus-visible ~ header .filter { outline: 2px solid var(--info); }
#only-fail:checked ~ section.submission.pass, #only-fail:checked ~ section tr.pass {
  display: none; }
.legend { color: var(--dim); font-size: 12px; }
.legend .sev-error b { color: var(--err); }
.legend .sev-warning b { color: var(--warn); }
.legend .sev-info b { color: var(--info); }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px;
  margin: 0 0 18px; }
section.problems { border-color: var(--err); background: var(--err-bg); color: var(--err); }
section.problems .hint { color: #3b4149; }
section.problems.warning { border-color: var(--warn); background: var(--warn-bg); color: inherit; }
.grid-table { border-collapse: collapse; width: 100%; font-size: 13px; }
.grid-table.narrow { width: auto; min-width: 320px; }
.grid-table th, .grid-table td { border-bottom: 1px solid var(--line); padding: 6px 10px;
  text-align: left; vertical-align: top; }
.grid-table thead th { background: #eef0f3; font-weight: 600; white-space: nowrap; }
.grid-table th button { font: inherit; color: inherit; background: none; border: 0; padding: 0;
  cursor: pointer; }
.grid-table th[aria-sort="ascending"] button::after { content: " ▲"; }
.grid-table th[aria-sort="descending"] button::after { content: " ▼"; }
.grid-table tfoot td { font-weight: 600; border-top: 2px solid #b9bfc8; border-bottom: 0; }
.grid-table tbody tr:nth-child(even) { background: #fafbfc; }
.grid-table .num { text-align: right; white-space: nowrap; }
td.zero { color: #a0a6ae; }
td.c-unit { min-width: 160px; }
.scroll { overflow-x: auto; }
td.sev-error { color: var(--err); font-weight: 700; }
td.sev-warning { color: var(--warn); font-weight: 700; }
.grid-table a { text-decoration: none; font-weight: 600; }
.grid-table a:hover { text-decoration: underline; }
.sort-hint { margin: -6px 0 8px; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 999px; font-weight: 700;
  font-size: 12px; letter-spacing: .02em; color: #fff; white-space: nowrap; vertical-align: 2px; }
.badge.pass { background: var(--ok); }
.badge.fail { background: var(--err); }
section.submission { border-left: 6px solid var(--err); }
section.submission.pass { border-left-color: var(--ok); }
section.submission summary { cursor: pointer; list-style: none; }
section.submission summary::-webkit-details-marker { display: none; }
section.submission summary h2 { display: flex; align-items: baseline; gap: 10px;
  flex-wrap: wrap; margin-bottom: 2px; }
section.submission summary h2::after { content: "▸"; color: var(--dim); font-size: 14px; }
section.submission details[open] summary h2::after { content: "▾"; }
.sub-title { overflow-wrap: anywhere; }
.activity { font-weight: 400; }
.sub-path { font-size: 12px; color: var(--dim); overflow-wrap: anywhere; }
.chip { display: inline-block; margin: 2px 8px 0 0; padding: 1px 8px; border-radius: 10px;
  background: #eef0f3; font-size: 12.5px; }
a.top { float: right; font-size: 12px; color: var(--dim); text-decoration: none; }
.folder { margin: 4px 0 12px; }
.folder h3 { margin-top: 0; }
.files { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 12px;
  align-items: start; margin-top: 8px; }
.card { border: 1px solid var(--line); border-radius: 8px; overflow: hidden; background: #fff;
  display: flex; flex-direction: column; break-inside: avoid; page-break-inside: avoid; }
.card.sev-error { border-color: var(--err); box-shadow: inset 0 3px 0 var(--err); }
.card.sev-warning { border-color: #e0a84a; box-shadow: inset 0 3px 0 #e0a84a; }
.card.sev-info { border-color: #9cbbe3; }
.thumb { position: relative; height: 170px; background: #e9ebee; display: flex;
  align-items: center; justify-content: center; }
.thumb img { max-width: 100%; max-height: 100%; display: block; }
.thumb.none { flex-direction: column; color: var(--dim); gap: 4px; }
.thumb.none.short { height: 64px; gap: 0; }
.thumb.none.short .ext { font-size: 16px; }
.thumb .ext { font-size: 22px; font-weight: 700; letter-spacing: .05em; color: #8a919b; }
.play { position: absolute; left: 8px; bottom: 8px; background: rgba(0, 0, 0, .7); color: #fff;
  font-size: 12px; padding: 2px 8px; border-radius: 4px; }
.card-body { padding: 8px 10px 10px; }
.name { font-weight: 600; overflow-wrap: anywhere; font-size: 13px; }
.facts { color: var(--dim); font-size: 12px; }
ul.findings { list-style: none; margin: 0; padding: 0; }
ul.findings li { margin: 6px 0 0; padding: 6px 8px 6px 26px; border-radius: 6px; font-size: 13px;
  border-left: 4px solid; position: relative; overflow-wrap: anywhere; }
ul.findings li.sev-error { background: var(--err-bg); border-color: var(--err); }
ul.findings li.sev-warning { background: var(--warn-bg); border-color: #e0a84a; }
ul.findings li.sev-info { background: var(--info-bg); border-color: var(--info); }
.sev { position: absolute; left: 8px; top: 6px; font-weight: 700; }
li.sev-error .sev { color: var(--err); }
li.sev-warning .sev { color: var(--warn); }
li.sev-info .sev { color: var(--info); }
.hint { color: #2b3036; margin-top: 3px; font-size: 12.5px; }
.card { min-width: 0; }
.card.wide-card { grid-column: span 2; }
.thumb .kind, .thumb .role { position: absolute; left: 6px; font-size: 11.5px;
  line-height: 18px; padding: 0 7px; border-radius: 999px; white-space: nowrap;
  max-width: calc(100% - 12px); overflow: hidden; text-overflow: ellipsis; }
.kind { top: 6px;
  background: rgba(255, 255, 255, .93); color: #1d2127; font-weight: 600;
  box-shadow: 0 0 0 1px rgba(0, 0, 0, .15); cursor: help; }
.kind .conf { font-weight: 400; color: var(--dim); }
.kind.k-unknown { font-weight: 400; color: var(--dim); }
.role { bottom: 6px; font-weight: 700; }
.role.keep { background: var(--ok); color: #fff; }
.role.drop { background: rgba(29, 33, 39, .78); color: #fff; }
.quality { display: flex; flex-wrap: wrap; gap: 3px 4px; margin-top: 5px; }
.q { font-size: 11.5px; line-height: 18px; padding: 0 7px; border-radius: 999px;
  white-space: nowrap; border: 1px solid transparent; }
.q.good { color: var(--ok); background: var(--ok-bg); }
.q.sev-error { color: var(--err); background: var(--err-bg); border-color: var(--err);
  font-weight: 600; }
.q.sev-warning { color: #7a4700; background: var(--warn-bg); border-color: #e0a84a;
  font-weight: 600; }
.q.sev-info { color: var(--info); background: var(--info-bg); border-color: #9cbbe3; }
.dup-group { grid-column: 1 / -1; border: 1px dashed #e0a84a; border-radius: 10px;
  background: #fffaf2; padding: 8px 10px 10px; min-width: 0; }
.dup-title { font-weight: 600; font-size: 13px; color: var(--warn); margin-bottom: 6px; }
.dup-group.pair { grid-column: span 2; }
.dup-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
  gap: 10px; align-items: start; }
@supports (grid-template-columns: subgrid) {
  /* the group's cards on the sheet's own columns: as wide as every other card */
  .dup-group { display: grid; grid-template-columns: subgrid; align-items: start; }
  .dup-title { grid-column: 1 / -1; margin-bottom: 0; }
  .dup-cards { display: contents; }
}
.card.dup-keep { border-color: var(--ok); box-shadow: inset 0 3px 0 var(--ok); }
.strip-title { font-size: 12px; color: var(--dim); margin-top: 6px; }
ol.filmstrip { display: flex; gap: 4px; overflow-x: auto; list-style: none; margin: 2px 0 0;
  padding: 0 0 4px; }
ol.filmstrip li { flex: 0 0 88px; position: relative; }
ol.filmstrip img { display: block; width: 88px; height: 50px; object-fit: contain;
  background: #23272d; border-radius: 3px; }
ol.filmstrip li.sev-warning img, ol.filmstrip li.sev-error img { outline: 2px solid #e0a84a;
  outline-offset: -2px; }
ol.filmstrip li.sev-info img { outline: 2px solid #9cbbe3; outline-offset: -2px; }
.flag { position: absolute; left: 3px; top: 3px; font-size: 10.5px; line-height: 15px;
  padding: 0 4px; border-radius: 3px; background: #e0a84a; color: #1d2127; font-weight: 600; }
.flag.sev-info { background: #9cbbe3; }
.thumb .flag { left: 6px; top: 6px; font-size: 11.5px; line-height: 18px; padding: 0 7px; }
.times { display: block; font-size: 11px; color: var(--dim); text-align: center;
  font-variant-numeric: tabular-nums; }
figure.shake { margin: 6px 0 0; }
svg.shake-plot { display: block; width: 100%; height: 44px; border: 1px solid var(--line);
  border-radius: 3px; }
.band.b0 { fill: #f3f4f6; }
.band.b1 { fill: #e8ebef; }
.band.sev-warning, .band.sev-error { fill: #ffd8a8; }
.band.sev-info { fill: #d6e4f6; }
.unread { fill: #c9ced6; }
.cut { stroke: #5f6670; stroke-width: 1; stroke-dasharray: 3 2; vector-effect: non-scaling-stroke;
  pointer-events: none; }
.series { fill: none; stroke: #1559a8; stroke-width: 1.5; stroke-linejoin: round;
  vector-effect: non-scaling-stroke; pointer-events: none; }
figure.shake figcaption { display: flex; justify-content: space-between; gap: 6px;
  font-size: 11px; color: var(--dim); font-variant-numeric: tabular-nums; }
.hint b { color: #1d2127; }
section.problems ul { margin: 0; padding-left: 18px; }
ol.missing { columns: 11em; column-gap: 24px; margin: 4px 0 12px; padding-left: 28px; }
ol.missing li { break-inside: avoid; padding: 1px 0; }
@media (max-width: 640px) {
  body { padding: 10px; }
  section { padding: 10px; }
  .wide { display: none; }
  .grid-table th, .grid-table td { padding: 5px 6px; }
  td.c-unit { min-width: 0; }
  .files { grid-template-columns: 1fr 1fr; gap: 8px; }
  .card:not(.clean) { grid-column: 1 / -1; }
  .card.clean .thumb { height: 110px; }
  .card.video { grid-column: 1 / -1; }
  .dup-group { padding: 6px; }
  .dup-cards { grid-template-columns: 1fr 1fr; gap: 8px; }
  .dup-cards .card { grid-column: auto; }
  .dup-cards .thumb { height: 130px; }
  .thumb { height: 190px; }
  a.top { display: none; }
}
@media print {
  body { background: #fff; padding: 0; font-size: 11px; }
  .toolbar, .sort-hint { display: none; }
  section { border-radius: 0; padding: 10px 0; border: 0; border-top: 1px solid var(--line); }
  section.submission { border-left: 0; break-before: auto; }
  section.submission summary h2, .folder { break-after: avoid; page-break-after: avoid; }
  section.submission summary h2::after { content: ""; }
  a.top { display: none; }
  .files { grid-template-columns: repeat(4, 1fr); gap: 8px; }
  .thumb { height: 120px; }
  ol.filmstrip { flex-wrap: wrap; overflow: visible; }
  .grid-table tr { break-inside: avoid; }
  .grid-table th, .grid-table td { padding: 4px 6px; }
}
@page { margin: 12mm; }
"""

# Sorting by a column, opening a folded submission reached by its link, unfolding everything
# for printing. The page works without it.
SCRIPT = """
(function () {
  var lang = document.documentElement.lang;
  function key(row, col, numeric) {
    var cell = row.cells[col], value = cell.getAttribute("data-v");
    if (value === null) { value = cell.textContent; }
    return numeric ? (parseFloat(value) || 0) : value.toLocaleLowerCase();
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var body = table.tBodies[0];
    table.querySelectorAll("th button").forEach(function (button) {
      button.addEventListener("click", function () {
        var col = +button.getAttribute("data-col"), numeric = button.hasAttribute("data-num");
        var th = button.parentNode, asc = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th").forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a, col, numeric), y = key(b, col, numeric);
          var d = numeric ? x - y : x.localeCompare(y, lang);
          return asc ? d : -d;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
  function openTarget() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    var folded = target && target.querySelector("details");
    if (folded) { folded.open = true; }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
})();
"""
