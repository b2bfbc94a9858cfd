"""Receive a submission's files over HTTP, straight to disk, one request per file.

A page sends each file as the raw body of `PUT .../files?path=<relative path>` (no multipart:
nothing is parsed or buffered, and memory stays flat for a 4 GB clip). The bytes go to a
temporary name inside the upload's staging folder, are hashed on the way, flushed to disk and
renamed to their (checked) name only when whole, so a connection dropped half-way leaves
nothing behind. Limits come from the profile's `[serve]` table and are enforced while the
bytes arrive, with a message naming the file and the limit.

The staging folder becomes a submission only when the caller finishes the upload (a rename);
until then no database row exists, and an upload never finished is swept away.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mediacheck.web.security import Refused, client_relpath, zip_member_path

PART_PREFIX = ".part-"
FLUSH_BYTES = 1 << 20
MB = 1_000_000


@dataclass
class Limits:
    """What one upload may hold (from the profile's `[serve]`)."""

    max_file: int
    max_total: int
    max_files: int

    @classmethod
    def from_profile(cls, serve: dict[str, Any]) -> Limits:
        return cls(int(serve["max_file_mb"] * MB), int(serve["max_submission_mb"] * MB),
                   int(serve["max_files"]))


@dataclass
class Received:
    rel: str
    size: int
    sha256: str


@dataclass
class Upload:
    """One submission being received: its staging folder and what has arrived whole."""

    id: str
    owner: str
    root: Path
    limits: Limits
    data: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Received] = field(default_factory=dict)
    reserved: int = 0
    touched: float = field(default_factory=time.monotonic)
    busy: int = 0
    closed: bool = False

    @property
    def total(self) -> int:
        return sum(f.size for f in self.files.values())


class Uploads:
    """Open uploads by id, each usable only by the owner that started it."""

    def __init__(self) -> None:
        self._open: dict[str, Upload] = {}
        self._lock = threading.Lock()

    def start(self, owner: str, root: Path, limits: Limits, **data: Any) -> Upload:
        root.mkdir(parents=True, exist_ok=False)
        upload = Upload(uuid.uuid4().hex, owner, root, limits, data)
        with self._lock:
            self._open[upload.id] = upload
        return upload

    def get(self, upload_id: str, owner: str) -> Upload | None:
        upload = self._open.get(upload_id)
        if upload is None or upload.owner != owner or upload.closed:
            return None
        return upload

    def close(self, upload: Upload) -> None:
        upload.closed = True
        with self._lock:
            self._open.pop(upload.id, None)

    def discard(self, upload: Upload) -> None:
        self.close(upload)
        shutil.rmtree(upload.root, ignore_errors=True)

    def sweep(self, idle_seconds: float) -> int:
        """Drop uploads nobody has sent to for a while (a closed tab, a lost connection)."""
        now = time.monotonic()
        stale = [u for u in list(self._open.values())
                 if not u.busy and now - u.touched > idle_seconds]
        for upload in stale:
            self.discard(upload)
        return len(stale)

    def discard_all(self) -> None:
        for upload in list(self._open.values()):
            self.discard(upload)


def _human(size: int) -> str:
    from mediacheck.reporters import human_size

    return human_size(size)


def _claim(upload: Upload, rel: str, declared: int | None) -> None:
    """Refuse before reading a byte when the name or the announced size cannot be accepted."""
    limits = upload.limits
    if rel.casefold() in {r.casefold() for r in upload.files}:
        raise Refused("upload_duplicate", 409, file=rel)
    if len(upload.files) + upload.busy >= limits.max_files:
        raise Refused("upload_too_many", 413, limit=limits.max_files)
    if declared is not None and declared > limits.max_file:
        raise Refused("upload_file_too_big", 413, file=rel, size=_human(declared),
                      limit=_human(limits.max_file))
    if declared is not None and upload.total + upload.reserved + declared > limits.max_total:
        raise Refused("upload_total_too_big", 413, file=rel, limit=_human(limits.max_total))


async def receive_file(upload: Upload, raw_path: str, request: Any) -> Received:
    """Stream one file's body to disk; whole and renamed, or nothing at all."""
    rel = client_relpath(raw_path)
    length = request.headers.get("content-length")
    declared = int(length) if length and length.isdigit() else None
    _claim(upload, rel, declared)
    target = upload.root / rel
    tmp = upload.root / f"{PART_PREFIX}{uuid.uuid4().hex}"
    upload.busy += 1
    upload.reserved += declared or 0
    try:
        digest, size = await _stream_to(tmp, upload, rel, request)
        await asyncio.to_thread(_place, tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        upload.busy -= 1
        upload.reserved -= declared or 0
        upload.touched = time.monotonic()
    received = Received(rel, size, digest)
    upload.files[rel] = received
    return received


async def _stream_to(tmp: Path, upload: Upload, rel: str, request: Any) -> tuple[str, int]:
    limits = upload.limits
    digest = hashlib.sha256()
    size = 0
    pending: list[bytes] = []
    pending_size = 0
    with open(tmp, "xb") as fh:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limits.max_file:
                raise Refused("upload_file_too_big", 413, file=rel, size=_human(size),
                              limit=_human(limits.max_file))
            if upload.total + size > limits.max_total:
                raise Refused("upload_total_too_big", 413, file=rel,
                              limit=_human(limits.max_total))
            pending.append(chunk)
            pending_size += len(chunk)
            upload.touched = time.monotonic()
            if pending_size >= FLUSH_BYTES:
                await asyncio.to_thread(_write, fh, digest, pending)
                pending, pending_size = [], 0
        await asyncio.to_thread(_write, fh, digest, pending, True)
    return digest.hexdigest(), size


def _write(fh: Any, digest: Any, chunks: list[bytes], final: bool = False) -> None:
    """Off the event loop: hashing and writing release the GIL, so uploads use both cores."""
    for chunk in chunks:
        digest.update(chunk)
        fh.write(chunk)
    if final:
        fh.flush()
        os.fsync(fh.fileno())


def _place(tmp: Path, target: Path) -> None:
    """Rename a whole file to its name; never over an existing one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise Refused("upload_duplicate", 409, file=target.name)
    os.replace(tmp, target)


def extract_zip(upload: Upload, zip_rel: str, zip_limits: dict[str, Any]) -> None:
    """A submission sent as one ZIP: extract it into the staging folder (every member's path
    checked, zip bombs refused against the profile's `[zip]` limits and the upload limits),
    then drop the archive. One top folder (Drive puts the event folder there) is stripped."""
    archive_path = upload.root / zip_rel
    try:
        with zipfile.ZipFile(archive_path) as archive:
            members = _zip_plan(archive, upload, zip_limits, archive_path.stat().st_size)
            for info, rel in members:
                digest = _extract_member(archive, info, upload.root / rel)
                upload.files[rel] = Received(rel, info.file_size, digest)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        raise Refused("upload_zip_bad", 400, file=zip_rel, detail=str(exc)[:120]) from exc
    except RuntimeError as exc:  # encrypted members
        raise Refused("upload_zip_bad", 400, file=zip_rel, detail=str(exc)[:120]) from exc
    archive_path.unlink()
    upload.files.pop(zip_rel, None)


def _zip_plan(archive: zipfile.ZipFile, upload: Upload, limits: dict[str, Any],
              packed: int) -> list[tuple[zipfile.ZipInfo, str]]:
    from mediacheck.ziparchive import decode_name

    infos = archive.infolist()
    if len(infos) > min(limits["max_members"], upload.limits.max_files):
        raise Refused("upload_too_many", 413, limit=upload.limits.max_files)
    total = sum(i.file_size for i in infos)
    if total > upload.limits.max_total or total > limits["max_ratio"] * max(packed, 1):
        raise Refused("upload_total_too_big", 413, file=upload.root.name,
                      limit=_human(upload.limits.max_total))
    named = [(info, zip_member_path(decode_name(info))) for info in infos]
    files = [(info, rel) for info, rel in named if rel is not None
             and not rel.startswith("__MACOSX/")]
    tops = {rel.split("/", 1)[0] for _info, rel in files}
    if len(tops) == 1 and all("/" in rel for _info, rel in files):
        files = [(info, rel.split("/", 1)[1]) for info, rel in files]
    seen: set[str] = set()
    for info, rel in files:
        if info.file_size > upload.limits.max_file:
            raise Refused("upload_file_too_big", 413, file=rel, size=_human(info.file_size),
                          limit=_human(upload.limits.max_file))
        if rel.casefold() in seen:
            raise Refused("upload_duplicate", 409, file=rel)
        seen.add(rel.casefold())
    return files


def _extract_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> str:
    """Copy one member under a temporary name, counting bytes (a lying header cannot make it
    write more than it declared), then rename; return its sha256."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f"{PART_PREFIX}{uuid.uuid4().hex}"
    written = 0
    digest = hashlib.sha256()
    try:
        with archive.open(info) as src, open(tmp, "xb") as dst:
            while chunk := src.read(FLUSH_BYTES):
                written += len(chunk)
                if written > info.file_size:
                    raise zipfile.BadZipFile("member larger than declared")
                digest.update(chunk)
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        if target.exists():
            raise Refused("upload_duplicate", 409, file=target.name)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return digest.hexdigest()


def fsync_dir(path: Path) -> None:
    """Make a rename inside `path` durable (no-op where folders cannot be opened, Windows)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
