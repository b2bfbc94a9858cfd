"""`shot-kinds` — Phụ lục 2 §3: each event has its three kinds of photo.

The annex asks for at least one of each: a wide shot of the event taking place (*toàn cảnh*,
`wide`), the organiser speaking in front of the event backdrop (*phát biểu trước phông/maket*,
`speaker`), and a close-up aimed at the attendees (*cận cảnh người tham dự*, `closeup`). Every
photo gets a kind (or `unknown`), a confidence and a reason; the event gets one warning per kind
it lacks.

The kind comes from, in this order:
1. the file name, when the teacher wrote it there: the profile's words for each kind (`toancanh`,
   `phatbieu`, `cancanh`, ...) found anywhere in the name, without case, diacritics or spaces,
   so "Toàn cảnh 1.jpg", "IMG_01_phatbieu.jpg" and "can canh.jpg" all count; the name wins;
2. an estimate from the picture (`classify_shot`): a text backdrop with a face before or below
   it is a speaker; a face taking up a good part of the frame height (`closeup_min_face`) is a
   close-up; many small faces, or a busy scene with no close face, is a wide shot; a small group
   of fairly close faces (`closeup_group_min_face`) is a close-up too; anything else is unknown.
A photo whose pixels could not be read (or, with no face detector installed, any photo) is
`unknown` unless its name says. When no photo at all
could be judged (no names, no pixels), no warning is given: the check cannot tell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from mediacheck.checks import EventFacts, Problem
from mediacheck.checks.folder_name import fold
from mediacheck.probe.pixels import PhotoPixels

ID = "shot-kinds"
NEEDS = ("pixels",)
OPTIONS = {
    "wide_words": list,
    "speaker_words": list,
    "closeup_words": list,
    "closeup_min_face": float,
    "closeup_group_min_face": float,
    "speaker_min_banner_score": float,
    "wide_min_faces": int,
    "wide_max_face": float,
    "wide_min_texture": float,
    "min_face_score": float,
}
MESSAGES = ("missing-wide", "missing-speaker", "missing-closeup", "none-recognised")
KINDS = ("wide", "speaker", "closeup")
UNKNOWN = "unknown"


@dataclass(frozen=True)
class ShotKind:
    """A photo's kind with how sure the estimate is (0-1) and why: a catalog key
    (`shot_why_<key>` in locale/ui.toml) and its parameters."""

    kind: str
    confidence: float
    why_key: str
    why_params: dict[str, Any] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        """What a report's files row shows of it."""
        return {"shot": self.kind, "shot_confidence": round(self.confidence, 2),
                "shot_why": {"key": self.why_key, **self.why_params}}


def classify_shot(pixels: PhotoPixels | None, name: str, options: dict[str, Any]) -> ShotKind:
    """The Phụ lục 2 kind of one photo from its file name, else from its picture."""
    named = kind_from_name(name, options)
    if named is not None:
        return ShotKind(named[0], 1.0, "name", {"word": named[1]})
    if pixels is None or not pixels.analysed_width:
        return ShotKind(UNKNOWN, 0.0, "no-pixels")
    if not pixels.face_detector:
        return ShotKind(UNKNOWN, 0.0, "no-detector")
    faces = [f for f in pixels.faces if f[4] >= options["min_face_score"]]
    largest = max((f[3] for f in faces), default=0.0)
    banner = pixels.banner
    if banner and banner["score"] >= options["speaker_min_banner_score"]:
        speaker = _face_before_banner(faces, banner["box"])
        if speaker is not None:
            return ShotKind("speaker", round(0.5 + 0.4 * banner["score"], 2), "banner-face",
                            {"lines": banner.get("lines", 0), "faces": len(faces)})
    if largest >= options["closeup_min_face"]:
        confidence = min(0.95, 0.55 + (largest - options["closeup_min_face"]) * 2)
        return ShotKind("closeup", round(confidence, 2), "large-face",
                        {"percent": round(largest * 100), "faces": len(faces)})
    if len(faces) >= options["wide_min_faces"] and largest <= options["wide_max_face"]:
        return ShotKind("wide", round(min(0.9, 0.5 + 0.05 * len(faces)), 2), "many-faces",
                        {"faces": len(faces)})
    if len(faces) >= 2 and largest >= options["closeup_group_min_face"]:
        return ShotKind("closeup", 0.5, "group", {"faces": len(faces),
                                                 "percent": round(largest * 100)})
    if largest <= options["wide_max_face"] and pixels.texture >= options["wide_min_texture"]:
        return ShotKind("wide", 0.4, "busy-scene",
                        {"faces": len(faces), "texture": round(pixels.texture * 100)})
    return ShotKind(UNKNOWN, 0.0, "unclear", {"faces": len(faces)})


def _face_before_banner(faces: list[list[float]], box: list[float]) -> list[float] | None:
    """A face below the backdrop's top edge and within its width (a little wider): the person
    speaks in front of it or under it."""
    bx, by, bw, _bh = box
    for face in faces:
        centre_x, centre_y = face[0] + face[2] / 2, face[1] + face[3] / 2
        if bx - 0.15 * bw <= centre_x <= bx + 1.15 * bw and centre_y >= by:
            return face
    return None


def kind_from_name(name: str, options: dict[str, Any]) -> tuple[str, str] | None:
    """(kind, word) when the file name holds one of the profile's words for a kind."""
    compact = _compact(name.rsplit("/", 1)[-1])
    for kind in ("speaker", "closeup", "wide"):
        for word in options[f"{kind}_words"]:
            if _compact(str(word)) and _compact(str(word)) in compact:
                return kind, str(word)
    return None


def _compact(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", fold(text))


def annotate(event: EventFacts, options: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each photo's kind for the report's files rows: path -> {shot, shot_confidence, shot_why}."""
    return {f.path: classify_shot(f.pixels, f.path, options).row() for f in event.photos()}


def kinds_of(event: EventFacts, options: dict[str, Any]) -> dict[str, ShotKind]:
    return {f.path: classify_shot(f.pixels, f.path, options) for f in event.photos()}


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    kinds = kinds_of(event, options)
    judged = [k for k in kinds.values() if k.why_key not in ("no-pixels", "no-detector")]
    if not judged:
        return
    present = {k.kind for k in judged}
    unknown = sum(1 for k in kinds.values() if k.kind == UNKNOWN)
    if present == {UNKNOWN}:
        yield Problem("none-recognised", None, {"photos": len(kinds)})
        return
    for kind in KINDS:
        if kind not in present:
            yield Problem(f"missing-{kind}", None, {
                "photos": len(kinds), "unknown": unknown,
                "present": ", ".join(k for k in KINDS if k in present) or "-"})


def summary(event: EventFacts, options: dict[str, Any], lang: str) -> str:
    """The terminal's line for an event: which kinds it has and which it lacks, in `lang`."""
    from mediacheck.i18n import t

    present = {k.kind for k in kinds_of(event, options).values()}
    have = [t(f"shot_name_{k}", lang) for k in KINDS if k in present]
    missing = [t(f"shot_missing_{k}", lang) for k in KINDS if k not in present]
    if not missing:
        return t("shot_summary_all", lang, present=", ".join(have))
    if not have:
        return t("shot_summary_none", lang, missing=", ".join(missing))
    return t("shot_summary", lang, present=", ".join(have), missing=", ".join(missing))


def label(kind: str, lang: str) -> str:
    """The kind's display name: Toàn cảnh / Phát biểu / Cận cảnh / Chưa rõ."""
    from mediacheck.i18n import t

    return t(f"shot_label_{kind}", lang)


def why_text(why: dict[str, Any], lang: str) -> str:
    """The reason of a files row's `shot_why`, rendered in `lang`."""
    from mediacheck.i18n import t

    params = {k: v for k, v in why.items() if k != "key"}
    return t(f"shot_why_{str(why.get('key', 'unclear')).replace('-', '_')}", lang, **params)
