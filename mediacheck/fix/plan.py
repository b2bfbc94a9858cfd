"""From a checked submission to a plan: what `fix` will do to each file, and why.

Pure: it reads the source folder's check result (findings and facts) and decides, per file, one
action and the findings that action answers. Nothing is opened or written here, so the dry run
can print exactly what `--apply` will do, and tests can build plans from hand-made results.
A finding no action answers is a job for a person (too few photos, a clip too short or below
720p): the plan lists those in plain words instead of pretending.

A photo that fails on its own (not an original, too small) is left out when the event keeps
enough good photos without it (`photo-count`'s minimum), because then the new folder passes; when
it does not, the photo stays and the plan says more original photos are needed. The plan
predicts the verdict of the new folder (`expected_pass`): no error left on a file that goes
into it, no folder-level error, enough good photos.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mediacheck.report import Finding, Severity, SubmissionResult
from mediacheck.submission import EventFolder

ACTIONS = ("copy", "link", "transcode", "convert-heic", "split", "skip-junk", "skip-duplicate",
           "skip-failing", "cannot-fix")
WRITES = ("copy", "link", "transcode", "convert-heic", "split")
TRANSCODE_CHECKS = {("video-container", k) for k in ("quicktime", "3gp", "not-mp4")} | {
    ("video-codec", "video-codec"), ("video-codec", "audio-codec"),
    ("video-resolution", "too-high")}
FULL_HD_PIXELS = 1920 * 1080
PHOTO_COUNT = "photo-count"


@dataclass
class FileAction:
    """One source file and what happens to it; `outputs` are names in the new folder."""

    source: str
    src_path: Path | None
    action: str
    outputs: list[str] = field(default_factory=list)
    answers: list[Finding] = field(default_factory=list)
    blocked_by: list[Finding] = field(default_factory=list)
    estimated_bytes: int = 0
    source_bytes: int = 0
    facts: dict[str, Any] = field(default_factory=dict)
    target_size: tuple[int, int] | None = None
    upscale: bool = False
    transcode: bool = False
    parts: int = 0

    @property
    def duration(self) -> float:
        return float(self.facts.get("duration") or 0.0)


@dataclass
class Plan:
    """Everything `fix` will do for one event folder, and what it leaves to a person."""

    source: str
    output_name: str
    actions: list[FileAction]
    needs_person: list[Finding]
    options: dict[str, Any]
    good_photos: int = 0  # photos that go into the new folder with no error of their own
    min_photos: int = 0  # what photo-count asks for (0 when it is off)
    remaining_errors: list[Finding] = field(default_factory=list)

    @property
    def links(self) -> bool:
        """Do unchanged files become hard links (same disk, `hard_links` in [fix])?"""
        return any(a.action == "link" for a in self.actions)

    @property
    def photos_short(self) -> bool:
        """Will the new folder have fewer good photos than photo-count asks for?"""
        return self.good_photos < self.min_photos

    @property
    def estimated_bytes(self) -> int:
        """Disk space the new folder needs (hard links need none)."""
        return sum(a.estimated_bytes for a in self.actions if a.action in WRITES
                   and a.action != "link")

    @property
    def output_bytes(self) -> int:
        return sum(a.estimated_bytes for a in self.actions if a.action in WRITES)

    @property
    def expected_pass(self) -> bool:
        """The predicted verdict of the new folder (the re-check after --apply decides)."""
        return not self.remaining_errors and not self.photos_short


def build_plan(event: EventFolder, result: SubmissionResult, output_name: str,
               options: dict[str, Any], *, heic_to_jpeg: bool = False,
               split_scenes: bool = False, same_filesystem: bool = False,
               folder_name_fixed: bool = True) -> Plan:
    """Decide an action for every file of `event`, given its check `result`."""
    by_path: dict[str | None, list[Finding]] = {}
    for finding in result.findings:
        by_path.setdefault(finding.path, []).append(finding)
    taken: set[str] = set()
    actions = []
    for media, facts in zip(event.files, result.files, strict=True):
        findings = by_path.get(media.rel, [])
        action = _decide(media.rel, facts, findings, options, heic_to_jpeg, split_scenes,
                         same_filesystem and bool(options.get("hard_links")))
        action.src_path = media.fs_path
        action.outputs = _claim_names(action, taken, options)
        actions.append(action)
    min_photos = int(options.get("min_photos", 0))
    good = _leave_out_failing_photos(actions, by_path, min_photos)
    answered = {id(f) for a in actions for f in a.answers}
    if folder_name_fixed:
        answered |= {id(f) for f in result.findings if f.check == "folder-name"}
    if good >= min_photos:
        answered |= {id(f) for f in result.findings if f.check == PHOTO_COUNT}
    needs_person = [f for f in result.findings if id(f) not in answered
                    and f.severity is not Severity.INFO]
    kept = {a.source for a in actions if a.outputs}
    remaining = [f for f in needs_person if f.severity is Severity.ERROR
                 and (f.path is None or f.path in kept) and f.check != PHOTO_COUNT]
    return Plan(result.path, output_name, actions, needs_person, options, good_photos=good,
                min_photos=min_photos, remaining_errors=remaining)


def _own_errors(action: FileAction, by_path: dict[str | None, list[Finding]]) -> list[Finding]:
    """The errors of a file that its action does not answer (what it would carry along)."""
    answered = {id(f) for f in action.answers}
    return [f for f in by_path.get(action.source, []) if f.severity is Severity.ERROR
            and id(f) not in answered]


def _leave_out_failing_photos(actions: list[FileAction],
                              by_path: dict[str | None, list[Finding]], min_photos: int) -> int:
    """Leave out photos with errors of their own when enough good ones remain; return how many
    good photos go into the new folder."""
    photos = [a for a in actions if a.outputs and a.facts.get("role") == "photo"]
    failing = [a for a in photos if _own_errors(a, by_path)]
    good = len(photos) - len(failing)
    if good >= min_photos:
        for action in failing:
            action.answers += _own_errors(action, by_path)
            action.action, action.outputs, action.estimated_bytes = "skip-failing", [], 0
    return good


def _decide(rel: str, facts: dict[str, Any], findings: list[Finding], options: dict[str, Any],
            heic_to_jpeg: bool, split_scenes: bool, link: bool) -> FileAction:
    size = int(facts.get("size") or 0)
    action = FileAction(rel, None, "link" if link else "copy", source_bytes=size,
                        estimated_bytes=size, facts=facts)
    role = facts.get("role")
    if role in ("junk", "other"):
        return _with(action, "skip-junk", findings, 0, "folder-contents")
    if facts.get("unreadable"):
        action.action, action.estimated_bytes = "cannot-fix", 0
        action.blocked_by = [f for f in findings if f.severity is Severity.ERROR]
        return action
    dup = [f for f in findings if f.check == "duplicate"]
    if dup:
        return _with(action, "skip-duplicate", dup, 0)
    if role == "photo" and heic_to_jpeg:
        heic = [f for f in findings if (f.check, f.key) == ("photo-format", "heic")]
        if heic:
            return _with(action, "convert-heic", heic, int(size * 2.5))
    if role == "video":
        return _decide_video(action, findings, options, split_scenes)
    return action


def _with(action: FileAction, name: str, findings: list[Finding], size: int,
          check: str | None = None) -> FileAction:
    action.action, action.estimated_bytes = name, size
    action.answers = [f for f in findings if check is None or f.check == check]
    return action


def _decide_video(action: FileAction, findings: list[Finding], options: dict[str, Any],
                  split_scenes: bool) -> FileAction:
    facts = action.facts
    display = _display_size(facts)
    low = [f for f in findings if (f.check, f.key) == ("video-resolution", "too-low")]
    if low and not options["allow_upscale"]:
        action.action, action.estimated_bytes, action.blocked_by = "cannot-fix", 0, low
        return action
    fixable = [f for f in findings if (f.check, f.key) in TRANSCODE_CHECKS] + low
    if fixable:
        action.transcode = True
        action.answers = list(fixable)
        action.target_size, action.upscale = target_size(display, options) if display else (
            None, False)
        action.action = "transcode"
        action.estimated_bytes = estimate_bytes(action, options)
    long = [f for f in findings if (f.check, f.key) == ("video-duration", "too-long")]
    if long and split_scenes and action.duration > 0:
        action.action = "split"
        action.parts = split_count(action.duration, options)
        action.answers += long
    return action


def _display_size(facts: dict[str, Any]) -> tuple[int, int] | None:
    width, height = facts.get("display_width"), facts.get("display_height")
    return (int(width), int(height)) if width and height else None


def _even(size: tuple[int, int]) -> tuple[int, int]:
    return size[0] - size[0] % 2, size[1] - size[1] % 2


def target_size(display: tuple[int, int], options: dict[str, Any]) -> tuple[
        tuple[int, int], bool]:
    """The displayed size after fixing: short side at most `max_short_side`, aspect kept,
    even numbers (H.264 4:2:0 needs them); raised to `min_short_side` only if allowed."""
    short = min(display)
    scale = 1.0
    if short > options["max_short_side"]:
        scale = options["max_short_side"] / short
    elif short < options["min_short_side"] and options["allow_upscale"]:
        scale = options["min_short_side"] / short
    if scale == 1.0:
        return _even(display), False
    width, height = (_round_even(display[0] * scale), _round_even(display[1] * scale))
    return (width, height), scale > 1.0


def _round_even(value: float) -> int:
    return max(2, int(round(value / 2.0)) * 2)


def estimate_bytes(action: FileAction, options: dict[str, Any]) -> int:
    """A generous size estimate for the disk-space check: H.264 at the profile's bit rate,
    scaled by picture area, but never much more than the source (a re-encode rarely grows
    a file more than twice)."""
    width, height = action.target_size or (1920, 1080)
    video_kbps = options["estimate_video_kbps"] * (width * height) / FULL_HD_PIXELS
    audio_kbps = _kbps(options["audio_bitrate"])
    model = int(action.duration * (video_kbps + audio_kbps) * 1000 / 8)
    return min(model, 2 * action.source_bytes + 1_000_000) if model else 2 * action.source_bytes


def _kbps(text: str) -> float:
    text = text.strip().lower()
    if text.endswith("k"):
        return float(text[:-1])
    if text.endswith("m"):
        return float(text[:-1]) * 1000
    return float(text) / 1000


def split_count(duration: float, options: dict[str, Any]) -> int:
    """How many parts of equal length, each at most `split_max_seconds`."""
    return max(1, math.ceil(duration / options["split_max_seconds"]))


def _claim_names(action: FileAction, taken: set[str], options: dict[str, Any]) -> list[str]:
    """Output names: unchanged for copies, `.mp4`/`.jpg` for conversions, `_p1`... for parts;
    a name already taken (case-insensitively, for Windows) gets ` (2)`."""
    if action.action not in WRITES:
        return []
    stem, dot, ext = action.source.rpartition(".")
    if not dot:
        stem, ext = action.source, ""
    if action.transcode or action.action == "split":
        ext = "mp4"
    elif action.action == "convert-heic":
        ext = "jpg"
    if action.action == "split":
        return [_unique(f"{stem}_p{i}", "mp4", taken) for i in range(1, action.parts + 1)]
    return [_unique(stem, ext, taken)]


def _unique(stem: str, ext: str, taken: set[str]) -> str:
    suffix = f".{ext}" if ext else ""
    name, n = stem + suffix, 2
    while name.casefold() in taken:
        name, n = f"{stem} ({n}){suffix}", n + 1
    taken.add(name.casefold())
    return name
