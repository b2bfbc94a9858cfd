"""`thumbnails`: a small JPEG preview for the HTML sheet, made in place and turned as a viewer
shows it; never an exception (a broken file has no preview)."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from PIL import Image

from mediacheck.probe import probe
from mediacheck.samples.factory import make_photo, make_video, truncate
from mediacheck.scan import MediaFile
from mediacheck.thumbnails import thumbnail_data_uri

PREFIX = "data:image/jpeg;base64,"


def media(path: Path, kind: str) -> MediaFile:
    return MediaFile(rel=path.name, kind=kind, size=path.stat().st_size, mtime=0.0,
                     opener=lambda: open(path, "rb"), fs_path=path)  # noqa: SIM115


def preview(path: Path, kind: str, size: int = 240) -> Image.Image | None:
    item = media(path, kind)
    uri = thumbnail_data_uri(item, probe(item), size=size)
    if uri is None:
        return None
    assert uri.startswith(PREFIX)
    image = Image.open(io.BytesIO(base64.b64decode(uri[len(PREFIX):], validate=True)))
    image.load()
    return image


def test_photo_preview_is_small_and_upright(tmp_path: Path) -> None:
    wide = preview(make_photo(tmp_path / "a.jpg", size=(2400, 1600), seed=1), "photo")
    assert wide is not None and wide.format == "JPEG" and wide.size == (240, 160)
    turned = preview(make_photo(tmp_path / "b.jpg", size=(2400, 1600), seed=2, orientation=6),
                     "photo")
    assert turned is not None and turned.size == (160, 240)


def test_transparent_png_is_put_on_white(tmp_path: Path) -> None:
    path = tmp_path / "t.png"
    Image.new("RGBA", (100, 50), (255, 0, 0, 0)).save(path)
    image = preview(path, "photo", size=100)
    assert image is not None and image.getpixel((50, 25))[:3] == (255, 255, 255)


def test_video_poster_frame_is_turned_by_rotation(tmp_path: Path) -> None:
    clip = make_video(tmp_path / "v.mp4", width=640, height=360, seconds=2, fps=2, rotation=90)
    poster = preview(clip, "video", size=120)
    assert poster is not None and poster.height == 120 and poster.width < poster.height


def test_broken_files_have_no_preview(tmp_path: Path) -> None:
    cut = truncate(make_video(tmp_path / "c.mp4", width=320, height=240, seconds=2, fps=2), 0.3)
    assert preview(cut, "video") is None
    text = tmp_path / "x.txt"
    text.write_text("hello")
    assert preview(text, "other") is None
