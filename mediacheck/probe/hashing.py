"""Content hashes for the exact-duplicate check, reading as little as the question needs.

Two files can only be the same if they have the same size; two files of the same size are
compared first by a sampled fingerprint (four 4 KiB windows spread over the file), and only
when those agree is either file hashed in full. So two different 2 GB clips of one size cost
16 KiB each, not 4 GB. The fingerprint only decides which files are hashed, never that two
files are one: a window that misses a difference costs a full hash, not a wrong finding.
"""

from __future__ import annotations

import hashlib
from typing import Any, BinaryIO, Protocol

SAMPLE_BYTES = 4 * 1024
SAMPLE_WINDOWS = 4
CHUNK = 1 << 20


class Openable(Protocol):
    size: int

    def open(self) -> BinaryIO: ...


def sampled_fingerprint(media: Openable) -> str | None:
    """sha256 over `SAMPLE_WINDOWS` evenly spread windows (the whole file when small)."""
    digest = hashlib.sha256()
    size = media.size
    try:
        with media.open() as fh:
            if size <= SAMPLE_BYTES * SAMPLE_WINDOWS:
                digest.update(fh.read())
            else:
                step = (size - SAMPLE_BYTES) / (SAMPLE_WINDOWS - 1)
                for i in range(SAMPLE_WINDOWS):
                    fh.seek(int(i * step))
                    digest.update(fh.read(SAMPLE_BYTES))
    except (OSError, ValueError, EOFError):
        return None
    except Exception:  # noqa: BLE001 - a member of a damaged ZIP fails its CRC here
        return None
    return digest.hexdigest()


def sha256_of(media: Openable) -> str | None:
    """The whole file's sha256; None when it cannot be read to the end."""
    digest = hashlib.sha256()
    try:
        with media.open() as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
    except Exception:  # noqa: BLE001 - a member of a damaged ZIP fails its CRC here
        return None
    return digest.hexdigest()


def needing_full_hash(files: list[Any], sample: Any) -> list[int]:
    """Indexes of readable photos/videos that might be exact copies of another file here.

    `files` are FileFacts; `sample(index)` gives a file's sampled fingerprint. Only groups of
    equal size are sampled, and only files whose samples agree need the full hash."""
    by_size: dict[int, list[int]] = {}
    for index, fact in enumerate(files):
        if fact.size > 0 and not fact.unreadable and fact.kind in ("photo", "video"):
            by_size.setdefault(fact.size, []).append(index)
    wanted: list[int] = []
    for indexes in by_size.values():
        if len(indexes) < 2:
            continue
        if all(files[i].sha256 for i in indexes):
            continue
        by_sample: dict[str | None, list[int]] = {}
        for index in indexes:
            by_sample.setdefault(sample(index), []).append(index)
        for key, group in by_sample.items():
            if key is not None and len(group) > 1:
                wanted.extend(i for i in group if not files[i].sha256)
    return sorted(wanted)
