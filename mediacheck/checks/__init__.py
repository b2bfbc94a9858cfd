"""The checks: one module per check, each a pure function from facts to problems.

A check module declares `ID`, `OPTIONS` (name -> type, values come from the profile) and
`MESSAGES` (its message keys), and defines `check(event, options)` that yields `Problem`s. It never
knows its severity or wording: the engine stamps those from the profile. `NEEDS` names the probe
stages whose facts it reads (default: `("meta",)`, the headers); the engine computes the union
over the enabled checks, and a check whose stages are switched off (`--quick`) does not run.
A check with `AFTER_OTHERS = True` runs last and sees which files already have errors
(`photo-count`).

One cause, one message. A check yields one `Problem` per signal it saw: the message key (what
the finding says, `details.key`) and, when finer, the signal's own key (`signal_key`). A check
whose profile option `fold` lists check IDs (`photo-resolution`) or messages
(`capture-time:zero-time`), itself included, owns the cause they share: on a file it reports,
their findings become one (`fold_findings`), the most severe speaking (the owner's first on a
tie), and `details.signals` lists every signal as {"check", "key": the signal's key, params}.
A file the owner does not report keeps its findings as they are.

`SHARED_OPTIONS` maps an option name to `(other check id, its option or "enabled")`: the profile
fills it from that check's table, so one threshold is written once (`video-scenes` judges scenes
by `video-duration`'s bounds).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import ModuleType
from typing import Any, Protocol

from mediacheck.probe.facts import FileFacts
from mediacheck.report import Finding

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
    "video_scenes",
    "video_steadiness",
    "drone",
    "submission_size",
    "duplicate",
    "duplicate_submission",
    "photo_sharpness",
    "photo_exposure",
    "shot_kinds",
    "near_duplicate",
)


@dataclass(frozen=True)
class Problem:
    """What a check yields: a message key, the file it is about (None: the folder), params
    (raw values: the message formats them), and the key of the signal in `details`."""

    key: str
    path: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    signal_key: str = ""

    def details(self) -> dict[str, Any]:
        """What the finding keeps: the message key, the params, the signal's own key if any."""
        details = {"key": self.key, **self.params}
        if self.signal_key and self.signal_key != self.key:
            details["signal_key"] = self.signal_key
        return details


@dataclass
class EventFacts:
    """Everything the checks may look at for one submission (event folder)."""

    name: str
    files: list[FileFacts]
    subfolders: list[str] = field(default_factory=list)
    scan_problems: list[tuple[str, str]] = field(default_factory=list)
    now: datetime = field(default_factory=datetime.now)
    error_paths: frozenset[str] = frozenset()
    # Paths of the run's other submissions of the same unit and activity.
    twins: list[str] = field(default_factory=list)

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


def fold_findings(findings: list[Finding], configs: Iterable[Any]) -> list[Finding]:
    """Merge the findings about one file that a folding check owns (see the module docstring);
    `configs` are the run's `CheckConfig`s. Order is kept: a merged finding takes the place of
    the first of its members."""
    for config in configs:
        members = frozenset(config.options.get("fold") or ())
        if members:
            findings = _fold(findings, config.id, members)
    return findings


def _fold(findings: list[Finding], owner: str, members: frozenset[str]) -> list[Finding]:
    owned = {f.path for f in findings if f.check == owner and f.path is not None}
    groups: dict[str, list[int]] = {}
    for index, f in enumerate(findings):
        if f.path in owned and (f.check in members or f"{f.check}:{f.key}" in members):
            groups.setdefault(f.path, []).append(index)
    merged: dict[int, Finding] = {}
    dropped: set[int] = set()
    for indexes in groups.values():
        lead = min(indexes, key=lambda i: (-findings[i].severity.rank,
                                           findings[i].check != owner, i))
        signals = [s for i in indexes for s in _signals(findings[i])]
        merged[indexes[0]] = replace(findings[lead],
                                     details={**findings[lead].details, "signals": signals})
        dropped.update(indexes[1:])
    return [merged.get(i, f) for i, f in enumerate(findings) if i not in dropped]


def _signals(finding: Finding) -> list[dict[str, Any]]:
    """A finding as the signals it stands for: {"check", "key" (the signal's), params...}."""
    folded = finding.details.get("signals")
    if folded:
        return list(folded)
    details = dict(finding.details)
    key = details.pop("signal_key", details.pop("key", finding.key))
    details.pop("key", None)
    return [{"check": finding.check, "key": key, **details}]
