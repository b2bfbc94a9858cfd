"""The intake portal's records, in SQLite (WAL): units and their hashed codes, activities,
sessions, and the submissions table the office's matrix is a projection of.

The files are the truth; a row is added only after a submission's folder is in place (a rename),
so no row ever points at a missing or half-written folder. Facts of files are cached apart, in
the engine's own facts cache (`facts.sqlite3` beside this file).

One connection shared by the event loop and the checking threads, behind a lock; every call is
one short transaction (the longest reads a few hundred rows for the matrix).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mediacheck.web import security

SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, key TEXT NOT NULL UNIQUE,
    listed INTEGER NOT NULL DEFAULT 1, code_key TEXT UNIQUE, code_hash TEXT,
    code_state TEXT NOT NULL DEFAULT 'none', code_issued REAL);
CREATE TABLE IF NOT EXISTS activities (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, key TEXT NOT NULL UNIQUE,
    created REAL NOT NULL, created_by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    digest TEXT PRIMARY KEY, role TEXT NOT NULL, unit_id INTEGER, csrf TEXT NOT NULL,
    created REAL NOT NULL, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY, unit_id INTEGER NOT NULL REFERENCES units(id),
    activity_id INTEGER NOT NULL REFERENCES activities(id), version INTEGER NOT NULL,
    folder TEXT NOT NULL, received REAL NOT NULL, files INTEGER NOT NULL,
    bytes INTEGER NOT NULL, manifest TEXT NOT NULL, status TEXT NOT NULL,
    verdict TEXT, errors INTEGER, warnings INTEGER, infos INTEGER, result TEXT,
    checked REAL, seen INTEGER NOT NULL DEFAULT 0,
    UNIQUE (unit_id, activity_id, version));
CREATE INDEX IF NOT EXISTS submissions_by_cell ON submissions (unit_id, activity_id, version);
"""


@dataclass(frozen=True)
class Session:
    principal: security.Principal
    csrf: str
    expires: float


class Store:
    """The portal's database file (`DIR/.mediacheck/intake.sqlite3`)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False,
                                     timeout=30)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _all(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _one(self, sql: str, params: tuple = ()) -> sqlite3.Row | None:
        with self._lock:
            return self._conn.execute(sql, params).fetchone()

    # ------------------------------------------------------------------ settings

    def setting(self, key: str) -> str | None:
        row = self._one("SELECT value FROM settings WHERE key = ?", (key,))
        return row["value"] if row else None

    def set_setting(self, key: str, value: str | None) -> None:
        with self._tx() as db:
            if value is None:
                db.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) "
                           "DO UPDATE SET value = excluded.value", (key, value))

    # ------------------------------------------------------------------ units and codes

    def sync_units(self, names: list[str], key_of: Any) -> None:
        """The office's list is the truth: new names added, names gone marked unlisted (they
        can no longer sign in; their submissions stay)."""
        keys = {key_of(n): n for n in names}
        with self._tx() as db:
            db.execute("UPDATE units SET listed = 0")
            for key, name in keys.items():
                db.execute("INSERT INTO units (name, key) VALUES (?, ?) ON CONFLICT(key) DO "
                           "UPDATE SET name = excluded.name, listed = 1", (name, key))

    def units(self, listed_only: bool = True) -> list[sqlite3.Row]:
        where = "WHERE listed = 1" if listed_only else ""
        return self._all(f"SELECT * FROM units {where} ORDER BY name COLLATE NOCASE")

    def unit(self, unit_id: int) -> sqlite3.Row | None:
        return self._one("SELECT * FROM units WHERE id = ?", (unit_id,))

    def unit_by_code_key(self, code_key: str) -> sqlite3.Row | None:
        return self._one("SELECT * FROM units WHERE code_key = ? AND code_state = 'active' "
                         "AND listed = 1", (code_key,))

    def set_code(self, unit_id: int, code_key: str, code_hash: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE units SET code_key = ?, code_hash = ?, code_state = 'active', "
                       "code_issued = ? WHERE id = ?", (code_key, code_hash, time.time(),
                                                        unit_id))
            db.execute("DELETE FROM sessions WHERE role = 'unit' AND unit_id = ?", (unit_id,))

    def revoke_code(self, unit_id: int) -> None:
        with self._tx() as db:
            db.execute("UPDATE units SET code_key = NULL, code_hash = NULL, "
                       "code_state = 'revoked' WHERE id = ?", (unit_id,))
            db.execute("DELETE FROM sessions WHERE role = 'unit' AND unit_id = ?", (unit_id,))

    # ------------------------------------------------------------------ activities

    def activities(self) -> list[sqlite3.Row]:
        return self._all("SELECT * FROM activities ORDER BY created, id")

    def activity(self, activity_id: int) -> sqlite3.Row | None:
        return self._one("SELECT * FROM activities WHERE id = ?", (activity_id,))

    def activity_by_key(self, key: str) -> sqlite3.Row | None:
        return self._one("SELECT * FROM activities WHERE key = ?", (key,))

    def add_activity(self, name: str, key: str, by: str) -> sqlite3.Row:
        with self._tx() as db:
            db.execute("INSERT INTO activities (name, key, created, created_by) VALUES "
                       "(?, ?, ?, ?) ON CONFLICT(key) DO NOTHING", (name, key, time.time(), by))
        row = self.activity_by_key(key)
        assert row is not None
        return row

    # ------------------------------------------------------------------ sessions

    def new_session(self, principal: security.Principal, hours: float) -> tuple[str, Session]:
        token = security.new_token()
        session = Session(principal, security.new_token(), time.time() + hours * 3600)
        with self._tx() as db:
            db.execute("DELETE FROM sessions WHERE expires < ?", (time.time(),))
            db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?)", (
                security.token_digest(token), principal.role, principal.unit_id, session.csrf,
                time.time(), session.expires))
        return token, session

    def session(self, token: str | None) -> Session | None:
        """The live session of a cookie; an expired one is gone (and removed)."""
        if not token:
            return None
        digest = security.token_digest(token)
        row = self._one("SELECT * FROM sessions WHERE digest = ?", (digest,))
        if row is None:
            return None
        if row["expires"] <= time.time():
            with self._tx() as db:
                db.execute("DELETE FROM sessions WHERE digest = ?", (digest,))
            return None
        return Session(security.Principal(row["role"], row["unit_id"]), row["csrf"],
                       row["expires"])

    def end_session(self, token: str | None) -> None:
        if token:
            with self._tx() as db:
                db.execute("DELETE FROM sessions WHERE digest = ?",
                           (security.token_digest(token),))

    # ------------------------------------------------------------------ submissions

    def add_submission(self, unit_id: int, activity_id: int, version: int, folder: str,
                       manifest: list[dict[str, Any]]) -> int:
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO submissions (unit_id, activity_id, version, folder, received, "
                "files, bytes, manifest, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'checking')",
                (unit_id, activity_id, version, folder, time.time(), len(manifest),
                 sum(int(f["size"]) for f in manifest), json.dumps(manifest,
                                                                   ensure_ascii=False)))
            return int(cursor.lastrowid)

    def max_version(self, unit_id: int, activity_id: int) -> int:
        row = self._one("SELECT MAX(version) AS v FROM submissions WHERE unit_id = ? AND "
                        "activity_id = ?", (unit_id, activity_id))
        return int(row["v"] or 0) if row else 0

    def has_folder(self, folder: str) -> bool:
        return self._one("SELECT 1 FROM submissions WHERE folder = ?", (folder,)) is not None

    def set_result(self, submission_id: int, result: dict[str, Any] | None,
                   status: str = "checked") -> None:
        counts = (result or {}).get("counts", {})
        with self._tx() as db:
            db.execute("UPDATE submissions SET status = ?, verdict = ?, errors = ?, "
                       "warnings = ?, infos = ?, result = ?, checked = ? WHERE id = ?", (
                           status, (result or {}).get("verdict"), counts.get("error"),
                           counts.get("warning"), counts.get("info"),
                           json.dumps(result, ensure_ascii=False) if result else None,
                           time.time(), submission_id))

    def mark_seen(self, submission_id: int) -> None:
        with self._tx() as db:
            db.execute("UPDATE submissions SET seen = 1 WHERE id = ?", (submission_id,))

    def submission(self, submission_id: int) -> sqlite3.Row | None:
        return self._one("SELECT s.*, u.name AS unit, a.name AS activity FROM submissions s "
                         "JOIN units u ON u.id = s.unit_id JOIN activities a ON "
                         "a.id = s.activity_id WHERE s.id = ?", (submission_id,))

    def submissions(self, *, unit_id: int | None = None, activity_id: int | None = None,
                    status: str | None = None) -> list[sqlite3.Row]:
        where, params = [], []
        for column, value in (("s.unit_id", unit_id), ("s.activity_id", activity_id),
                              ("s.status", status)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        return self._all("SELECT s.*, u.name AS unit, a.name AS activity FROM submissions s "
                         "JOIN units u ON u.id = s.unit_id JOIN activities a ON "
                         f"a.id = s.activity_id {clause} ORDER BY s.received DESC, s.id DESC",
                         tuple(params))

    def latest(self) -> dict[tuple[int, int], sqlite3.Row]:
        """The newest version of every (unit, activity): the cells of the matrix."""
        rows = self._all("SELECT s.* FROM submissions s JOIN (SELECT unit_id, activity_id, "
                         "MAX(version) AS v FROM submissions GROUP BY unit_id, activity_id) m "
                         "ON m.unit_id = s.unit_id AND m.activity_id = s.activity_id AND "
                         "m.v = s.version")
        return {(r["unit_id"], r["activity_id"]): r for r in rows}
