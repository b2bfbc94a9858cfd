"""Small previews for the HTML contact sheet: a photo thumbnail or a video poster frame.

A preview is a JPEG inside a `data:` URI so the report stays one file that works offline, and it
is made from the file in place (folder or ZIP member): nothing is ever written to disk. A preview
is a nicety, never a finding: any failure gives `None` and the report shows a placeholder.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from PIL import Image, ImageOps

from mediacheck.probe.exif import UPRIGHT, embedded_preview
from mediacheck.probe.facts import FileFacts, VideoFacts
from mediacheck.probe.hashing import Openable
from mediacheck.probe.photo import jpeg_tiff
from mediacheck.probe.video import open_container

JPEG_QUALITY = 72
MIN_CAMERA_PREVIEW = 160  # px on the long side: smaller camera previews look blurred
MAX_READ_BYTES = 512_000_000  # read no more than this into memory for one preview
_heif_registered = False


def thumbnail_data_uri(media: Openable, facts: FileFacts, ctx: dict[str, Any] | None = None,
                       size: int = 240) -> str | None:
    """A `data:image/jpeg;base64,...` preview at most `size` pixels wide and high, or None.

    `ctx` is the scratch space of the stages run together on this file: when the pixels stage
    already decoded the photo (`ctx["image"]`, orientation applied), the preview is made from
    that picture instead of decoding the file again."""
    try:
        if facts.photo is not None:
            image = (ctx or {}).get("image")
            if image is None:
                image = _photo_image(media, facts, size)
        elif facts.video is not None:
            image = _video_image(media, facts.video, size)
        else:
            return None
        if image is None:
            return None
        return _to_data_uri(image, size)
    except OSError as exc:
        if exc.errno is not None:  # the file itself cannot be read (not a decoder's complaint)
            raise
        return None
    except Exception:  # noqa: BLE001 - a broken preview must never break the report
        return None


def _photo_image(media: Openable, facts: FileFacts, size: int) -> Image.Image | None:
    """Decode only as much as the preview needs: the camera's own preview when it can stand in
    for the photo, else JPEG `draft` at 1/2..1/8 scale, to the smallest scale still at least
    `size` on both sides (1/8 for a phone photo)."""
    _register_heif()
    with _seekable(media) as fh, Image.open(fh) as image:
        if image.format == "JPEG":
            preview = _camera_preview(image, facts, size)
            if preview is not None:
                return preview
            image.draft("RGB", (size, size))
        image.load()
        oriented = ImageOps.exif_transpose(image)
        return oriented if oriented is not image else image.copy()


def _camera_preview(image: Image.Image, facts: FileFacts, size: int) -> Image.Image | None:
    """The JPEG preview the camera stored in the EXIF (IFD1), turned like the photo: decoding
    it costs a fraction of a millisecond where the photo itself costs 30-80 ms at 1/8 scale.

    A preview can be stale (an editor changed the photo and kept the camera's preview), so it
    is used only when it is large enough, has the photo's proportions (a crop changes them) and
    the photo carries no editor's marks (XMP tool or history, Photoshop or Facebook blocks)."""
    photo = facts.photo
    if photo is None or photo.xmp_creator_tool or photo.xmp_history_agent \
            or photo.app13_resources or photo.fbmd:
        return None
    tiff = jpeg_tiff(image)
    data = embedded_preview(tiff) if tiff else None
    if data is None:
        return None
    with Image.open(io.BytesIO(data)) as small:
        if small.format != "JPEG" or max(small.size) < min(size, MIN_CAMERA_PREVIEW):
            return None
        if abs(small.width / small.height - image.width / image.height) > 0.015 * (
                image.width / image.height):
            return None
        small.load()
        return _turned(small.convert("RGB"), photo.orientation)


def _turned(image: Image.Image, orientation: int | None) -> Image.Image:
    """Upright by the photo's EXIF orientation (the preview itself carries none)."""
    name = UPRIGHT.get(orientation or 1)
    return image.transpose(getattr(Image.Transpose, name)) if name else image


def _video_image(media: Openable, video: VideoFacts, size: int) -> Image.Image | None:
    """The first keyframe a little into the clip (the very first frame is often black), scaled
    down by FFmpeg while it converts the frame: converting a whole 1080p frame to RGB and then
    shrinking it costs ten times more. An MP4/MOV is opened without FFmpeg's stream probing
    (its `moov` already describes the streams), which takes the open from ~50 ms to ~1 ms."""
    fs_path = getattr(media, "fs_path", None)
    with _seekable(media) as fh, open_container(fh, Path(fs_path) if fs_path else None,
                                                video.container == "iso-bmff") as container:
        if not container.streams.video:
            return None
        stream = container.streams.video[0]
        stream.codec_context.skip_frame = "NONKEY"
        _seek_in(container, stream, video.duration)
        for frame in container.decode(stream):
            image = _small_frame(frame, size)
            break
        else:
            return None
    if video.rotation % 360:
        # Display rotation is clockwise; PIL rotates counter-clockwise.
        image = image.rotate(-(video.rotation % 360), expand=True)
    return image


def _small_frame(frame: Any, size: int) -> Image.Image:
    """The frame as an RGB picture at most `size` on its long side (area-averaged)."""
    scale = min(1.0, size / max(frame.width, frame.height, 1))
    width, height = max(1, round(frame.width * scale)), max(1, round(frame.height * scale))
    return frame.reformat(width=width, height=height, format="rgb24",
                          interpolation="AREA").to_image()


def _seek_in(container: object, stream: object, duration: float | None) -> None:
    """Seek to 1 s or 10 % of the clip, whichever is earlier; stay at the start if it fails."""
    target = 1.0 if not duration else min(1.0, duration * 0.1)
    time_base = getattr(stream, "time_base", None)
    if not time_base or target <= 0:
        return
    try:
        container.seek(int(target / time_base), stream=stream)  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - some containers cannot seek; the first frame will do
        container.seek(0)  # type: ignore[attr-defined]


def _to_data_uri(image: Image.Image, size: int) -> str:
    """One resize (reducing_gap: a box pre-shrink, then a good filter) and a plain save:
    `optimize=True` costs more than it saves on a 240 px preview."""
    if image.width > size or image.height > size:
        image = image.copy()
        image.thumbnail((size, size), reducing_gap=2.0)
    if image.mode != "RGB":
        image = _flatten(image)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _flatten(image: Image.Image) -> Image.Image:
    """JPEG has no alpha: put transparent pictures (PNG, WEBP) on white, as a viewer shows them."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


@contextmanager
def _seekable(media: Openable) -> Iterator[IO[bytes]]:
    """The media file opened for reading, copied into memory when it cannot seek (some ZIPs)."""
    fh = media.open()
    try:
        if not getattr(fh, "seekable", lambda: False)():
            data = fh.read(MAX_READ_BYTES)
            fh.close()
            fh = io.BytesIO(data)
        yield fh
    finally:
        fh.close()


def _register_heif() -> None:
    global _heif_registered
    if not _heif_registered:
        try:
            from pillow_heif import register_heif_opener

            register_heif_opener()
        except ImportError:  # pragma: no cover - pillow-heif is a dependency
            pass
        _heif_registered = True
