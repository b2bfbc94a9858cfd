"""JUnit reporter: valid against the JUnit XSD, one testsuite per submission, one testcase per
enabled check, failures exactly where the verdict fails."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema
from reporter_sample import FAILING, PASSING, build_report

from mediacheck.profile import load_profile
from mediacheck.report import Finding, Report, Severity, SubmissionResult
from mediacheck.reporters import REPORTERS, get_reporter
from mediacheck.reporters.junit import render

SCHEMA = Path(__file__).parent / "schema" / "junit-10.xsd"


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(SCHEMA)


@pytest.fixture(scope="module")
def sample_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("junit") / "Nhan tu truong"


@pytest.fixture(scope="module")
def report(sample_root: Path) -> Report:
    return build_report(sample_root, "en")


def rendered(report: Report, lang: str = "en") -> str:
    out = io.StringIO()
    render(report, out, lang=lang, color=None, quiet=False)
    return out.getvalue()


def suites_of(text: str) -> dict[str, ET.Element]:
    root = ET.fromstring(text)
    assert root.tag == "testsuites"
    return {s.get("name", "").rsplit("/", 1)[-1]: s for s in root.findall("testsuite")}


def cases_of(suite: ET.Element) -> dict[str, ET.Element]:
    return {c.get("name", ""): c for c in suite.findall("testcase")}


def test_registered_as_a_format() -> None:
    assert "junit" in REPORTERS
    assert get_reporter("junit").render is render


def test_valid_against_the_junit_schema(report: Report, schema: xmlschema.XMLSchema) -> None:
    schema.validate(rendered(report))
    schema.validate(rendered(report, "vi"))


def test_schema_rejects_a_broken_document(schema: xmlschema.XMLSchema) -> None:
    assert not schema.is_valid('<testsuites><testsuite name="x"/></testsuites>')


def test_one_suite_per_submission_one_case_per_check(report: Report) -> None:
    suites = suites_of(rendered(report))
    assert set(suites) == {PASSING, FAILING}
    enabled = [c.id for c in load_profile().enabled_checks()]
    for suite in suites.values():
        assert list(cases_of(suite)) == enabled
        assert suite.get("tests") == str(len(enabled))


def test_failures_follow_the_verdict(report: Report) -> None:
    root = ET.fromstring(rendered(report))
    suites = suites_of(rendered(report))
    bad = cases_of(suites[FAILING])
    failed = sorted(name for name, case in bad.items() if case.find("failure") is not None)
    # the screenshot's size (photo-resolution) is folded into its photo-original finding
    assert failed == ["photo-count", "photo-original"]
    assert suites[FAILING].get("failures") == "2"
    original = bad["photo-original"].find("failure")
    assert original is not None and original.get("type") == "error"
    assert (original.text or "").count("[error]") == 2  # both photos, one failure element
    assert "How to fix" in (original.text or "")
    # a warning does not fail outside --strict: it is reported as output
    assert bad["photo-format"].find("failure") is None
    assert "[warning]" in (bad["photo-format"].findtext("system-out") or "")
    good = cases_of(suites[PASSING])
    assert suites[PASSING].get("failures") == "0"
    assert "[info]" in (good["drone"].findtext("system-out") or "")
    assert good["photo-count"].find("failure") is None and len(good["photo-count"]) == 0
    assert root.get("failures") == "2"
    assert root.get("tests") == str(2 * len(load_profile().enabled_checks()))


def test_strict_turns_warnings_into_failures(sample_root: Path,
                                             schema: xmlschema.XMLSchema) -> None:
    text = rendered(build_report(sample_root, "en", strict=True))
    schema.validate(text)
    suites = suites_of(text)
    good = cases_of(suites[PASSING])
    failure = good["video-duration"].find("failure")
    assert failure is not None and failure.get("type") == "warning"
    assert suites[PASSING].get("failures") == "1"
    assert good["drone"].find("failure") is None  # info never fails
    assert cases_of(suites[FAILING])["photo-format"].find("failure") is not None


def test_unreadable_paths_and_odd_characters(schema: xmlschema.XMLSchema) -> None:
    problem = Finding("path", "not-found", Severity.ERROR, "nowhere/\x01x",
                      "Not found: nowhere/\x01x", "", {})
    sub = SubmissionResult(path="a/THCS <X>_Y & \"Z\"", unit="THCS <X>", activity="Y", files=[],
                           findings=[Finding("folder-name", "k", Severity.ERROR, None,
                                             "bad \x0b name", "rename it", {})])
    report = Report(profile="phuluc2", tool_version="0", lang="en", submissions=[sub],
                    problems=[problem])
    text = rendered(report)
    schema.validate(text)
    root = ET.fromstring(text)
    names = [s.get("name") for s in root.findall("testsuite")]
    assert names == ['a/THCS <X>_Y & "Z"', "mediacheck"]
    assert root.findall("testsuite")[1].get("failures") == "1"
