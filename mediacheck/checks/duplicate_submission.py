"""`duplicate-submission` — one unit sends one activity once.

The same school's same event arrives twice in one run more often than one would think: a folder
on the shared drive and again inside a Drive download, or Drive's second copy
`THCS Pu Nhi_Khaigiang (1)`. Both copies may pass, and the office would count the school twice
or check the wrong copy. Names are compared as people read them (no case, no diacritics, no
leading "Trường", no copy number), so each copy is flagged and names the others.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediacheck.checks import EventFacts, Problem

ID = "duplicate-submission"
OPTIONS: dict[str, type] = {}
MESSAGES = ("twice",)


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    if event.twins:
        others = ", ".join(f"“{path}”" for path in event.twins)
        yield Problem("twice", None, {"count": len(event.twins) + 1, "others": others})
