"""The video motion analysis: one decoding pass gives the cuts, the scenes between them, the
camera shake of each scene and which scenes share a camera angle (Phụ lục 2 §4: "each scene
lasts 30 s - 1 min, from 1-2 camera angles"; "use a tripod to avoid shaking").

Cost is the point of the design: a teacher's clip is decoded once, as cheaply as FFmpeg lets us,
and every measurement is made on a grey picture whose long side is 160 pixels.

- Decoding: frame threads; the deblocking filter is skipped (it only polishes detail far finer
  than 160 pixels), and so are H.264/HEVC frames that no other frame refers to (B-frames of a
  camera that writes them): they are never needed.
- Camera motion: the shift between consecutive pictures by phase correlation (sub-pixel, robust
  to people moving in front of a still background). The camera's path is the running sum of
  the shifts; a pan or a slow sway is that path smoothed over `SMOOTH_SECONDS` by a local
  polynomial fit, and the shake is what is left: the RMS distance between the path and its
  smoothed self, in percent of the picture's diagonal (so it does not depend on the
  resolution). A zoom moves the picture symmetrically and gives no shift. Exact repeats of a
  frame (a 24 fps film shown at 30 fps) are skipped: they would turn a pan into a staircase.
- Cuts: each picture is compared with the previous one moved by the measured shift (normalised
  cross-correlation of band-passed pictures: a pan does not change it, and neither does a
  flash's brightness; flat pictures compare their grey histograms). A cut is a jump far above
  the level of the surrounding second (an adaptive threshold: a fast pan raises the level
  around it), confirmed by comparing the pictures up to three frames apart: after a flash the
  picture comes back, after a cut it does not.
- Camera angles: each scene's average colour layout (an 8x6 grid, sampled five times a
  second); scenes whose layouts are close, for their contrast, were filmed from the same place
  with the same framing and get the same angle id.

Everything in `VideoMotion` is plain JSON data, so the facts cache stores it as it is.
"""

from __future__ import annotations

import base64
import math
from collections import deque
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from mediacheck.probe.facts import VideoFacts

# Bump when the analysis changes what it measures, so cached motion facts are recomputed.
STAGE_VERSION = 1

ANALYSIS_SIDE = 160          # long side of the grey picture motion is measured on, in pixels
SMOOTH_SECONDS = 1.0         # a camera path smoothed over this long is the intended movement
SMOOTH_ORDER = 4             # ... by a local polynomial fit of this degree
REPEAT_SHARE = 0.25          # a frame changing < 25% of the clip's usual change is a repeat
REPEAT_MAX = 0.5             # ... and by less than this (mean detail difference, grey levels)
REPEAT_HISTORY = 15          # the usual change: the upper quartile of the last frames' changes
FLAT_DETAIL = 0.3            # detail (grey levels RMS) under which a picture is flat
CUT_MIN_DISTANCE = 0.35      # a cut changes at least this much of the picture's structure
CUT_RATIO = 3.0              # ... this many times the usual change on the calmer side
CUT_BUSY_RATIO = 1.5         # ... and this many times that on the busier side
CUT_RUN_SHARE = 0.7          # two neighbours this high: a sustained change, not a cut
CUT_WINDOW_SECONDS = 1.0
CUT_CONFIRM = 0.6            # pictures 2-3 frames apart keep this share of the jump (no flash)
MIN_SCENE_SECONDS = 0.25     # two cuts closer than this are one transition
ANGLE_DISTANCE = 0.25        # layout difference (share of the contrast) under which angles match
LAYOUT_GRID = (8, 6)
FILMSTRIP_SIDE = 160         # long side of each scene's representative picture
FILMSTRIP_QUALITY = 70
FILMSTRIP_EVERY_SECONDS = 2.0
MAX_ANALYSED_FPS = 31.0      # frames closer than this are decoded (they must be) but not measured
LAYOUT_EVERY_SECONDS = 0.2
SERIES_POINTS = 100
COMPLETE_TOLERANCE_SECONDS = 1.0
MAX_FAILURES_IN_A_ROW = 25   # undecodable packets in a row that end the pass


class MotionUnreadable(Exception):
    """Nothing at all could be decoded; `reason` says why (no-video-stream, corrupt, no-frames)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass
class VideoMotion:
    """What the motion pass found in one video. Times are seconds from the first frame shown.

    `scenes` are the stretches between cuts: `{start, end, shake, angle}`, `shake` in percent of
    the picture's diagonal (None when the scene is too short to measure), `angle` an id shared
    by scenes filmed from the same place. `shake` is the worst scene's. `filmstrip` holds one
    small JPEG per scene (base64), `shake_series` `[time, shake]` points for a plot; neither
    goes into the JSON report. `complete` is False when decoding stopped before the end
    (`analysed_until` < the duration), with the reason in `error`; `damaged` counts packets
    or frames that could not be decoded cleanly but were got past (the first at `damaged_at`).
    """

    cuts: list[float] = field(default_factory=list)
    scenes: list[dict[str, Any]] = field(default_factory=list)
    shake: float | None = None
    angles: int = 0
    analysed_until: float = 0.0
    complete: bool = True
    error: str | None = None
    damaged: int = 0
    damaged_at: float | None = None
    frames: int = 0
    filmstrip: list[str] = field(default_factory=list)
    shake_series: list[list[float]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VideoMotion:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def report_fields(self) -> dict[str, Any]:
        """The part that belongs in a JSON report's `files` row (no pictures, no series)."""
        return {
            "cuts": list(self.cuts),
            "scenes": [{k: s[k] for k in ("start", "end", "shake", "angle")} for s in self.scenes],
            "shake": self.shake,
            "angles": self.angles,
            "analysed_until": self.analysed_until,
            "motion_complete": self.complete,
            "motion_error": self.error,
            "damaged_frames": self.damaged,
        }

    def filmstrip_jpeg(self, index: int) -> bytes:
        """The representative picture of scene `index`, as JPEG bytes."""
        return base64.b64decode(self.filmstrip[index])


# --------------------------------------------------------------------------- decoding


def analyse_video(source: str | Path | BinaryIO, video: VideoFacts, *,
                  threads: int = 0) -> VideoMotion:
    """Decode the video once and measure its cuts, scenes, shake and camera angles.

    `source` is a path (fastest: FFmpeg reads the file itself) or a binary file object (a ZIP
    member). A file that stops decoding half-way gives what was measured up to there, with
    `complete=False` and the reason in `error`; damaged packets or frames that decoding got
    past are counted in `damaged` (the first at `damaged_at`). Raises `MotionUnreadable` only
    when not a single frame can be decoded. `threads` is FFmpeg's decoding threads (0: its
    choice, one per core; give 1 when several files are analysed side by side in a pool).
    """
    import av

    try:
        container = _open(source)
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise MotionUnreadable("corrupt", str(exc)[:200]) from exc
    with container:
        stream = next(iter(container.streams.video), None)
        if stream is None:
            raise MotionUnreadable("no-video-stream")
        _configure(stream, threads)
        analyser = _Analyser(video.rotation, video.fps or _rate(stream))
        error = _decode_all(container, stream, analyser)
    if analyser.count == 0:
        raise MotionUnreadable("no-frames", error or "")
    return analyser.finish(video.duration, error)


def _open(source: str | Path | BinaryIO):
    import av

    if isinstance(source, (str, Path)):
        # 'file:' keeps a name such as 'concat:x.mp4' a plain file for FFmpeg.
        return av.open("file:" + str(Path(source).resolve()), metadata_errors="replace")
    source.seek(0)
    return av.open(source, metadata_errors="replace")


def _configure(stream, threads: int = 0) -> None:
    """Frame threads; skip what a 160-pixel picture never needs (see the module docstring)."""
    ctx = stream.codec_context
    ctx.thread_type = "AUTO"
    ctx.thread_count = threads
    if ctx.name in ("h264", "hevc"):
        ctx.skip_frame = "NONREF"
    if max(ctx.width or 0, ctx.height or 0) >= 4 * ANALYSIS_SIDE:
        # Its 8-pixel blocks are smaller than a pixel of the analysed picture.
        ctx.options = {"skip_loop_filter": "all"}


def _rate(stream) -> float:
    rate = stream.average_rate or stream.guessed_rate
    return float(rate) if rate else 30.0


def _decode_all(container, stream, analyser: _Analyser) -> str | None:
    """Feed every decodable frame to the analyser; the reason decoding stopped early, if it did.

    A damaged packet here and there is skipped (players do the same); many in a row, or a
    demuxer error, end the pass.
    """
    import av

    failures = 0
    try:
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except av.FFmpegError as exc:
                failures += 1
                analyser.damage(packet, _describe(exc))
                if failures >= MAX_FAILURES_IN_A_ROW:
                    return analyser.damage_detail
                continue
            failures = 0
            for frame in frames:
                if frame.is_corrupt:
                    analyser.damage(frame, "corrupt frame")
                analyser.add(frame)
    except (av.FFmpegError, OSError, MemoryError) as exc:
        return _describe(exc)
    return None


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]


# --------------------------------------------------------------------------- per frame


@dataclass
class _Picture:
    """One analysed frame, small: grey picture (float32), its detail, a grey histogram."""

    index: int
    time: float
    grey: np.ndarray          # windowed for phase correlation
    detail: np.ndarray        # band-passed: edges and texture, without noise or lighting
    hist: np.ndarray


class _Analyser:
    """Receives decoded frames in display order; keeps only small numbers per frame."""

    def __init__(self, rotation: int, fps: float) -> None:
        self.rotation = rotation % 360
        self.frame_seconds = 1.0 / fps if fps > 0 else 1 / 30
        self.count = 0
        self.first_time: float | None = None
        self.last_time = 0.0
        self.size: tuple[int, int] | None = None
        self.window: np.ndarray | None = None
        self.recent: deque[_Picture] = deque(maxlen=6)
        # per transition i (frame i-1 -> frame i)
        self.times: list[float] = []
        self.shifts: list[tuple[float, float]] = []
        self.distance: list[float] = []
        self.confirm: dict[int, float] = {}
        self.pending: list[int] = []
        self.layouts: list[np.ndarray] = []    # colour layouts, `LAYOUT_EVERY_SECONDS` apart
        self.layout_times: list[float] = []
        self.next_layout = 0.0
        self.thumbs: list[tuple[float, str]] = []
        self.next_thumb = 0.0
        self.changes: deque[float] = deque(maxlen=REPEAT_HISTORY)
        self.damaged = 0
        self.damaged_at: float | None = None
        self.damage_detail = ""

    # -- intake

    def add(self, frame) -> None:
        time = self._time(frame)
        if self.recent and time - self.recent[-1].time < 1.0 / MAX_ANALYSED_FPS:
            self.last_time = time          # 50/60 fps: every other frame is enough
            return
        grey, planes = _grey_plane(frame, self._target(frame))
        picture = _picture(self.count, time, grey, self.window)
        prev = self.recent[-1] if self.recent else None
        if prev is not None and self._repeats(picture, prev):
            self.last_time = time
            return
        self.count += 1
        self.last_time = time
        if prev is not None:
            self._transition(prev, picture)
        self._confirm_pending(picture)
        self.recent.append(picture)
        if time >= self.next_layout or self._just_cut():
            self.layouts.append(_layout(grey, planes))
            self.layout_times.append(time)
            self.next_layout = time + LAYOUT_EVERY_SECONDS
        if time >= self.next_thumb or self._just_cut():
            self.thumbs.append((time, _thumbnail(planes, self.rotation)))
            self.next_thumb = time + FILMSTRIP_EVERY_SECONDS

    def damage(self, item, detail: str) -> None:
        """Note a packet or frame that did not decode cleanly (its time, when it has one)."""
        self.damaged += 1
        if self.damaged == 1:
            self.damage_detail = detail
            raw = getattr(item, "time", None)
            base = self.first_time or 0.0
            self.damaged_at = round(float(raw) - base, 3) if raw is not None else self.last_time

    def _repeats(self, picture: _Picture, prev: _Picture) -> bool:
        """The same picture again: a film's 24 frames per second shown at 30 repeats every
        fourth one, which would turn a smooth pan into a staircase. A repeat differs from the
        previous frame far less than the last frames usually differed (the upper quartile of
        their changes, repeats included: a 10 fps clip shown at 30 repeats two frames in three,
        and one big jump cannot make every later frame look like a repeat)."""
        change = float(np.mean(np.abs(picture.detail - prev.detail)))
        typical = sorted(self.changes)[len(self.changes) * 3 // 4] if self.changes else None
        self.changes.append(change)
        return typical is not None and change < min(REPEAT_SHARE * typical, REPEAT_MAX)

    def _time(self, frame) -> float:
        raw = frame.time
        if raw is None:
            raw = self.last_time + self.frame_seconds if self.count else 0.0
        if self.first_time is None:
            self.first_time = float(raw)
        return float(raw) - self.first_time

    def _target(self, frame) -> tuple[int, int]:
        if self.size is None:
            w, h = frame.width, frame.height
            scale = min(1.0, ANALYSIS_SIDE / max(w, h))
            self.size = (max(16, round(w * scale / 2) * 2), max(16, round(h * scale / 2) * 2))
            import cv2

            self.window = cv2.createHanningWindow(self.size, cv2.CV_32F)
        return self.size

    def _transition(self, prev: _Picture, cur: _Picture) -> None:
        (dx, dy), distance = _compare(prev, cur)
        index = len(self.times)
        self.times.append(cur.time)
        self.shifts.append((dx, dy))
        self.distance.append(distance)
        if distance >= CUT_MIN_DISTANCE:
            self.pending.append(index)

    def _confirm_pending(self, cur: _Picture) -> None:
        """A candidate cut between frames k and k+1 is confirmed when frames k-2..k still differ
        from frames k+1..k+3 (all pairs but the jump itself): after a flash of one or two frames
        the picture comes back, after a cut it does not. Keeps the least difference seen."""
        if not self.pending:
            return
        keep = []
        for k in self.pending:
            if cur.index > k + 3:
                continue
            for before in self.recent:
                if k - 2 <= before.index <= k and (before.index, cur.index) != (k, k + 1):
                    _, distance = _compare(before, cur)
                    self.confirm[k] = min(self.confirm.get(k, distance), distance)
            if cur.index < k + 3:
                keep.append(k)
        self.pending = keep

    def _just_cut(self) -> bool:
        return bool(self.pending) and self.pending[-1] == len(self.times) - 1

    # -- after the pass

    def finish(self, duration: float | None, error: str | None) -> VideoMotion:
        until = round(self.last_time + self.frame_seconds, 3)
        complete = error is None and (
            duration is None or until >= duration - COMPLETE_TOLERANCE_SECONDS)
        if error is None and not complete:
            error = f"decoding ended at {until:.1f} s of {duration:.1f} s"
        cuts = self._cuts()
        bounds = [0.0, *cuts, until]
        scenes, series = self._scenes(bounds)
        angles = _assign_angles(self._scene_layouts(bounds))
        for scene, angle in zip(scenes, angles, strict=True):
            scene["angle"] = angle
        shakes = [s["shake"] for s in scenes if s["shake"] is not None]
        return VideoMotion(
            cuts=[round(c, 3) for c in cuts],
            scenes=scenes,
            shake=max(shakes) if shakes else None,
            angles=len(set(angles)),
            analysed_until=until,
            complete=complete,
            error=error,
            damaged=self.damaged,
            damaged_at=self.damaged_at,
            frames=self.count,
            filmstrip=self._filmstrip(bounds),
            shake_series=_downsample(series, until),
        )

    def _cuts(self) -> list[float]:
        distance = np.asarray(self.distance)
        times = np.asarray(self.times)
        cuts: list[tuple[float, float]] = []
        for index in np.flatnonzero(distance >= CUT_MIN_DISTANCE):
            if self._is_cut(distance, times, int(index)):
                jump = distance[index]
                time = float(times[index])
                if cuts and time - cuts[-1][0] < MIN_SCENE_SECONDS:
                    if jump > cuts[-1][1]:
                        cuts[-1] = (time, jump)
                    continue
                cuts.append((time, float(jump)))
        return [t for t, _ in cuts]

    def _is_cut(self, distance: np.ndarray, times: np.ndarray, index: int) -> bool:
        """A jump that stands out: `CUT_RATIO` times the calmer side's level and `CUT_BUSY_RATIO`
        times the busier side's; alone (two more as high among the two transitions either side
        make a run: a focus pull, an animation, a fast movement); and confirmed (the pictures
        around it stay apart)."""
        jump = float(distance[index])
        calm, busy = _side_levels(distance, times, index)
        if jump < CUT_RATIO * calm or jump < CUT_BUSY_RATIO * busy:
            return False
        near = np.concatenate([distance[max(0, index - 2):index], distance[index + 1:index + 3]])
        if np.count_nonzero(near >= CUT_RUN_SHARE * jump) >= 2:
            return False
        return self.confirm.get(index, jump) >= CUT_CONFIRM * jump

    def _scenes(self, bounds: list[float]
                ) -> tuple[list[dict[str, Any]], list[tuple[float, float]]]:
        times = np.asarray(self.times)
        shifts = np.asarray(self.shifts).reshape(-1, 2)
        diagonal = math.hypot(*self.size) if self.size else 1.0
        scenes, series = [], []
        for start, end in zip(bounds, bounds[1:], strict=False):
            inside = (times > start + 1e-6) & (times < end - 1e-6)
            shake, grid, residual = _shake(times[inside], shifts[inside] / diagonal * 100)
            series.extend(zip(grid.tolist(), residual.tolist(), strict=True))
            scenes.append({"start": round(start, 3), "end": round(end, 3),
                           "shake": None if shake is None else round(shake, 3)})
        return scenes, series

    def _scene_layouts(self, bounds: list[float]) -> list[np.ndarray | None]:
        times = np.asarray(self.layout_times)
        layouts = np.asarray(self.layouts, dtype=np.float32)
        out: list[np.ndarray | None] = []
        for start, end in zip(bounds, bounds[1:], strict=False):
            inside = (times >= start - 1e-6) & (times < end - 1e-6)
            out.append(layouts[inside].mean(axis=0) if inside.any() else None)
        return out

    def _filmstrip(self, bounds: list[float]) -> list[str]:
        """The stored thumbnail nearest each scene's middle (inside the scene when one is)."""
        strip = []
        for start, end in zip(bounds, bounds[1:], strict=False):
            middle = (start + end) / 2
            inside = [t for t in self.thumbs if start - 1e-6 <= t[0] < end - 1e-6] or self.thumbs
            strip.append(min(inside, key=lambda t: abs(t[0] - middle))[1] if inside else "")
        return strip


def _grey_plane(frame, size: tuple[int, int]) -> tuple[np.ndarray, list[np.ndarray]]:
    """The grey picture at `size` (uint8), and the frame's planes (valid while it lives).

    8-bit planar YUV is read in place (a strided view halves the work of the area resize);
    anything else (10-bit, RGB, palette) is converted by FFmpeg first, at twice `size`.
    """
    import cv2

    if frame.format.name not in _PLANAR_8BIT:
        frame = frame.reformat(width=size[0] * 2, height=size[1] * 2, format="yuv420p")
    planes = [_plane_array(p) for p in frame.planes[:3]]
    return _shrink(planes[0], size, cv2), planes


_PLANAR_8BIT = frozenset({"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p",
                          "yuv411p", "yuv440p", "yuvj440p", "yuv410p", "gray"})


def _plane_array(plane) -> np.ndarray:
    data = np.frombuffer(plane, np.uint8)
    return data.reshape(plane.height, plane.line_size)[:, : plane.width]


def _shrink(plane: np.ndarray, size: tuple[int, int], cv2) -> np.ndarray:
    h, w = plane.shape
    step = max(1, min(w // (2 * size[0]), h // (2 * size[1])))
    if step > 1:
        plane = plane[::step, ::step]
    return cv2.resize(np.ascontiguousarray(plane), size, interpolation=cv2.INTER_AREA)


def _layout(grey: np.ndarray, planes: list[np.ndarray]) -> np.ndarray:
    """The picture as an 8x6 grid of grey and colour averages: where things are, and their
    colours, at a glance (a camera angle's signature)."""
    import cv2

    g = cv2.resize(grey, LAYOUT_GRID, interpolation=cv2.INTER_AREA)
    if len(planes) < 3:
        c = np.full((LAYOUT_GRID[1], LAYOUT_GRID[0], 2), 128, np.uint8)
    else:
        c = np.dstack([_shrink(p, LAYOUT_GRID, cv2) for p in planes[1:3]])
    return np.dstack([g, c]).astype(np.uint8)


def _picture(index: int, time: float, grey: np.ndarray, window: np.ndarray) -> _Picture:
    import cv2

    flat = grey.astype(np.float32)
    # Difference of Gaussians: a band-pass that drops pixel noise and overall lighting.
    detail = cv2.GaussianBlur(flat, (0, 0), 1.0) - cv2.GaussianBlur(flat, (0, 0), 4.0)
    hist = np.bincount((grey >> 4).ravel(), minlength=16) / grey.size
    return _Picture(index, time, flat * window, detail, hist)


def _compare(a: _Picture, b: _Picture) -> tuple[tuple[float, float], float]:
    """The shift from `a` to `b` and how different their detail is once `a` is moved by it:
    1 - normalised cross-correlation of the band-passed pictures over the overlap (0: same
    picture, ~1: unrelated). Band-passing keeps a cut between two landscapes with the same
    sky-over-ground layout from looking alike, and a flash's brightness out of it.

    The Hann window is applied beforehand, not passed to `cv2.phaseCorrelate`: OpenCV 5.0.0
    multiplies the caller's arrays by it in place."""
    import cv2

    (dx, dy), _ = cv2.phaseCorrelate(a.grey, b.grey)
    h, w = a.detail.shape
    if abs(dx) >= w / 3 or abs(dy) >= h / 3:
        dx = dy = 0.0
    mx, my = int(abs(dx)) + 2 + w // 10, int(abs(dy)) + 2 + h // 10
    moved = cv2.warpAffine(a.detail, np.float32([[1, 0, dx], [0, 1, dy]]), (w, h))
    pa, pb = moved[my:h - my, mx:w - mx], b.detail[my:h - my, mx:w - mx]
    spread = float(np.sqrt((pa * pa).mean() * (pb * pb).mean()))
    if spread < FLAT_DETAIL:
        # Flat pictures (black, a plain wall): no detail to compare, use the histograms.
        return (float(dx), float(dy)), float(np.abs(a.hist - b.hist).sum()) / 2.0
    return (float(dx), float(dy)), 1.0 - float((pa * pb).mean()) / spread


def _thumbnail(planes: list[np.ndarray], rotation: int) -> str:
    """A JPEG of the picture, long side `FILMSTRIP_SIDE`, turned upright; built from the
    planes already in memory (a colour conversion of the whole 4K frame costs 10 ms)."""
    import cv2

    h, w = planes[0].shape
    scale = FILMSTRIP_SIDE / max(w, h)
    tw, th = max(2, round(w * scale / 2) * 2), max(2, round(h * scale / 2) * 2)
    luma = _shrink(planes[0], (tw, th), cv2)
    if len(planes) < 3:
        picture = cv2.cvtColor(luma, cv2.COLOR_GRAY2BGR)
    else:
        u, v = (_shrink(p, (tw // 2, th // 2), cv2) for p in planes[1:3])
        i420 = np.concatenate([luma.ravel(), u.ravel(), v.ravel()]).reshape(th * 3 // 2, tw)
        picture = cv2.cvtColor(i420, cv2.COLOR_YUV2BGR_I420)
    turn = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    if rotation in turn:
        picture = cv2.rotate(picture, turn[rotation])
    ok, jpeg = cv2.imencode(".jpg", picture, [cv2.IMWRITE_JPEG_QUALITY, FILMSTRIP_QUALITY])
    return base64.b64encode(jpeg.tobytes()).decode("ascii") if ok else ""


# --------------------------------------------------------------------------- measures


def _side_levels(distance: np.ndarray, times: np.ndarray, index: int) -> tuple[float, float]:
    """The typical change on each side of transition `index` (the upper quartile of its second
    before and of its second after, without it and its direct neighbours), calmer side first.
    A pan or a crowd keeps it high, a still shot low: a cut from a still shot to a busy one
    stands far above the still side and clearly above the busy one."""
    t = times[index]
    lo = np.searchsorted(times, t - CUT_WINDOW_SECONDS)
    hi = np.searchsorted(times, t + CUT_WINDOW_SECONDS, side="right")
    sides = [distance[lo:max(lo, index - 1)], distance[index + 2:hi]]
    levels = sorted(float(np.percentile(side, 75)) for side in sides if side.size)
    if not levels:
        return 0.0, 0.0
    return levels[0], levels[-1]


def _shake(times: np.ndarray, steps: np.ndarray) -> tuple[float | None, np.ndarray, np.ndarray]:
    """Shake of one scene from its frame-to-frame shifts (percent of the diagonal).

    The camera path (running sum of the shifts) is put on a regular time grid and smoothed by
    a local polynomial fit (degree `SMOOTH_ORDER`) over `SMOOTH_SECONDS` (Savitzky-Golay): it
    follows an operator's pan that speeds up and slows down, where a moving average would lag
    behind and count the lag as shake. The shake is the RMS distance between the path and its
    smoothed self.
    Returns it (None for a scene too short to tell), and the grid times and residuals."""
    if len(times) < 3 or times[-1] - times[0] < SMOOTH_SECONDS:
        return None, np.zeros(0), np.zeros(0)
    path = np.cumsum(steps, axis=0)
    dt = max(float(np.median(np.diff(times))), 1 / 120)
    grid = np.arange(times[0], times[-1] + dt / 2, dt)
    on_grid = np.stack([np.interp(grid, times, path[:, a]) for a in range(2)], axis=1)
    half = max(2, round(SMOOTH_SECONDS / 2 / dt))
    smooth = np.stack([_polynomial_smooth(on_grid[:, a], half, SMOOTH_ORDER) for a in range(2)],
                      axis=1)
    residual = np.sqrt(np.sum((on_grid - smooth) ** 2, axis=1))
    return float(np.sqrt(np.mean(residual**2))), grid, residual


def _polynomial_smooth(values: np.ndarray, half: int, order: int = 2) -> np.ndarray:
    """Savitzky-Golay smoothing (window 2*half+1, polynomial `order`); the ends are the
    polynomial fitted to the first and last windows, so a pan is followed to the edges."""
    n, width = len(values), 2 * half + 1
    x = np.arange(n, dtype=float)
    if n <= width:
        return np.polyval(np.polyfit(x, values, min(order, n - 1)), x)
    k = np.arange(-half, half + 1, dtype=float)
    weights = np.linalg.pinv(np.vander(k, order + 1, increasing=True))[0]
    out = np.empty(n)
    out[half:n - half] = np.convolve(values, weights[::-1], mode="valid")
    out[:half] = np.polyval(np.polyfit(x[:width], values[:width], order), x[:half])
    out[n - half:] = np.polyval(np.polyfit(x[-width:], values[-width:], order), x[n - half:])
    return out


def _assign_angles(layouts: list[np.ndarray | None]) -> list[int]:
    """Give each scene an angle id: that of the first earlier angle whose layout is close
    (`_layout_gap` under `ANGLE_DISTANCE`), else a new one."""
    known: list[np.ndarray] = []
    ids: list[int] = []
    for layout in layouts:
        if layout is None:               # a scene without a frame of its own: the one before
            ids.append(ids[-1] if ids else 0)
            continue
        gaps = [_layout_gap(layout, k) for k in known]
        best = int(np.argmin(gaps)) if gaps else -1
        if best >= 0 and gaps[best] < ANGLE_DISTANCE:
            ids.append(best)
        else:
            known.append(layout)
            ids.append(len(known) - 1)
    return ids


def _layout_gap(a: np.ndarray, b: np.ndarray) -> float:
    """How different two scenes' average layouts are, relative to their contrast: a dim hall
    filmed from two places differs by few grey levels, but by as much of its contrast."""
    contrast = 0.5 * (float(a[..., 0].std()) + float(b[..., 0].std())) + 4.0
    return float(np.mean(np.abs(a - b))) / contrast


def _downsample(series: list[tuple[float, float]], until: float) -> list[list[float]]:
    """At most `SERIES_POINTS` points: the RMS shake of each equal slice of time."""
    if not series:
        return []
    data = np.asarray(series)
    bins = min(SERIES_POINTS, len(data))
    edges = np.linspace(0.0, max(until, float(data[-1, 0])) + 1e-9, bins + 1)
    which = np.clip(np.searchsorted(edges, data[:, 0], side="right") - 1, 0, bins - 1)
    out = []
    for b in range(bins):
        values = data[which == b, 1]
        if values.size:
            out.append([round(float((edges[b] + edges[b + 1]) / 2), 2),
                        round(float(np.sqrt(np.mean(values**2))), 3)])
    return out
