"""SARIF reporter: valid against a SARIF 2.1.0 schema subset, one rule per check, results that
point at their files by relative, percent-encoded URIs."""

from __future__ import annotations

import io
import json
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest
from reporter_sample import FAILING, FORMULA_PHOTO, PASSING, TRICKY_PHOTO, build_report, chdir

from mediacheck.engine import RunOptions, run
from mediacheck.profile import load_profile
from mediacheck.report import Report
from mediacheck.reporters import REPORTERS, get_reporter
from mediacheck.reporters.sarif import artifact_uri, render

SCHEMA = json.loads((Path(__file__).parent / "schema" / "sarif-2.1.0-subset.json").read_text())
ROOT = "Nhan tu truong"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    with chdir(tmp_path_factory.mktemp("sarif")):
        return build_report(Path(ROOT), "en")


def rendered(report: Report, lang: str = "en") -> dict:
    out = io.StringIO()
    render(report, out, lang=lang, color=None, quiet=False)
    return json.loads(out.getvalue())


def validate(log: dict) -> None:
    jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)


def test_registered_as_a_format() -> None:
    assert "sarif" in REPORTERS
    assert get_reporter("sarif").render is render


def test_valid_sarif(report: Report) -> None:
    validate(rendered(report))
    validate(rendered(report, "vi"))


def test_schema_subset_catches_mistakes(report: Report) -> None:
    log = rendered(report)
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        validate(log)
    del log["runs"][0]["tool"]["driver"]["name"]
    with pytest.raises(jsonschema.ValidationError):
        validate(log)


def test_rules_are_the_enabled_checks(report: Report) -> None:
    driver = rendered(report)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "mediacheck"
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == [c.id for c in load_profile().enabled_checks()]
    by_id = {rule["id"]: rule for rule in driver["rules"]}
    assert by_id["photo-count"]["name"] == "PhotoCount"
    assert by_id["folder-name"]["shortDescription"]["text"] == "Folder named Unit_Activity"


def test_one_result_per_finding(report: Report) -> None:
    run_log = rendered(report)["runs"][0]
    results = run_log["results"]
    findings = [f for s in report.submissions for f in s.findings]
    assert len(results) == len(findings)
    rules = run_log["tool"]["driver"]["rules"]
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for result, finding in zip(results, findings, strict=True):
        assert result["ruleId"] == finding.check
        assert rules[result["ruleIndex"]]["id"] == finding.check
        assert result["level"] == levels[finding.severity.value]
        assert result["message"]["text"].startswith(finding.message)
    assert {r["level"] for r in results} == {"error", "warning", "note"}


def test_locations_are_relative_encoded_uris(report: Report) -> None:
    results = rendered(report)["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    for uri in uris:
        assert " " not in uri and not uri.startswith(("/", "file:")), uri
    decoded = {unquote(u) for u in uris}
    assert f"{ROOT}/{FAILING}/{TRICKY_PHOTO}" in decoded
    assert f"{ROOT}/{FAILING}/{FORMULA_PHOTO}" in decoded
    assert f"{ROOT}/{FAILING}" in decoded  # folder-level: photo-count
    assert f"{ROOT}/{PASSING}/DJI_0001.JPG" in decoded
    assert "Nhan%20tu%20truong/Tr%C6%B0%E1%BB%9Dng%20TH%20N%C3%A0%20H%E1%BB%B3_Trung%20thu" in uris


def test_absolute_paths_become_file_uris() -> None:
    assert artifact_uri("/srv/Nhan tu truong/a.jpg") == "file:///srv/Nhan%20tu%20truong/a.jpg"
    assert artifact_uri("C:\\Drive\\a b.jpg") == "file:///C:/Drive/a%20b.jpg"
    assert artifact_uri("x/#1?.jpg") == "x/%231%3F.jpg"


def test_unreadable_path_is_a_result(tmp_path: Path) -> None:
    with chdir(tmp_path):
        report = run([Path("khong co")], load_profile(), RunOptions(lang="en"))
    log = rendered(report)
    validate(log)
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "path" and result["level"] == "error"
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert rules[result["ruleIndex"]]["id"] == "path"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "khong%20co"
