"""Shared helpers: build real media with the factory, run the engine, pick findings out.

Every test builds its files in `tmp_path` with `mediacheck.samples.factory`, so the readers the
tests exercise are the ones real submissions hit. Time checks use the fixed `NOW`.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from mediacheck.checks import EventFacts
from mediacheck.engine import RunOptions, run
from mediacheck.probe.facts import FileFacts, PhotoFacts, VideoFacts
from mediacheck.profile import Profile, load_profile
from mediacheck.report import Finding, Report, SubmissionResult
from mediacheck.samples.factory import make_photo
from mediacheck.scan import MediaFile

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2023, 9, 6, 12, 0, 0)
EVENT = "THCS Pu Nhi_Khaigiang"
# Smallest size that is still above the default 2 MP minimum: quick to encode.
GOOD_SIZE = (1800, 1200)


@pytest.fixture(autouse=True, scope="session")
def _private_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterable[None]:
    """The CLI caches facts in the user cache folder by default: keep the tests' own."""
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture(scope="session")
def profile() -> Profile:
    return load_profile()


@pytest.fixture
def event_dir(tmp_path: Path) -> Path:
    """An empty, well-named event folder."""
    folder = tmp_path / EVENT
    folder.mkdir()
    return folder


def good_photos(folder: Path, count: int = 3, *, seed: int = 100, **kwargs: Any) -> list[Path]:
    """`count` camera originals (distinct pixels, so never duplicates), minutes apart."""
    paths = []
    for i in range(count):
        options: dict[str, Any] = {"size": GOOD_SIZE, "seed": seed + i,
                                   "datetime_original": f"2023:09:05 07:{30 + i:02d}:00"}
        options.update(kwargs)
        paths.append(make_photo(folder / f"IMG_20230905_07{30 + i:02d}00.jpg", **options))
    return paths


def run_paths(paths: Iterable[Path], prof: Profile | None = None, lang: str = "en",
              **kwargs: Any) -> Report:
    options = RunOptions(lang=lang, now=kwargs.pop("now", NOW), **kwargs)
    return run(list(paths), prof or load_profile(), options)


def check_folder(folder: Path, prof: Profile | None = None, lang: str = "en",
                 **kwargs: Any) -> SubmissionResult:
    """The result of the one submission at `folder`."""
    report = run_paths([folder], prof, lang, **kwargs)
    assert not report.problems, report.problems
    assert len(report.submissions) == 1, [s.path for s in report.submissions]
    return report.submissions[0]


def of(result: SubmissionResult, check: str, key: str | None = None) -> list[Finding]:
    """The findings of one check (and message key) in a submission."""
    return [f for f in result.findings if f.check == check and (key is None or f.key == key)]


def paths_of(findings: Iterable[Finding]) -> set[str | None]:
    return {f.path for f in findings}


def photo_facts(path: str = "IMG_1.jpg", **kwargs: Any) -> FileFacts:
    """A readable camera original's facts, built by hand; override any PhotoFacts field."""
    fields: dict[str, Any] = {
        "format": "JPEG", "width": 4000, "height": 3000, "has_exif": True, "make": "Canon",
        "model": "Canon EOS 80D", "datetime_original": "2023-09-05T07:30:00",
        "exif_width": 4000, "exif_height": 3000, "gps": [21.3856, 103.017]}
    fields.update(kwargs)
    return FileFacts(path=path, kind="photo", size=1000, content="jpeg",
                     photo=PhotoFacts(**fields))


def video_facts(path: str = "VID_1.mp4", **kwargs: Any) -> FileFacts:
    """A good MP4's facts, built by hand; override any VideoFacts field."""
    fields: dict[str, Any] = {
        "container": "iso-bmff", "major_brand": "isom", "compatible_brands": ["isom", "mp41"],
        "width": 1920, "height": 1080, "video_codec": "h264", "audio_codec": "aac",
        "duration": 35.0, "creation_time": "2023-09-05T00:30:00Z"}
    fields.update(kwargs)
    return FileFacts(path=path, kind="video", size=1000, content="iso-bmff",
                     video=VideoFacts(**fields))


def event_facts(files: list[FileFacts], name: str = EVENT, **kwargs: Any) -> EventFacts:
    return EventFacts(name=name, files=files, now=kwargs.pop("now", NOW), **kwargs)


def run_check(module: Any, event: EventFacts, prof: Profile, **overrides: Any) -> list[Any]:
    """Call a check function with the profile's options (some overridden)."""
    options = {**prof.checks[module.ID].options, **overrides}
    return list(module.check(event, options))


def fingerprint(root: Path) -> dict[str, tuple[str, int]]:
    """sha256 and mtime (ns) of every regular file under root, not following links."""
    out: dict[str, tuple[str, int]] = {}
    for dirpath, _dirs, files in os.walk(os.fsencode(root)):
        for name in files:
            full = os.path.join(dirpath, name)
            if os.path.islink(full):
                continue
            try:
                data = open(full, "rb").read()  # noqa: SIM115 - tiny test files
            except PermissionError:
                data = b""
            out[os.fsdecode(full)] = (hashlib.sha256(data).hexdigest(),
                                      os.stat(full).st_mtime_ns)
    return out


def counted(path: Path, kind: str = "photo") -> tuple[MediaFile, list[int]]:
    """The file as scanning gives it, with the size of every read from it recorded."""
    reads: list[int] = []

    class Counting(io.FileIO):
        def read(self, size: int = -1) -> bytes:
            data = super().read(size)
            reads.append(len(data))
            return data

        def readinto(self, buffer) -> int:  # noqa: ANN001 - a writable buffer
            got = super().readinto(buffer)
            reads.append(got or 0)
            return got

    media = MediaFile(path.name, kind, path.stat().st_size, 0.0,
                      lambda: io.BufferedReader(Counting(path), 8192), path)
    return media, reads
