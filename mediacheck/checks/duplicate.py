"""`duplicate` — the same photo or video sent twice in one event.

Copies happen when a teacher gathers files from several phones or chats. The content is compared
(the engine hashes only files whose sizes are equal); the first name in order is kept as the
original and each later copy is named. Shorter names come first, so `IMG_1.jpg` is kept and
`IMG_1 - Copy.jpg` or `IMG_1 (1).jpg` is the copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediacheck.checks import EventFacts, Problem

ID = "duplicate"
NEEDS = ("meta", "sha256")
OPTIONS: dict[str, type] = {}
MESSAGES = ("duplicate",)


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    first_seen: dict[str, str] = {}
    for f in sorted(event.files, key=lambda f: (len(f.path), f.path)):
        if f.sha256 is None:
            continue
        original = first_seen.setdefault(f.sha256, f.path)
        if original != f.path:
            yield Problem("duplicate", f.path, {"file": f.path, "original": original})
