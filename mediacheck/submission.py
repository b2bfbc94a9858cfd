"""What discovery finds: submissions (event folders), the files in them, and the paths that
could not be scanned. Plain data shared by `scan` (folders) and `ziparchive` (ZIP members), so
neither needs the other to describe what it found.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from mediacheck.naming import nfc
from mediacheck.profile import Profile


def display_name(name: str) -> str:
    """A name safe to print and to put in JSON: undecodable bytes shown as U+FFFD, NFC form."""
    raw = name.encode("utf-8", "surrogateescape")
    return nfc(raw.decode("utf-8", "replace"))


@dataclass(slots=True)
class MediaFile:
    """A file inside a submission, with what scanning could learn without reading it.

    `origin` says where the bytes live, stably across runs: the file's path, or
    `archive.zip!member` for a file read inside a ZIP (then `fs_path` is None, and `zip_path`
    and `member` say where another process can open it).

    A scan holds one per file of the whole run, so it is kept small (slots; a plain file has no
    opener of its own and `open()` opens `fs_path`): 30,000 files are about 20 MiB.
    """

    rel: str
    kind: str
    size: int
    mtime: float
    opener: Callable[[], BinaryIO] | None
    fs_path: Path | None = None
    problem: str | None = None
    problem_detail: str = ""
    origin: str = ""
    mtime_ns: int | None = None
    zip_path: Path | None = None
    member: str | None = None

    def __post_init__(self) -> None:
        if not self.origin and self.fs_path is not None:
            self.origin = os.fspath(self.fs_path)

    @property
    def name(self) -> str:
        return self.rel.rsplit("/", 1)[-1]

    @property
    def suffix(self) -> str:
        name = self.name
        return name.rsplit(".", 1)[-1].lower() if "." in name.lstrip(".") else ""

    def open(self) -> BinaryIO:
        """Open for reading only: checking never writes to a user's file."""
        if self.opener is not None:
            return self.opener()
        if self.fs_path is None:
            raise OSError(f"{self.rel}: nowhere to read it from")
        return open(self.fs_path, "rb")  # noqa: SIM115 - the caller closes it


@dataclass
class EventFolder:
    """One submission: a folder (or a folder inside a ZIP) that holds the media of one event."""

    path: str
    name: str
    files: list[MediaFile] = field(default_factory=list)
    subfolders: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    fs_path: Path | None = None
    archives: list[Any] = field(default_factory=list)
    # The other submissions of this run that are the same unit's same activity (a folder sent
    # again inside a ZIP, Drive's `Ten_Hoatdong (1)` copy): set by discovery, see `mark_twins`.
    twins: list[str] = field(default_factory=list)

    def release(self) -> None:
        """Done with this submission: close the archives no other submission still needs."""
        for archive in self.archives:
            archive.release()
        self.archives = []


@dataclass
class ScanProblem:
    """A path the user gave that could not be scanned at all."""

    path: str
    reason: str
    detail: str = ""


def classify(name: str, profile: Profile) -> str:
    """The kind a file claims by its name: photo, video, sidecar, junk or other."""
    media = profile.media
    lowered = name.lower()
    if lowered in media["junk_names"] or any(lowered.startswith(p) for p in media["junk_prefixes"]):
        return "junk"
    suffix = lowered.rsplit(".", 1)[-1] if "." in lowered.lstrip(".") else ""
    for kind in ("photo", "video", "sidecar"):
        if suffix in media[f"{kind}_extensions"]:
            return kind
    return "other"


def mark_twins(submissions: list[EventFolder], ignored_leading_words: list[str]) -> None:
    """Tell each submission which others name the same unit and activity (compared as people
    read names: case, diacritics, "Trường", Drive's copy number do not count)."""
    from mediacheck.naming import submission_key

    groups: dict[tuple[str, str], list[EventFolder]] = {}
    for event in submissions:
        key = submission_key(event.name, ignored_leading_words)
        if key is not None:
            groups.setdefault(key, []).append(event)
    for group in groups.values():
        for event in group:
            event.twins = [other.path for other in group if other is not event]
