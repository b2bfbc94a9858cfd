"""Remember the facts of files between runs, so re-checking an unchanged shared drive reads no
media at all.

Facts (what a probe read from a file) are cached, never verdicts or findings: those depend on the
profile, which may change between runs, and are cheap to recompute from facts. An entry is used
only when the file's absolute path, size and modification time, its kind, the `FACTS_VERSION`
below and the mediacheck version all match what was stored, so a hit is decided from what
scanning already knows (one `stat`) without opening the file. An upgrade or a probe change never
serves stale facts.

Beside each entry a fingerprint (sha256 of the first and last 64 KiB) is stored. When a path is
not in the cache but an entry of the same size, modification time and kind exists under another
path, the file's fingerprint is read and compared: a folder that was renamed or moved (which
keeps modification times) is found again for 128 KiB per file instead of a full probe.

ZIP members have no path of their own (`MediaFile.fs_path is None`). Their `rel`, size and
two-second ZIP time are not unique across archives, so they are cached only when the caller
passes an explicit `key` naming the archive and the member (for example ``f"{zip}!{member}"``).

The cache is a convenience: a corrupt, unreadable or unwritable cache file never breaks a run.
The first failure is recorded in `FactCache.problem` (for the CLI to show, in the user's
language) and the cache then does nothing: `get` misses and `put` is ignored. A broken cache
file is never deleted or rewritten: `--cache PATH` may point at a file that is not ours.

Concurrent runs on one cache file are safe: SQLite in WAL mode (readers never wait for the
writer), a busy timeout, and puts buffered in memory and written in short `BEGIN IMMEDIATE`
transactions, so no run holds the write lock while it probes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from types import TracebackType

from mediacheck import __version__
from mediacheck.probe.facts import FileFacts
from mediacheck.scan import MediaFile

# Bump whenever a probe reads something new or differently, so old entries stop matching.
FACTS_VERSION = 2
CACHE_FILE = "facts.sqlite3"
FINGERPRINT_BYTES = 64 * 1024
BATCH_SIZE = 200
BUSY_TIMEOUT_S = 30.0
MOVED_CANDIDATES = 8
# Reasons that may be gone next run (a permission fixed, a network drive back): never cached.
TRANSIENT = frozenset({"permission", "os-error"})
# The table name carries the schema version: a new schema is a new table, old files still open.
SCHEMA = """
CREATE TABLE IF NOT EXISTS facts_v1 (
    key BLOB PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    kind TEXT NOT NULL,
    version TEXT NOT NULL,
    fingerprint BLOB,
    facts TEXT NOT NULL,
    stored REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS facts_v1_by_stat ON facts_v1 (size, mtime_ns);
"""
COLUMNS = "key, size, mtime_ns, kind, version, fingerprint, facts, stored"
# One entry as stored: the columns above, in that order.
Row = tuple[bytes, int, int, str, str, bytes | None, str, float]


def default_cache_path() -> Path:
    """`facts.sqlite3` in the user cache folder (~/.cache/mediacheck, %LOCALAPPDATA%, ...)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("mediacheck", appauthor=False)) / CACHE_FILE


def version_tag() -> str:
    """What an entry must have been stored by to be used: probe facts and program version."""
    return f"{FACTS_VERSION}/{__version__}"


def mtime_ns(media: MediaFile) -> int:
    """The modification time in whole nanoseconds, as exact as scanning recorded it."""
    exact = getattr(media, "mtime_ns", None)
    return exact if isinstance(exact, int) else round(media.mtime * 1_000_000_000)


def fingerprint(media: MediaFile) -> bytes | None:
    """sha256 of the first and last 64 KiB (the whole file when small); None if unreadable."""
    digest = hashlib.sha256()
    try:
        with media.open() as fh:
            digest.update(fh.read(FINGERPRINT_BYTES))
            if media.size > FINGERPRINT_BYTES:
                fh.seek(max(FINGERPRINT_BYTES, media.size - FINGERPRINT_BYTES))
                digest.update(fh.read(FINGERPRINT_BYTES))
    except (OSError, ValueError):
        return None
    return digest.digest()


class FactCache:
    """Facts of files from earlier runs, in one SQLite file shared by concurrent runs.

    One connection per instance; safe to share between threads of one process (a lock guards
    the connection), not across `fork`: each process opens its own `FactCache`.
    """

    def __init__(self, path: Path | None = None, *, fingerprints: bool = True,
                 batch_size: int = BATCH_SIZE) -> None:
        self.path = Path(path) if path is not None else default_cache_path()
        self.fingerprints = fingerprints
        self.batch_size = batch_size
        self.problem: str | None = None
        self.problem_detail = ""
        self.hits = 0
        self.misses = 0
        self._version = version_tag()
        self._pending: dict[bytes, Row] = {}
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._open()

    # ------------------------------------------------------------------ public

    def get(self, media: MediaFile, key: str | None = None) -> FileFacts | None:
        """The stored facts if the file is unchanged; reads no media unless it may have moved."""
        with self._lock:
            facts = self._lookup(media, key)
            if facts is None:
                self.misses += 1
                return None
            self.hits += 1
        facts.path = media.rel
        return facts

    def put(self, media: MediaFile, facts: FileFacts, key: str | None = None) -> None:
        """Remember `facts` for this file (written in batches); transient failures are skipped."""
        ident = self._key(media, key)
        if ident is None or facts.unreadable in TRANSIENT or facts.size != media.size:
            return
        if self._conn is None:
            return
        fp = fingerprint(media) if self.fingerprints and media.fs_path is not None else None
        data = json.dumps(facts.to_cache(), ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            self._pending[ident] = (ident, media.size, mtime_ns(media), media.kind,
                                    self._version, fp, data, time.time())
            if len(self._pending) >= self.batch_size:
                self._flush()

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

    def _lookup(self, media: MediaFile, key: str | None) -> FileFacts | None:
        ident = self._key(media, key)
        if ident is None or self._conn is None:
            return None
        row = self._pending.get(ident) or self._select(
            f"SELECT {COLUMNS} FROM facts_v1 WHERE key = ?", (ident,))
        if row is not None and self._matches(row, media):
            return _decode(row[6])
        if self.fingerprints and media.fs_path is not None:
            return self._lookup_moved(media, ident)
        return None

    def _matches(self, row: Row, media: MediaFile) -> bool:
        return (row[1], row[2], row[3], row[4]) == (media.size, mtime_ns(media), media.kind,
                                                    self._version)

    def _lookup_moved(self, media: MediaFile, ident: bytes) -> FileFacts | None:
        """Same size, time and kind under another path: compare fingerprints (reads 128 KiB)."""
        rows = self._select_all(
            f"SELECT {COLUMNS} FROM facts_v1 WHERE size = ? AND mtime_ns = ? AND kind = ?"
            " AND version = ? AND key != ? AND fingerprint IS NOT NULL LIMIT ?",
            (media.size, mtime_ns(media), media.kind, self._version, ident, MOVED_CANDIDATES))
        if not rows:
            return None
        fp = fingerprint(media)
        for row in rows:
            if fp is not None and row[5] == fp:
                facts = _decode(row[6])
                if facts is not None:  # found again: remember it under its new path too
                    self._pending[ident] = (ident, *row[1:6], row[6], time.time())
                return facts
        return None

    def _select(self, sql: str, params: tuple) -> Row | None:
        rows = self._select_all(sql, params)
        return rows[0] if rows else None

    def _select_all(self, sql: str, params: tuple) -> list[Row]:
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
        rows = list(self._pending.values())
        self._pending.clear()
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany(
                "INSERT OR REPLACE INTO facts_v1 VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
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
    """Switch to WAL and create the table. Two runs starting on a new cache file at the same
    moment can get 'database is locked' here at once (switching the journal mode does not
    always wait on the busy timeout), so this is retried for a few seconds."""
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


def _decode(data: str) -> FileFacts | None:
    """Facts from their JSON; an entry that no longer fits the dataclasses is a miss."""
    try:
        return FileFacts.from_cache(json.loads(data))
    except (ValueError, TypeError, AttributeError):
        return None
