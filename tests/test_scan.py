"""Discovery: event folders, parent folders at any depth and ZIPs, mixed; loops and unreadable
folders reported without stopping the walk; a stable order."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from conftest import of, run_paths

from mediacheck.profile import load_profile
from mediacheck.samples.factory import make_photo
from mediacheck.scan import find_submissions

SMALL = (64, 48)


def photo(folder: Path, name: str = "IMG_1.jpg", seed: int = 1) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return make_photo(folder / name, size=SMALL, seed=seed)


def zipped(path: Path, members: dict[str, Path]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, source in members.items():
            archive.write(source, name)
    return path


def test_mixed_tree_of_folders_and_zips(tmp_path: Path) -> None:
    root = tmp_path / "Nhan tu truong"
    photo(root / "THCS A_Khaigiang")
    photo(root / "Dot 2" / "Xa B" / "TH B_Khaigiang")
    photo(root / "Dot 2" / "TH C_Khaigiang", "IMG_2.jpg", seed=2)
    (root / "Dot 2" / "ghi chu.txt").write_text("not a submission")
    (root / "Trong").mkdir()
    source = photo(tmp_path / "src", seed=3)
    zipped(root / "Dot 2" / "MN D_Khaigiang.zip", {"IMG_3.jpg": source})
    zipped(root / "zz.zip", {"TH E_Khaigiang/IMG_3.jpg": source})
    lone = photo(tmp_path / "THCS F_Khaigiang", seed=4).parent
    report = run_paths([root, lone])
    assert not report.problems
    assert [s.path for s in report.submissions] == [
        f"{root}/Dot 2/MN D_Khaigiang.zip",
        f"{root}/Dot 2/TH C_Khaigiang",
        f"{root}/Dot 2/Xa B/TH B_Khaigiang",
        f"{root}/THCS A_Khaigiang",
        f"{root}/zz.zip/TH E_Khaigiang",
        str(lone),
    ]
    assert [s.unit for s in report.submissions] == ["MN D", "TH C", "TH B", "THCS A", "TH E",
                                                    "THCS F"]


def test_order_does_not_depend_on_creation_order(tmp_path: Path) -> None:
    for name in ("b_x", "A_x", "c_x", "a_y"):
        photo(tmp_path / "r" / name)
    first = [s.path for s in find_submissions([tmp_path / "r"], load_profile())[0]]
    assert first == sorted(first)
    assert first == [s.path for s in find_submissions([tmp_path / "r"], load_profile())[0]]


def test_a_folder_given_twice_is_checked_once(tmp_path: Path) -> None:
    folder = photo(tmp_path / "THCS A_Khaigiang").parent
    os.symlink(folder, tmp_path / "link")
    subs, problems = find_submissions([folder, tmp_path], load_profile())
    assert [s.path for s in subs] == [str(folder)] and not problems


def test_link_back_to_a_parent_is_reported_and_the_walk_goes_on(tmp_path: Path) -> None:
    root = tmp_path / "root"
    photo(root / "Dot 1" / "THCS A_Khaigiang")
    os.symlink("..", root / "Dot 1" / "len tren")
    os.symlink("self-loop", root / "self-loop")
    report = run_paths([root])
    assert [s.unit for s in report.submissions] == ["THCS A"]
    loops = sorted(p.path for p in report.problems)
    assert loops == [f"{root}/Dot 1/len tren", f"{root}/self-loop"]
    assert all(p.key == "symlink-loop" and p.severity.value == "warning"
               for p in report.problems)
    assert report.passed is report.submissions[0].passed


def test_unreadable_folder_in_the_walk_is_a_failing_submission(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    photo(root / "THCS A_Khaigiang")
    locked = root / "TH B_Khaigiang"
    photo(locked)
    real_scandir = os.scandir

    def scandir(path: os.PathLike | str = ".") -> object:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = run_paths([root])
    by_unit = {s.unit: s for s in report.submissions}
    assert set(by_unit) == {"THCS A", "TH B"}
    (finding,) = of(by_unit["TH B"], "folder-contents")
    assert finding.key == "unreadable-folder" and finding.details["detail"] == "Permission denied"
    assert "Permission denied" not in finding.message  # the system's English stays in details
    assert by_unit["TH B"].verdict == "fail"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_unreadable_parent_folder_with_real_permissions(tmp_path: Path) -> None:
    root = tmp_path / "root"
    photo(root / "THCS A_Khaigiang")
    closed = root / "Dot 2"
    photo(closed / "TH B_Khaigiang")
    closed.chmod(0)
    try:
        report = run_paths([root])
        assert {s.path for s in report.submissions} == {f"{root}/THCS A_Khaigiang",
                                                        f"{root}/Dot 2"}
    finally:
        closed.chmod(0o755)


def test_paths_that_are_neither_folders_nor_zips(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text("x")
    report = run_paths([tmp_path / "note.txt", tmp_path / "missing"])
    assert [p.key for p in report.problems] == ["not-a-folder", "not-found"]


def test_zip_reader_and_scanner_do_not_import_each_other() -> None:
    """ziparchive describes what it finds with mediacheck.submission, not with scan (which uses
    ziparchive): no import cycle, whichever is imported first."""
    import subprocess
    import sys

    code = ("import sys, mediacheck.ziparchive; "
            "assert 'mediacheck.scan' not in sys.modules, 'ziparchive imports scan'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_folder_of_empty_folders_is_nothing_to_check(tmp_path: Path) -> None:
    """Not a pass and not a fake submission named after the parent: a run problem, exit 2."""
    parent = tmp_path / "Nhan tu truong"
    (parent / "THCS A_Khaigiang").mkdir(parents=True)
    (parent / "TH B_Khaigiang").mkdir()
    submissions, problems = find_submissions([parent], load_profile())
    assert submissions == []
    assert [(p.path, p.reason) for p in problems] == [(str(parent), "nothing-found")]
    # One empty event folder is still that school's submission, failing `folder-contents`.
    submissions, problems = find_submissions([parent / "TH B_Khaigiang"], load_profile())
    assert [s.name for s in submissions] == ["TH B_Khaigiang"] and problems == []
