"""CSV reporter: Excel-ready (BOM, localised headers, formula cells neutralised), read back with
the csv module."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from reporter_sample import FAILING, FORMULA_PHOTO, PASSING, build_report, build_submissions

from mediacheck.cli import cli
from mediacheck.report import Report, SubmissionResult
from mediacheck.reporters import REPORTERS, get_reporter
from mediacheck.reporters.csv_report import render, render_summary, safe_cell


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return build_report(tmp_path_factory.mktemp("csv") / "Nhan tu truong")


def rows_of(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff"), "no byte order mark: Excel would garble Vietnamese"
    return list(csv.reader(io.StringIO(text.encode("utf-8").decode("utf-8-sig"))))


def rendered(report: Report, lang: str = "vi", **kwargs: bool) -> str:
    out = io.StringIO()
    render(report, out, lang=lang, color=None, quiet=kwargs.get("quiet", False))
    return out.getvalue()


def test_registered_as_a_format() -> None:
    assert "csv" in REPORTERS
    assert get_reporter("csv").render is render


def test_one_row_per_finding_with_vietnamese_intact(report: Report) -> None:
    rows = rows_of(rendered(report))
    assert rows[0] == ["Bài nộp (thư mục)", "Đơn vị", "Hoạt động", "Kết quả", "Tệp",
                       "Mã kiểm tra", "Mức", "Nội dung", "Cách khắc phục"]
    body = rows[1:]
    assert len(body) == sum(len(s.findings) for s in report.submissions)
    failing = [r for r in body if r[0].endswith(FAILING)]
    assert {r[1] for r in failing} == {"Trường TH Nà Hỳ"}
    assert {r[3] for r in failing} == {"CHƯA ĐẠT"}
    assert {r[3] for r in body if r[0].endswith(PASSING)} == {"ĐẠT"}
    count = next(r for r in failing if r[5] == "photo-count")
    assert count[4] == "" and count[6] == "lỗi" and count[7] and count[8]


def test_formula_cells_are_neutralised(report: Report) -> None:
    rows = rows_of(rendered(report))
    files = {r[4] for r in rows[1:]}
    assert "'" + FORMULA_PHOTO in files
    assert FORMULA_PHOTO not in files
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_safe_cell_prefixes_formula_starts(value: str) -> None:
    assert safe_cell(value) == "'" + value


def test_safe_cell_keeps_plain_text() -> None:
    assert safe_cell("Trường TH Nà Hỳ") == "Trường TH Nà Hỳ"


def test_english_headers_and_quiet_drops_passing(report: Report) -> None:
    rows = rows_of(rendered(report, "en", quiet=True))
    assert rows[0][:4] == ["Submission (folder)", "Unit", "Activity", "Verdict"]
    assert rows[1:] and all(r[0].endswith(FAILING) and r[3] == "FAIL" for r in rows[1:])


def test_submission_without_findings_still_has_a_row() -> None:
    report = Report(profile="phuluc2", tool_version="0", lang="vi", submissions=[
        SubmissionResult(path="a/THCS X_Y", unit="THCS X", activity="Y", files=[], findings=[])])
    rows = rows_of(rendered(report))
    assert rows[1][:4] == ["a/THCS X_Y", "THCS X", "Y", "ĐẠT"]
    assert rows[1][7] == "Không có vấn đề nào."


def test_summary_one_row_per_submission(report: Report) -> None:
    out = io.StringIO()
    render_summary(report, out, "en")
    rows = rows_of(out.getvalue())
    assert rows[0] == ["Submission (folder)", "Unit", "Activity", "Photos", "Videos",
                       "Size (bytes)", "Errors", "Warnings", "Info", "Verdict"]
    by_unit = {r[1]: r for r in rows[1:]}
    assert len(rows) == 1 + len(report.submissions)
    good = by_unit["THCS Pu Nhi"]
    assert good[2] == "Khai giảng"
    assert good[3:5] == ["4", "2"]
    sub = next(s for s in report.submissions if s.path.endswith(PASSING))
    assert int(good[5]) == sub.total_bytes > 0
    assert good[6:] == ["0", "2", "2", "PASS"]  # infos: drone, shot-kinds none-recognised
    assert by_unit["Trường TH Nà Hỳ"][6:] == ["3", "1", "1", "FAIL"]


def test_cli_writes_a_bom_file(tmp_path: Path) -> None:
    root = build_submissions(tmp_path / "in")
    out = tmp_path / "tong-hop.csv"
    result = CliRunner().invoke(cli, [str(root), "--format", "csv", "-o", str(out)])
    assert result.exit_code == 1, result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert any(r[1] == "Trường TH Nà Hỳ" for r in rows)


@pytest.mark.parametrize(("option", "delimiter"), [(";", ";"), ("tab", "\t"), (",", ",")])
def test_separator_for_excel_where_the_list_separator_is_a_semicolon(
        tmp_path: Path, option: str, delimiter: str) -> None:
    root = build_submissions(tmp_path / "in")
    out, summary = tmp_path / "tong-hop.csv", tmp_path / "theo-truong.csv"
    result = CliRunner().invoke(cli, [str(root), "--format", "csv", "-o", str(out),
                                      "--summary-csv", str(summary), "--csv-sep", option,
                                      "--no-cache"])
    assert result.exit_code == 1, result.output
    for path in (out, summary):
        text = path.read_text(encoding="utf-8-sig")
        assert not text.startswith("sep=")
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        assert len({len(row) for row in rows}) == 1 and len(rows[0]) > 5


def test_units_that_have_not_submitted_reach_both_sheets(tmp_path: Path) -> None:
    root = build_submissions(tmp_path / "in")
    units = tmp_path / "don-vi.txt"
    units.write_text("THCS Pu Nhi\nTH Nà Hỳ\nTH Mường Nhé\nTHCS Sín Thầu\n", encoding="utf-8")
    out, summary = tmp_path / "tong-hop.csv", tmp_path / "theo-truong.csv"
    CliRunner().invoke(cli, [str(root), "--format", "csv", "-o", str(out), "--summary-csv",
                             str(summary), "--units", str(units), "--no-cache",
                             "--activity", "Khai giảng"])
    findings = rows_of(out.read_text(encoding="utf-8"))
    missing = [(r[1], r[2]) for r in findings if r[3] == "CHƯA NỘP"]
    assert missing == [("TH Nà Hỳ", "Khai giảng"), ("TH Mường Nhé", "Khai giảng"),
                       ("THCS Sín Thầu", "Khai giảng")]
    per_school = rows_of(summary.read_text(encoding="utf-8"))
    assert [(r[1], r[2], r[3], r[-1]) for r in per_school if r[-1] == "CHƯA NỘP"] == [
        (unit, activity, "", "CHƯA NỘP") for unit, activity in missing]
