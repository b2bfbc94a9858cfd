"""Find submissions (event folders) under the paths a user gives, and the files in each.

A folder is a submission when it holds media files directly; a folder that holds none but has
subfolders is a set of submissions. Scanning never writes, never follows a symlink loop and turns
every unreadable thing into a scan problem that the `folder-contents` and `file-unreadable`
checks report, so one bad entry never stops the run.
"""

from __future__ import annotations

import errno
import os
import stat
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from mediacheck.profile import Profile


def display_name(name: str) -> str:
    """A name safe to print and to put in JSON: undecodable bytes shown as U+FFFD, NFC form."""
    raw = name.encode("utf-8", "surrogateescape")
    return unicodedata.normalize("NFC", raw.decode("utf-8", "replace"))


@dataclass
class MediaFile:
    """A file inside a submission, with what scanning could learn without reading it."""

    rel: str
    kind: str
    size: int
    mtime: float
    opener: Callable[[], BinaryIO]
    fs_path: Path | None = None
    problem: str | None = None
    problem_detail: str = ""

    @property
    def name(self) -> str:
        return self.rel.rsplit("/", 1)[-1]

    @property
    def suffix(self) -> str:
        name = self.name
        return name.rsplit(".", 1)[-1].lower() if "." in name.lstrip(".") else ""

    def open(self) -> BinaryIO:
        return self.opener()


@dataclass
class EventFolder:
    """One submission: a folder (or a folder inside a ZIP) that holds the media of one event."""

    path: str
    name: str
    files: list[MediaFile] = field(default_factory=list)
    subfolders: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    fs_path: Path | None = None


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


def find_submissions(
    paths: list[Path], profile: Profile
) -> tuple[list[EventFolder], list[ScanProblem]]:
    """All submissions under the given paths, in a stable order, and the paths that failed."""
    submissions: list[EventFolder] = []
    problems: list[ScanProblem] = []
    for path in paths:
        shown = display_name(os.fspath(path))
        try:
            st = path.stat()
        except OSError as exc:
            problems.append(ScanProblem(shown, _os_reason(exc), exc.strerror or str(exc)))
            continue
        if stat.S_ISDIR(st.st_mode):
            found = list(_walk_submissions(path, shown, profile, ancestors=frozenset()))
            submissions.extend(found or [_read_event_folder(path, shown, profile)])
        elif path.suffix.lower() == ".zip":
            from mediacheck.ziparchive import zip_submissions

            found_zip, zip_problems = zip_submissions([path], profile)
            submissions.extend(found_zip)
            problems.extend(zip_problems)
        else:
            problems.append(ScanProblem(shown, "not-a-folder"))
    return _merge_zip_parts(submissions), problems


def _merge_zip_parts(submissions: list[EventFolder]) -> list[EventFolder]:
    return submissions


def _walk_submissions(
    folder: Path, shown: str, profile: Profile, ancestors: frozenset[tuple[int, int]]
) -> Iterator[EventFolder]:
    """Yield the event folders at or below `folder`, without following loops."""
    try:
        st = folder.stat()
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    key = (st.st_dev, st.st_ino)
    if key in ancestors:
        return
    holds_media = any(
        classify(e.name, profile) in ("photo", "video") and not _is_dir(e) for e in entries
    )
    if holds_media:
        yield _read_event_folder(folder, shown, profile, ancestors)
        return
    for entry in entries:
        if _is_dir(entry):
            yield from _walk_submissions(
                Path(entry.path), f"{shown.rstrip('/')}/{display_name(entry.name)}", profile,
                ancestors | {key},
            )


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:
        return False


def _read_event_folder(
    folder: Path, shown: str, profile: Profile, ancestors: frozenset[tuple[int, int]] = frozenset()
) -> EventFolder:
    """List one event folder's files (not recursing: nested folders are a finding)."""
    name = display_name(folder.resolve().name if folder.name in ("", ".", "..") else folder.name)
    event = EventFolder(path=shown, name=name, fs_path=folder)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        event.problems.append((_os_reason(exc), exc.strerror or str(exc)))
        return event
    for entry in entries:
        shown_name = display_name(entry.name)
        if _is_symlink_loop_dir(entry, ancestors):
            event.problems.append(("symlink-loop", shown_name))
        elif _is_dir(entry):
            event.subfolders.append(shown_name)
        else:
            event.files.append(_media_file(entry, shown_name, profile))
    return event


def _is_symlink_loop_dir(entry: os.DirEntry, ancestors: frozenset[tuple[int, int]]) -> bool:
    if not entry.is_symlink():
        return False
    try:
        st = os.stat(entry.path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return stat.S_ISDIR(st.st_mode) and (st.st_dev, st.st_ino) in ancestors


def _file_opener(path: Path) -> Callable[[], BinaryIO]:
    """Open for reading only: checking never writes to a user's file."""
    return lambda: open(path, "rb")  # noqa: SIM115 - the caller closes it


def _media_file(entry: os.DirEntry, shown: str, profile: Profile) -> MediaFile:
    path = Path(entry.path)
    kind = classify(shown, profile)
    try:
        st = entry.stat(follow_symlinks=True)
    except OSError as exc:
        reason = "symlink-loop" if exc.errno == errno.ELOOP else (
            "broken-symlink" if entry.is_symlink() else _os_reason(exc))
        return MediaFile(shown, kind, 0, 0.0, _file_opener(path), path, reason,
                         exc.strerror or "")
    media = MediaFile(shown, kind, st.st_size, st.st_mtime, _file_opener(path), path)
    if not stat.S_ISREG(st.st_mode):
        media.problem = "not-a-file"
    elif not os.access(path, os.R_OK):
        media.problem = "permission"
    return media


def _os_reason(exc: OSError) -> str:
    return {
        errno.ENOENT: "not-found",
        errno.EACCES: "permission",
        errno.EPERM: "permission",
        errno.ELOOP: "symlink-loop",
        errno.ENAMETOOLONG: "name-too-long",
    }.get(exc.errno or 0, "os-error")
