"""`duplicate`: the same file content twice in one event; sizes first, hashes only on a tie."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import check_folder, good_photos, of

from mediacheck.engine import add_content_hashes
from mediacheck.probe import probe
from mediacheck.report import Severity
from mediacheck.samples.factory import make_video
from mediacheck.scan import find_submissions


def test_distinct_files_pass(event_dir: Path) -> None:
    good_photos(event_dir, 4)
    assert of(check_folder(event_dir), "duplicate") == []


def test_copy_is_named_and_original_kept(event_dir: Path) -> None:
    first, *_ = good_photos(event_dir)
    shutil.copyfile(first, event_dir / (first.stem + " - Copy.jpg"))
    shutil.copyfile(first, event_dir / (first.stem + " (1).jpg"))
    found = of(check_folder(event_dir), "duplicate")
    assert {f.path for f in found} == {first.stem + " - Copy.jpg", first.stem + " (1).jpg"}
    assert all(f.details["original"] == first.name for f in found)
    assert all(f.severity is Severity.WARNING for f in found)


def test_duplicate_videos(event_dir: Path) -> None:
    good_photos(event_dir)
    clip = make_video(event_dir / "VID_1.mp4", width=1280, height=720, seconds=1, fps=1)
    shutil.copyfile(clip, event_dir / "VID_1_copy.mp4")
    (finding,) = of(check_folder(event_dir), "duplicate")
    assert finding.path == "VID_1_copy.mp4"


def test_same_size_different_content_is_not_a_duplicate(event_dir: Path) -> None:
    first, *_ = good_photos(event_dir)
    data = bytearray(first.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit inside the picture data
    (event_dir / "other.jpg").write_bytes(bytes(data))
    assert of(check_folder(event_dir), "duplicate") == []


def test_only_equal_sizes_are_hashed(event_dir: Path, profile) -> None:
    first, second, _third = good_photos(event_dir)
    shutil.copyfile(first, event_dir / "copy.jpg")
    (event,), _ = find_submissions([event_dir], profile)
    facts = [probe(m) for m in event.files]
    add_content_hashes(event.files, facts)
    hashed = {f.path for f in facts if f.sha256}
    assert hashed == {first.name, "copy.jpg"}
    assert second.stat().st_size != first.stat().st_size
