"""JUnit XML for CI dashboards (Jenkins, GitLab, GitHub test reporters).

One testsuite per submission and one testcase per enabled check, so a dashboard shows which
check failed for which school. A check fails a submission exactly as the verdict says: an error
finding always, a warning only in --strict; info findings (the 5WH reminders, praise) go to the
testcase's system-out. Paths that could not be read form one extra suite, each a failure.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from typing import TextIO

from mediacheck.i18n import t
from mediacheck.policy import finding_fails
from mediacheck.report import Finding, Report, SubmissionResult
from mediacheck.reporters import ReportWriter, hint_label, write_report
from mediacheck.reporters.common import CheckInfo, check_catalog, finding_location

NEEDS_FACTS = False  # each file's metadata (sizes, EXIF, codecs...)
NEEDS_THUMBNAILS = False  # a preview of every photo and video

# Characters XML 1.0 cannot carry at all, even escaped (a file name may hold them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(text: str | None) -> str:
    return _NOT_XML.sub("\ufffd", text or "")


SPOOL_BYTES = 4_000_000


class Writer(ReportWriter):
    """The root element carries the totals, so each submission's suite is written to a spool
    (memory, then a temporary file) as soon as it is checked, and counted; at the end the root
    is written with the totals, then the suites."""

    def begin(self, report: Report) -> None:
        self.checks = check_catalog(report, self.lang)
        self.suites = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed in end()
            SPOOL_BYTES, mode="w+", encoding="utf-8")
        self.tests = self.failures = 0

    def _add(self, suite: ET.Element) -> None:
        self.tests += int(suite.get("tests", "0"))
        self.failures += int(suite.get("failures", "0"))
        ET.indent(suite, level=1)
        self.suites.write("  " + ET.tostring(suite, encoding="unicode") + "\n")

    def submission(self, sub: SubmissionResult) -> None:
        self._add(_suite(sub, self.checks, self.lang))

    def end(self, report: Report) -> None:
        if report.problems:
            self._add(_problems_suite(report.problems))
        root = ET.Element("testsuites", name="mediacheck", tests=str(self.tests),
                          failures=str(self.failures), errors="0", time="0")
        opening = ET.tostring(root, encoding="unicode").replace(" />", ">")
        self.stream.write('<?xml version="1.0" encoding="UTF-8"?>\n' + opening + "\n")
        self.suites.seek(0)
        shutil.copyfileobj(self.suites, self.stream)
        self.suites.close()
        self.stream.write("</testsuites>\n")


def render(report: Report, stream: TextIO, *, lang: str, color: bool | None = None,
           quiet: bool = False) -> None:
    write_report(Writer(stream, lang=lang, quiet=quiet), report)


def _suite(sub: SubmissionResult, checks: list[CheckInfo], lang: str) -> ET.Element:
    suite = ET.Element("testsuite", name=_x(sub.path))
    props = ET.SubElement(suite, "properties")
    for name, value in (("unit", sub.unit), ("activity", sub.activity),
                        ("verdict", sub.verdict), ("strict", str(sub.strict).lower())):
        ET.SubElement(props, "property", name=name, value=_x(value))
    failures = 0
    by_check: dict[str, list[Finding]] = {}
    for finding in sub.findings:
        by_check.setdefault(finding.check, []).append(finding)
    for info in checks:
        if info.id == "path":
            continue
        case = _case(sub, info, by_check.get(info.id, []), lang)
        failures += case.find("failure") is not None
        suite.append(case)
    suite.set("tests", str(len(suite.findall("testcase"))))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    suite.set("time", "0")
    return suite


def _case(sub: SubmissionResult, info: CheckInfo, findings: list[Finding],
          lang: str) -> ET.Element:
    case = ET.Element("testcase", name=info.id, classname=_x(sub.path), time="0")
    failing = [f for f in findings if _fails(sub, f)]
    if failing:
        failure = ET.SubElement(case, "failure", message=_x(_headline(failing[0])),
                                type=failing[0].severity.value)
        failure.text = _x("\n".join(_describe(sub, f, lang) for f in failing))
    rest = [f for f in findings if f not in failing]
    if rest:
        out = "\n".join(_describe(sub, f, lang) for f in rest)
        ET.SubElement(case, "system-out").text = _x(out)
    return case


def _fails(sub: SubmissionResult, finding: Finding) -> bool:
    """The verdict's own rule (mediacheck.policy): errors fail, warnings under --strict."""
    return finding_fails(finding.severity.value, warnings_fail=sub.strict)


def _headline(finding: Finding) -> str:
    """A file's message is written to be read under the file's name: a dashboard shows the
    failure's message alone, so it gets the name back (the testcase names the folder)."""
    return f"{finding.path}: {finding.message}" if finding.path else finding.message


def _describe(sub: SubmissionResult | None, finding: Finding, lang: str) -> str:
    severity = t(f"severity_{finding.severity.value}", lang)
    line = f"[{severity}] {finding_location(sub, finding)}: {finding.message}"
    if finding.hint:
        line += f"\n    {hint_label(finding.severity, lang)}: {finding.hint}"
    return line


def _problems_suite(problems: list[Finding]) -> ET.Element:
    """Paths that could not be checked: an error is a failure (exit code 2), a warning (a
    skipped loop) is only reported, as the exit code treats it."""
    suite = ET.Element("testsuite", name="mediacheck", tests=str(len(problems)), errors="0",
                       skipped="0", time="0")
    failures = 0
    for problem in problems:
        case = ET.SubElement(suite, "testcase", name=_x(problem.path or problem.check),
                             classname="path", time="0")
        if finding_fails(problem.severity.value, warnings_fail=False):
            failures += 1
            failure = ET.SubElement(case, "failure", message=_x(problem.message),
                                    type=problem.severity.value)
            failure.text = _x(problem.message)
        else:
            ET.SubElement(case, "system-out").text = _x(problem.message)
    suite.set("failures", str(failures))
    return suite
