"""The media factory makes what it claims: read its output back with Pillow, exifread and PyAV."""

from __future__ import annotations

import struct
from pathlib import Path

import av
import exifread
import pytest
from PIL import Image

from mediacheck.samples import build
from mediacheck.samples.factory import make_photo, make_video, picture, truncate

SMALL = (640, 480)


def exif_tags(path: Path) -> dict[str, str]:
    with path.open("rb") as fh:
        return {k: str(v) for k, v in exifread.process_file(fh, details=False).items()}


def tkhd_matrix(path: Path) -> tuple[int, ...]:
    """The a, b, c, d entries (16.16 fixed point) of the first track's display matrix."""
    data = path.read_bytes()
    i = data.index(b"tkhd")
    version = data[i + 4]
    # fullbox header, times/track id/reserved/duration, reserved(8), layer, group, volume, pad
    start = i + 8 + (32 if version == 1 else 20) + 8 + 8
    a, b, _u, c, d = struct.unpack(">5i", data[start : start + 20])
    return a >> 16, b >> 16, c >> 16, d >> 16


# --------------------------------------------------------------------------- photos


def test_jpeg_carries_camera_exif(tmp_path: Path) -> None:
    path = make_photo(tmp_path / "a.jpg", size=SMALL)
    with Image.open(path) as im:
        assert (im.format, im.size) == ("JPEG", SMALL)
    tags = exif_tags(path)
    assert tags["Image Make"] == "Canon"
    assert tags["Image Model"] == "Canon EOS 80D"
    assert tags["EXIF DateTimeOriginal"] == "2023:09:05 07:30:00"
    assert (tags["EXIF ExifImageWidth"], tags["EXIF ExifImageLength"]) == ("640", "480")
    assert tags["GPS GPSLatitudeRef"] == "N" and tags["GPS GPSLongitudeRef"] == "E"
    assert tags["GPS GPSLatitude"] == "[21, 23, 204/25]"  # 21° 23' 8.16" = 21.3856
    assert "Image Software" not in tags


def test_edited_copy_traces(tmp_path: Path) -> None:
    path = make_photo(
        tmp_path / "b.jpg",
        size=SMALL,
        software="Adobe Photoshop CC 2019",
        orientation=6,
        user_comment="hello",
        exif_size=(6000, 4000),
        gps=None,
        photoshop_app13=True,
        fbmd=True,
        xmp_history=True,
    )
    tags = exif_tags(path)
    assert tags["Image Software"] == "Adobe Photoshop CC 2019"
    assert tags["Image Orientation"] == "Rotated 90 CW"
    assert (tags["EXIF ExifImageWidth"], tags["EXIF ExifImageLength"]) == ("6000", "4000")
    assert not any(k.startswith("GPS") for k in tags)
    with path.open("rb") as fh:
        assert str(exifread.process_file(fh)["EXIF UserComment"]) == "hello"
    with Image.open(path) as im:
        im.load()  # the spliced segments leave a decodable JPEG
        segments = dict(im.applist)
        assert im.size == SMALL
    assert segments["APP13"].startswith(b"Photoshop 3.0\0") and b"8BIM" in segments["APP13"]
    assert b"FBMD" in segments["APP13"]
    xmp = [v for k, v in im.applist if k == "APP1" and v.startswith(b"http://ns.adobe.com/xap")]
    assert b'stEvt:action="saved"' in xmp[0] and b"Photoshop" in xmp[0]


def test_no_exif(tmp_path: Path) -> None:
    path = make_photo(tmp_path / "IMG-20230905-WA0003.jpg", size=SMALL, exif=False)
    assert exif_tags(path) == {}
    with Image.open(path) as im:
        assert not im.getexif()


def test_seed_changes_content_and_nothing_else_does(tmp_path: Path) -> None:
    a = make_photo(tmp_path / "a.jpg", size=SMALL, seed=1).read_bytes()
    b = make_photo(tmp_path / "b.jpg", size=SMALL, seed=1).read_bytes()
    c = make_photo(tmp_path / "c.jpg", size=SMALL, seed=2).read_bytes()
    assert a == b != c


@pytest.mark.parametrize(
    ("fmt", "has_exif"), [("HEIF", True), ("PNG", True), ("WEBP", True), ("GIF", False)]
)
def test_other_formats(tmp_path: Path, fmt: str, has_exif: bool) -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()
    path = make_photo(tmp_path / f"x.{fmt.lower()}", size=SMALL, fmt=fmt)
    with Image.open(path) as im:
        assert (im.format, im.size) == (fmt, SMALL)
        exif = im.getexif()
        assert (exif.get(0x010F) == "Canon") is has_exif
        if has_exif:
            assert exif.get_ifd(0x8769)[0x9003] == "2023:09:05 07:30:00"


# --------------------------------------------------------------------------- videos


def test_default_clip_is_small_h264_aac_mp4(tmp_path: Path) -> None:
    path = make_video(tmp_path / "v.mp4")
    assert path.stat().st_size < 300_000
    with av.open(str(path)) as c:
        assert c.metadata["major_brand"] == "isom"
        assert c.duration == 35_000_000
        v = c.streams.video[0]
        assert (v.codec_context.name, v.width, v.height) == ("h264", 1920, 1080)
        assert c.streams.audio[0].codec_context.name == "aac"
        assert c.metadata["creation_time"].startswith("2023-09-05T07:30:00")
    assert tkhd_matrix(path) == (1, 0, 0, 1)


def test_deterministic(tmp_path: Path) -> None:
    a = make_video(tmp_path / "a.mp4", seconds=3, width=320, height=240).read_bytes()
    b = make_video(tmp_path / "b.mp4", seconds=3, width=320, height=240).read_bytes()
    c = make_video(tmp_path / "c.mp4", seconds=3, width=320, height=240, seed=1).read_bytes()
    assert a == b != c


@pytest.mark.parametrize(
    ("rotation", "matrix", "ffmpeg_rotation"),
    [(90, (0, 1, -1, 0), -90), (180, (-1, 0, 0, -1), -180), (270, (0, -1, 1, 0), 90)],
)
def test_rotation_is_the_display_matrix(
    tmp_path: Path, rotation: int, matrix: tuple[int, ...], ffmpeg_rotation: int
) -> None:
    path = make_video(tmp_path / "r.mp4", seconds=2, width=320, height=240, rotation=rotation)
    assert tkhd_matrix(path) == matrix
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        assert (v.width, v.height) == (320, 240)  # stored size; rotation is metadata only
        assert next(c.decode(video=0)).rotation == ffmpeg_rotation


@pytest.mark.parametrize("container", ["mp4", "mov"])
def test_make_model_location_round_trip(tmp_path: Path, container: str) -> None:
    path = make_video(
        tmp_path / "d.mp4",  # the name does not decide the container
        seconds=2,
        width=320,
        height=240,
        container=container,
        make="DJI",
        model="FC3582",
        location="+21.3856+103.0170/",
    )
    with av.open(str(path)) as c:
        meta = c.metadata
    assert meta["major_brand"] == ("isom" if container == "mp4" else "qt  ")
    assert (meta["make"], meta["model"]) == ("DJI", "FC3582")
    assert meta["location"] == "+21.3856+103.0170/"
    if container == "mov":
        assert meta["com.apple.quicktime.make"] == "DJI"


def test_forced_brand(tmp_path: Path) -> None:
    path = make_video(tmp_path / "q.mp4", seconds=2, width=320, height=240, brand="qt  ")
    assert path.read_bytes()[4:12] == b"ftypqt  "


@pytest.mark.parametrize(
    ("container", "vcodec", "fmt", "codec"),
    [
        ("avi", "mpeg4", "avi", "mpeg4"),
        ("mkv", "h264", "matroska,webm", "h264"),
        ("webm", "vp9", "matroska,webm", "vp9"),
        ("mpegts", "h264", "mpegts", "h264"),
        ("3gp", "h264", "mov,mp4,m4a,3gp,3g2,mj2", "h264"),
        ("mp4", "hevc", "mov,mp4,m4a,3gp,3g2,mj2", "hevc"),
        ("avi", "mjpeg", "avi", "mjpeg"),
    ],
)
def test_containers_and_codecs(
    tmp_path: Path, container: str, vcodec: str, fmt: str, codec: str
) -> None:
    path = make_video(
        tmp_path / "c.bin", seconds=2, width=320, height=240, container=container, vcodec=vcodec
    )
    with av.open(str(path)) as c:
        assert c.format.name == fmt
        assert c.streams.video[0].codec_context.name == codec
        assert len(c.streams.audio) == 1


def test_no_audio(tmp_path: Path) -> None:
    path = make_video(tmp_path / "s.mp4", seconds=2, width=320, height=240, acodec=None)
    with av.open(str(path)) as c:
        assert not c.streams.audio


def test_truncated_mp4_loses_its_index(tmp_path: Path) -> None:
    path = make_video(tmp_path / "t.mp4", seconds=4, width=320, height=240)
    size = path.stat().st_size
    truncate(path, 0.5)
    assert path.stat().st_size == size // 2
    with pytest.raises(av.error.InvalidDataError):
        av.open(str(path))


def test_truncated_jpeg_keeps_header_loses_pixels(tmp_path: Path) -> None:
    path = truncate(make_photo(tmp_path / "t.jpg", size=SMALL), 0.5)
    with Image.open(path) as im:
        assert im.size == SMALL
        with pytest.raises(OSError):
            im.load()


# --------------------------------------------------------------------------- samples


def test_sample_table_is_complete(tmp_path: Path) -> None:
    """Every check has a sample folder in the README's table, but the one that needs a second
    submission of the same activity (the README says so)."""
    from mediacheck.checks import CHECK_MODULES

    folders = [s.folder for s in build.SAMPLES]
    assert len(set(folders)) == len(folders)
    build.write_readme(tmp_path)
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    for folder in folders:
        assert f"`{folder}/`" in readme
    table = "".join(s.fires for s in build.SAMPLES)
    for check in (name.replace("_", "-") for name in CHECK_MODULES):
        if check == "duplicate-submission":
            assert f"`{check}` needs" in readme
            continue
        assert f"`{check}`" in table, check


# --------------------------------------------------------------------------- pictures


def test_picture_defects_are_what_the_pixel_checks_measure(tmp_path: Path) -> None:
    """Blur widens the edges, stops shift the brightness; the picture is otherwise the same."""
    from mediacheck.probe.pixels import analyse_photo, hash_distance

    def measured(**kw):
        return analyse_photo(picture((1200, 900), 5, **kw).resize((480, 360)))

    good, blurred = measured(), measured(blur=8)
    dark, bright = measured(exposure=-2.5), measured(exposure=3.0)
    assert blurred.edge_width > 2 * good.edge_width
    assert dark.median_luma < good.median_luma / 2 and dark.bright_p99 < 140
    assert bright.clipped_white > 0.15 > good.clipped_white
    assert hash_distance(good.phash, blurred.phash) <= 6


def test_views_of_one_scene_are_a_burst_not_copies(tmp_path: Path) -> None:
    from mediacheck.probe.pixels import analyse_photo, hash_distance

    frames = [make_photo(tmp_path / f"{dx}.jpg", size=SMALL, seed=4, view=(dx, 0))
              for dx in (0, 6)]
    other = make_photo(tmp_path / "other.jpg", size=SMALL, seed=5, view=(0, 0))
    assert frames[0].read_bytes() != frames[1].read_bytes()
    hashes = []
    for path in (*frames, other):
        with Image.open(path) as im:
            hashes.append(analyse_photo(im.convert("RGB")).phash)
    assert hash_distance(hashes[0], hashes[1]) <= 6 < hash_distance(hashes[0], hashes[2])
    with pytest.raises(ValueError):
        make_photo(tmp_path / "far.jpg", size=SMALL, view=(50, 0))


def test_a_filmed_clip_gets_sound_and_metadata_and_is_deterministic(tmp_path: Path) -> None:
    """The virtual camera's pictures, copied into a camera-like MP4: the same bytes every build."""
    built = []
    for name in ("a", "b"):
        maker = build.Maker(scratch=tmp_path / f"scratch-{name}")
        (tmp_path / name).mkdir()
        built.append(maker.filmed(tmp_path / name, "shaky", seconds=2))
    assert built[0].name == built[1].name
    assert built[0].read_bytes() == built[1].read_bytes()
    with av.open(str(built[0])) as c:
        v = c.streams.video[0]
        assert (v.codec_context.name, v.width, v.height) == ("h264", *build.FILMED_SIZE)
        assert c.streams.audio[0].codec_context.name == "aac"
        assert c.metadata["creation_time"].startswith("2023-09-05T00:")
        assert c.metadata["location"] == "+21.3856+103.0170/"
