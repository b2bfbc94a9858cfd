"""The report the reporter tests render: two real submissions made with the sample factory.

`Khai giảng` passes: three camera originals (one portrait by EXIF Orientation), a drone photo
that draws an info finding, and two short 720p clips (one portrait by rotation) that draw
duration warnings. `Trung thu` fails: too few photos, a Photoshop edit, a PNG screenshot (its
format and size folded into its one `photo-original` finding), a WebP camera photo (a
`photo-format` warning on its own). Names
carry Vietnamese diacritics, HTML metacharacters and a leading `=`, so escaping and
spreadsheet-formula neutralising are exercised on real findings.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from conftest import GOOD_SIZE, NOW

from mediacheck.engine import RunOptions, run
from mediacheck.profile import load_profile
from mediacheck.report import Report
from mediacheck.samples.factory import make_photo, make_video

PASSING = "THCS Pu Nhi_Khai giảng"
FAILING = "Trường TH Nà Hỳ_Trung thu"
TRICKY_PHOTO = "IMG_<i>&\"'.jpg"
FORMULA_PHOTO = "=HYPERLINK(1).png"


def build_submissions(root: Path) -> Path:
    """Write both submissions under `root` and return it."""
    good = root / PASSING
    good.mkdir(parents=True)
    for i in range(3):
        make_photo(good / f"IMG_20230905_07{30 + i}00.jpg", size=GOOD_SIZE, seed=300 + i,
                   datetime_original=f"2023:09:05 07:{30 + i}:00",
                   orientation=6 if i == 2 else None)
    make_photo(good / "DJI_0001.JPG", size=GOOD_SIZE, seed=305, make="DJI", model="FC3582",
               datetime_original="2023:09:05 07:34:00")
    make_video(good / "VID_20230905_073500.mp4", width=1280, height=720, seconds=2, fps=2,
               creation_time="2023-09-05T00:35:00Z", seed=310)
    make_video(good / "VID_20230905_073600.mp4", width=1280, height=720, seconds=2, fps=2,
               rotation=90, creation_time="2023-09-05T00:36:00Z", seed=311)
    bad = root / FAILING
    bad.mkdir()
    make_photo(bad / TRICKY_PHOTO, size=GOOD_SIZE, seed=320,
               software="Adobe Photoshop CC 2019 (Windows)")
    make_photo(bad / FORMULA_PHOTO, fmt="PNG", size=(900, 1600), exif=False, seed=321)
    make_photo(bad / "anh_khai_giang.webp", fmt="WEBP", size=GOOD_SIZE, seed=322,
               datetime_original="2023:09:05 07:40:00")
    return root


def build_report(root: Path, lang: str = "vi", **kwargs: Any) -> Report:
    """Check the submissions under `root` (written first if missing), with thumbnails."""
    if not root.exists():
        build_submissions(root)
    return run([root], load_profile(), RunOptions(lang=lang, now=NOW, thumbnails=True, **kwargs))


@contextmanager
def chdir(path: Path) -> Iterator[None]:
    """Run inside `path`, so submission paths in the report are relative (as in CI)."""
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)
