"""Make labelled camera-motion clips: the ground truth for the video motion analysis.

Tests and `bench/accuracy_video.py` need clips whose shake class and cut times are known
exactly, built from real pictures (a people photo, a corpus clip) so the analysis meets real
texture, noise and compression. Two builders:

- `camera_clip`: a virtual camera films a still (or a real clip) through a moving crop: held
  still, panning or zooming smoothly, hand-held (a slow wobble) or shaky (wobble plus jolts),
  so the shake class is known by construction.
- `splice_clips`: pieces of real clips joined back to back, so every join is a hard cut at a
  known time; `flash_at` brightens single frames (a camera flash) that must not count as cuts.

Clips are encoded with PyAV's libx264 at a small size, a few seconds long: quick to build in a
test fixture. The output depends only on the arguments (seeded random numbers).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

__all__ = ["MOTIONS", "Piece", "camera_clip", "splice_clips", "trajectory"]

# Shake of each motion, as the RMS wobble in percent of the frame diagonal (before smoothing).
MOTIONS = ("still", "pan", "whip", "ease", "sway", "zoom", "tripod", "handheld", "shaky")
WOBBLE = {"still": 0.0, "pan": 0.0, "whip": 0.0, "ease": 0.0, "sway": 0.0, "zoom": 0.0,
          "tripod": 0.03, "handheld": 0.45, "shaky": 1.6}
# Pan speed in diagonals per second: a steady pan, and a whip pan fast enough to blur.
PAN_SPEED = {"pan": 0.25, "whip": 1.2}


@dataclass(frozen=True)
class Piece:
    """`seconds` of the clip at `path` from `start` (seconds from its first frame)."""

    path: Path | str
    start: float
    seconds: float


def trajectory(motion: str, frames: int, fps: float, diag: float, seed: int = 0,
               wobble: float | None = None) -> np.ndarray:
    """Camera offsets per frame: (dx, dy) in pixels, scale, for one of `MOTIONS`.

    Hand-held wobble is a few sinusoids of 0.7-3.5 Hz with random phases (a person breathing
    and adjusting their grip); shaky adds jolts (random steps smoothed over ~3 frames) at 4-9
    Hz, like walking with the phone. `wobble` overrides the RMS size (percent of diagonal).
    """
    if motion not in MOTIONS:
        raise ValueError(f"unknown motion {motion!r}; one of {MOTIONS}")
    rng = np.random.default_rng(seed)
    t = np.arange(frames) / fps
    out = np.zeros((frames, 3))
    out[:, 2] = 1.0
    if motion in PAN_SPEED:
        out[:, 0] = t * PAN_SPEED[motion] * diag
        out[:, 1] = t * 0.02 * diag
    elif motion == "ease":
        # An operator's pan: still, speeds up, slows down, still (half a diagonal in 1.2 s).
        span = np.clip((t - t[-1] / 2 + 0.6) / 1.2, 0.0, 1.0)
        out[:, 0] = 0.5 * diag * (1 - np.cos(np.pi * span)) / 2
    elif motion == "sway":
        # A slow drift to and fro (0.3 Hz, 3% of the diagonal): a gimbal or a crane, not shake.
        out[:, 0] = 0.03 * diag * np.sin(2 * np.pi * 0.3 * t)
        out[:, 1] = 0.015 * diag * np.sin(2 * np.pi * 0.2 * t + 1.0)
    elif motion == "zoom":
        out[:, 2] = 1.0 + 0.12 * t           # a slow zoom in
    size = WOBBLE[motion] if wobble is None else wobble
    if size:
        out[:, :2] += _wobble(rng, t, motion == "shaky") * (size / 100 * diag)
    return out


def _wobble(rng: np.random.Generator, t: np.ndarray, jolts: bool) -> np.ndarray:
    """A 2-D wobble of unit RMS radius."""
    xy = np.zeros((len(t), 2))
    for axis in range(2):
        for _ in range(4):
            freq, phase = rng.uniform(0.7, 3.5), rng.uniform(0, 2 * math.pi)
            xy[:, axis] += rng.uniform(0.5, 1.0) * np.sin(2 * math.pi * freq * t + phase)
    if jolts:
        steps = rng.normal(0, 1.0, (len(t), 2))
        kernel = np.ones(3) / 3
        jitter = np.stack([np.convolve(steps[:, a], kernel, "same") for a in range(2)], 1)
        xy = xy / _rms(xy) + 1.2 * jitter / _rms(jitter)
    return xy / _rms(xy)


def _rms(xy: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.sum(xy**2, axis=1)))) or 1.0


def camera_clip(path: Path | str, source: Path | str | np.ndarray, motion: str, *,
                seconds: float = 4.0, size: tuple[int, int] = (320, 180), fps: float = 30.0,
                seed: int = 0, wobble: float | None = None, crf: int = 23) -> Path:
    """Film `source` (a picture file, an RGB array, or a video file) with a virtual camera.

    The crop is 80% of the source (so the camera has room to move), scaled to `size`; a video
    source keeps playing while the camera moves over it.
    """
    import cv2

    w, h = size
    frames = max(2, round(seconds * fps))
    moves = trajectory(motion, frames, fps, math.hypot(w, h), seed, wobble)
    pictures = _pictures(source, frames, fps)
    first = next(pictures)
    src_h, src_w = first.shape[:2]
    scale = min(src_w / (w / 0.8), src_h / (h / 0.8))   # source pixels per output pixel
    if motion in PAN_SPEED or motion == "ease":
        scale = min(src_w / (w + moves[-1, 0] + w * 0.1), src_h / (h / 0.8))

    def view(picture: np.ndarray, dx: float, dy: float, zoom: float) -> np.ndarray:
        s = scale / zoom
        cx = src_w / 2 + (dx - moves[-1, 0] / 2) * scale
        cy = src_h / 2 + (dy - moves[-1, 1] / 2) * scale
        matrix = np.array([[1 / s, 0, w / 2 - cx / s], [0, 1 / s, h / 2 - cy / s]])
        smooth = cv2.GaussianBlur(picture, (0, 0), max(0.01, 0.45 * s)) if s > 1.5 else picture
        return cv2.warpAffine(smooth, matrix, (w, h), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_REFLECT)

    def frame_at(index: int, picture: np.ndarray) -> np.ndarray:
        dx, dy, zoom = moves[index]
        if motion != "whip":
            return view(picture, dx, dy, zoom)
        # A whip pan blurs: average the views over half the frame interval (a 180° shutter).
        step = moves[min(index + 1, frames - 1), :2] - moves[max(index - 1, 0), :2]
        subs = [view(picture, dx + f * step[0] / 4, dy + f * step[1] / 4, zoom)
                for f in (-0.75, -0.25, 0.25, 0.75)]
        return np.mean(subs, axis=0).astype(np.uint8)

    def rendered() -> Iterator[np.ndarray]:
        yield frame_at(0, first)
        for index, picture in enumerate(pictures, start=1):
            if index >= frames:
                return
            yield frame_at(index, picture)

    return _encode(path, rendered(), size, fps, crf)


def _pictures(source: Path | str | np.ndarray, frames: int, fps: float) -> Iterator[np.ndarray]:
    """RGB arrays: a still repeated, or a video's frames (looped when it is too short)."""
    if isinstance(source, np.ndarray):
        for _ in range(frames):
            yield source
        return
    path = Path(source)
    if path.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp"):
        from PIL import Image

        with Image.open(path) as img:
            still = np.asarray(img.convert("RGB"))
        for _ in range(frames):
            yield still
        return
    produced = 0
    while produced < frames:
        for picture in _video_frames(path, 0.0, frames / fps):
            yield picture
            produced += 1
            if produced >= frames:
                return


def _video_frames(path: Path, start: float, seconds: float) -> Iterator[np.ndarray]:
    """RGB frames of `seconds` from `start` (seconds from the first frame), as stored."""
    for _, picture in _timed_frames(path, start, seconds):
        yield picture


def _timed_frames(path: Path, start: float, seconds: float
                  ) -> Iterator[tuple[float, np.ndarray]]:
    """(seconds from `start`, RGB frame) for the frames shown in [start, start + seconds)."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        first = None
        for frame in container.decode(stream):
            t = float(frame.time or 0.0)
            first = t if first is None else first
            if t - first < start - 1e-6:
                continue
            if t - first >= start + seconds - 1e-6:
                return
            yield t - first - start, frame.to_ndarray(format="rgb24")


def _at_rate(frames: Iterator[tuple[float, np.ndarray]], count: int, fps: float
             ) -> Iterator[np.ndarray]:
    """`count` frames at a constant `fps`: each shows the source frame on screen at its time
    (a 10 fps source repeats frames, a 60 fps one drops some), so a piece keeps its length."""
    shown = None
    pending = next(frames, None)
    for index in range(count):
        while pending is not None and (shown is None or pending[0] <= index / fps + 1e-6):
            shown = pending[1]
            pending = next(frames, None)
        if shown is None:
            return
        yield shown


def splice_clips(path: Path | str, pieces: Sequence[Piece], *, size: tuple[int, int] = (320, 180),
                 fps: float = 30.0, flash_at: Sequence[float] = (), crf: int = 23) -> list[float]:
    """Join `pieces` back to back (each letterboxed to `size`, as stored: rotation is not
    applied); give the cut times (seconds from the first frame). Frames are re-timed to a
    constant `fps`, so a cut falls exactly on the first frame of each piece. `flash_at`
    brightens the frame at each of those times (a camera flash)."""
    cuts: list[float] = []
    flashes = {round(t * fps) for t in flash_at}

    def frames() -> Iterator[np.ndarray]:
        index = 0
        for number, piece in enumerate(pieces):
            if number:
                cuts.append(index / fps)
            source = _timed_frames(Path(piece.path), piece.start, piece.seconds)
            for picture in _at_rate(source, round(piece.seconds * fps), fps):
                frame = _letterbox(picture, size)
                if index in flashes:
                    frame = np.clip(frame.astype(np.int16) * 2 + 60, 0, 255).astype(np.uint8)
                yield frame
                index += 1

    _encode(path, frames(), size, fps, crf)
    return cuts


def _letterbox(picture: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    import cv2

    w, h = size
    ph, pw = picture.shape[:2]
    scale = min(w / pw, h / ph)
    nw, nh = max(2, round(pw * scale)), max(2, round(ph * scale))
    resized = cv2.resize(picture, (nw, nh), interpolation=cv2.INTER_AREA)
    out = np.zeros((h, w, 3), np.uint8)
    y0, x0 = (h - nh) // 2, (w - nw) // 2
    out[y0:y0 + nh, x0:x0 + nw] = resized
    return out


def _encode(path: Path | str, frames: Iterator[np.ndarray], size: tuple[int, int], fps: float,
            crf: int) -> Path:
    """H.264 in MP4 through PyAV; written to a temporary name, then renamed."""
    import av

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    rate = Fraction(fps).limit_denominator(1001)
    with av.open(str(tmp), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=rate)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(crf), "preset": "veryfast", "bf": "0", "g": str(round(fps))}
        for picture in frames:
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(picture), format="rgb24")
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    tmp.replace(path)
    return path
