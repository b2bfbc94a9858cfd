"""SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning, Azure DevOps, IDE viewers).

One run; the rules are the run's checks; each finding is a result pointing at its file (or the
submission folder for folder-level findings) by a relative, percent-encoded URI. Levels map
error -> error, warning -> warning, info -> note. The hint goes into the message: SARIF `fixes`
need byte-level edits, and ours are instructions to a person.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, TextIO
from urllib.parse import quote

from mediacheck.report import Finding, Report, Severity, SubmissionResult
from mediacheck.reporters import ReportWriter, hint_label, write_report
from mediacheck.reporters.common import check_catalog, finding_location

NEEDS_FACTS = False  # each file's metadata (sizes, EXIF, codecs...)
NEEDS_THUMBNAILS = False  # a preview of every photo and video

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


class Writer(ReportWriter):
    """The log's opening and its rules (the checks that will run are known before the first
    submission), then each result as its submission is checked, then the run's closing keys.
    One result per line inside an indented frame: readable, and written as it comes."""

    def begin(self, report: Report) -> None:
        rules = [_rule(c.id, c.description) for c in check_catalog(report, self.lang)]
        self.index = {rule["id"]: i for i, rule in enumerate(rules)}
        driver = {"name": "mediacheck", "version": report.tool_version,
                  "semanticVersion": report.tool_version, "rules": rules}
        tool = json.dumps({"driver": driver}, ensure_ascii=False, indent=2).replace(
            "\n", "\n      ")
        self.stream.write(f'{{\n  "$schema": "{SCHEMA}",\n  "version": "2.1.0",\n'
                          f'  "runs": [\n    {{\n      "tool": {tool},\n      "results": [')
        self.count = 0
        self._results(None, report.problems)
        self.problems_written = len(report.problems)

    def _results(self, sub: SubmissionResult | None, findings: list[Finding]) -> None:
        for finding in findings:
            text = json.dumps(_result(sub, finding, self.index, self.lang), ensure_ascii=False)
            self.stream.write(("," if self.count else "") + "\n        " + text)
            self.count += 1

    def submission(self, sub: SubmissionResult) -> None:
        self._results(sub, sub.findings)

    def end(self, report: Report) -> None:
        self._results(None, report.problems[self.problems_written:])
        rest = json.dumps({"profile": report.profile}, ensure_ascii=False)
        self.stream.write(("\n      " if self.count else "") + "],\n"
                          f'      "properties": {rest},\n'
                          f'      "language": {json.dumps(self.lang)},\n'
                          '      "columnKind": "unicodeCodePoints"\n    }\n  ]\n}\n')


def render(report: Report, stream: TextIO, *, lang: str, color: bool | None = None,
           quiet: bool = False) -> None:
    write_report(Writer(stream, lang=lang, quiet=quiet), report)


def build(report: Report, lang: str) -> dict[str, Any]:
    """The SARIF log as a dict (tests validate it against the schema)."""
    import io

    out = io.StringIO()
    render(report, out, lang=lang)
    return json.loads(out.getvalue())


def _rule(check_id: str, description: str) -> dict[str, Any]:
    rule: dict[str, Any] = {"id": check_id, "name": _pascal(check_id)}
    if description:
        rule["shortDescription"] = {"text": description}
    return rule


def _result(sub: SubmissionResult | None, finding: Finding, index: dict[str, int],
            lang: str) -> dict[str, Any]:
    text = finding.message
    if finding.hint:
        text += f" {hint_label(finding.severity, lang)}: {finding.hint}"
    result: dict[str, Any] = {
        "ruleId": finding.check,
        "level": LEVELS[finding.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": {"artifactLocation": {
            "uri": artifact_uri(finding_location(sub, finding))}}}],
    }
    if finding.check in index:
        result["ruleIndex"] = index[finding.check]
    if sub is not None:
        result["properties"] = {"submission": sub.path, "unit": sub.unit,
                                "activity": sub.activity, "verdict": sub.verdict}
    return result


def artifact_uri(path: str) -> str:
    """A relative path stays relative (percent-encoded); an absolute one becomes a file: URI."""
    if PureWindowsPath(path).drive or path.startswith("/"):
        pure = PureWindowsPath(path) if PureWindowsPath(path).drive else PurePosixPath(path)
        return pure.as_uri()
    return quote(path, safe="/")


def _pascal(check_id: str) -> str:
    """SARIF suggests rule names in PascalCase: `photo-count` -> `PhotoCount`."""
    return "".join(part[:1].upper() + part[1:] for part in check_id.replace("_", "-").split("-"))
