"""Real camera, phone and editor files from ../shared/corpus, judged against their labels.

The corpus sits beside the repository (CI clones it as `shared/` next to the checkout), or
wherever MEDIACHECK_CORPUS points (a fresh clone elsewhere); the tests skip when it is absent.
Labels and columns are in its INVENTORY.tsv (see SOURCES.md).
"""

from __future__ import annotations

import csv
import os
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import pytest

from mediacheck.engine import RunOptions, run
from mediacheck.profile import load_profile

CORPUS = Path(os.environ.get("MEDIACHECK_CORPUS")
              or Path(__file__).resolve().parents[2] / "shared" / "corpus")
INVENTORY = CORPUS / "INVENTORY.tsv"
pytestmark = pytest.mark.skipif(not INVENTORY.is_file(), reason=f"no corpus at {CORPUS}")

ORIGINAL = {"camera_original", "heic_camera_original"}
NOT_ORIGINAL = {"edited_resaved", "resized_copy", "no_camera_exif", "heic_no_camera_exif"}


def inventory() -> list[dict[str, str]]:
    if not INVENTORY.is_file():
        return []
    with INVENTORY.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@lru_cache(maxsize=1)
def checked() -> tuple[dict[str, dict], dict[str, list]]:
    """Facts and findings per corpus file, one engine run per folder of the corpus."""
    profile = load_profile()
    files: dict[str, dict] = {}
    findings: dict[str, list] = {}
    for folder in sorted({(CORPUS / row["file"]).parent for row in inventory()}):
        report = run([folder], profile, RunOptions(lang="en", now=datetime(2024, 1, 1)))
        for sub in report.submissions:
            base = folder.relative_to(CORPUS).as_posix()
            for row in sub.files:
                files[f"{base}/{row['path']}"] = row
            for finding in sub.findings:
                if finding.path:
                    findings.setdefault(f"{base}/{finding.path}", []).append(finding)
    return files, findings


def rows(categories: set[str] | None = None, prefix: str = "") -> list[dict[str, str]]:
    return [r for r in inventory() if (categories is None or r["category"] in categories
                                       or r["category"].startswith(prefix or "\0"))]


def originality_errors(name: str) -> list[str]:
    return [f"{f.key}: {f.details.get('signal')}" for f in checked()[1].get(name, [])
            if f.check == "photo-original" and f.severity.value == "error"]


def ids(items: list[dict[str, str]]) -> list[str]:
    return [r["file"] for r in items]


@pytest.mark.parametrize("row", rows(ORIGINAL), ids=ids(rows(ORIGINAL)))
def test_camera_originals_are_not_called_copies(row: dict[str, str]) -> None:
    assert originality_errors(row["file"]) == []
    assert "unreadable" not in checked()[0][row["file"]]


NOT_ORIGINALS = rows(NOT_ORIGINAL, prefix="png_")


@pytest.mark.parametrize("row", NOT_ORIGINALS, ids=ids(NOT_ORIGINALS))
def test_edited_and_copied_photos_are_caught(row: dict[str, str]) -> None:
    assert originality_errors(row["file"]), row["what_it_is"]


def test_the_labels_are_there() -> None:
    labels = {r["category"] for r in inventory()}
    assert ORIGINAL | NOT_ORIGINAL | {"video"} <= labels
    assert len(rows(ORIGINAL)) >= 20 and len(NOT_ORIGINALS) >= 20


VIDEOS = rows({"video"})


def rotation_clockwise(text: str) -> int:
    """The inventory writes ffprobe's counter-clockwise sign (-90); we report clockwise."""
    return -int(float(text or 0)) % 360


@pytest.mark.parametrize("row", VIDEOS, ids=ids(VIDEOS))
def test_video_facts_match_the_inventory(row: dict[str, str]) -> None:
    facts = checked()[0][row["file"]]
    assert facts["kind"] == "video" and "unreadable" not in facts
    brand = re.search(r"\(brand (\w+)\)", row["media_type"])
    if brand:
        assert facts["container"] == "iso-bmff"
        assert facts["major_brand"].strip() == brand.group(1)
    width, height = (int(v) for v in row["dimensions"].split("x"))
    assert (facts["width"], facts["height"]) == (width, height)
    assert facts["rotation"] == rotation_clockwise(row["rotation"])
    assert facts["video_codec"] == row["video_codec"]
    if row["audio_codec"]:
        # FFmpeg's decoder and codec names differ by an underscore (amrnb / amr_nb).
        assert facts["audio_codec"].replace("_", "") == row["audio_codec"].replace("_", "")
    if row["duration_s"]:
        assert abs(facts["duration"] - float(row["duration_s"])) < 0.2


def test_portrait_clips_are_judged_on_their_displayed_size() -> None:
    files, findings = checked()
    rotated = [r for r in VIDEOS if rotation_clockwise(r["rotation"]) in (90, 270)]
    assert rotated, "the inventory lists portrait (rotated) clips"
    for row in rotated:
        facts = files[row["file"]]
        assert (facts["display_width"], facts["display_height"]) == (facts["height"],
                                                                    facts["width"])
        found = [f for f in findings[row["file"]] if f.check == "video-resolution"]
        assert bool(found) == (facts["height"] < 720), row["file"]  # short side once shown
        for finding in found:
            assert finding.details["size"] == f"{facts['height']}x{facts['width']}"


def test_containers_are_judged_by_content() -> None:
    findings = checked()[1]

    def container_keys(name: str) -> list[str]:
        return [f.key for f in findings.get(name, []) if f.check == "video-container"]

    for row in VIDEOS:
        brand = re.search(r"\(brand (\w+)\)", row["media_type"])
        if brand and brand.group(1) in ("mp41", "mp42", "isom"):
            assert container_keys(row["file"]) == [], row["file"]
        elif brand and brand.group(1) == "qt":
            assert container_keys(row["file"]) == ["quicktime"], row["file"]
        elif row["file"].endswith(".3gp"):
            assert container_keys(row["file"]) == ["3gp"]
        elif not brand:  # AVI, MTS
            assert container_keys(row["file"]) == ["not-mp4"], row["file"]


# --------------------------------------------------------------------------- issue 11: signals
# Each test edits a copy of a real corpus file in tmp_path (never the corpus itself) the way a
# program would, and checks the copy alone.

NIKON = "exif-samples/jpg/gps/DSCN0010.jpg"  # camera original, Nikon Transfer, 640x480
NOW = datetime(2024, 1, 1)


def copy_of(name: str, tmp_path: Path, data: bytes | None = None, as_name: str = "") -> Path:
    folder = tmp_path / "THCS Pu Nhi_Khaigiang"
    folder.mkdir(exist_ok=True)
    target = folder / (as_name or Path(name).name)
    target.write_bytes(data if data is not None else (CORPUS / name).read_bytes())
    return target


def findings_of(path: Path, lang: str = "en", profile: str = "phuluc2") -> list:
    report = run([path.parent], load_profile(profile), RunOptions(lang=lang, now=NOW))
    (sub,) = report.submissions
    return [f for f in sub.findings if f.path == path.name]


def facts_of(path: Path) -> dict:
    (sub,) = run([path.parent], load_profile(), RunOptions(lang="en", now=NOW)).submissions
    return next(row for row in sub.files if row["path"] == path.name)


def resaved(name: str, tmp_path: Path, edit, **save: object) -> Path:
    """Open a corpus photo with Pillow, change its EXIF with `edit(exif)`, save it again."""
    from PIL import Image

    with Image.open(CORPUS / name) as image:
        exif = image.getexif()
        exif.get_ifd(0x8769)
        exif.get_ifd(0x8825)
        edit(exif)
        picture = save.pop("picture", None)
        target = tmp_path / "THCS Pu Nhi_Khaigiang" / Path(name).name
        target.parent.mkdir(exist_ok=True)
        (picture(image) if picture else image).save(target, "JPEG", exif=exif, quality=90,
                                                   **save)
    return target


def signal_keys(findings: list) -> set[tuple[str, str]]:
    return {(s["check"], s["key"]) for f in findings for s in f.details.get("signals", [])}


@pytest.mark.parametrize("software, key, signal", [
    ("Microsoft Windows Photo Gallery 6.0.6001.18000", "viewer-resave", "viewer-software"),
    ("Microsoft Windows Photos", "viewer-resave", "viewer-software"),
    ("Noise Ninja 2.3.0", "editor", "editor-software"),
    ("DxO PhotoLab 6.2.0", "editor", "editor-software"),
])
def test_a_resave_names_the_program(software: str, key: str, signal: str,
                                    tmp_path: Path) -> None:
    copy = resaved(NIKON, tmp_path, lambda exif: exif.__setitem__(0x0131, software))
    (finding,) = findings_of(copy)
    assert (finding.check, finding.key, finding.severity.value) == (
        "photo-original", key, "error")
    assert finding.details["key"] == key and software in finding.message
    assert [s["key"] for s in finding.details["signals"] if s["check"] == "photo-original"] == [
        signal]  # (and photo-resolution's: 640x480 is small)
    assert "DSCN0010" not in finding.message


def test_exif_size_of_zero_is_caught(tmp_path: Path) -> None:
    """GIMP wrote 0x0 into a real Nikon D300 file; a copy reset the same way is caught too."""
    assert ("photo-original", "exif-size-zero") in signal_keys(
        checked()[1]["exif-samples/jpg/tests/32-lens_data.jpeg"])

    def zero(exif) -> None:
        exif.get_ifd(0x8769).update({0xA002: 0, 0xA003: 0})

    copy = resaved(NIKON, tmp_path, zero)
    (finding,) = findings_of(copy)
    assert (finding.key, finding.details["signal_key"]) == ("size-zeroed", "exif-size-zero")


def test_the_size_in_xmp_is_read(tmp_path: Path) -> None:
    """Real editor files keep the camera's size in XMP; a resized copy whose EXIF was updated
    but whose XMP still says 640x480 is a resized copy."""
    assert ("photo-original", "xmp-size-mismatch") in signal_keys(
        checked()[1]["exif-samples/jpg/Nikon_D70.jpg"])
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
           b'02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/"'
           b' exif:PixelXDimension="640" exif:PixelYDimension="480"/></rdf:RDF></x:xmpmeta>')

    def half(exif) -> None:
        exif.get_ifd(0x8769).update({0xA002: 320, 0xA003: 240})

    copy = resaved(NIKON, tmp_path, half, xmp=xmp, picture=lambda im: im.resize((320, 240)))
    (finding,) = findings_of(copy)
    assert (finding.key, finding.details["signal_key"]) == ("size-mismatch", "xmp-size-mismatch")
    assert "320×240" in finding.message and "640×480" in finding.message


def test_a_lossless_turn_that_trims_a_block_is_not_a_crop(tmp_path: Path) -> None:
    """HTC Desire, 776x909 in 16 px blocks: turned 90° with the partial blocks dropped it is
    896x768, while its EXIF (copied unchanged, as jpegtran does) still says 776x909."""
    from PIL import Image

    def turned(trim: int):
        return lambda im: im.transpose(Image.Transpose.ROTATE_270).crop((0, 0, 896 - trim,
                                                                          768))

    copy = resaved("metadata-extractor-images/jpg/HTC Desire.jpg", tmp_path, lambda e: None,
                   picture=turned(0))
    assert facts_of(copy)["exif_width"] == 776
    assert [f for f in findings_of(copy) if f.check == "photo-original"] == []
    cropped = resaved("metadata-extractor-images/jpg/HTC Desire.jpg", tmp_path, lambda e: None,
                      picture=turned(40))
    assert [f.key for f in findings_of(cropped) if f.check == "photo-original"] == [
        "size-mismatch"]


def test_a_capture_time_of_zeroes_fails_both_checks(tmp_path: Path) -> None:
    data = (CORPUS / NIKON).read_bytes().replace(b"2008:10:22 16:28:39", b"0000:00:00 00:00:00")
    copy = copy_of(NIKON, tmp_path, data)
    (finding,) = findings_of(copy)
    assert (finding.check, finding.key, finding.severity.value) == (
        "photo-original", "no-datetime", "error")
    assert {("photo-original", "zero-datetime"), ("capture-time", "zero-time")} <= signal_keys(
        [finding])  # (and photo-resolution: a 640x480 photo is small too)


def test_modify_date_years_after_capture_is_info(tmp_path: Path) -> None:
    htc = "metadata-extractor-images/jpg/HTC One.jpg"  # taken 2013:05:29 09:33:20
    later = resaved(htc, tmp_path, lambda exif: exif.__setitem__(0x0132, "2021:01:01 10:00:00"))
    (finding,) = findings_of(later)
    assert (finding.key, finding.severity.value) == ("modified-later", "info")
    assert "over 7 years" in finding.message
    (vi,) = findings_of(later, "vi")
    assert "hơn 7 năm" in vi.message
    earlier = resaved(htc, tmp_path, lambda exif: exif.__setitem__(0x0132,
                                                                  "2012:01:01 00:00:00"))
    (finding,) = findings_of(earlier)
    assert (finding.check, finding.key, finding.severity.value) == (
        "capture-time", "after-modify", "info")


def test_capture_time_from_the_makers_block(tmp_path: Path) -> None:
    """The FLIR thermal camera leaves EXIF DateTimeOriginal empty and keeps the time in its
    FFF record; a Sony's maker note holds it in ShotInfo. Read, it is a camera original."""
    flir = checked()[0]["metadata-extractor-images/jpg/FLIR Vue Pro 640.jpg"]
    assert (flir["datetime_original"], flir["datetime_source"]) == ("2016-06-27T15:29:42",
                                                                    "flir")
    sony = "metadata-extractor-images/jpg/Sony DSC-HX5V (2).jpg"
    copy = resaved(sony, tmp_path, lambda exif: exif.get_ifd(0x8769).pop(0x9003))
    facts = facts_of(copy)
    assert (facts["datetime_original"], facts["datetime_source"]) == ("2010-05-15T17:12:05",
                                                                      "makernote")
    assert ("photo-original", "no-datetime") not in signal_keys(findings_of(copy))


def test_one_finding_per_corpus_photo() -> None:
    """One cause, one message: no corpus photo gets two findings of the originality family."""
    family = {"photo-original", "photo-resolution", "photo-format"}
    for name, found in checked()[1].items():
        mine = [f for f in found if f.check in family and f.severity.value != "info"]
        assert len(mine) <= 1, (name, [(f.check, f.key) for f in mine])
