"""`photo-original`: camera EXIF, no editor, no chat/social copy or screenshot, no edit traces."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import GOOD_SIZE, check_folder, event_facts, good_photos, of, photo_facts, run_check

from mediacheck.checks import photo_original
from mediacheck.report import Severity
from mediacheck.samples.factory import make_photo


def problems(profile, **facts) -> list:
    path = facts.pop("path", "IMG_20230905_073000.jpg")
    return run_check(photo_original, event_facts([photo_facts(path, **facts)]), profile)


def keys(profile, **facts) -> set[str]:
    return {p.key for p in problems(profile, **facts)}


def test_camera_original_passes(profile) -> None:
    assert keys(profile) == set()
    assert keys(profile, make=None) == set()  # Model alone names the camera
    assert keys(profile, model=None) == set()


@pytest.mark.parametrize("software", [
    "I9505XXUGNG8", "14.4.2", "Ver.1.0", "Nikon Transfer", "Nikon Transfer 2 v2.13.3",
    "HDR+ 1.0.199571065z", "MediaTek Camera Application", "Firmware Version 1.10",
    "V1.0", "A720FXXU7CUA1", "Digital Camera FinePix F40fd Ver1.01", "COOLPIX P6000V1.0",
])
def test_firmware_and_transfer_tools_are_not_editors(software: str, profile) -> None:
    assert keys(profile, software=software) == set()


@pytest.mark.parametrize("software", [
    "Adobe Photoshop CC 2019 (Windows)", "Adobe Photoshop Lightroom Classic 12.0",
    "Adobe Lightroom", "GIMP 2.10.34", "Snapseed 2.0", "PicsArt", "Canva", "Meitu",
    "ACD Systems Digital Imaging", "ACDSee Pro 8", "Adobe Bridge CS6 (Windows)",
    "Microsoft Windows Photo Editor 10.0", "Paint.NET v3.5.11",
])
def test_editors_in_software(software: str, profile) -> None:
    (problem,) = problems(profile, software=software)
    assert problem.key == "editor"
    assert problem.params["signal"] == f"Software={software}"


def test_editor_in_xmp_creator_tool(profile) -> None:
    (problem,) = problems(profile, xmp_creator_tool="Adobe Photoshop Lightroom 6.0")
    assert problem.key == "editor" and "XMP CreatorTool" in problem.params["signal"]


@pytest.mark.parametrize("name, app", [
    ("IMG-20230905-WA0003.jpg", "WhatsApp"),
    ("FB_IMG_1693874400000.jpg", "Facebook"),
    ("received_1234567890123456.jpeg", "Messenger"),
    ("z4660123456789_0123456789abcdef0123456789abcdef.jpg", "Zalo"),
    ("photo_2023-09-05_07-30-00.jpg", "Telegram"),
    ("viber_image_2023-09-05_07-30-00-123.jpg", "Viber"),
])
def test_chat_copies_by_name(name: str, app: str, profile) -> None:
    (problem,) = problems(profile, path=name)
    assert problem.key == "chat-copy"
    assert problem.params["app"] == app and problem.params["signal"] == name


@pytest.mark.parametrize("name", [
    "IMG_20230905_073000.jpg", "DSC_0001.JPG", "IMG_1234.HEIC", "PXL_20230905_003000123.jpg",
    "received.jpg", "photo.jpg", "20230905_073000.jpg",
])
def test_camera_names_are_not_chat_copies(name: str, profile) -> None:
    assert keys(profile, path=name) == set()


@pytest.mark.parametrize("name", [
    "Screenshot_20230905-073000.png", "Screenshot 2023-09-05 at 07.30.00.png",
    "Screen Shot 2023-09-05 at 07.30.00.png", "Screenshot (12).png",
])
def test_screenshots_by_name(name: str, profile) -> None:
    assert "screenshot" in keys(profile, path=name)


def test_screenshot_by_user_comment(profile) -> None:
    (problem,) = problems(profile, user_comment="Screenshot")
    assert problem.key == "screenshot" and "UserComment" in problem.params["signal"]


@pytest.mark.parametrize("facts, key", [
    ({"has_exif": False, "make": None, "model": None, "datetime_original": None}, "no-exif"),
    ({"make": None, "model": None}, "no-camera"),
    ({"datetime_original": None}, "no-datetime"),
    ({"fbmd": True}, "fbmd"),
    ({"app13_resources": [1028, 1061, 1036]}, "photoshop-block"),
    ({"xmp_tags": ["xmp:CreatorTool", "xmpMM:History"]}, "xmp-history"),
    ({"exif_width": 6000, "exif_height": 4000}, "size-mismatch"),
])
def test_metadata_signals(facts: dict, key: str, profile) -> None:
    found = problems(profile, **facts)
    assert [p.key for p in found] == [key]
    assert found[0].params["signal"]


def test_camera_iptc_and_rotated_exif_size_are_fine(profile) -> None:
    assert keys(profile, app13_resources=[1028, 1061]) == set()
    assert keys(profile, exif_width=3000, exif_height=4000) == set()
    assert keys(profile, exif_width=4001, exif_height=2999) == set()  # within the tolerance


# --------------------------------------------------------------------------- real files


@pytest.mark.parametrize("name, options, key", [
    ("edited.jpg", {"software": "Adobe Photoshop CC 2019 (Windows)"}, "editor"),
    ("IMG-20230905-WA0003.jpg", {"exif": False}, "chat-copy"),
    ("FB_IMG_1693874400000.jpg", {"exif": False, "fbmd": True}, "fbmd"),
    ("ps.jpg", {"photoshop_app13": True}, "photoshop-block"),
    ("history.jpg", {"xmp_history": True}, "xmp-history"),
    ("resized.jpg", {"exif_size": (6000, 4000)}, "size-mismatch"),
    ("noexif.jpg", {"exif": False}, "no-exif"),
    ("nocamera.jpg", {"make": None, "model": None}, "no-camera"),
    ("nodate.jpg", {"datetime_original": None}, "no-datetime"),
    ("comment.jpg", {"user_comment": "Screenshot"}, "screenshot"),
    ("nocamera.heic", {"fmt": "HEIC", "exif": False}, "no-exif"),
])
def test_real_files(name: str, options: dict, key: str, event_dir: Path) -> None:
    good_photos(event_dir)
    make_photo(event_dir / name, **{"size": GOOD_SIZE, "seed": 50, **options})
    found = of(check_folder(event_dir), "photo-original")
    assert {f.path for f in found} == {name}
    assert key in {f.key for f in found}
    for finding in found:
        assert finding.severity is Severity.ERROR
        assert finding.details["signal"] and finding.hint


def test_real_originals_pass(event_dir: Path) -> None:
    good_photos(event_dir)
    make_photo(event_dir / "portrait.jpg", size=(1200, 1800), orientation=6, seed=60)
    make_photo(event_dir / "phone.heic", fmt="HEIC", size=GOOD_SIZE, make="Apple",
               model="iPhone 12", software="16.6", seed=61)
    make_photo(event_dir / "firmware.jpg", size=GOOD_SIZE, make="samsung", model="GT-I9505",
               software="I9505XXUGNG8", seed=62)
    make_photo(event_dir / "nikon.jpg", size=GOOD_SIZE, make="NIKON", model="COOLPIX P6000",
               software="Nikon Transfer 2 v2.13.3", seed=63)
    assert of(check_folder(event_dir), "photo-original") == []
