"""GitHub Actions annotations: one workflow command per finding, parsed back line by line."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from reporter_sample import FAILING, PASSING, TRICKY_PHOTO, build_report, chdir

from mediacheck.report import Finding, Report, Severity, SubmissionResult
from mediacheck.reporters import REPORTERS, get_reporter
from mediacheck.reporters.github import escape_data, escape_property, render

LINE = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")
ROOT = "Nhan tu truong"


def unescape(text: str) -> str:
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def parse(text: str) -> list[tuple[str, dict[str, str], str]]:
    """Each line as GitHub reads it: command, properties (split on ',' then '='), message."""
    out = []
    for line in text.splitlines():
        match = LINE.match(line)
        assert match, line
        props = dict(p.split("=", 1) for p in match.group(2).split(","))
        out.append((match.group(1), {k: unescape(v) for k, v in props.items()},
                    unescape(match.group(3))))
    return out


def rendered(report: Report, quiet: bool = False) -> str:
    out = io.StringIO()
    render(report, out, lang="en", color=None, quiet=quiet)
    return out.getvalue()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    with chdir(tmp_path_factory.mktemp("github")):
        return build_report(Path(ROOT), "en")


def test_registered_as_a_format() -> None:
    assert "github" in REPORTERS
    assert get_reporter("github").render is render


def test_one_annotation_per_finding(report: Report) -> None:
    lines = parse(rendered(report))
    findings = [(s, f) for s in report.submissions for f in s.findings]
    assert len(lines) == len(findings)
    commands = {"error": "error", "warning": "warning", "info": "notice"}
    for (command, props, message), (sub, finding) in zip(lines, findings, strict=True):
        assert command == commands[finding.severity.value]
        expected = f"{sub.path}/{finding.path}" if finding.path else sub.path
        assert props["file"] == expected
        assert props["title"].startswith(f"mediacheck {finding.check}")
        assert message.startswith(finding.message)
        label = "Note" if finding.severity.value == "info" else "How to fix"
        assert message.endswith(f"{label}: {finding.hint}")
    files = {props["file"] for _, props, _ in lines}
    assert f"{ROOT}/{FAILING}/{TRICKY_PHOTO}" in files
    assert f"{ROOT}/{FAILING}" in files
    assert {c for c, _, _ in lines} == {"error", "warning", "notice"}


def test_quiet_drops_notices(report: Report) -> None:
    lines = parse(rendered(report, quiet=True))
    assert lines and all(c != "notice" for c, _, _ in lines)
    assert any(p["file"].startswith(f"{ROOT}/{PASSING}") for _, p, _ in lines)


def test_separators_in_names_and_messages_are_escaped() -> None:
    finding = Finding("duplicate", "k", Severity.WARNING, "a,b:c%.jpg", "100% same,\r\nreally",
                      "delete one", {})
    sub = SubmissionResult(path="x/THCS A, B_C", unit="THCS A, B", activity="C", files=[],
                           findings=[finding])
    text = rendered(Report(profile="p", tool_version="0", lang="en", submissions=[sub]))
    assert text.count("\n") == 1
    ((command, props, message),) = parse(text)
    assert command == "warning"
    assert props == {"file": "x/THCS A, B_C/a,b:c%.jpg",
                     "title": "mediacheck duplicate (THCS A, B)"}
    assert message == "100% same,\r\nreally\nHow to fix: delete one"


def test_escape_rules() -> None:
    assert escape_data("50%\r\n:,") == "50%25%0D%0A:,"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
