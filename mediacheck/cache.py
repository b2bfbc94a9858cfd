"""Remember the facts of files between runs, stage by stage, so re-checking an unchanged shared
drive reads no media at all, and adding the pixel checks to a metadata run reads no header again.

Facts (what a probe stage read from a file) are cached, never verdicts or findings: those depend
on the profile, which may change between runs, and are cheap to recompute from facts. Each stage
(`mediacheck.probe.stages`) is stored on its own row, keyed by the file's identity and tagged
with the stage's own version: a file's row holds its absolute path, size, modification time and
kind, and an entry is used only when all of those match what scanning already knows (one `stat`,
no read) and the stage's version tag matches. So a metadata-only run is never served missing
pixel facts, and a stage whose code changed is recomputed alone.

A folder that was renamed or moved keeps its modification times: when a path is not in the
cache, its `meta` stage is read again (cheap), and the expensive stages (pixels, motion, previews)
are taken from an entry of the same size, modification time, kind and identical metadata under
another path (`adopt_moved`), instead of being decoded again.

ZIP members have no path of their own (`MediaFile.fs_path is None`). Their `rel`, size and
two-second ZIP time are not unique across archives, so they are cached only when the caller
passes an explicit `key` naming the archive and the member (for example ``f"{zip}!{member}"``).

The cache is a convenience: a corrupt, unreadable, unwritable or locked cache file never breaks
a run, it only makes it slower. The first failure is recorded in `FactCache.problem` (for the CLI
to show, in the user's language) and the cache then does nothing: `get` misses and `put` is
ignored. A broken cache file is never deleted or rewritten: `--cache PATH` may point at a file
that is not ours.

Concurrent runs on one cache file are safe: SQLite in WAL mode (readers never wait for the
writer), a short busy timeout, and puts buffered in memory and written in short
`BEGIN IMMEDIATE` transactions, so no run holds the write lock while it probes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

from mediacheck.probe.facts import FileFacts
from mediacheck.probe.stages import STAGES, load_stage
from mediacheck.scan import MediaFile

CACHE_FILE = "facts.sqlite3"
BATCH_SIZE = 200
# Writers hold the lock for one short batch; anything longer is another program holding it,
# and then the run goes on without the cache rather than waiting.
BUSY_TIMEOUT_S = 2.0
MOVED_CANDIDATES = 8
# Reasons that may be gone next run (a permission fixed, a network drive back): never cached.
TRANSIENT = frozenset({"permission", "os-error"})
# Table names carry the schema version: a new schema is new tables, old files still open.
SCHEMA = """
CREATE TABLE IF NOT EXISTS files_v2 (
    key BLOB PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    kind TEXT NOT NULL,
    meta_digest BLOB,
    stored REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS files_v2_by_stat ON files_v2 (size, mtime_ns);
CREATE TABLE IF NOT EXISTS stages_v2 (
    key BLOB NOT NULL,
    stage TEXT NOT NULL,
    version TEXT NOT NULL,
    facts TEXT NOT NULL,
    PRIMARY KEY (key, stage)
) WITHOUT ROWID;
"""
# One file as stored (key, size, mtime_ns, kind, meta_digest, stored) and its stage rows.
FileRow = tuple[bytes, int, int, str, bytes | None, float]


def default_cache_path() -> Path:
    """`facts.sqlite3` in the user cache folder (~/.cache/mediacheck, %LOCALAPPDATA%, ...)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("mediacheck", appauthor=False)) / CACHE_FILE


def cache_file(path: Path | None) -> Path:
    """The cache file for `--cache PATH`: a folder means `facts.sqlite3` inside it."""
    if path is None:
        return default_cache_path()
    path = Path(path)
    return path / CACHE_FILE if path.is_dir() else path


def mtime_ns(media: MediaFile) -> int:
    """The modification time in whole nanoseconds, as exact as scanning recorded it."""
    return media.mtime_ns if media.mtime_ns is not None else round(media.mtime * 1e9)


def meta_digest(facts: FileFacts) -> bytes:
    """What identifies a file's content well enough, with its size and time, to find it again
    after a move: its metadata as read by the meta stage."""
    data = json.dumps(STAGES["meta"].dump(facts), sort_keys=True, default=str)
    return hashlib.sha256(data.encode("utf-8", "surrogateescape")).digest()


class FactCache:
    """Facts of files from earlier runs, in one SQLite file shared by concurrent runs.

    One connection per instance; safe to share between threads of one process (a lock guards
    the connection), not across processes: each process opens its own `FactCache`.
    """

    def __init__(self, path: Path | None = None, *, batch_size: int = BATCH_SIZE) -> None:
        self.path = cache_file(path)
        self.batch_size = batch_size
        self.problem: str | None = None
        self.problem_detail = ""
        self.hits = 0
        self.misses = 0
        self._pending: dict[bytes, tuple[FileRow, dict[str, tuple[str, str]]]] = {}
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._open()

    # ------------------------------------------------------------------ public

    def get(self, media: MediaFile, key: str | None = None,
            stages: Iterable[str] = ("meta",)) -> FileFacts | None:
        """The stored facts of `stages` if the file is unchanged (reads no media), or None when
        none of them is stored. `facts.stages` says which stages the answer holds."""
        wanted = {name: STAGES[name].version_tag() for name in stages}
        with self._lock:
            rows = self._stage_rows(media, key)
        facts = FileFacts(path=media.rel, kind=media.kind, size=media.size)
        for name, (version, data) in rows.items():
            if wanted.get(name) == version:
                decoded = _decode(data)
                if decoded is not None:
                    load_stage(facts, name, decoded)
        if not facts.stages:
            self.misses += 1
            return None
        self.hits += 1
        return facts

    def put(self, media: MediaFile, facts: FileFacts, key: str | None = None,
            stages: Iterable[str] | None = None) -> None:
        """Remember the facts of `stages` (default: every stage `facts` holds) for this file;
        written in batches. Transient failures (a permission, a network error) are skipped."""
        ident = self._key(media, key)
        if ident is None or self._conn is None or facts.size != media.size:
            return
        if facts.unreadable in TRANSIENT:
            return
        rows = {}
        for name in (facts.stages if stages is None else stages):
            if name not in facts.stages:
                continue
            if name in facts.stage_errors:
                data: dict[str, Any] = {"stage_error": facts.stage_errors[name]}
            else:
                data = STAGES[name].dump(facts)
            rows[name] = (STAGES[name].version_tag(),
                          json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        if not rows:
            return
        digest = meta_digest(facts) if "meta" in facts.stages else None
        file_row: FileRow = (ident, media.size, mtime_ns(media), media.kind, digest, time.time())
        with self._lock:
            old = self._pending.get(ident)
            merged = {**old[1], **rows} if old and old[0][1:4] == file_row[1:4] else rows
            self._pending[ident] = (file_row, merged)
            if len(self._pending) >= self.batch_size:
                self._flush()

    def adopt_moved(self, media: MediaFile, facts: FileFacts, key: str | None = None,
                    stages: Iterable[str] = ()) -> set[str]:
        """Stages of `stages` that `facts` lacks, taken from the same file found under another
        path (same size, time, kind and metadata: a renamed or moved folder). Returns the
        stages adopted; they are remembered under the new path too."""
        ident = self._key(media, key)
        missing = [n for n in stages if n not in facts.stages and n != "meta"]
        if ident is None or not missing or "meta" not in facts.stages or self._conn is None:
            return set()
        wanted = {name: STAGES[name].version_tag() for name in missing}
        with self._lock:
            candidates = self._select_all(
                "SELECT key FROM files_v2 WHERE size = ? AND mtime_ns = ? AND kind = ?"
                " AND meta_digest = ? AND key != ? LIMIT ?",
                (media.size, mtime_ns(media), media.kind, meta_digest(facts), ident,
                 MOVED_CANDIDATES))
            adopted: set[str] = set()
            for (other,) in candidates:
                for name, version, data in self._select_all(
                        "SELECT stage, version, facts FROM stages_v2 WHERE key = ?", (other,)):
                    decoded = _decode(data) if wanted.get(name) == version else None
                    if decoded is not None and name not in adopted:
                        load_stage(facts, name, decoded)
                        adopted.add(name)
        if adopted:
            self.put(media, facts, key, stages=adopted | {"meta"})
        return adopted

    def flush(self) -> None:
        """Write buffered entries now (also done every `batch_size` puts and on close)."""
        with self._lock:
            self._flush()

    def close(self) -> None:
        """Write what is buffered and let the file go; calling it twice is harmless."""
        with self._lock:
            self._flush()
            self._disconnect()

    def __enter__(self) -> FactCache:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # ------------------------------------------------------------------ internals

    def _open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                   check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            self._fail("unwritable", exc)
            return
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            _set_up(conn)
        except sqlite3.Error as exc:
            conn.close()
            self._fail(_reason(exc), exc)
            return
        self._conn = conn

    def _key(self, media: MediaFile, key: str | None) -> bytes | None:
        """Absolute path as bytes (any name, even undecodable), or the caller's key.

        A file that scanning already found broken is not cached: probing it reads nothing."""
        if media.problem:
            return None
        if key is not None:
            return b"key:" + key.encode("utf-8", "surrogateescape")
        if media.fs_path is None:
            return None
        return os.fsencode(os.path.abspath(media.fs_path))

    def _stage_rows(self, media: MediaFile, key: str | None) -> dict[str, tuple[str, str]]:
        """stage -> (version, facts JSON) stored for this file, if its identity still matches."""
        ident = self._key(media, key)
        if ident is None or self._conn is None:
            return {}
        now = (media.size, mtime_ns(media), media.kind)
        rows: dict[str, tuple[str, str]] = {}
        stored = self._select_all(
            "SELECT f.size, f.mtime_ns, f.kind, s.stage, s.version, s.facts FROM files_v2 f"
            " JOIN stages_v2 s ON s.key = f.key WHERE f.key = ?", (ident,))
        for size, mtime, kind, stage, version, data in stored:
            if (size, mtime, kind) == now:
                rows[stage] = (version, data)
        pending = self._pending.get(ident)
        if pending is not None and pending[0][1:4] == now:
            rows.update(pending[1])
        return rows

    def _select_all(self, sql: str, params: tuple) -> list[tuple]:
        if self._conn is None:
            return []
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            self._fail(_reason(exc), exc)
            return []

    def _flush(self) -> None:
        if not self._pending or self._conn is None:
            self._pending.clear()
            return
        entries = list(self._pending.values())
        self._pending.clear()
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            for file_row, _stages in entries:
                # A file that changed since its rows were written loses them all.
                self._conn.execute(
                    "DELETE FROM stages_v2 WHERE key IN (SELECT key FROM files_v2 WHERE key = ?"
                    " AND (size != ? OR mtime_ns != ? OR kind != ?))", file_row[:4])
            self._conn.executemany("INSERT OR REPLACE INTO files_v2 VALUES (?, ?, ?, ?, ?, ?)",
                                   [row for row, _stages in entries])
            self._conn.executemany(
                "INSERT OR REPLACE INTO stages_v2 VALUES (?, ?, ?, ?)",
                [(row[0], name, version, data) for row, stages in entries
                 for name, (version, data) in stages.items()])
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            self._fail(_reason(exc), exc)

    def _rollback(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            if self._conn is not None and self._conn.in_transaction:
                self._conn.execute("ROLLBACK")

    def _fail(self, reason: str, exc: BaseException) -> None:
        """Record the first failure and stop using the cache; the run goes on without it."""
        if self.problem is None:
            self.problem = reason
            self.problem_detail = f"{self.path}: {exc}"
        self._pending.clear()
        self._disconnect()

    def _disconnect(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None


def _set_up(conn: sqlite3.Connection) -> None:
    """Switch to WAL and create the tables. Two runs starting on a new cache file at the same
    moment can get 'database is locked' here at once (switching the journal mode does not
    always wait on the busy timeout), so this is retried for a moment."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    delay = 0.01
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.executescript(SCHEMA)
            return
        except sqlite3.OperationalError as exc:
            if _reason(exc) != "locked" or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def _reason(exc: sqlite3.Error) -> str:
    """corrupt (not a database / malformed), locked, or unwritable: what the user can act on."""
    text = str(exc).lower()
    if any(word in text for word in ("not a database", "malformed", "corrupt")):
        return "corrupt"
    if "locked" in text or "busy" in text:
        return "locked"
    return "unwritable"


def _decode(data: str) -> dict[str, Any] | None:
    """A stage's stored facts; an entry that no longer parses is a miss."""
    try:
        decoded = json.loads(data)
    except ValueError:
        return None
    return decoded if isinstance(decoded, dict) else None
