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


def with_camera_preview(path: Path, photo: Image.Image, preview: Image.Image,
                        orientation: int = 1, xmp_tool: str | None = None) -> Path:
    """A JPEG whose EXIF holds IFD0 (Orientation) and an IFD1 preview JPEG, as cameras write."""
    import struct

    small = io.BytesIO()
    preview.save(small, "JPEG", quality=85)
    jpeg = small.getvalue()
    ifd0 = struct.pack("<H", 1) + struct.pack("<HHIHH", 0x0112, 3, 1, orientation, 0)
    ifd1_at = 8 + len(ifd0) + 4
    ifd1 = struct.pack("<H", 2) + struct.pack("<HHII", 0x0201, 4, 1, ifd1_at + 2 + 24 + 4) \
        + struct.pack("<HHII", 0x0202, 4, 1, len(jpeg))
    tiff = b"II*\0" + struct.pack("<I", 8) + ifd0 + struct.pack("<I", ifd1_at) + ifd1 \
        + struct.pack("<I", 0) + jpeg
    extra = {}
    if xmp_tool:
        extra["xmp"] = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3'
                        '.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.'
                        f'adobe.com/xap/1.0/" xmp:CreatorTool="{xmp_tool}"/></rdf:RDF>'
                        '</x:xmpmeta>').encode()
    photo.save(path, "JPEG", quality=90, exif=b"Exif\0\0" + tiff, **extra)
    return path


RED, BLUE = (220, 30, 30), (30, 30, 220)


def test_the_cameras_own_preview_stands_in_for_decoding_the_photo(tmp_path: Path) -> None:
    """A blue preview inside a red photo shows which one the sheet used."""
    photo, preview_of = Image.new("RGB", (1600, 1200), RED), Image.new("RGB", (320, 240), BLUE)
    image = preview(with_camera_preview(tmp_path / "p.jpg", photo, preview_of), "photo")
    assert image is not None and image.size == (240, 180)
    assert image.getpixel((120, 90))[2] > 180  # blue: the camera's preview
    turned = preview(with_camera_preview(tmp_path / "t.jpg", photo, preview_of, 6), "photo")
    assert turned is not None and turned.size == (180, 240)


def test_a_preview_that_may_not_show_the_photo_is_not_used(tmp_path: Path) -> None:
    photo = Image.new("RGB", (1600, 1200), RED)
    cases = {
        "cropped.jpg": dict(preview=Image.new("RGB", (320, 180), BLUE)),   # not 4:3
        "edited.jpg": dict(preview=Image.new("RGB", (320, 240), BLUE), xmp_tool="GIMP 2.10"),
        "tiny.jpg": dict(preview=Image.new("RGB", (120, 90), BLUE)),
    }
    for name, case in cases.items():
        image = preview(with_camera_preview(tmp_path / name, photo, **case), "photo")
        assert image is not None and image.size == (240, 180), name
        assert image.getpixel((120, 90))[0] > 180, name  # red: decoded from the photo
