"""Submissions inside ZIP archives, read in place: nothing is ever extracted to disk.

Offices receive schools' folders as Google Drive downloads. Drive zips a shared folder into one
archive, or splits a big download into parts (`name-20231005T123456Z-001.zip`, `-002.zip`) that
each hold some of the files of the same folders; the parts of one download are merged, so an
event folder spread over two parts is one submission. The stamp is accepted as Drive writes it
and as people retype it (`20231005T0930Z`, lower case, without the `Z`, `-1` for `-001`); a
download whose parts are not all there (`-001` and `-003` given) is reported, since its
folders may lack files. An archive with nothing to check in it (empty, or holding only other
ZIP files) is reported too: nothing checked is not a pass. Inside an archive the rule is the
same as on disk: a folder is a submission when it holds photos or videos directly; media at the
top of the archive make one submission named after the archive (without Drive's suffix).

An archive is untrusted input. Names are decoded the way the tool that wrote them meant (UTF-8
flag, else UTF-8 without the flag, else Vietnamese Windows cp1258, else DOS cp437). Members with
an absolute path or `..` (zip slip) are refused and named. Zip bombs are refused from the sizes
the archive declares, against the profile's `[zip]` limits; actual reads cannot exceed a
member's declared size either (zipfile stops there and fails the CRC check), so the declared
total bounds what is read. Encrypted members and damaged archives become findings, not crashes.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from mediacheck.profile import Profile
from mediacheck.submission import EventFolder, MediaFile, ScanProblem, classify, display_name

# `<name>-<yyyymmdd>T<hhmm[ss]>Z-<part>`: Drive writes 6 digits of time and 3 of part.
DRIVE_PART = re.compile(r"^(?P<base>.+?)[-_ ](?P<stamp>\d{8}[Tt]?\d{4}(?:\d{2})?[Zz]?)"
                        r"[-_ ](?P<part>\d{1,3})$")
UTF8_FLAG = 0x800
ENCRYPTED_FLAG = 0x1
# What macOS's "Compress" adds beside every file: resource forks, not part of the submission.
MAC_METADATA = "__MACOSX"
GB = 1_000_000_000


class Archive:
    """One ZIP file, opened lazily and shared by the submissions (and threads) that read it.

    zipfile counts open members without a lock, so opening and closing members is serialised
    here; reading the members runs in parallel (zipfile locks each seek+read itself).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.users = 0
        self._zip: zipfile.ZipFile | None = None
        self._lock = threading.Lock()

    def open_member(self, info: zipfile.ZipInfo) -> BinaryIO:
        with self._lock:
            if self._zip is None:
                self._zip = zipfile.ZipFile(self.path)
            return _Member(self._zip.open(info), self._lock)  # type: ignore[return-value]

    def release(self) -> None:
        """One submission is done with the archive; the last one closes the file."""
        with self._lock:
            self.users -= 1
            if self.users <= 0 and self._zip is not None:
                self._zip.close()
                self._zip = None


class _Member:
    """A seekable stream of one member whose close() takes the archive's lock."""

    def __init__(self, stream: zipfile.ZipExtFile, lock: threading.Lock) -> None:
        self._stream = stream
        self._lock = lock

    def __getattr__(self, name: str):
        return getattr(self._stream, name)

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._stream.seek(offset, whence)

    def tell(self) -> int:
        return self._stream.tell()

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        with self._lock:
            self._stream.close()

    def __enter__(self) -> _Member:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class _Entry:
    """A member with its decoded, safe path split into the folder and the file name."""

    folder: tuple[str, ...]
    name: str
    info: zipfile.ZipInfo
    archive: Archive
    shown_archive: str


@dataclass
class _Tree:
    """The members of one download (one archive, or all parts of a split Drive download)."""

    shown: str
    root_name: str
    entries: list[_Entry] = field(default_factory=list)
    unsafe: list[tuple[str, str]] = field(default_factory=list)
    archives: list[Archive] = field(default_factory=list)


def decode_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its author wrote it, NFC, with `/` separators.

    Without the UTF-8 flag Python decodes as cp437; many tools write UTF-8 without the flag, and
    Vietnamese Windows writes cp1258, so the raw bytes are tried as those first.
    """
    name = info.filename
    if not info.flag_bits & UTF8_FLAG:
        raw = name.encode("cp437")
        name = _first_decoding(raw) or name
    return unicodedata.normalize("NFC", name.replace("\\", "/"))


def _first_decoding(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1258")
    except UnicodeDecodeError:
        return None
    # cp1258 maps most bytes; a DOS name decodes to punctuation there, Vietnamese to letters.
    if all(ch.isascii() or ch.isalpha() or unicodedata.combining(ch) for ch in text):
        return text
    return None


def drive_download(path: Path) -> tuple[str, str | None]:
    """(name without Drive's `-<stamp>-NNN` suffix, the part number as 3 digits, or None)."""
    match = DRIVE_PART.match(path.stem)
    if match is None:
        return path.stem, None
    return match.group("base"), f"{int(match.group('part')):03d}"


def _stamp(match: re.Match[str]) -> str:
    """One spelling of a download's time: upper case, with the `T` and `Z` Drive writes."""
    stamp = match["stamp"].upper().rstrip("Z")
    return (stamp if "T" in stamp else f"{stamp[:8]}T{stamp[8:]}") + "Z"


def zip_submissions(
    paths: list[Path], profile: Profile, shown: list[str] | None = None
) -> tuple[list[EventFolder], list[ScanProblem]]:
    """The submissions in the given archives, the parts of each Drive download merged."""
    shown = shown or [display_name(str(p)) for p in paths]
    submissions: list[EventFolder] = []
    problems: list[ScanProblem] = []
    for group in _group_parts(list(zip(paths, shown, strict=True))):
        label = _group_label(group)
        tree = _Tree(shown=label, root_name=display_name(drive_download(group[0][0])[0]))
        refused = [p for p in (_read_archive(path, name, profile, tree) for path, name in group)
                   if p is not None]
        found, leftover = _submissions_of(tree, profile)
        if not found and not leftover and len(refused) < len(group):
            refused.append(ScanProblem(label, _nothing_reason(tree)))
        missing = missing_parts([path for path, _ in group])
        if missing:
            refused.append(ScanProblem(label, "zip-missing-parts", ", ".join(missing)))
        submissions.extend(found)
        problems.extend(refused + leftover)
    return submissions, problems


def missing_parts(paths: list[Path]) -> list[str]:
    """The part numbers (`002`) absent below the highest one given of one Drive download."""
    numbers = {int(part) for _base, part in map(drive_download, paths) if part}
    if not numbers:
        return []
    return [f"{n:03d}" for n in range(1, max(numbers)) if n not in numbers]


def _nothing_reason(tree: _Tree) -> str:
    """Why an archive gave no submission: it holds only ZIP files, or nothing to check."""
    if tree.entries and all(e.name.lower().endswith(".zip") for e in tree.entries):
        return "zip-nested"
    return "nothing-found"


def group_key(path: Path) -> tuple[str, ...]:
    """Archives with the same key are parts of one Drive download (same folder, name, time)."""
    match = DRIVE_PART.match(path.stem)
    try:
        resolved = path.resolve()
    except OSError:
        resolved = path.absolute()
    if match is None:
        return (str(resolved),)
    return (str(resolved.parent), match["base"], _stamp(match))


def _group_parts(items: list[tuple[Path, str]]) -> list[list[tuple[Path, str]]]:
    """Parts of one Drive download together (in part order), at the place of the first part."""
    groups: dict[tuple[str, ...], list[tuple[Path, str]]] = {}
    for path, label in items:
        group = groups.setdefault(group_key(path), [])
        if all(p.name != path.name for p, _ in group):
            group.append((path, label))
    return [sorted(g, key=lambda item: drive_download(item[0])[1] or item[0].name)
            for g in groups.values()]


def _group_label(group: list[tuple[Path, str]]) -> str:
    """`drive-download-...-001.zip`, or `...-001+002.zip` for the merged parts of one download."""
    if len(group) == 1:
        return group[0][1]
    first_path, first_label = group[0]
    parts = "+".join(drive_download(p)[1] or "" for p, _ in group)
    prefix = first_label[: len(first_label) - len(first_path.name)]
    match = DRIVE_PART.match(first_path.stem)
    stem = first_path.stem[: match.start("part")] if match else first_path.stem + "-"
    return f"{prefix}{stem}{parts}{first_path.suffix}"


def _read_archive(path: Path, shown: str, profile: Profile, tree: _Tree) -> ScanProblem | None:
    """Add an archive's members to `tree`, or say why the whole archive is refused."""
    limits = profile.zip
    try:
        with zipfile.ZipFile(path) as archive_file:
            infos = archive_file.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        return ScanProblem(shown, "zip-corrupt", str(exc)[:200])
    except OSError as exc:
        reason = "permission" if isinstance(exc, PermissionError) else "os-error"
        return ScanProblem(shown, reason, exc.strerror or str(exc))
    if len(infos) > limits["max_members"]:
        return ScanProblem(shown, "zip-too-many", str(len(infos)))
    total = sum(i.file_size for i in infos)
    if total > limits["max_total_gb"] * GB:
        return ScanProblem(shown, "zip-too-big", f"{total / GB:.1f}")
    archive = Archive(path)
    tree.archives.append(archive)
    for info in infos:
        _add_member(info, decode_name(info), archive, shown, tree)
    return None


def _add_member(info: zipfile.ZipInfo, name: str, archive: Archive, shown: str,
                tree: _Tree) -> None:
    if name.endswith("/"):
        return
    parts = _safe_parts(name)
    if parts is None:
        tree.unsafe.append((shown, display_name(name)))
        return
    if not parts or parts[0] == MAC_METADATA:
        return
    tree.entries.append(_Entry(tuple(parts[:-1]), parts[-1], info, archive, shown))


def _safe_parts(name: str) -> list[str] | None:
    """The path's parts, or None for a path that would leave the folder it is extracted into."""
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return None
    parts = [p for p in PurePosixPath(name).parts if p not in ("", ".")]
    if ".." in parts:
        return None
    return parts


def _submissions_of(tree: _Tree, profile: Profile) -> tuple[list[EventFolder], list[ScanProblem]]:
    """Folders holding media directly are submissions; deeper folders are their subfolders."""
    media_folders = {e.folder for e in tree.entries
                     if classify(e.name, profile) in ("photo", "video")}
    # A folder inside a submission is a nested folder of it, not a submission of its own.
    roots = sorted(f for f in media_folders
                   if not any(f[:i] in media_folders for i in range(len(f))))
    events = {folder: _event_for(tree, folder) for folder in roots}
    for entry in sorted(tree.entries, key=lambda e: (e.folder, e.name)):
        owner = next((entry.folder[:i] for i in range(len(entry.folder) + 1)
                      if entry.folder[:i] in events), None)
        if owner is None:
            continue
        event = events[owner]
        if entry.folder == owner:
            event.files.append(_media_file(entry, profile))
        else:
            sub = entry.folder[len(owner)]
            if sub not in event.subfolders:
                event.subfolders.append(sub)
    found = [events[f] for f in roots]
    for event in found:
        event.subfolders.sort()
    return found, _attach_unsafe(tree, found)


def _event_for(tree: _Tree, folder: tuple[str, ...]) -> EventFolder:
    name = folder[-1] if folder else tree.root_name
    path = "/".join((tree.shown, *folder))
    event = EventFolder(path=path, name=display_name(name))
    event.archives = list(tree.archives)
    for archive in tree.archives:
        archive.users += 1
    return event


def _attach_unsafe(tree: _Tree, found: list[EventFolder]) -> list[ScanProblem]:
    """A refused entry is named in the submission its path starts in (`Event/../../x`), so the
    school that sent it sees it; one that starts outside every submission is a run problem."""
    problems = []
    by_folder = {tuple(e.path[len(tree.shown) + 1:].split("/")) if e.path != tree.shown
                 else (): e for e in found}
    for shown, name in tree.unsafe:
        owner = _unsafe_owner(name, by_folder)
        if owner is None:
            problems.append(ScanProblem(shown, "unsafe-path", name))
        else:
            owner.problems.append(("unsafe-path", f"{shown}: {name}"))
    return problems


def _unsafe_owner(name: str, by_folder: dict[tuple[str, ...], EventFolder]) -> EventFolder | None:
    """The deepest submission folder the path starts in; an absolute path starts in the root."""
    lead: list[str] = []
    absolute = name.startswith("/") or re.match(r"^[A-Za-z]:", name)
    for part in [] if absolute else name.split("/"):
        if part == "..":
            break
        if part not in ("", "."):
            lead.append(part)
    for size in range(len(lead), -1, -1):
        if tuple(lead[:size]) in by_folder:
            return by_folder[tuple(lead[:size])]
    return None


def _media_file(entry: _Entry, profile: Profile) -> MediaFile:
    info, archive = entry.info, entry.archive
    name = display_name(entry.name)
    media = MediaFile(
        rel=name, kind=classify(name, profile), size=info.file_size, mtime=_mtime(info),
        opener=lambda: archive.open_member(info),
        origin=f"{archive.path}!{info.filename}", zip_path=archive.path, member=info.filename,
    )
    limit = profile.zip["max_ratio"]
    if info.flag_bits & ENCRYPTED_FLAG:
        media.problem, media.problem_detail = "encrypted", entry.shown_archive
    elif info.file_size > limit * max(info.compress_size, 1):
        media.problem = "zip-bomb"
        media.problem_detail = f"{info.file_size / max(info.compress_size, 1):.0f}"
    return media


def _mtime(info: zipfile.ZipInfo) -> float:
    try:
        return datetime(*info.date_time).timestamp()
    except (ValueError, OverflowError):
        return 0.0
