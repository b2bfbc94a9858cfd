"""Make real photo and video files with chosen metadata, for tests, samples and benchmarks.

Every file is built from scratch (Pillow for photos, the ffmpeg binary bundled with
``imageio-ffmpeg`` for videos) so tests exercise the same readers that real submissions
hit, without shipping binary fixtures. Output depends only on the arguments: the same
call gives byte-identical files, and a different ``seed`` gives different pixels (so
duplicate detection by content can be tested).
"""

from __future__ import annotations

import random
import struct
import subprocess
from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter
from PIL.TiffImagePlugin import IFDRational

__all__ = [
    "make_photo", "make_video", "picture", "truncate", "ffmpeg_exe", "available_encoders",
]

PathLike = str | Path

# EXIF tag numbers, named so the builder reads like the standard.
MAKE, MODEL, ORIENTATION, SOFTWARE, DATETIME = 0x010F, 0x0110, 0x0112, 0x0131, 0x0132
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, DATETIME_DIGITIZED, USER_COMMENT = 0x9003, 0x9004, 0x9286
PIXEL_X, PIXEL_Y = 0xA002, 0xA003

PHOTOSHOP_AGENT = "Adobe Photoshop CC 2019 (Windows)"


# --------------------------------------------------------------------------- photos


def _picture(size: tuple[int, int], seed: int, shapes: int = 8) -> Image.Image:
    """A smooth gradient with a few shapes and soft noise: compresses well, unique per seed."""
    rng = random.Random(seed)
    w, h = size
    ramp = Image.linear_gradient("L")
    red = ramp.rotate(90).resize(size)
    green = ramp.resize(size)
    blue = Image.new("L", size, rng.randrange(40, 220))
    img = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(img)
    for _ in range(shapes):
        x0, y0 = rng.randrange(w), rng.randrange(h)
        x1, y1 = x0 + rng.randrange(w // 10, w // 3 + 2), y0 + rng.randrange(h // 10, h // 3 + 2)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x0, y0, x1, y1), fill=colour)
    tile = (max(2, w // 96), max(2, h // 96))
    noise = Image.frombytes("RGB", tile, rng.randbytes(tile[0] * tile[1] * 3))
    return Image.blend(img, noise.resize(size, Image.Resampling.BILINEAR), 0.15)


def picture(
    size: tuple[int, int],
    seed: int = 0,
    *,
    blur: float = 0.0,
    exposure: float = 0.0,
    view: tuple[int, int] | None = None,
    shapes: int = 8,
) -> Image.Image:
    """The RGB picture a photo of ``size`` shows (``make_photo`` saves it), as a camera would
    have taken it wrong on request.

    ``blur`` is a Gaussian blur radius in pixels of ``size`` (missed focus, a shaken hand: 16 at
    2400x1800 leaves edges ~3 px wide at the checks' 480-px analysis size). ``exposure`` is in
    stops, applied in linear light (gamma 2.2) and clipped, as a sensor does: -2.5 is a dark
    room without flash, +3 blows the bright half out to white. ``view`` = (dx, dy) frames the
    same scene from a camera moved that many pixels: a burst of one moment (the scene is drawn
    2% larger and cropped, so every ``view`` of one seed shows the same shapes; ``None`` draws
    it at ``size`` exactly, the picture of every other photo). ``shapes`` is how many shapes
    are drawn on the gradient: more make a busier scene, which a video's cut detection tells
    apart from another one more surely (a few big shapes on one gradient can line up).
    """
    if view is None:
        img = _picture(size, seed, shapes)
    else:
        w, h = size
        margin = max(w, h) // 50
        dx, dy = view
        if max(abs(dx), abs(dy)) > margin:
            raise ValueError(f"view offset {view} beyond the {margin}-pixel margin")
        big = _picture((w + 2 * margin, h + 2 * margin), seed, shapes)
        img = big.crop((margin + dx, margin + dy, margin + dx + w, margin + dy + h))
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    if exposure:
        img = _expose(img, exposure)
    return img


def _expose(img: Image.Image, stops: float) -> Image.Image:
    """``stops`` more (or less) light: gamma-2.2 values to linear, times 2**stops, back."""
    gain = 2.0**stops
    table = [min(255, round(255 * min(1.0, (v / 255) ** 2.2 * gain) ** (1 / 2.2))) for v in
             range(256)]
    return img.point(table * 3)


def _rational(value: float) -> IFDRational:
    frac = Fraction(value).limit_denominator(1_000_000)
    return IFDRational(frac.numerator, frac.denominator)


def _dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    """Degrees as EXIF's degrees/minutes/seconds rationals (seconds to 1/100)."""
    value = abs(value)
    degrees = int(value)
    minutes_f = (value - degrees) * 60
    minutes = int(minutes_f)
    seconds = round((minutes_f - minutes) * 60 * 100)
    return IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(seconds, 100)


def _build_exif(
    size: tuple[int, int],
    *,
    make: str | None,
    model: str | None,
    datetime_original: str | None,
    software: str | None,
    gps: tuple[float, float] | None,
    exif_size: str | tuple[int, int] | None,
    orientation: int | None,
    user_comment: str | None,
) -> Image.Exif:
    exif = Image.Exif()
    for tag, value in ((MAKE, make), (MODEL, model), (SOFTWARE, software)):
        if value is not None:
            exif[tag] = value
    if orientation is not None:
        exif[ORIENTATION] = orientation
    if datetime_original is not None:
        exif[DATETIME] = datetime_original
    sub = exif.get_ifd(EXIF_IFD)
    if datetime_original is not None:
        sub[DATETIME_ORIGINAL] = datetime_original
        sub[DATETIME_DIGITIZED] = datetime_original
    dims = size if exif_size == "same" else exif_size
    if dims is not None:
        sub[PIXEL_X], sub[PIXEL_Y] = int(dims[0]), int(dims[1])
    if user_comment is not None:
        sub[USER_COMMENT] = b"ASCII\0\0\0" + user_comment.encode("ascii", "replace")
    if gps is not None:
        lat, lon = gps
        exif.get_ifd(GPS_IFD).update(
            {
                0: b"\x02\x03\x00\x00",
                1: "N" if lat >= 0 else "S",
                2: _dms(lat),
                3: "E" if lon >= 0 else "W",
                4: _dms(lon),
                5: b"\x00",
                6: _rational(420.0),
            }
        )
    return exif


def _segment(marker: int, payload: bytes) -> bytes:
    """One JPEG marker segment: FF xx, big-endian length (which counts itself), payload."""
    if len(payload) + 2 > 0xFFFF:
        raise ValueError("JPEG segment payload too large")
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def _insert_segments(jpeg: bytes, segments: Sequence[bytes]) -> bytes:
    """Splice segments in after SOI and the leading APPn run (JFIF, Exif), as editors do."""
    if jpeg[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    pos = 2
    while jpeg[pos] == 0xFF and 0xE0 <= jpeg[pos + 1] <= 0xEF:
        (length,) = struct.unpack(">H", jpeg[pos + 2 : pos + 4])
        pos += 2 + length
    return jpeg[:pos] + b"".join(segments) + jpeg[pos:]


def _iptc(record: int, dataset: int, value: bytes) -> bytes:
    return struct.pack(">BBBH", 0x1C, record, dataset, len(value)) + value


def _8bim(resource_id: int, data: bytes) -> bytes:
    """A Photoshop image resource block with an empty (padded) Pascal name."""
    pad = b"\0" if len(data) % 2 else b""
    return (
        b"8BIM"
        + struct.pack(">H", resource_id)
        + b"\0\0"
        + struct.pack(">I", len(data))
        + (data + pad)
    )


def _app13(photoshop: bool, fbmd: bool) -> bytes:
    """APP13 "Photoshop 3.0": what Photoshop saves, and what Facebook stamps (IPTC 2:40 FBMD...)."""
    iptc = _iptc(2, 0, b"\x00\x04")
    if fbmd:
        iptc += _iptc(2, 40, b"FBMD0a000a6d0100002b0400004c0900003a0a0000e70a00008a0e0000")
    blocks = _8bim(0x0404, iptc)
    if photoshop:
        # ResolutionInfo (0x03ED) is written by Photoshop on every save; cameras never write it.
        blocks += _8bim(0x03ED, struct.pack(">IHHIHH", 72 << 16, 1, 1, 72 << 16, 1, 1))
        blocks += _8bim(0x0425, bytes(range(16)))  # IPTC digest
    return _segment(0xED, b"Photoshop 3.0\0" + blocks)


def _xmp_history(when: str | None) -> bytes:
    stamp = (when or "2023:09:05 07:30:00").replace(":", "-", 2).replace(" ", "T")
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
    xmp:CreatorTool="{PHOTOSHOP_AGENT}">
   <xmpMM:History>
    <rdf:Seq>
     <rdf:li stEvt:action="saved" stEvt:when="{stamp}+07:00"
       stEvt:softwareAgent="{PHOTOSHOP_AGENT}" stEvt:changed="/"/>
    </rdf:Seq>
   </xmpMM:History>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + packet.encode("utf-8"))


def _save(img: Image.Image, path: Path, fmt: str, exif: Image.Exif | None, quality: int) -> None:
    raw = exif.tobytes() if exif is not None else None
    if fmt == "JPEG":
        extra = {"exif": raw} if raw else {}
        img.save(path, "JPEG", quality=quality, **extra)
    elif fmt == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener()
        extra = {"exif": raw} if raw else {}
        # x265's default preset takes seconds for one photo; ultrafast keeps tests quick.
        img.save(path, "HEIF", quality=quality, enc_params={"preset": "ultrafast"}, **extra)
    elif fmt == "PNG":
        extra = {"exif": raw} if raw else {}
        img.save(path, "PNG", optimize=False, **extra)
    elif fmt == "WEBP":
        extra = {"exif": raw} if raw else {}
        img.save(path, "WEBP", quality=quality, method=0, **extra)
    elif fmt == "GIF":
        img.convert("P", palette=Image.Palette.ADAPTIVE).save(path, "GIF")  # GIF has no EXIF
    else:
        raise ValueError(f"unsupported photo format {fmt!r}")


def make_photo(
    path: PathLike,
    *,
    size: tuple[int, int] = (2400, 1800),
    fmt: str = "JPEG",
    make: str | None = "Canon",
    model: str | None = "Canon EOS 80D",
    datetime_original: str | None = "2023:09:05 07:30:00",
    software: str | None = None,
    gps: tuple[float, float] | None = (21.3856, 103.0170),
    exif: bool = True,
    exif_size: str | tuple[int, int] | None = "same",
    orientation: int | None = None,
    user_comment: str | None = None,
    photoshop_app13: bool = False,
    fbmd: bool = False,
    xmp_history: bool = False,
    quality: int = 85,
    seed: int = 0,
    blur: float = 0.0,
    exposure: float = 0.0,
    view: tuple[int, int] | None = None,
) -> Path:
    """Write a photo at ``path`` that looks like a camera original unless told otherwise.

    ``fmt`` is one of JPEG, HEIF, PNG, WEBP, GIF. EXIF (``exif=True``) is carried by JPEG,
    HEIF, PNG (eXIf chunk) and WEBP; GIF never has it. ``exif_size="same"`` writes the real
    pixel size to PixelXDimension/PixelYDimension, a ``(w, h)`` tuple writes a different one
    (as a resized copy would keep), ``None`` leaves them out. ``gps`` is (lat, lon) in
    degrees. ``photoshop_app13``, ``fbmd`` and ``xmp_history`` add the APP13/XMP traces that
    Photoshop and Facebook leave, JPEG only. ``blur``, ``exposure`` and ``view`` change the
    picture (see ``picture``): a blurred, dark, washed-out photo, or one frame of a burst.
    """
    path = Path(path)
    fmt = fmt.upper()
    if fmt == "HEIC":
        fmt = "HEIF"
    if (photoshop_app13 or fbmd or xmp_history) and fmt != "JPEG":
        raise ValueError("APP13/XMP traces can only be added to JPEG photos")
    img = picture(size, seed, blur=blur, exposure=exposure, view=view)
    meta = None
    if exif:
        meta = _build_exif(
            size,
            make=make,
            model=model,
            datetime_original=datetime_original,
            software=software,
            gps=gps,
            exif_size=exif_size,
            orientation=orientation,
            user_comment=user_comment,
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    _save(img, path, fmt, meta, quality)
    if photoshop_app13 or fbmd or xmp_history:
        segments = []
        if xmp_history:
            segments.append(_xmp_history(datetime_original))
        if photoshop_app13 or fbmd:
            segments.append(_app13(photoshop_app13, fbmd))
        path.write_bytes(_insert_segments(path.read_bytes(), segments))
    return path


# --------------------------------------------------------------------------- videos


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """The ffmpeg binary bundled with imageio-ffmpeg (no system ffmpeg needed)."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


@lru_cache(maxsize=1)
def available_encoders() -> frozenset[str]:
    """Names of the encoders the bundled ffmpeg was built with."""
    out = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-encoders"], capture_output=True, text=True, check=True
    ).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and len(parts[0]) == 6 and parts[0][0] in "VAS":
            names.add(parts[1])
    return frozenset(names)


# codec -> (encoder candidates, options that keep the file tiny and the encoder fast)
_VIDEO_ENCODERS: dict[str, tuple[tuple[str, ...], list[str]]] = {
    "h264": (("libx264", "libopenh264"), ["-preset", "ultrafast", "-crf", "35"]),
    "hevc": (
        ("libx265", "libkvazaar"),
        ["-preset", "ultrafast", "-crf", "36", "-x265-params", "log-level=error"],
    ),
    "mpeg4": (("mpeg4",), ["-q:v", "31"]),
    "mjpeg": (("mjpeg",), ["-q:v", "31"]),
    "vp9": (
        ("libvpx-vp9",),
        ["-crf", "50", "-b:v", "0", "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1"],
    ),
}
_AUDIO_ENCODERS = {"aac": "aac", "opus": "libopus", "mp3": "libmp3lame", "vorbis": "libvorbis"}
_MUXERS = {
    "mp4": "mp4",
    "mov": "mov",
    "avi": "avi",
    "mkv": "matroska",
    "webm": "webm",
    "3gp": "3gp",
    "mpegts": "mpegts",
}
_ISOBMFF = {"mp4", "mov", "3gp"}


def _video_encoder(vcodec: str) -> tuple[str, list[str]]:
    try:
        candidates, options = _VIDEO_ENCODERS[vcodec]
    except KeyError:
        raise ValueError(f"unsupported video codec {vcodec!r}") from None
    for name in candidates:
        if name in available_encoders():
            return name, options if name == candidates[0] else []
    raise RuntimeError(f"the bundled ffmpeg has no encoder for {vcodec}")


def _video_source(width: int, height: int, seconds: float, fps: float, seed: int) -> str:
    """A lavfi graph: plain colour plus two boxes, one moving; cheap to encode, unique per seed."""
    rng = random.Random(seed)
    bg = f"0x{rng.randrange(0x1000000):06x}"
    box1, box2 = f"0x{rng.randrange(0x1000000):06x}", f"0x{rng.randrange(0x1000000):06x}"
    bw, bh = max(2, width // 8), max(2, height // 6)
    speed = rng.randrange(20, 120)
    y0, x1, y1 = rng.randrange(height - bh), rng.randrange(width - bw), rng.randrange(height - bh)
    return (
        f"color=c={bg}:size={width}x{height}:rate={fps}:duration={seconds},"
        f"drawbox=x='mod(t*{speed},{width - bw})':y={y0}:w={bw}:h={bh}:color={box1}:t=fill,"
        f"drawbox=x={x1}:y={y1}:w={bw}:h={bh}:color={box2}:t=fill"
    )


def _metadata_args(
    container: str,
    make: str | None,
    model: str | None,
    creation_time: str | None,
    location: str | None,
) -> list[str]:
    tags: dict[str, str] = {}
    if creation_time is not None:
        tags["creation_time"] = creation_time
    if make is not None:
        tags["make"] = make
    if model is not None:
        tags["model"] = model
    if location is not None:
        tags["location"] = location
    if container == "mov":  # what iPhones write, next to the plain keys
        for key, apple in (
            ("make", "com.apple.quicktime.make"),
            ("model", "com.apple.quicktime.model"),
            ("location", "com.apple.quicktime.location.ISO6709"),
            ("creation_time", "com.apple.quicktime.creationdate"),
        ):
            if key in tags:
                tags[apple] = tags[key]
    args: list[str] = []
    if container in _ISOBMFF and (make or model or location):
        args += ["-movflags", "use_metadata_tags"]  # without it mp4 drops make/model
    for key, value in tags.items():
        args += ["-metadata", f"{key}={value}"]
    return args


def make_video(
    path: PathLike,
    *,
    width: int = 1920,
    height: int = 1080,
    seconds: float = 35.0,
    fps: float = 2,
    vcodec: str = "h264",
    acodec: str | None = "aac",
    container: str = "mp4",
    brand: str | None = None,
    rotation: int = 0,
    make: str | None = None,
    model: str | None = None,
    creation_time: str | None = "2023-09-05T07:30:00Z",
    location: str | None = None,
    seed: int = 0,
    pictures: PathLike | None = None,
) -> Path:
    """Write a small, deterministic video clip with the bundled ffmpeg.

    Its pictures are a plain colour with two boxes, one moving; or, with ``pictures``, the
    video stream of that file (an H.264 clip filmed by ``mediacheck.samples.motion``: held
    still, shaken, cut), copied as it is, so ``width``, ``height``, ``fps``, ``vcodec`` and
    ``rotation`` are its own; the sound (``seconds`` long) and the metadata are added here.

    ``width``x``height`` is the STORED size. ``rotation`` is the clockwise turn in degrees
    (0/90/180/270) the picture needs to be shown upright, as exiftool reports "Rotation"
    and as a phone filming in portrait stores it: ``width=1920, height=1080, rotation=90``
    displays as 1080x1920. It is written as the tkhd display matrix (mp4/mov/3gp only);
    ffmpeg counts the other way, so ffprobe's side data and PyAV's ``frame.rotation`` read
    90 -> -90, 180 -> -180, 270 -> 90 (normalise with ``-r % 360``).

    ``container`` picks the muxer whatever the file name says (so a QuickTime file can be
    named ``.mp4``); ``brand`` forces the major brand of an mp4 (ffmpeg ``-brand``). webm
    cannot hold AAC, so ``acodec="aac"`` becomes Opus there.

    Metadata as PyAV reads it back in ``container.metadata``: mp4 and mov give ``make``,
    ``model``, ``location`` (ISO 6709, e.g. ``"+21.3856+103.0170/"``; also ``location-eng``)
    and ``creation_time``; mov also carries ``com.apple.quicktime.make``/``model``/
    ``location.ISO6709``/``creationdate`` like an iPhone. 3gp keeps only ``location`` and
    ``creation_time``; mkv/webm keep upper-case ``MAKE``/``MODEL``/``LOCATION``; avi and
    mpegts keep none of it.
    """
    path = Path(path)
    if container not in _MUXERS:
        raise ValueError(f"unsupported container {container!r}")
    if rotation % 90:
        raise ValueError("rotation must be a multiple of 90 degrees")
    args = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
    if pictures is not None:
        if rotation % 360:
            raise ValueError("a copied video stream keeps its own rotation")
        args += ["-i", str(pictures)]
    else:
        if rotation % 360:
            # Input options: tag the source with a display matrix and keep the pixels as they are.
            args += ["-noautorotate", "-display_rotation", str(-(rotation % 360))]
        args += ["-f", "lavfi", "-i", _video_source(width, height, seconds, fps, seed)]
    if acodec is not None:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=16000:duration={seconds}"]
    args += ["-map", "0:v"] + (["-map", "1:a"] if acodec is not None else [])
    if pictures is not None:
        args += ["-c:v", "copy"]
    else:
        encoder, venc_opts = _video_encoder(vcodec)
        pix_fmt = "yuvj420p" if vcodec == "mjpeg" else "yuv420p"
        args += ["-c:v", encoder, *venc_opts, "-pix_fmt", pix_fmt]
    if vcodec == "hevc" and container in _ISOBMFF and pictures is None:
        args += ["-tag:v", "hvc1"]  # the tag Apple devices write and players expect
    if acodec is not None:
        if container == "webm" and acodec == "aac":
            acodec = "opus"
        args += ["-c:a", _AUDIO_ENCODERS.get(acodec, acodec), "-b:a", "8k", "-ac", "1"]
    args += ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"]
    args += ["-map_metadata", "-1"]
    args += _metadata_args(container, make, model, creation_time, location)
    if brand is not None:
        args += ["-brand", brand]
    args += ["-f", _MUXERS[container], str(path)]
    path.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"ffmpeg failed ({result.returncode}): {result.stderr.strip()}")
    return path


# --------------------------------------------------------------------------- damage


def truncate(path: PathLike, keep_fraction: float = 0.5) -> Path:
    """Cut the file at ``path`` in place to its first ``keep_fraction`` of bytes.

    Simulates an interrupted copy or upload: a JPEG loses its end, an mp4 written by ffmpeg
    (moov at the end) loses its index and cannot be opened at all.
    """
    path = Path(path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep_fraction)])
    return path
