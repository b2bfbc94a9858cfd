"""`video-resolution`: the short side of the DISPLAYED picture is between 720 and 1080."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_folder, good_photos, of

from mediacheck.report import Severity
from mediacheck.samples.factory import make_video


@pytest.mark.parametrize("width, height, rotation, key", [
    (1280, 720, 0, None),
    (1920, 1080, 0, None),
    (1080, 1920, 0, None),  # portrait stored upright
    (1920, 1080, 90, None),  # portrait phone clip: stored landscape, turned for display
    (1920, 1080, 270, None),
    (1920, 1080, 180, None),
    (640, 360, 0, "too-low"),
    (640, 360, 90, "too-low"),
    (1280, 700, 0, "too-low"),
    (2560, 1440, 0, "too-high"),
    (1440, 2560, 90, "too-high"),
])
def test_short_side_of_the_displayed_picture(width: int, height: int, rotation: int,
                                             key: str | None, event_dir: Path) -> None:
    good_photos(event_dir)
    make_video(event_dir / "VID_1.mp4", width=width, height=height, rotation=rotation,
               seconds=1, fps=1)
    result = check_folder(event_dir)
    found = of(result, "video-resolution")
    assert [f.key for f in found] == ([key] if key else [])
    for finding in found:
        assert finding.severity is Severity.ERROR
    (row,) = [f for f in result.files if f["kind"] == "video"]
    assert row["rotation"] == rotation
    shown = (height, width) if rotation in (90, 270) else (width, height)
    assert (row["display_width"], row["display_height"]) == shown


def test_portrait_clip_reports_its_displayed_size(event_dir: Path) -> None:
    good_photos(event_dir)
    make_video(event_dir / "VID_1.mp4", width=640, height=360, rotation=90, seconds=1, fps=1)
    (finding,) = of(check_folder(event_dir), "video-resolution")
    assert finding.details["size"] == "360x640" and finding.details["p"] == "360p"
