"""`photo-original`: camera EXIF, no editor or viewer re-save, no chat/social copy or screenshot,
no edit traces; every signal is kept, one finding per photo."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import GOOD_SIZE, check_folder, event_facts, good_photos, of, photo_facts, run_check

from mediacheck.checks import photo_original
from mediacheck.checks.photo_original import classify_software, sizes_agree
from mediacheck.profile import load_profile
from mediacheck.report import Severity
from mediacheck.samples.factory import make_photo


def problems(profile, **facts) -> list:
    path = facts.pop("path", "IMG_20230905_073000.jpg")
    return run_check(photo_original, event_facts([photo_facts(path, **facts)]), profile)


def keys(profile, **facts) -> set[str]:
    return {p.key for p in problems(profile, **facts)}


def signal_of(problem) -> str:
    """The signal's own key (what `details.signals` lists), the message key by default."""
    return problem.signal_key or problem.key


def test_camera_original_passes(profile) -> None:
    assert keys(profile) == set()
    assert keys(profile, make=None) == set()  # Model alone names the camera
    assert keys(profile, model=None) == set()


# --------------------------------------------------------------------------- what Software says


@pytest.mark.parametrize("software", [
    "I9505XXUGNG8", "14.4.2", "Ver.1.0", "Ver.1.00", "1.0", "HDR+ 1.0.199571065z",
    "HDR+ 1.0.199571065zd", "G991BXXU3AUE1", "MediaTek Camera Application",
    "Firmware Version 1.10", "V1.0", "A720FXXU7CUA1", "Digital Camera FinePix F40fd Ver1.01",
    "COOLPIX P6000V1.0", "Version 1.3", "fw 05.15 prm 07.53", "J327T1UVS4ASH2",
    "BlackBerry 10.1.0.4633", "00WW_2_270_SP04", "HD5.02.02.00.00",
])
def test_firmware_strings(software: str, profile) -> None:
    options = profile.checks["photo-original"].options
    assert classify_software(software, options) == "firmware"
    assert keys(profile, software=software) == set()


@pytest.mark.parametrize("software", [
    "Nikon Transfer", "Nikon Transfer 2 v2.13.3", "Nikon Transfer 1.1 W",
    "Canon ZoomBrowser EX", "Apple Image Capture", "Image Capture 8.0", "EOS Utility",
])
def test_transfer_tools_keep_the_original(software: str, profile) -> None:
    options = profile.checks["photo-original"].options
    assert classify_software(software, options) == "transfer"
    assert keys(profile, software=software) == set()


@pytest.mark.parametrize("software", [
    "Adobe Photoshop CC 2019 (Windows)", "Adobe Photoshop Lightroom Classic 12.0",
    "Adobe Lightroom", "GIMP 2.10.34", "Snapseed 2.0", "PicsArt", "Canva", "Meitu",
    "ACD Systems Digital Imaging", "ACDSee Pro 8", "Adobe Bridge CS6 (Windows)",
    "Microsoft Windows Photo Editor 10.0", "Paint.NET v3.5.11",
    # issue 11: noise reduction, RAW converters and desk tools that write Software
    "Noise Ninja", "Neat Image v8", "Adobe Photoshop Camera Raw 9.0", "Capture One 12 Windows",
    "DxO PhotoLab 5", "darktable 3.4.1", "RawTherapee 5.9", "digiKam-7.1.0", "IrfanView",
    "XnView", "XnViewMP", "FastStone Image Viewer", "Picasa", "VSCO", "Topaz DeNoise AI",
])
def test_editors_in_software(software: str, profile) -> None:
    (problem,) = problems(profile, software=software)
    assert problem.key == "editor"
    assert problem.params["signal"] == f"Software={software}"
    assert signal_of(problem) == "editor-software"


@pytest.mark.parametrize("software", [
    "Microsoft Windows Photo Gallery 6.0.6001.18000", "Microsoft Photo Gallery 16.4.3528.331",
    "Windows Live Photo Gallery", "Windows Photo Viewer", "Microsoft Windows Photos",
])
def test_a_viewer_that_saved_again_is_its_own_signal(software: str, profile) -> None:
    (problem,) = problems(profile, software=software)
    assert (problem.key, signal_of(problem)) == ("viewer-resave", "viewer-software")
    assert problem.params["software"] == software


def test_editor_in_xmp_creator_tool(profile) -> None:
    (problem,) = problems(profile, xmp_creator_tool="Adobe Photoshop Lightroom 6.0")
    assert problem.key == "editor" and "XMP CreatorTool" in problem.params["signal"]
    assert signal_of(problem) == "editor-creator-tool"


def test_an_xmp_history_names_the_program_that_saved(profile) -> None:
    history = {"xmp_tags": ["xmpMM:History", "stEvt:action"]}
    (named,) = problems(profile, **history, xmp_history_agent="Adobe Photoshop CS5 Macintosh")
    assert (named.key, signal_of(named)) == ("editor", "xmp-history")
    assert named.params["software"] == "Adobe Photoshop CS5 Macintosh"
    (unnamed,) = problems(profile, **history)
    assert (unnamed.key, signal_of(unnamed)) == ("xmp-history", "xmp-history")


# --------------------------------------------------------------------------- names and marks


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
    ({"exif_width": 0, "exif_height": 0}, "size-zeroed"),
    ({"exif_width": 2000, "exif_height": 6000}, "size-differs"),
])
def test_metadata_signals(facts: dict, key: str, profile) -> None:
    found = problems(profile, **facts)
    assert [p.key for p in found] == [key]
    assert found[0].params["signal"]


def test_messages_say_what_the_marks_mean(profile) -> None:
    """Teachers read what happened; the identifiers stay in details."""
    config = profile.checks["photo-original"]
    block = config.messages["photoshop-block"].text
    assert "Photoshop" in block["vi"] and "8BIM" not in block["vi"] + block["en"]
    assert "stEvt" not in config.messages["xmp-history"].text["vi"]
    (problem,) = problems(profile, app13_resources=[1005])
    assert problem.params["signal"] == "APP13 8BIM 0x03ED"


# --------------------------------------------------------------------------- sizes


def test_camera_iptc_and_rotated_exif_size_are_fine(profile) -> None:
    assert keys(profile, app13_resources=[1028, 1061]) == set()
    assert keys(profile, exif_width=3000, exif_height=4000) == set()
    assert keys(profile, exif_width=4001, exif_height=2999) == set()  # within the tolerance


def test_exif_size_of_zero_is_a_rewritten_field(profile) -> None:
    (problem,) = problems(profile, exif_width=0, exif_height=0)
    assert (problem.key, signal_of(problem)) == ("size-zeroed", "exif-size-zero")
    assert keys(profile, exif_width=None, exif_height=None) == set()  # absent: nothing said


def test_the_size_in_xmp_counts_like_the_one_in_exif(profile) -> None:
    (problem,) = problems(profile, exif_width=None, exif_height=None,
                          xmp_sizes={"exif:PixelXDimension": [4288, 2848]})
    assert (problem.key, signal_of(problem)) == ("size-mismatch", "xmp-size-mismatch")
    assert (problem.params["written_width"], problem.params["written_height"]) == (4288, 2848)
    assert keys(profile, xmp_sizes={"tiff:ImageWidth": [4000, 3000]}) == set()
    # EXIF and XMP saying the same thing is one signal, not two
    assert len(problems(profile, exif_width=6000, exif_height=4000,
                        xmp_sizes={"exif:PixelXDimension": [6000, 4000]})) == 1


@pytest.mark.parametrize("real, said, agree", [
    ((896, 768), (776, 909), True),      # 90° turn, 13 and 8 px of partial blocks trimmed
    ((3024, 4032), (4032, 3024), True),  # 90° turn of whole blocks
    ((4016, 3008), (3024, 4032), True),  # up to 16 px per side
    ((4000, 3008), (3024, 4032), False),  # 32 px less: a crop
    ((896, 768), (909, 776), False),     # not turned: the trim margin does not apply
    ((912, 784), (776, 909), False),     # more pixels than turned: not a trim
])
def test_a_lossless_rotation_may_trim_one_block(real, said, agree: bool, profile) -> None:
    options = profile.checks["photo-original"].options
    assert sizes_agree(real, said, options["size_tolerance_pixels"],
                       options["rotation_trim_pixels"]) is agree


# --------------------------------------------------------------------------- times


def test_a_capture_time_of_zeroes_is_no_capture_time(profile) -> None:
    (problem,) = problems(profile, datetime_original=None,
                          datetime_original_text="0000:00:00 00:00:00")
    assert (problem.key, signal_of(problem)) == ("no-datetime", "zero-datetime")
    (other,) = problems(profile, datetime_original=None, datetime_original_text="    :  :")
    assert signal_of(other) == "bad-datetime"


def test_modified_years_after_capture_is_a_weak_sign(profile) -> None:
    (problem,) = problems(profile, modify_date="2031-01-01T10:00:00")
    assert problem.key == "modified-later"
    assert profile.checks["photo-original"].messages["modified-later"].severity is Severity.INFO
    assert keys(profile, modify_date="2023-10-05T10:00:00") == set()  # a month later: nothing


def test_modified_later_is_written_as_a_span(event_dir: Path) -> None:
    good_photos(event_dir)
    make_photo(event_dir / "late.jpg", size=GOOD_SIZE, seed=70,
               datetime_original="2016:01:04 07:30:00")
    # make_photo writes DateTime (0x0132) = DateTimeOriginal; move the capture back 7 years
    data = (event_dir / "late.jpg").read_bytes()
    (event_dir / "late.jpg").write_bytes(data.replace(b"2016:01:04 07:30:00",
                                                      b"2023:09:05 07:30:00", 1))
    for lang, words in (("vi", "hơn 7 năm"), ("en", "over 7 years")):
        (finding,) = of(check_folder(event_dir, lang=lang), "photo-original")
        assert finding.severity is Severity.INFO and words in finding.message, finding.message


# --------------------------------------------------------------------------- one finding each


def test_signals_of_one_photo_are_one_finding(event_dir: Path) -> None:
    """A Facebook copy: its name, Facebook's mark and the stripped EXIF are one cause."""
    good_photos(event_dir)
    make_photo(event_dir / "FB_IMG_1693874400000.jpg", size=GOOD_SIZE, seed=51, exif=False,
               fbmd=True)
    (finding,) = of(check_folder(event_dir), "photo-original")
    assert (finding.key, finding.severity) == ("chat-copy", Severity.ERROR)
    assert [s["key"] for s in finding.details["signals"]] == ["chat-name", "fbmd", "no-exif"]
    assert all(s["check"] == "photo-original" and s["signal"]
               for s in finding.details["signals"])


def test_a_resized_copy_too_small_is_one_finding(event_dir: Path) -> None:
    good_photos(event_dir)
    make_photo(event_dir / "resized.jpg", size=(1600, 1200), seed=52, exif_size=(6000, 4000))
    result = check_folder(event_dir)
    assert of(result, "photo-resolution") == []
    (finding,) = of(result, "photo-original")
    assert finding.key == "size-mismatch"
    assert finding.message == ("The photo is only 1600×1200, smaller than the size the camera "
                               "wrote (6000×4000): it was cropped or resized.")
    assert [(s["check"], s["key"]) for s in finding.details["signals"]] == [
        ("photo-original", "exif-size-mismatch"), ("photo-resolution", "too-small")]
    (vi,) = of(check_folder(event_dir, lang="vi"), "photo-original")
    assert vi.message == ("Ảnh chỉ còn 1600×1200, nhỏ hơn kích thước máy ảnh đã ghi "
                          "(6000×4000): ảnh đã bị cắt hoặc thu nhỏ.")


def test_the_most_severe_signal_speaks(event_dir: Path) -> None:
    """relaxed: photo-original is a warning, a photo too small is still an error."""
    good_photos(event_dir)
    make_photo(event_dir / "resized.jpg", size=(900, 600), seed=53, exif_size=(6000, 4000))
    (finding,) = [f for f in check_folder(event_dir, load_profile("relaxed")).findings
                  if f.path == "resized.jpg"]
    assert (finding.check, finding.severity) == ("photo-resolution", Severity.ERROR)
    assert {s["check"] for s in finding.details["signals"]} == {"photo-original",
                                                                "photo-resolution"}


def test_without_fold_every_signal_is_its_own_finding(event_dir: Path, tmp_path: Path) -> None:
    rules = tmp_path / "unfolded.toml"
    rules.write_text('extends = "phuluc2"\n[checks.photo-original]\nfold = []\n')
    good_photos(event_dir)
    make_photo(event_dir / "FB_IMG_1693874400000.jpg", size=GOOD_SIZE, seed=51, exif=False,
               fbmd=True)
    found = of(check_folder(event_dir, load_profile(rules)), "photo-original")
    assert sorted(f.key for f in found) == ["chat-copy", "fbmd", "no-exif"]


def test_messages_do_not_repeat_the_file_name(event_dir: Path) -> None:
    good_photos(event_dir)
    make_photo(event_dir / "edited.jpg", size=GOOD_SIZE, seed=54, software="GIMP 2.10.34")
    for lang in ("vi", "en"):
        (finding,) = of(check_folder(event_dir, lang=lang), "photo-original")
        assert finding.path == "edited.jpg" and "edited.jpg" not in finding.message


# --------------------------------------------------------------------------- real files


@pytest.mark.parametrize("name, options, key, signal", [
    ("edited.jpg", {"software": "Adobe Photoshop CC 2019 (Windows)"}, "editor",
     "editor-software"),
    ("gallery.jpg", {"software": "Microsoft Windows Photo Gallery 6.0.6001.18000"},
     "viewer-resave", "viewer-software"),
    ("IMG-20230905-WA0003.jpg", {"exif": False}, "chat-copy", "chat-name"),
    ("FB_IMG_1693874400000.jpg", {"exif": False, "fbmd": True}, "chat-copy", "fbmd"),
    ("ps.jpg", {"photoshop_app13": True}, "photoshop-block", "photoshop-block"),
    ("history.jpg", {"xmp_history": True}, "editor", "xmp-history"),
    ("resized.jpg", {"exif_size": (6000, 4000)}, "size-mismatch", "exif-size-mismatch"),
    ("zeroed.jpg", {"exif_size": (0, 0)}, "size-zeroed", "exif-size-zero"),
    ("noexif.jpg", {"exif": False}, "no-exif", "no-exif"),
    ("nocamera.jpg", {"make": None, "model": None}, "no-camera", "no-camera"),
    ("nodate.jpg", {"datetime_original": None}, "no-datetime", "no-datetime"),
    ("zerodate.jpg", {"datetime_original": "0000:00:00 00:00:00"}, "no-datetime",
     "zero-datetime"),
    ("comment.jpg", {"user_comment": "Screenshot"}, "screenshot", "screenshot-comment"),
    ("nocamera.heic", {"fmt": "HEIC", "exif": False}, "no-exif", "no-exif"),
])
def test_real_files(name: str, options: dict, key: str, signal: str, event_dir: Path) -> None:
    good_photos(event_dir)
    make_photo(event_dir / name, **{"size": GOOD_SIZE, "seed": 50, **options})
    (finding,) = of(check_folder(event_dir), "photo-original")
    assert (finding.path, finding.key, finding.severity) == (name, key, Severity.ERROR)
    assert signal in {s["key"] for s in finding.details["signals"]}
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
