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
from mediacheck.reporters import hint_label
from mediacheck.reporters.common import check_catalog, finding_location

NEEDS_FACTS = False  # each file's metadata (sizes, EXIF, codecs...)
NEEDS_THUMBNAILS = False  # a preview of every photo and video

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render(report: Report, stream: TextIO, *, lang: str, color: bool | None = None,
           quiet: bool = False) -> None:
    json.dump(build(report, lang), stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def build(report: Report, lang: str) -> dict[str, Any]:
    """The SARIF log as a dict (tests validate it against the schema)."""
    rules = [_rule(c.id, c.description) for c in check_catalog(report, lang)]
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = [_result(None, p, index, lang) for p in report.problems]
    for sub in report.submissions:
        results += [_result(sub, f, index, lang) for f in sub.findings]
    driver = {"name": "mediacheck", "version": report.tool_version,
              "semanticVersion": report.tool_version, "rules": rules}
    run = {"tool": {"driver": driver}, "results": results,
           "properties": {"profile": report.profile}, "language": lang,
           "columnKind": "unicodeCodePoints"}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


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
