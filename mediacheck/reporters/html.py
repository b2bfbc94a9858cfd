"""The HTML contact sheet: one self-contained file the office can open, print or mail.

At the top a summary table (one row per submission) and, with a units list, who has not
submitted; then per submission its verdict and a grid of every photo thumbnail and video poster
frame with that file's findings beside it, folder-level findings above the grid.

Self-contained on purpose: inline CSS, pictures as `data:` URIs, no script, no web font, no link
outside the file, so it works offline and from a USB stick. Everything from the user (folder and
file names, messages that quote them) passes through `html.escape`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from itertools import groupby
from typing import Any, TextIO

from mediacheck.i18n import t
from mediacheck.report import Finding, Report, Severity, SubmissionResult
from mediacheck.reporters import human_size

DATA_URI = re.compile(r"^data:image/(jpeg|png|webp);base64,[A-Za-z0-9+/=]+$")
SEVERITY_ICON = {Severity.ERROR: "✗", Severity.WARNING: "!", Severity.INFO: "i"}
ROTATED_ORIENTATIONS = (5, 6, 7, 8)


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def render(report: Report, stream: TextIO, *, lang: str, color: bool | None = None,
           quiet: bool = False) -> None:
    title = t("report_html_title", lang)
    stream.write(f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
                 '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                 f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n")
    stream.write(_header(report, lang, title))
    stream.write(_problems(report.problems, lang))
    stream.write(_summary_table(report, lang))
    stream.write(_units(getattr(report, "units", None), lang))
    for index, sub in enumerate(report.submissions):
        if quiet and sub.passed:
            continue
        stream.write(_submission(sub, index, lang))
    stream.write("</body>\n</html>\n")


# ------------------------------------------------------------------------------ top of page


def _header(report: Report, lang: str, title: str) -> str:
    summary = report.summary()
    counts = summary["counts"]
    line = t("summary_line", lang, submissions=summary["submissions"], passed=summary["passed"],
             failed=summary["failed"], errors=counts["error"], warnings=counts["warning"],
             infos=counts["info"])
    meta = t("report_html_meta", lang, profile=report.profile, version=report.tool_version)
    state = "pass" if report.passed else "fail"
    return (f'<header id="top"><h1>{esc(title)}</h1><p class="meta">{esc(meta)}</p>'
            f'<p class="overall {state}">{esc(line)}</p></header>\n')


def _problems(problems: list[Finding], lang: str) -> str:
    """Paths that could not be read (errors), then notes about the run itself (warnings)."""
    out = []
    for severity, title in ((Severity.ERROR, "report_problems_title"),
                            (Severity.WARNING, "report_notes_title")):
        chosen = [p for p in problems if p.severity is severity]
        if not chosen:
            continue
        items = "".join(f"<li>{esc(p.message)}" + (
            f'<br><span class="hint">{esc(p.hint)}</span>' if p.hint else "") + "</li>"
            for p in chosen)
        out.append(f'<section class="problems {severity.value}"><h2>{esc(t(title, lang))}</h2>'
                   f"<ul>{items}</ul></section>\n")
    return "".join(out)


def _summary_table(report: Report, lang: str) -> str:
    if not report.submissions:
        return ""
    cols = ("no", "unit", "activity", "photos", "videos", "size", "errors", "warnings", "verdict")
    head = "".join(f'<th class="c-{c}">{esc(t("report_col_" + c, lang))}</th>' for c in cols)
    rows = "".join(_summary_row(sub, i, lang) for i, sub in enumerate(report.submissions))
    return (f'<section class="summary"><h2>{esc(t("summary_title", lang))}</h2>'
            f'<div class="scroll"><table class="grid-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody>{_totals_row(report, lang)}</table></div></section>\n")


def _summary_row(sub: SubmissionResult, index: int, lang: str) -> str:
    counts = sub.counts
    unit = esc(sub.unit) if sub.unit else f'<span class="dim">{esc(t("unknown", lang))}</span>'
    cells = [
        f'<td class="num">{index + 1}</td>',
        f'<td class="c-unit"><a href="#s{index}">{unit}</a>'
        f'<div class="path">{esc(sub.path)}</div></td>',
        f"<td>{esc(sub.activity or '')}</td>",
        f'<td class="num">{sub.kind_count("photo")}</td>',
        f'<td class="num">{sub.kind_count("video")}</td>',
        f'<td class="num">{esc(human_size(sub.total_bytes))}</td>',
        _count_cell(counts["error"], "error"),
        _count_cell(counts["warning"], "warning"),
        f"<td>{_badge(sub, lang)}</td>",
    ]
    return f'<tr class="{sub.verdict}">{"".join(cells)}</tr>'


def _count_cell(count: int, severity: str) -> str:
    cls = f"num sev-{severity}" if count else "num zero"
    return f'<td class="{cls}">{count}</td>'


def _totals_row(report: Report, lang: str) -> str:
    summary = report.summary()
    counts = summary["counts"]
    verdicts = (f'<span class="ok">{summary["passed"]} {esc(t("verdict_pass", lang))}</span> · '
                f'<span class="bad">{summary["failed"]} {esc(t("verdict_fail", lang))}</span>')
    return ("<tfoot><tr>"
            f'<td></td><td colspan="2">{esc(t("report_total", lang))}</td>'
            f'<td class="num">{summary["photos"]}</td><td class="num">{summary["videos"]}</td>'
            f'<td class="num">{esc(human_size(summary["bytes"]))}</td>'
            f'<td class="num">{counts["error"]}</td><td class="num">{counts["warning"]}</td>'
            f"<td>{verdicts}</td></tr></tfoot>")


def _units(units: Any, lang: str) -> str:
    """The office's list of units against what arrived (present only with `--units`)."""
    if not units:
        return ""
    blocks = units if isinstance(units, list) else [units]
    parts = [_units_block(b, lang) for b in blocks if isinstance(b, dict)]
    return f'<section class="units">{"".join(parts)}</section>\n' if parts else ""


def _units_block(block: dict[str, Any], lang: str) -> str:
    activity = block.get("activity")
    title = t("report_missing_title", lang)
    if activity:
        title += " — " + t("report_missing_activity", lang, activity=activity)
    missing = [str(m) for m in block.get("missing") or []]
    if missing:
        rows = "".join(f'<tr><td class="num">{i}</td><td>{esc(name)}</td></tr>'
                       for i, name in enumerate(missing, 1))
        body = (f'<table class="grid-table narrow"><thead><tr><th>{esc(t("report_col_no", lang))}'
                f'</th><th>{esc(t("report_col_unit", lang))}</th></tr></thead>'
                f"<tbody>{rows}</tbody></table>")
    else:
        body = f'<p class="ok">{esc(t("report_missing_none", lang))}</p>'
    return f"<h2>{esc(title)}</h2>{body}{_unlisted(block.get('unlisted') or [], lang)}"


def _unlisted(unlisted: list[Any], lang: str) -> str:
    if not unlisted:
        return ""
    rows = []
    for entry in unlisted:
        entry = entry if isinstance(entry, dict) else {"unit": entry}
        suggestion = entry.get("suggestion")
        rows.append(f"<tr><td>{esc(entry.get('unit'))}</td>"
                    f"<td>{esc(suggestion) if suggestion else ''}</td></tr>")
    return (f'<h3>{esc(t("report_unlisted_title", lang))}</h3>'
            f'<table class="grid-table narrow"><thead><tr><th>{esc(t("report_col_unit", lang))}'
            f'</th><th>{esc(t("report_suggestion", lang))}</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


# ------------------------------------------------------------------------------ submissions


def _badge(sub: SubmissionResult, lang: str) -> str:
    label = t("verdict_pass" if sub.passed else "verdict_fail", lang)
    return f'<span class="badge {sub.verdict}">{esc(label)}</span>'


def _submission(sub: SubmissionResult, index: int, lang: str) -> str:
    unknown = t("unknown", lang)
    counts = sub.counts
    facts = " · ".join([
        f'{esc(t("unit", lang))}: <b>{esc(sub.unit or unknown)}</b>',
        f'{esc(t("activity", lang))}: <b>{esc(sub.activity or unknown)}</b>',
        esc(t("files_line", lang, photos=sub.kind_count("photo"),
              videos=sub.kind_count("video"), size=human_size(sub.total_bytes))),
        esc(t("report_counts", lang, errors=counts["error"], warnings=counts["warning"],
              infos=counts["info"])),
    ])
    folder = [f for f in sub.findings if f.path is None]
    head = (f'<section class="submission {sub.verdict}" id="s{index}">'
            f'<h2>{_badge(sub, lang)} <span class="sub-path">{esc(sub.path)}</span>'
            f'<a class="top" href="#top">{esc(t("report_back_to_top", lang))}</a></h2>'
            f'<p class="meta">{facts}</p>')
    folder_html = ""
    if folder:
        folder_html = (f'<div class="folder"><h3>{esc(t("report_folder_findings", lang))}</h3>'
                       f"{_findings_list(folder, lang)}</div>")
    elif not sub.findings:
        folder_html = f'<p class="ok">✓ {esc(t("no_findings", lang))}</p>'
    cards = "".join(_card(row, found, lang) for row, found in _file_groups(sub))
    grid = f'<div class="files">{cards}</div>' if cards else ""
    return f"{head}{folder_html}{grid}</section>\n"


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


def _card(row: dict[str, Any], findings: list[Finding], lang: str) -> str:
    worst = max((f.severity for f in findings), key=lambda s: s.rank, default=None)
    cls = f"card sev-{worst.value}" if worst else "card clean"
    name = str(row.get("path", ""))
    body = _findings_list(findings, lang) if findings else '<p class="ok small">✓</p>'
    return (f'<article class="{cls}">{_preview(row, lang)}<div class="card-body">'
            f'<div class="name">{esc(name)}</div><div class="facts">{esc(_file_facts(row, lang))}'
            f"</div>{body}</div></article>")


def _preview(row: dict[str, Any], lang: str) -> str:
    uri = row.get("thumbnail")
    overlay = ""
    if row.get("kind") == "video":
        duration = row.get("duration")
        overlay = f'<span class="play">▶ {esc(_clock(duration)) if duration else ""}</span>'
    if isinstance(uri, str) and DATA_URI.match(uri):
        alt = esc(row.get("path", ""))
        return f'<div class="thumb"><img src="{esc(uri)}" alt="{alt}">{overlay}</div>'
    name = str(row.get("path", "")).rsplit("/", 1)[-1].lstrip(".")
    ext = name.rsplit(".", 1)[-1].upper() if "." in name else ""
    size = "" if row.get("kind") in ("photo", "video") else " short"
    return (f'<div class="thumb none{size}"><span class="ext">{esc(ext[:5])}</span>'
            f'<span class="small">{esc(t("report_no_preview", lang))}</span>{overlay}</div>')


def _file_facts(row: dict[str, Any], lang: str) -> str:
    kind = row.get("kind")
    label = t({"photo": "report_photo", "video": "report_video"}.get(str(kind),
                                                                      "report_other_file"), lang)
    parts = [label]
    width, height = _display_size(row)
    if width and height:
        parts.append(f"{width}×{height}")
    if kind == "video" and row.get("duration"):
        parts.append(_clock(row["duration"]))
    if row.get("size") is not None:
        parts.append(human_size(int(row["size"])))
    return " · ".join(parts)


def _display_size(row: dict[str, Any]) -> tuple[Any, Any]:
    """The size a viewer shows: photos turned by EXIF Orientation, videos by their rotation."""
    if row.get("kind") == "video":
        return row.get("display_width"), row.get("display_height")
    if row.get("orientation") in ROTATED_ORIENTATIONS:
        return row.get("height"), row.get("width")
    return row.get("width"), row.get("height")


def _clock(seconds: Any) -> str:
    try:
        total = round(float(seconds))
    except (TypeError, ValueError):
        return ""
    return f"{total // 60}:{total % 60:02d}"


def _findings_list(findings: list[Finding], lang: str) -> str:
    items = []
    for f in findings:
        sev = f.severity
        hint = (f'<div class="hint"><b>{esc(t("hint", lang))}:</b> {esc(f.hint)}</div>'
                if f.hint else "")
        items.append(
            f'<li class="sev-{sev.value}"><span class="sev">{SEVERITY_ICON[sev]} '
            f'{esc(t("severity_" + sev.value, lang))}</span> <code>{esc(f.check)}</code> '
            f'<span class="msg">{esc(f.message)}</span>{hint}</li>')
    return f'<ul class="findings">{"".join(items)}</ul>'


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
.meta b { color: #1d2127; font-weight: 600; }
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
section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px;
  margin: 0 0 18px; }
section.problems { border-color: var(--err); background: var(--err-bg); color: var(--err); }
section.problems.warning { border-color: var(--warn); background: var(--warn-bg); color: inherit; }
.grid-table { border-collapse: collapse; width: 100%; font-size: 13px; }
.grid-table.narrow { width: auto; min-width: 320px; }
.grid-table th, .grid-table td { border-bottom: 1px solid var(--line); padding: 6px 10px;
  text-align: left; vertical-align: top; }
.grid-table thead th { background: #eef0f3; font-weight: 600; white-space: nowrap; }
.grid-table tfoot td { font-weight: 600; border-top: 2px solid #b9bfc8; border-bottom: 0; }
.grid-table tbody tr:nth-child(even) { background: #fafbfc; }
.grid-table td.num, .grid-table th.c-no, .grid-table th.c-photos, .grid-table th.c-videos,
.grid-table th.c-size, .grid-table th.c-errors, .grid-table th.c-warnings {
  text-align: right; white-space: nowrap; }
td.zero { color: #a0a6ae; }
td.c-unit { min-width: 160px; }
.scroll { overflow-x: auto; }
td.sev-error { color: var(--err); font-weight: 700; }
td.sev-warning { color: var(--warn); font-weight: 700; }
.grid-table a { text-decoration: none; font-weight: 600; }
.grid-table a:hover { text-decoration: underline; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 999px; font-weight: 700;
  font-size: 12px; letter-spacing: .02em; color: #fff; white-space: nowrap; vertical-align: 2px; }
.badge.pass { background: var(--ok); }
.badge.fail { background: var(--err); }
section.submission { border-left: 6px solid var(--err); }
section.submission.pass { border-left-color: var(--ok); }
section.submission h2 { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.sub-path { overflow-wrap: anywhere; }
a.top { margin-left: auto; font-size: 12px; font-weight: 400; color: var(--dim);
  text-decoration: none; }
.folder { margin: 4px 0 12px; }
.folder h3 { margin-top: 0; }
.files { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 12px;
  align-items: start; }
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
.facts { color: var(--dim); font-size: 12px; margin-bottom: 4px; }
.card-body .ok { margin: 2px 0 0; font-weight: 700; }
ul.findings { list-style: none; margin: 0; padding: 0; }
ul.findings li { margin: 6px 0 0; padding: 6px 8px; border-radius: 6px; font-size: 13px;
  border-left: 4px solid; }
ul.findings li.sev-error { background: var(--err-bg); border-color: var(--err); }
ul.findings li.sev-warning { background: var(--warn-bg); border-color: #e0a84a; }
ul.findings li.sev-info { background: var(--info-bg); border-color: var(--info); }
.sev { font-weight: 700; text-transform: uppercase; font-size: 11px; letter-spacing: .03em; }
li.sev-error .sev { color: var(--err); }
li.sev-warning .sev { color: var(--warn); }
li.sev-info .sev { color: var(--info); }
code { font-family: Consolas, "DejaVu Sans Mono", monospace; font-size: 11px; color: var(--dim); }
.hint { color: #3b4149; margin-top: 3px; font-size: 12px; }
@media (max-width: 800px) {
  body { padding: 12px; }
  section { padding: 12px; }
  .grid-table th, .grid-table td { padding: 5px 6px; }
}
@media print {
  body { background: #fff; padding: 0; font-size: 11px; }
  section { border-radius: 0; padding: 10px 0; border: 0; border-top: 1px solid var(--line); }
  section.submission { border-left: 0; break-before: auto; }
  section.submission h2, .folder { break-after: avoid; page-break-after: avoid; }
  a.top { display: none; }
  .files { grid-template-columns: repeat(4, 1fr); gap: 8px; }
  .thumb { height: 120px; }
  .grid-table tr { break-inside: avoid; }
  .grid-table th, .grid-table td { padding: 4px 6px; }
}
@page { margin: 12mm; }
"""
