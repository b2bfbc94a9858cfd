"""Real camera, phone and editor files from ../shared/corpus, judged against their labels.

The corpus sits beside the repository (CI clones it as `shared/` next to the checkout); the
tests skip when it is absent. Labels and columns are in its INVENTORY.tsv (see SOURCES.md).
"""

from __future__ import annotations

import csv
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import pytest

from mediacheck.engine import RunOptions, run
from mediacheck.profile import load_profile

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
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
