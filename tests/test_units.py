"""The office's list of units: read from TXT or CSV, compared like people read names, and shown
as the units that have not submitted and the submissions not on the list."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import run_paths

from mediacheck.report import SubmissionResult
from mediacheck.reporters import get_reporter
from mediacheck.samples.factory import make_photo
from mediacheck.units import UnitsError, compare_units, load_units

SMALL = (64, 48)


def sub(unit: str | None, activity: str | None, path: str = "") -> SubmissionResult:
    return SubmissionResult(path=path or f"{unit}_{activity}", unit=unit, activity=activity,
                            files=[], findings=[])


def test_txt_one_unit_a_line(tmp_path: Path) -> None:
    path = tmp_path / "units.txt"
    path.write_text("# Danh sách trường\nTHCS Pú Nhi\n\n  TH Mường Luân  \nthcs pu nhi\n",
                    encoding="utf-8")
    assert load_units(path) == ["THCS Pú Nhi", "TH Mường Luân"]


def test_excel_csv_with_bom_stt_and_named_column(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("STT;Mã;Tên đơn vị;Ghi chú\n1;01;THCS Pú Nhi;\n2;02;TH Mường Luân;x\n",
                    encoding="utf-8-sig")
    assert load_units(path) == ["THCS Pú Nhi", "TH Mường Luân"]


def test_csv_without_a_known_header_uses_the_first_text_column(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("STT,Trường học\n1,THCS Pú Nhi\n2,TH Na Son\n", encoding="utf-8")
    assert load_units(path) == ["THCS Pú Nhi", "TH Na Son"]
    path.write_text("No,Name\n1,THCS A\n2,TH B\n", encoding="utf-8")
    assert load_units(path) == ["THCS A", "TH B"]


def test_cp1258_txt(tmp_path: Path) -> None:
    path = tmp_path / "units.txt"
    # Vietnamese Windows: precomposed base vowels (â) plus combining tone marks.
    path.write_bytes("THCS Thi\u0323 Tr\u00e2\u0301n\n".encode("cp1258"))
    assert load_units(path) == ["THCS Thị Trấn"]


def test_unusable_lists(tmp_path: Path) -> None:
    with pytest.raises(UnitsError):
        load_units(tmp_path / "missing.csv")
    (tmp_path / "empty.txt").write_text("\n# nothing\n")
    with pytest.raises(UnitsError, match="no-units"):
        load_units(tmp_path / "empty.txt")


def test_missing_and_unlisted_for_one_activity() -> None:
    units = ["Trường THCS Pú Nhi", "TH Mường Luân", "THCS Na Son", "MN Hoa Ban"]
    subs = [sub("THCS PU NHI", "Khai giang"),          # case, diacritics, "Trường", spaces
            sub("TH Muong Luan", "Tong ket"),          # other activity: still missing
            sub("THCS Na Sonn", "KhaiGiang"),          # near miss
            sub("THPT Xa Lạ", "Khaigiang"),            # not on the list at all
            sub(None, None, "root/Khai giang 2023")]   # no unit in the name
    result = compare_units(units, subs, "Khaigiang", ["Trường", "Truong"])
    assert result["activity"] == "Khaigiang" and result["units"] == 4
    assert [m["unit"] for m in result["missing"]] == ["TH Mường Luân", "THCS Na Son",
                                                      "MN Hoa Ban"]
    assert result["unlisted"] == [
        {"unit": "THCS Na Sonn", "path": "THCS Na Sonn_KhaiGiang", "suggestion": "THCS Na Son"},
        {"unit": "THPT Xa Lạ", "path": "THPT Xa Lạ_Khaigiang", "suggestion": None},
        {"unit": None, "path": "root/Khai giang 2023", "suggestion": None},
    ]


def test_missing_per_activity_seen() -> None:
    result = compare_units(["THCS A", "TH B"], [sub("THCS A", "Khaigiang"), sub("TH B", "Tết"),
                                                sub("thcs a", "KHAI GIANG")])
    assert result["missing"] == [{"unit": "TH B", "activity": "Khaigiang"},
                                 {"unit": "THCS A", "activity": "Tết"}]
    assert result["unlisted"] == []


def test_missing_units_in_the_report_and_the_terminal(tmp_path: Path) -> None:
    root = tmp_path / "Nhan tu truong"
    for name in ("THCS Pu Nhi_Khaigiang", "TH Muong Luan_Khaigiang", "THCS Na Sonn_Khaigiang"):
        (root / name).mkdir(parents=True)
        make_photo(root / name / "IMG_1.jpg", size=SMALL)
    units = ["THCS Pú Nhi", "TH Mường Luân", "THCS Na Son", "MN Hoa Ban"]
    report = run_paths([root], units=units, activity="Khaigiang")
    assert [m["unit"] for m in report.units["missing"]] == ["THCS Na Son", "MN Hoa Ban"]
    assert json.loads(json.dumps(report.to_dict()))["units"] == report.units
    out = io.StringIO()
    get_reporter("text").render(report, out, lang="vi", color=False, quiet=False)
    text = out.getvalue()
    assert "Hoạt động Khaigiang: 2 đơn vị chưa nộp (danh sách có 4 đơn vị)" in text
    assert "MN Hoa Ban" in text and "Có phải là" in text
    tail = text[text.index("2 đơn vị chưa nộp"):]
    assert "THCS Na Son" in tail and "THCS Na Sonn" in tail
    assert "units" not in run_paths([root]).to_dict()


def test_without_activity_each_activity_has_its_own_count(tmp_path: Path) -> None:
    """7 units, 2 activities: not "16 not submitted (7 on the list)" but one line each."""
    root = tmp_path / "Nhan tu truong"
    for name in ("THCS Pu Nhi_Khaigiang", "TH Muong Luan_Khaigiang", "THCS Pu Nhi_Trung thu"):
        (root / name).mkdir(parents=True)
        make_photo(root / name / "IMG_1.jpg", size=SMALL)
    units = ["THCS Pú Nhi", "TH Mường Luân", "THCS Na Son", "MN Hoa Ban", "TH A", "TH B",
             "TH C"]
    report = run_paths([root], units=units)
    by_activity = {a["activity"]: (a["submitted"], a["missing"]) for a in
                   report.units["activities"]}
    assert by_activity["Khaigiang"] == (2, ["THCS Na Son", "MN Hoa Ban", "TH A", "TH B", "TH C"])
    assert by_activity["Trung thu"][0] == 1 and len(by_activity["Trung thu"][1]) == 6
    expected = {
        "vi": ["Hoạt động Khaigiang: 5 đơn vị chưa nộp (danh sách có 7 đơn vị)",
               "Hoạt động Trung thu: 6 đơn vị chưa nộp (danh sách có 7 đơn vị)"],
        "en": ["Activity Khaigiang: 5 units have not submitted (of 7 on the list)",
               "Activity Trung thu: 6 units have not submitted (of 7 on the list)"]}
    for lang, lines in expected.items():
        out = io.StringIO()
        get_reporter("text").render(report, out, lang=lang, color=False, quiet=False)
        for line in lines:
            assert line in out.getvalue()
    one = run_paths([root], units=units[:2], activity="Trung thu")
    out = io.StringIO()
    get_reporter("text").render(one, out, lang="en", color=False, quiet=False)
    assert "Activity Trung thu: 1 unit has not submitted (of 2 on the list)" in out.getvalue()
