"""`probe.photo`: a photo's facts from its headers and metadata (EXIF, XMP, APP13), and the
ways a photo is unreadable (not a picture, cut short), on files written by the factory."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediacheck.probe.photo import PhotoUnreadable, probe_photo
from mediacheck.probe.sniff import sniff
from mediacheck.samples.factory import make_photo, truncate


def facts_of(path: Path):
    data = path.read_bytes()
    with open(path, "rb") as fh:
        return probe_photo(fh, len(data), sniff(data[:512]))


def test_camera_original(tmp_path: Path) -> None:
    facts = facts_of(make_photo(tmp_path / "IMG_1.jpg", size=(2400, 1800),
                                gps=(21.3856, 103.017)))
    assert (facts.format, facts.width, facts.height) == ("JPEG", 2400, 1800)
    assert facts.has_exif and (facts.make, facts.model) == ("Canon", "Canon EOS 80D")
    assert facts.datetime_original == "2023-09-05T07:30:00"
    assert (facts.exif_width, facts.exif_height) == (2400, 1800)
    assert facts.gps == pytest.approx([21.3856, 103.017], abs=1e-4)
    assert not facts.fbmd and facts.app13_resources == [] and facts.xmp_tags == []


def test_edit_and_copy_signals(tmp_path: Path) -> None:
    edited = facts_of(make_photo(tmp_path / "e.jpg", size=(640, 480), photoshop_app13=True,
                                 xmp_history=True, software="Adobe Photoshop CC 2019",
                                 exif_size=(6000, 4000), orientation=6))
    assert edited.software == "Adobe Photoshop CC 2019"
    assert 0x03ED in edited.app13_resources
    assert "xmpMM:History" in edited.xmp_tags
    assert (edited.exif_width, edited.exif_height) == (6000, 4000)
    assert edited.orientation == 6
    facebook = facts_of(make_photo(tmp_path / "f.jpg", size=(640, 480), exif=False, fbmd=True))
    assert facebook.fbmd and not facebook.has_exif and facebook.make is None


@pytest.mark.parametrize("fmt", ["HEIF", "PNG", "WEBP"])
def test_other_formats(tmp_path: Path, fmt: str) -> None:
    facts = facts_of(make_photo(tmp_path / f"x.{fmt.lower()}", fmt=fmt, size=(320, 240)))
    assert (facts.width, facts.height) == (320, 240)
    assert facts.format == fmt


def test_cut_short_and_not_a_picture(tmp_path: Path) -> None:
    cut = truncate(make_photo(tmp_path / "cut.jpg", size=(800, 600)), 0.5)
    with pytest.raises(PhotoUnreadable) as info:
        facts_of(cut)
    assert info.value.reason == "truncated"
    fake = tmp_path / "fake.jpg"
    fake.write_bytes(b"\xff\xd8\xff\xe0" + b"garbage" * 50)
    with pytest.raises(PhotoUnreadable) as info:
        facts_of(fake)
    assert info.value.reason in ("corrupt", "truncated")
