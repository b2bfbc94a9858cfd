"""`photo-format`: JPEG and HEIC accepted (HEIC with a warning); PNG/WebP/GIF are not."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import GOOD_SIZE, check_folder, event_facts, good_photos, of, photo_facts, run_check

from mediacheck.checks import photo_format
from mediacheck.report import Severity
from mediacheck.samples.factory import make_photo


def test_jpeg_is_accepted(event_dir: Path) -> None:
    good_photos(event_dir)
    assert of(check_folder(event_dir), "photo-format") == []


def test_heic_is_a_warning(event_dir: Path) -> None:
    good_photos(event_dir)
    make_photo(event_dir / "IMG_0001.HEIC", fmt="HEIC", size=(640, 480), make="Apple",
               model="iPhone 13")
    (finding,) = of(check_folder(event_dir), "photo-format")
    assert (finding.key, finding.path) == ("heic", "IMG_0001.HEIC")
    assert finding.severity is Severity.WARNING
    assert "fix" in finding.hint
    # an iPhone's .heic is called HEIC, as people know it (Pillow decodes it as HEIF)
    assert (finding.details["format"], finding.details["decoded_as"]) == ("HEIC", "HEIF")
    (vi,) = of(check_folder(event_dir, lang="vi"), "photo-format")
    assert vi.message.startswith("Ảnh định dạng HEIC (iPhone)")


def test_a_heif_file_keeps_its_name(profile) -> None:
    event = event_facts([photo_facts("IMG_1.HEIF", format="HEIF")])
    (problem,) = run_check(photo_format, event, profile)
    assert problem.params["format"] == "HEIF"


@pytest.mark.parametrize("fmt, name", [("PNG", "a.png"), ("WEBP", "b.webp")])
def test_not_camera_formats(fmt: str, name: str, event_dir: Path) -> None:
    """With the camera's EXIF kept, only the format is wrong: a warning of its own."""
    good_photos(event_dir)
    make_photo(event_dir / name, fmt=fmt, size=GOOD_SIZE)
    (finding,) = of(check_folder(event_dir), "photo-format")
    assert (finding.key, finding.path) == ("not-camera-format", name)
    assert finding.details["format"] == fmt
    assert finding.severity is Severity.WARNING
    assert not of(check_folder(event_dir), "photo-original")


def test_format_of_a_copy_is_folded_into_photo_original(event_dir: Path) -> None:
    """A GIF has no EXIF: it is not an original, and its format is one more sign of that."""
    good_photos(event_dir)
    make_photo(event_dir / "c.gif", fmt="GIF", size=(320, 240))
    result = check_folder(event_dir)
    assert of(result, "photo-format") == [] and of(result, "photo-resolution") == []
    (finding,) = [f for f in result.findings if f.path == "c.gif"]
    assert (finding.check, finding.key, finding.severity) == (
        "photo-original", "no-exif", Severity.ERROR)
    signals = {(s["check"], s["key"]) for s in finding.details["signals"]}
    assert signals == {("photo-original", "no-exif"), ("photo-format", "not-camera-format"),
                       ("photo-resolution", "too-small")}


def test_format_is_judged_by_content(event_dir: Path) -> None:
    """A PNG renamed to .jpg is still not a camera photo."""
    good_photos(event_dir)
    make_photo(event_dir / "x.png", fmt="PNG", size=(320, 240)).rename(event_dir / "x.jpg")
    (finding,) = of(check_folder(event_dir), "photo-format")
    assert (finding.key, finding.details["format"]) == ("not-camera-format", "PNG")
