"""`folder-contents`: only the event's media, no junk, no nested folders, not empty."""

from __future__ import annotations

from pathlib import Path

from conftest import EVENT, check_folder, good_photos, of, paths_of

from mediacheck.report import Severity
from mediacheck.samples.factory import make_photo


def test_clean_folder_has_no_finding(event_dir: Path) -> None:
    good_photos(event_dir)
    assert of(check_folder(event_dir), "folder-contents") == []


def test_junk_files_are_named(event_dir: Path) -> None:
    good_photos(event_dir)
    junk = ["Thumbs.db", ".DS_Store", "desktop.ini", "~$bao cao.docx", "._IMG_0001.jpg"]
    for name in junk:
        (event_dir / name).write_bytes(b"\0junk")
    found = of(check_folder(event_dir), "folder-contents", "junk-file")
    assert paths_of(found) == set(junk)
    assert all(f.severity is Severity.WARNING for f in found)


def test_junk_alone_does_not_fail_the_submission(event_dir: Path) -> None:
    good_photos(event_dir)
    (event_dir / "Thumbs.db").write_bytes(b"x")
    result = check_folder(event_dir)
    assert result.verdict == "pass"
    assert check_folder(event_dir, strict=True).verdict == "fail"


def test_nested_folder(event_dir: Path) -> None:
    good_photos(event_dir)
    make_photo(event_dir / "anh cu" / "IMG_9.jpg", size=(640, 480))
    found = of(check_folder(event_dir), "folder-contents", "nested-folder")
    assert paths_of(found) == {"anh cu"}
    assert "anh cu" not in found[0].message  # printed under the folder's own name


def test_unsupported_type(event_dir: Path) -> None:
    good_photos(event_dir)
    (event_dir / "bao cao.docx").write_bytes(b"PK\3\4")
    (event_dir / "ghi chu.txt").write_text("note")
    found = of(check_folder(event_dir), "folder-contents", "unsupported-type")
    assert paths_of(found) == {"bao cao.docx", "ghi chu.txt"}


def test_drone_telemetry_sidecar_is_accepted(event_dir: Path) -> None:
    good_photos(event_dir)
    (event_dir / "DJI_0001.SRT").write_text(
        "1\n00:00:00,000 --> 00:00:00,033\nFrameCnt: 1, [latitude: 21.38] [longitude: 103.01]\n")
    assert of(check_folder(event_dir), "folder-contents") == []


def test_folder_without_media_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / EVENT
    folder.mkdir()
    (folder / "ghi chu.txt").write_text("no photos yet")
    result = check_folder(folder)
    found = of(result, "folder-contents", "empty")
    assert len(found) == 1 and found[0].severity is Severity.ERROR and found[0].path is None
    assert result.verdict == "fail"


def test_empty_folder(tmp_path: Path) -> None:
    folder = tmp_path / EVENT
    folder.mkdir()
    assert of(check_folder(folder), "folder-contents", "empty")


def test_symlink_loop_is_reported_in_both_languages(event_dir: Path) -> None:
    import os

    good_photos(event_dir)
    os.symlink(".", event_dir / "self")
    for lang in ("en", "vi"):
        found = of(check_folder(event_dir, lang=lang), "folder-contents", "symlink-loop")
        assert paths_of(found) == {"self"}
        assert found[0].message and "{" not in found[0].message
