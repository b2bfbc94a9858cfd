"""The facts gathered once per file. Checks read these and never open files themselves."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mediacheck.probe.motion import VideoMotion

from mediacheck.probe.pixels import PhotoPixels

# What the JSON `files[]` row of a photo shows of its pixel facts (the rest stays in the cache).
PIXEL_ROW_FIELDS = (
    "faces", "banner", "sharpness", "edge_width", "detail", "mean_luma", "median_luma",
    "dark_p10", "bright_p99", "clipped_white", "crushed_black", "face_luma", "background_luma",
    "phash",
)


@dataclass
class PhotoFacts:
    """What a photo's header and metadata say (sizes in pixels as stored, before rotation).

    `datetime_original` is the capture time (ISO 8601, local) from EXIF, or, when that field is
    empty, from the maker's own block (`datetime_source` says which: "exif", "flir",
    "makernote"). A capture time written but not a date (all zeroes) is kept as written in
    `datetime_original_text`. `exif_width`/`exif_height` are None when absent and 0 when
    written as 0 (a field some program rewrote). `xmp_sizes` maps the XMP width tag
    ("exif:PixelXDimension", "tiff:ImageWidth") to the [width, height] written there.
    """

    format: str | None = None
    width: int | None = None
    height: int | None = None
    has_exif: bool = False
    make: str | None = None
    model: str | None = None
    software: str | None = None
    datetime_original: str | None = None
    datetime_original_text: str | None = None
    datetime_source: str | None = None
    modify_date: str | None = None
    exif_width: int | None = None
    exif_height: int | None = None
    orientation: int | None = None
    gps: list[float] | None = None
    user_comment: str | None = None
    image_description: str | None = None
    xmp_creator_tool: str | None = None
    xmp_history_agent: str | None = None
    xmp_tags: list[str] = field(default_factory=list)
    xmp_sizes: dict[str, list[int]] = field(default_factory=dict)
    app13_resources: list[int] = field(default_factory=list)
    fbmd: bool = False

    @property
    def display_size(self) -> tuple[int, int] | None:
        """The size a viewer shows: EXIF Orientation 5-8 turns the stored picture by 90°."""
        if not self.width or not self.height:
            return None
        if self.orientation in (5, 6, 7, 8):
            return self.height, self.width
        return self.width, self.height


@dataclass
class VideoFacts:
    """What a video's container and streams say; rotation is clockwise degrees for display."""

    container: str | None = None
    major_brand: str | None = None
    compatible_brands: list[str] = field(default_factory=list)
    width: int | None = None
    height: int | None = None
    rotation: int = 0
    video_codec: str | None = None
    audio_codec: str | None = None
    pixel_format: str | None = None
    duration: float | None = None
    fps: float | None = None
    bit_rate: int | None = None
    make: str | None = None
    model: str | None = None
    software: str | None = None
    creation_time: str | None = None
    gps: list[float] | None = None
    handlers: list[str] = field(default_factory=list)

    @property
    def display_size(self) -> tuple[int, int] | None:
        if not self.width or not self.height:
            return None
        if self.rotation in (90, 270):
            return self.height, self.width
        return self.width, self.height


@dataclass
class FileFacts:
    """Everything known about one file of a submission."""

    path: str
    kind: str
    size: int
    content: str | None = None
    unreadable: str | None = None
    unreadable_detail: str = ""
    sha256: str | None = None
    fingerprint: str | None = None  # sampled: see probe.hashing (kept so a warm run reads none)
    photo: PhotoFacts | None = None
    video: VideoFacts | None = None
    pixels: PhotoPixels | None = None
    thumbnail: str | None = None
    motion: VideoMotion | None = None
    # Which probe stages' facts are here, and the stages that failed on this file (why).
    stages: set[str] = field(default_factory=set)
    stage_errors: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON `files` entry: kind is photo, video or other; facts flattened beside it."""
        out: dict[str, Any] = {
            "path": self.path,
            "kind": self.kind if self.kind in ("photo", "video") else "other",
            "role": self.kind,
            "size": self.size,
            "content": self.content,
        }
        if self.unreadable:
            out["unreadable"] = self.unreadable
        # vars(), not asdict(): the facts are flat, and asdict's deep copy is a third of the
        # cost of a report of thousands of files.
        media = self.photo if self.photo is not None else self.video
        if media is not None:
            out.update(vars(media))
            size = media.display_size
            out["display_width"], out["display_height"] = size if size else (None, None)
        if self.pixels is not None:
            pixels = vars(self.pixels)
            out.update({name: pixels[name] for name in PIXEL_ROW_FIELDS})
        if self.motion is not None:
            # cuts, scenes, shake, angles; the filmstrip pictures stay out of the JSON rows.
            out.update(self.motion.report_fields())
        return out

    def summary(self) -> dict[str, Any]:
        """What a report needs of a file when it does not show its metadata."""
        kind = self.kind if self.kind in ("photo", "video") else "other"
        return {"path": self.path, "kind": kind,
                "role": self.kind, "size": self.size}
