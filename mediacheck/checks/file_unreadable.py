"""`file-unreadable` — a file the office could not open is as good as not sent.

Corrupt, truncated (an interrupted copy or download), empty, not what its extension says (a
text file named `.jpg`), an MP4 whose index (`moov`) is missing because recording was cut off,
unreadable (permissions), a broken symlink or a symlink loop, a password-protected ZIP entry, or
one that would expand far beyond its compressed size (a zip bomb, refused unread). A photo stored
in another image format than its name says (HEIC named `.jpg`) is readable and gets a milder
message. A file whose headers read but whose pictures could not be analysed (a decoder that
crashed on it, a cluster worker that cannot reach it) gets `analysis-failed`: the pixel checks
then have nothing to say about it, and the user should know why.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediacheck.checks import EventFacts, Problem

ID = "file-unreadable"
OPTIONS: dict[str, type] = {}
MESSAGES = (
    "empty", "truncated", "corrupt", "not-media", "no-moov", "no-video-stream", "permission",
    "broken-symlink", "symlink-loop", "not-a-file", "os-error", "name-too-long",
    "extension-mismatch", "encrypted", "zip-bomb", "analysis-failed", "decoder-crashed",
)
CRASHED = "crashed"  # the stage error of a file that killed the process decoding it
EXTENSION_CONTENT = {
    "jpg": "jpeg", "jpeg": "jpeg", "jpe": "jpeg", "png": "png", "gif": "gif", "webp": "webp",
    "heic": "heif", "heif": "heif", "hif": "heif", "avif": "avif", "tif": "tiff", "tiff": "tiff",
    "bmp": "bmp",
}


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    for f in event.files:
        if f.unreadable:
            key = f.unreadable if f.unreadable in MESSAGES else "os-error"
            yield Problem(key, f.path, {"file": f.path, "content": f.content or "?",
                                        "detail": f.unreadable_detail})
            continue
        if f.stage_errors:
            stage, detail = sorted(f.stage_errors.items())[0]
            key = "decoder-crashed" if detail == CRASHED else "analysis-failed"
            yield Problem(key, f.path, {"file": f.path, "stage": stage, "detail": detail})
        if f.photo is not None:
            suffix = f.path.rsplit(".", 1)[-1].lower()
            expected = EXTENSION_CONTENT.get(suffix)
            if expected and f.content and expected != f.content:
                yield Problem("extension-mismatch", f.path, {
                    "file": f.path, "extension": suffix, "content": f.content.upper()})
