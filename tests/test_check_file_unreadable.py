"""`file-unreadable`: corrupt, truncated, empty, not what the extension says, unreadable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import check_folder, good_photos, of

from mediacheck.report import Severity
from mediacheck.samples.factory import make_photo, make_video, truncate


def keys_by_path(event_dir: Path) -> dict[str | None, str]:
    return {f.path: f.key for f in of(check_folder(event_dir), "file-unreadable")}


def test_good_files_are_readable(event_dir: Path) -> None:
    good_photos(event_dir)
    make_photo(event_dir / "b.heic", fmt="HEIC", size=(640, 480))
    make_video(event_dir / "VID_1.mp4", width=1280, height=720, seconds=2, fps=1)
    assert keys_by_path(event_dir) == {}


def test_each_kind_of_damage(event_dir: Path) -> None:
    good_photos(event_dir)
    truncate(make_photo(event_dir / "half.jpg", size=(1800, 1200), seed=7))
    (event_dir / "zero.jpg").write_bytes(b"")
    (event_dir / "text.jpg").write_text("this is not a photo\n")
    truncate(make_video(event_dir / "cut.mp4", width=1280, height=720, seconds=2, fps=1))
    (event_dir / "zero.mp4").write_bytes(b"")
    truncate(make_photo(event_dir / "half.png", fmt="PNG", size=(320, 240)))
    (event_dir / "random.mp4").write_bytes(bytes(range(256)) * 8)
    found = keys_by_path(event_dir)
    assert found == {
        "half.jpg": "truncated", "zero.jpg": "empty", "text.jpg": "not-media",
        "cut.mp4": "no-moov", "zero.mp4": "empty", "half.png": "truncated",
        "random.mp4": "not-media",
    }


def test_unreadable_is_an_error_about_the_file(event_dir: Path) -> None:
    good_photos(event_dir)
    (event_dir / "text.jpg").write_text("hello")
    result = check_folder(event_dir)
    (finding,) = of(result, "file-unreadable")
    assert finding.severity is Severity.ERROR and finding.path == "text.jpg"
    # printed under the file's name: the message does not repeat it
    assert "text.jpg" not in finding.message and finding.hint
    assert finding.details["content"] == "text"
    assert result.verdict == "fail"


def test_heic_named_jpg_is_a_milder_mismatch(event_dir: Path) -> None:
    good_photos(event_dir)
    make_photo(event_dir / "IMG_5.jpg", fmt="HEIC", size=(640, 480))
    (finding,) = of(check_folder(event_dir), "file-unreadable")
    assert finding.key == "extension-mismatch" and finding.path == "IMG_5.jpg"
    assert finding.severity is Severity.WARNING


def test_broken_symlink(event_dir: Path) -> None:
    good_photos(event_dir)
    os.symlink("missing.jpg", event_dir / "link.jpg")
    assert keys_by_path(event_dir) == {"link.jpg": "broken-symlink"}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_permission_denied(event_dir: Path) -> None:
    good_photos(event_dir)
    locked = make_photo(event_dir / "locked.jpg", size=(640, 480))
    locked.chmod(0)
    try:
        assert keys_by_path(event_dir) == {"locked.jpg": "permission"}
    finally:
        locked.chmod(0o644)


def test_video_without_a_picture(event_dir: Path) -> None:
    """An audio-only MP4 is not a video the office can use."""
    good_photos(event_dir)
    import subprocess

    from mediacheck.samples.factory import ffmpeg_exe

    out = event_dir / "sound.mp4"
    subprocess.run([ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                    "sine=duration=1", "-c:a", "aac", str(out)], check=True)
    assert keys_by_path(event_dir) == {"sound.mp4": "no-video-stream"}
