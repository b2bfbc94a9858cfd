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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mediacheck.profile import Profile
from mediacheck.submission import (
    EventFolder,
    MediaFile,
    ScanProblem,
    classify,
    display_name,
    mark_twins,
)
from mediacheck.ziparchive import group_key, zip_submissions

# The intake portal (`mediacheck serve --intake`) keeps every version a school uploads, as
# `<Unit>_<Activity>/v1/`, `v2/`, ... with this marker file beside them. Such a folder is read as
# ONE submission: its latest version, under the folder's own name, so `mediacheck DIR/Khaigiang`
# checks each unit's latest upload like any event folder. Staging folders (`.incoming-*`) and
# anything else in it are not versions and are ignored.
VERSIONS_MARKER = ".mediacheck-versions"
VERSION_PREFIX = "v"

# Where these lived before mediacheck.submission; importing them from here still works.
__all__ = ["EventFolder", "MediaFile", "ScanProblem", "classify", "display_name",
           "find_submissions"]


def find_submissions(
    paths: list[Path], profile: Profile
) -> tuple[list[EventFolder], list[ScanProblem]]:
    """All submissions under the given paths, in a stable order, and what could not be scanned.

    Paths may mix event folders, folders of them (any depth) and ZIP archives, including ZIPs
    lying in those folders. The parts of one split Drive download are merged wherever they lie,
    at the place of the first part; a folder or archive reached twice is checked once. A path
    under which nothing can be checked (folders without photos or videos, an empty ZIP, a ZIP
    of ZIPs) is a problem (`nothing-found`, `zip-nested`): nothing checked is not a pass.
    """
    found: list[EventFolder | _ZipRef] = []
    problems: list[ScanProblem] = []
    for path in paths:
        shown = display_name(os.fspath(path))
        try:
            st = path.stat()
        except OSError as exc:
            problems.append(ScanProblem(shown, _os_reason(exc), exc.strerror or str(exc)))
            continue
        if stat.S_ISDIR(st.st_mode):
            items = list(_walk_submissions(path, shown, profile, ancestors=frozenset()))
            problems.extend(i for i in items if isinstance(i, ScanProblem))
            items = [i for i in items if not isinstance(i, ScanProblem)]
            if items:
                found.extend(items)
            elif _has_subfolders(path):
                problems.append(ScanProblem(shown, "nothing-found"))
            else:  # an event folder with nothing in it: the empty-folder finding names it
                found.append(_read_event_folder(path, shown, profile))
        elif path.suffix.lower() == ".zip":
            found.append(_ZipRef(path, shown))
        else:
            problems.append(ScanProblem(shown, "not-a-folder"))
    submissions, zip_problems = _expand_zips(_unique(found), profile)
    mark_twins(submissions, profile.checks["folder-name"].options["ignored_leading_words"])
    return submissions, problems + zip_problems


def _has_subfolders(folder: Path) -> bool:
    """A folder of (empty) folders is a set of submissions with none in it, not an event."""
    try:
        return any(_is_dir(entry) for entry in os.scandir(folder))
    except OSError:
        return False


@dataclass(frozen=True)
class _ZipRef:
    """An archive met during discovery; read once all archives are known (to merge parts)."""

    path: Path
    shown: str


def _unique(found: list[EventFolder | _ZipRef]) -> list[EventFolder | _ZipRef]:
    """Drop a folder or archive reached a second time (given twice, or through a link)."""
    seen: set[object] = set()
    out: list[EventFolder | _ZipRef] = []
    for item in found:
        where = item.path if isinstance(item, _ZipRef) else item.fs_path
        try:
            key: object = where.resolve() if where is not None else id(item)
        except OSError:
            key = id(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _expand_zips(
    found: list[EventFolder | _ZipRef], profile: Profile
) -> tuple[list[EventFolder], list[ScanProblem]]:
    """Replace each archive by its submissions; a split download appears at its first part."""
    refs = [i for i in found if isinstance(i, _ZipRef)]
    if not refs:
        return [i for i in found if isinstance(i, EventFolder)], []
    by_group: dict[object, list[_ZipRef]] = {}
    for ref in refs:
        by_group.setdefault(group_key(ref.path), []).append(ref)
    submissions: list[EventFolder] = []
    problems: list[ScanProblem] = []
    done: set[object] = set()
    for item in found:
        if isinstance(item, EventFolder):
            submissions.append(item)
            continue
        key = group_key(item.path)
        if key in done:
            continue
        done.add(key)
        group = by_group[key]
        events, trouble = zip_submissions([r.path for r in group], profile,
                                          [r.shown for r in group])
        submissions.extend(events)
        problems.extend(trouble)
    return submissions, problems


def _walk_submissions(
    folder: Path, shown: str, profile: Profile, ancestors: frozenset[tuple[int, int]]
) -> Iterator[EventFolder | _ZipRef | ScanProblem]:
    """Yield the event folders and archives at or below `folder`, without following loops.

    A folder that cannot be listed is yielded as a submission carrying the error (it may be a
    school's event folder), and a link back to an ancestor as a problem: neither stops the walk.
    """
    try:
        st = folder.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            yield ScanProblem(shown, "symlink-loop", exc.strerror or "")
        else:
            yield _read_event_folder(folder, shown, profile, ancestors)
        return
    key = (st.st_dev, st.st_ino)
    if key in ancestors:
        yield ScanProblem(shown, "symlink-loop")
        return
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        yield _read_event_folder(folder, shown, profile, ancestors)
        return
    latest = latest_version(folder, entries)
    if latest is not None:
        yield _read_event_folder(latest, f"{shown.rstrip('/')}/{latest.name}", profile,
                                 ancestors | {key}, name=display_name(folder.name))
        return
    holds_media = any(
        classify(e.name, profile) in ("photo", "video") and not _is_dir(e) for e in entries
    )
    if holds_media:
        yield _read_event_folder(folder, shown, profile, ancestors)
        return
    for entry in entries:
        child = f"{shown.rstrip('/')}/{display_name(entry.name)}"
        if _is_dir(entry) or _is_loop_link(entry):
            yield from _walk_submissions(Path(entry.path), child, profile, ancestors | {key})
        elif entry.name.lower().endswith(".zip"):
            yield _ZipRef(Path(entry.path), child)


def version_number(name: str) -> int | None:
    """N for a version folder named `vN` (N >= 1), else None."""
    digits = name[len(VERSION_PREFIX):]
    if not name.startswith(VERSION_PREFIX) or not digits.isdigit() or digits.startswith("0"):
        return None
    return int(digits)


def latest_version(folder: Path, entries: list[os.DirEntry] | None = None) -> Path | None:
    """The newest `vN` folder of an intake folder (one holding `VERSIONS_MARKER`), else None."""
    try:
        entries = entries if entries is not None else list(os.scandir(folder))
    except OSError:
        return None
    if not any(e.name == VERSIONS_MARKER and not _is_dir(e) for e in entries):
        return None
    versions = [(n, e) for e in entries if (n := version_number(e.name)) is not None
                and _is_dir(e) and not e.is_symlink()]
    return Path(max(versions, key=lambda v: v[0])[1].path) if versions else None


def read_event_folder(folder: Path, profile: Profile, *, name: str | None = None,
                      shown: str | None = None) -> EventFolder:
    """One event folder, read as a submission named `name` (default: the folder's name).

    The intake portal checks a version folder (`.../THCS Pu Nhi_Khaigiang/v2`) under the name of
    the folder that holds it."""
    return _read_event_folder(folder, shown or display_name(os.fspath(folder)), profile,
                              name=name)


def _is_loop_link(entry: os.DirEntry) -> bool:
    """A link that resolves to itself (a -> b -> a): the walk reports it instead of skipping."""
    if not entry.is_symlink():
        return False
    try:
        os.stat(entry.path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:
        return False


def _read_event_folder(
    folder: Path, shown: str, profile: Profile, ancestors: frozenset[tuple[int, int]] = frozenset(),
    name: str | None = None,
) -> EventFolder:
    """List one event folder's files (not recursing: nested folders are a finding)."""
    if name is None:
        name = display_name(folder.resolve().name if folder.name in ("", ".", "..")
                            else folder.name)
    event = EventFolder(path=shown, name=name, fs_path=folder)
    try:
        st = folder.stat()
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        event.problems.append((_os_reason(exc), exc.strerror or str(exc)))
        return event
    ancestors = ancestors | {(st.st_dev, st.st_ino)}  # a link back to this folder is a loop too
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


def _media_file(entry: os.DirEntry, shown: str, profile: Profile) -> MediaFile:
    path = Path(entry.path)
    kind = classify(shown, profile)
    try:
        st = entry.stat(follow_symlinks=True)
    except OSError as exc:
        reason = "symlink-loop" if exc.errno == errno.ELOOP else (
            "broken-symlink" if entry.is_symlink() else _os_reason(exc))
        return MediaFile(shown, kind, 0, 0.0, None, path, reason,
                         exc.strerror or "")
    media = MediaFile(shown, kind, st.st_size, st.st_mtime, None, path,
                      mtime_ns=st.st_mtime_ns)
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
