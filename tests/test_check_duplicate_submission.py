"""`duplicate-submission`: the same unit and activity twice in one run is flagged on each copy,
whether the second is a Drive "(1)" copy, a differently spelled name or a folder inside a ZIP."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from click.testing import CliRunner
from conftest import event_facts, good_photos, of, photo_facts, run_check, run_paths

from mediacheck.checks import duplicate_submission
from mediacheck.cli import cli


def test_no_twins_no_finding(profile) -> None:
    assert run_check(duplicate_submission, event_facts([photo_facts()]), profile) == []


def test_twins_are_named(profile) -> None:
    event = event_facts([photo_facts()], twins=["Tai ve/x.zip/THCS Pu Nhi_Khaigiang"])
    [problem] = run_check(duplicate_submission, event, profile)
    assert problem.params == {"count": 2, "others": "“Tai ve/x.zip/THCS Pu Nhi_Khaigiang”"}


def test_drive_copy_and_respelled_name_are_the_same_submission(tmp_path: Path) -> None:
    root = tmp_path / "Nhan tu truong"
    good_photos(root / "THCS Pu Nhi_Khaigiang")
    good_photos(root / "THCS Pu Nhi_Khaigiang (1)", seed=10)
    good_photos(root / "Trường THCS Pú Nhi_Khai giang", seed=20)
    good_photos(root / "THCS Pu Nhi_Trung thu", seed=30)
    report = run_paths([root])
    flagged = {s.path.rsplit("/", 1)[-1]: of(s, "duplicate-submission") for s in report.submissions}
    assert [name for name, found in flagged.items() if found] == [
        "THCS Pu Nhi_Khaigiang", "THCS Pu Nhi_Khaigiang (1)", "Trường THCS Pú Nhi_Khai giang"]
    finding = flagged["THCS Pu Nhi_Khaigiang"][0]
    assert finding.severity.value == "warning" and finding.path is None
    assert "3 times" in finding.message and "Khaigiang (1)" in finding.message
    assert all(s.passed for s in report.submissions)  # a warning: both copies may be fine


def test_a_folder_sent_again_in_a_zip_is_flagged_in_every_format(tmp_path: Path) -> None:
    folder = tmp_path / "THCS Pu Nhi_Khaigiang"
    photos = good_photos(folder)
    archive = tmp_path / "drive-download-20231005T0930Z-001.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for photo in photos:
            zf.write(photo, f"THCS Pu Nhi_Khaigiang/{photo.name}")
    runner = CliRunner()
    for fmt, marker in (("json", '"duplicate-submission"'), ("csv", "duplicate-submission"),
                        ("text", "duplicate-submission"), ("junit", "duplicate-submission"),
                        ("sarif", '"duplicate-submission"'), ("github", "duplicate-submission"),
                        ("html", "duplicate-submission")):
        result = runner.invoke(cli, [str(folder), str(archive), "--no-cache", "--format", fmt,
                                     "--lang", "en", "--now", "2023-09-06T12:00:00"])
        assert result.exit_code == 0, (fmt, result.output)
        assert result.stdout.count(marker) >= 2 if fmt != "junit" else marker in result.stdout
    data = json.loads(runner.invoke(cli, [str(folder), str(archive), "--no-cache", "--format",
                                          "json", "--now", "2023-09-06T12:00:00"]).stdout)
    assert [len([f for f in s["findings"] if f["check"] == "duplicate-submission"])
            for s in data["submissions"]] == [1, 1]
