"""`folder-contents` — Phụ lục 2 §4: the event folder holds the selected media, and only that.

No junk that operating systems and Office leave behind (Thumbs.db, .DS_Store, desktop.ini, `~$`
temporary files, AppleDouble `._*`), no nested folders (the office opens one folder per event),
not empty, and no file types that are neither photos nor videos. Sidecars a camera writes beside
its clips (a drone's .SRT telemetry) are accepted. Loops and unreadable folders are named here,
and so are ZIP entries refused for an unsafe path (`../` or absolute: "zip slip").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediacheck.checks import EventFacts, Problem

ID = "folder-contents"
OPTIONS: dict[str, type] = {}
MESSAGES = ("junk-file", "nested-folder", "empty", "unsupported-type", "symlink-loop",
            "unreadable-folder", "unsafe-path")
SCAN_KEYS = {"symlink-loop": "symlink-loop", "unsafe-path": "unsafe-path"}


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    for reason, detail in event.scan_problems:
        key = SCAN_KEYS.get(reason, "unreadable-folder")
        path = detail if key == "symlink-loop" else None
        yield Problem(key, path, {"detail": detail, "file": detail})
    unreadable = any(SCAN_KEYS.get(r) is None for r, _ in event.scan_problems)
    if not unreadable and not any(f.kind in ("photo", "video") for f in event.files):
        yield Problem("empty", None, {})
    for folder in event.subfolders:
        yield Problem("nested-folder", folder, {"folder": folder})
    for f in event.files:
        if f.kind == "junk":
            yield Problem("junk-file", f.path, {"file": f.path})
        elif f.kind == "other":
            yield Problem("unsupported-type", f.path, {"file": f.path})
