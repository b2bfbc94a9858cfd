"""`photo-format`: JPEG and HEIC accepted (HEIC with a warning); PNG/WebP/GIF are not."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_folder, good_photos, of

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


@pytest.mark.parametrize("fmt, name", [("PNG", "a.png"), ("WEBP", "b.webp"), ("GIF", "c.gif")])
def test_not_camera_formats(fmt: str, name: str, event_dir: Path) -> None:
    good_photos(event_dir)
    make_photo(event_dir / name, fmt=fmt, size=(320, 240))
    (finding,) = of(check_folder(event_dir), "photo-format")
    assert (finding.key, finding.path) == ("not-camera-format", name)
    assert finding.details["format"] == fmt
    assert finding.severity is Severity.WARNING


def test_format_is_judged_by_content(event_dir: Path) -> None:
    """A PNG renamed to .jpg is still not a camera photo."""
    good_photos(event_dir)
    make_photo(event_dir / "x.png", fmt="PNG", size=(320, 240)).rename(event_dir / "x.jpg")
    (finding,) = of(check_folder(event_dir), "photo-format")
    assert (finding.key, finding.details["format"]) == ("not-camera-format", "PNG")
