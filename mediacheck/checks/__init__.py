"""The checks: one module per check, each a pure function from facts to problems.

A check module declares `ID`, `OPTIONS` (name -> type, values come from the profile) and
`MESSAGES` (its message keys), and defines `check(event, options)` that yields `Problem`s. It never
knows its severity or wording: the engine stamps those from the profile. `NEEDS` names the probe
stages whose facts it reads (default: `("meta",)`, the headers); the engine computes the union
over the enabled checks, and a check whose stages are switched off (`--quick`) does not run.
A check with `AFTER_OTHERS = True` runs last and sees which files already have errors
(`photo-count`).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType
from typing import Any, Protocol

from mediacheck.probe.facts import FileFacts

CHECK_MODULES = (
    "folder_name",
    "folder_contents",
    "file_unreadable",
    "photo_count",
    "photo_original",
    "photo_format",
    "photo_resolution",
    "capture_time",
    "location",
    "video_container",
    "video_resolution",
    "video_codec",
    "video_duration",
    "drone",
    "submission_size",
    "duplicate",
    "photo_sharpness",
    "photo_exposure",
    "shot_kinds",
    "near_duplicate",
)


@dataclass(frozen=True)
class Problem:
    """What a check yields: a message key, the file it is about (None: the folder), params."""

    key: str
    path: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class EventFacts:
    """Everything the checks may look at for one submission (event folder)."""

    name: str
    files: list[FileFacts]
    subfolders: list[str] = field(default_factory=list)
    scan_problems: list[tuple[str, str]] = field(default_factory=list)
    now: datetime = field(default_factory=datetime.now)
    error_paths: frozenset[str] = frozenset()

    def photos(self) -> list[FileFacts]:
        """Photos that could be read (unreadable ones are `file-unreadable`'s business)."""
        return [f for f in self.files if f.photo is not None]

    def videos(self) -> list[FileFacts]:
        return [f for f in self.files if f.video is not None]


def needs(module: ModuleType) -> tuple[str, ...]:
    """The probe stages a check reads."""
    return tuple(getattr(module, "NEEDS", ("meta",)))


class CheckModule(Protocol):
    ID: str
    OPTIONS: dict[str, type]
    MESSAGES: tuple[str, ...]

    def check(self, event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]: ...


def _load() -> dict[str, ModuleType]:
    modules = [importlib.import_module(f"mediacheck.checks.{name}") for name in CHECK_MODULES]
    return {module.ID: module for module in modules}


REGISTRY: dict[str, ModuleType] = _load()
