"""The video motion pass on real files: cuts, scenes, shake classes, angles, damage, formats."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from motion_clips import (
    CITY,
    HAMILTON,
    HAMILTON_CUTS,
    HAMILTON_PAN,
    HERO,
    KARMA,
    MEI,
    needs_corpus,
    needs_people,
)
from PIL import Image

from mediacheck.checks.video_steadiness import shake_class
from mediacheck.probe.facts import FileFacts, VideoFacts
from mediacheck.probe.motion import (
    SERIES_POINTS,
    STAGE_VERSION,
    MotionUnreadable,
    VideoMotion,
    analyse_video,
)
from mediacheck.probe.stages import STAGES
from mediacheck.samples.factory import ffmpeg_exe
from mediacheck.samples.motion import Piece, camera_clip, splice_clips

NONE = VideoFacts()


def near(found: list[float], expected: tuple[float, ...] | list[float], within: float = 0.1):
    return len(found) == len(expected) and all(
        abs(a - b) <= within for a, b in zip(found, expected, strict=True))


@pytest.fixture(scope="session")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("motion")


@pytest.fixture(scope="session")
def spliced(work: Path) -> tuple[Path, list[float]]:
    """Three corpus clips back to back, a one-frame and a two-frame flash in the first."""
    if not KARMA.is_file():
        pytest.skip("shared corpus absent")
    path = work / "spliced.mp4"
    cuts = splice_clips(path, [Piece(KARMA, 0, 2), Piece(HERO, 1, 1.5),
                               Piece(MEI / "mp4/Issue 515 (java).mp4", 0.5, 1.5)],
                        flash_at=[0.8, 1.4, 1.433])
    return path, cuts


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y", *args], check=True)


# --------------------------------------------------------------------------- shake


@needs_people
@pytest.mark.parametrize("motion, expected", [
    ("still", "steady"), ("pan", "steady"), ("ease", "steady"), ("sway", "steady"),
    ("zoom", "steady"), ("tripod", "steady"), ("handheld", "handheld"), ("shaky", "shaky"),
])
def test_shake_classes_of_a_filmed_photo(work: Path, profile, motion: str, expected: str) -> None:
    path = camera_clip(work / f"city-{motion}.mp4", CITY, motion, seconds=3)
    result = analyse_video(path, NONE)
    options = profile.checks["video-steadiness"].options
    assert shake_class(result.shake, options) == expected, result.shake
    assert result.cuts == [] and len(result.scenes) == 1


@needs_corpus
@pytest.mark.parametrize("motion, expected", [
    ("still", "steady"), ("handheld", "handheld"), ("shaky", "shaky")])
def test_shake_on_top_of_a_real_clip(work: Path, profile, motion: str, expected: str) -> None:
    """The drone clip moves on its own; a hand-held wobble over it is still found."""
    path = camera_clip(work / f"karma-{motion}.mp4", KARMA, motion, seconds=3, seed=3)
    result = analyse_video(path, NONE)
    assert shake_class(result.shake, profile.checks["video-steadiness"].options) == expected


@needs_people
def test_shake_grows_with_the_wobble(work: Path) -> None:
    shakes = [analyse_video(camera_clip(work / f"wobble-{w}.mp4", CITY, "handheld",
                                        seconds=3, wobble=w), NONE).shake for w in (0.2, 0.5, 1)]
    assert shakes[0] < shakes[1] < shakes[2]


@needs_people
def test_shake_does_not_depend_on_the_resolution(work: Path) -> None:
    small = camera_clip(work / "res-small.mp4", CITY, "shaky", seconds=3, size=(320, 180))
    large = camera_clip(work / "res-large.mp4", CITY, "shaky", seconds=3, size=(960, 540))
    a, b = analyse_video(small, NONE).shake, analyse_video(large, NONE).shake
    assert abs(a - b) / b < 0.2, (a, b)


# --------------------------------------------------------------------------- cuts


@needs_people
def test_real_event_clip_cuts_and_the_pan_that_is_not_one() -> None:
    result = analyse_video(HAMILTON, NONE)
    assert near(result.cuts, HAMILTON_CUTS), result.cuts
    assert not [c for c in result.cuts if HAMILTON_PAN[0] <= c <= HAMILTON_PAN[1]]
    assert [(s["start"], s["end"]) for s in result.scenes][1:] == list(
        zip(result.cuts, result.cuts[1:] + [result.analysed_until], strict=True))
    assert result.angles == 4 and result.complete and result.error is None
    assert result.scenes[-1]["shake"] < 0.13          # the audience, filmed steadily


@needs_corpus
def test_spliced_clips_cuts_found_and_flashes_ignored(spliced) -> None:
    path, cuts = spliced
    result = analyse_video(path, NONE)
    assert near(result.cuts, cuts, within=0.05), (result.cuts, cuts)


@needs_people
def test_whip_pan_is_not_a_cut(work: Path) -> None:
    path = camera_clip(work / "whip.mp4", CITY, "whip", seconds=1.5)
    assert analyse_video(path, NONE).cuts == []


@needs_corpus
def test_back_to_the_first_camera_is_the_same_angle(work: Path) -> None:
    path = work / "abab.mp4"
    splice_clips(path, [Piece(KARMA, 0, 1.5), Piece(HERO, 0, 1.5), Piece(KARMA, 2, 1.5),
                        Piece(HERO, 2, 1.5)])
    result = analyse_video(path, NONE)
    assert [s["angle"] for s in result.scenes] == [0, 1, 0, 1]
    assert result.angles == 2


@needs_corpus
def test_b_frames_are_skipped_and_cuts_still_found(work: Path, spliced) -> None:
    """x264's defaults write B-frames nothing refers to: they are never decoded."""
    path, cuts = spliced
    bframes = work / "bframes.mp4"
    ffmpeg("-i", str(path), "-c:v", "libx264", "-preset", "veryfast", "-bf", "3",
           "-b_strategy", "0", str(bframes))
    result = analyse_video(bframes, NONE)
    assert near(result.cuts, cuts, within=0.1), result.cuts
    assert result.frames < 0.8 * round(cuts[-1] * 30 + 45)


# --------------------------------------------------------------------------- damage


@needs_corpus
def test_truncated_clip_gives_facts_up_to_the_break(work: Path, spliced) -> None:
    path, cuts = spliced
    whole = work / "faststart.mp4"
    ffmpeg("-i", str(path), "-c", "copy", "-movflags", "+faststart", str(whole))
    data = whole.read_bytes()
    cut = work / "truncated.mp4"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    duration = analyse_video(whole, NONE).analysed_until
    result = analyse_video(cut, VideoFacts(duration=duration))
    assert not result.complete and result.error
    assert 0.3 * duration < result.analysed_until < 0.85 * duration
    assert result.cuts == [c for c in cuts if c < result.analysed_until]
    assert result.scenes[-1]["end"] == result.analysed_until


@needs_corpus
def test_truncated_clip_without_its_index_cannot_be_decoded(work: Path, spliced) -> None:
    path, _ = spliced
    cut = work / "no-moov.mp4"
    cut.write_bytes(path.read_bytes()[: int(path.stat().st_size * 0.6)])
    with pytest.raises(MotionUnreadable) as caught:
        analyse_video(cut, NONE)
    assert caught.value.reason == "corrupt"


def test_audio_only_file_has_no_video_to_analyse(tmp_path: Path) -> None:
    path = tmp_path / "sound.mp4"
    ffmpeg("-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac", str(path))
    with pytest.raises(MotionUnreadable) as caught:
        analyse_video(path, NONE)
    assert caught.value.reason == "no-video-stream"


@needs_corpus
def test_damaged_frames_in_the_middle_are_counted(work: Path, spliced) -> None:
    path, _ = spliced
    data = bytearray(path.read_bytes())
    for i in range(int(len(data) * 0.45), int(len(data) * 0.6), 41):
        data[i] ^= 0x5A
    damaged = work / "damaged.mp4"
    damaged.write_bytes(bytes(data))
    result = analyse_video(damaged, NONE)
    assert result.damaged > 0 and result.damaged_at is not None


# --------------------------------------------------------------------------- formats


@needs_people
def test_sixty_fps_clip_is_measured_at_thirty(work: Path, profile) -> None:
    """Frames 1/60 s apart are decoded but every other one is measured: same classes."""
    options = profile.checks["video-steadiness"].options
    for motion, expected in (("tripod", "steady"), ("shaky", "shaky")):
        path = camera_clip(work / f"60fps-{motion}.mp4", CITY, motion, seconds=2, fps=60)
        result = analyse_video(path, NONE)
        assert shake_class(result.shake, options) == expected
        assert 40 <= result.frames <= 61          # of 120 decoded (a tripod repeats some)


@needs_corpus
def test_file_object_gives_the_same_facts_as_the_path(spliced) -> None:
    path, _ = spliced
    with open(path, "rb") as fh:
        from_fh = analyse_video(io.BufferedReader(fh), NONE)
    assert from_fh.to_dict() == analyse_video(path, NONE).to_dict()


@needs_corpus
def test_rotated_phone_clip_has_an_upright_filmstrip() -> None:
    """iPhone 6 portrait clip: stored 568x320, shown turned by 90 degrees."""
    result = analyse_video(MEI / "mov/with-gps.mov", VideoFacts(rotation=90))
    picture = Image.open(io.BytesIO(result.filmstrip_jpeg(0)))
    assert picture.size == (90, 160)


@needs_corpus
@pytest.mark.parametrize("name", ["3gp/sample.3gp", "mp4/sample_mpeg4.mp4", "avi/MVI_4823.AVI",
                                  "mts/Sony ILCE-7M3 (A7M3).mts", "mp4/with-gps.mp4"])
def test_odd_sizes_and_codecs(name: str) -> None:
    result = analyse_video(MEI / name, NONE)
    assert result.frames > 0 and result.complete and len(result.filmstrip) == len(result.scenes)


def test_ten_bit_video(tmp_path: Path) -> None:
    path = tmp_path / "10bit.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30:duration=2", "-c:v", "libx264",
           "-pix_fmt", "yuv420p10le", "-preset", "ultrafast", str(path))
    result = analyse_video(path, NONE)
    assert result.frames > 30 and result.complete


@needs_people
def test_variable_frame_rate_pan_stays_steady(work: Path, profile) -> None:
    """A phone drops frames when it is busy: the pan's time stamps jump, the path does not."""
    pan = camera_clip(work / "vfr-src.mp4", CITY, "pan", seconds=3)
    vfr = work / "vfr.mp4"
    ffmpeg("-i", str(pan), "-vf", "select='not(eq(mod(n,7),3))*not(eq(mod(n,11),5))'",
           "-fps_mode", "vfr", "-c:v", "libx264", "-preset", "ultrafast", str(vfr))
    result = analyse_video(vfr, NONE)
    assert shake_class(result.shake, profile.checks["video-steadiness"].options) == "steady"
    assert result.cuts == []


def test_repeats_are_judged_against_the_recent_changes() -> None:
    """Exact repeats (film shown at 30 fps) are skipped; slow real movement after one big
    change is not mistaken for repeats, once the recent changes show what is usual."""
    import cv2

    from mediacheck.probe import motion

    analyser = motion._Analyser(0, 30.0)
    window = cv2.createHanningWindow((160, 90), cv2.CV_32F)
    rng = np.random.default_rng(1)
    base = cv2.GaussianBlur(rng.random((90, 160)).astype(np.float32) * 255, (0, 0), 2)
    pictures = [motion._picture(i, i / 30, np.roll(base, i // 2, axis=1).astype(np.uint8),
                                window) for i in range(40)]
    jump = motion._picture(99, 0.0, (255 - base).astype(np.uint8), window)
    verdicts = [analyser._repeats(pictures[0], jump)]
    verdicts += [analyser._repeats(b, a) for a, b in zip(pictures, pictures[1:], strict=False)]
    # Frames 2k and 2k+1 are the same picture (shifted every other frame).
    assert verdicts[8:] == [i % 2 == 1 for i in range(8, 40)]


# --------------------------------------------------------------------------- facts


@needs_people
def test_facts_round_trip_and_json_rows() -> None:
    motion = analyse_video(HAMILTON, NONE)
    assert 0 < len(motion.shake_series) <= SERIES_POINTS
    sizes = [len(motion.filmstrip_jpeg(i)) for i in range(len(motion.scenes))]
    assert all(500 < s < 8000 for s in sizes), sizes
    assert VideoMotion.from_dict(json.loads(json.dumps(motion.to_dict()))) == motion
    facts = FileFacts(path="v.mp4", kind="video", size=1, video=VideoFacts(), motion=motion)
    stage = STAGES["motion"]
    back = FileFacts(path="v.mp4", kind="video", size=1, video=VideoFacts())
    stage.load(back, json.loads(json.dumps(stage.dump(facts))))
    assert back == facts
    row = facts.to_dict()
    assert row["cuts"] == motion.cuts and row["angles"] == 4
    assert row["shake"] == max(s["shake"] for s in motion.scenes if s["shake"] is not None)
    assert all(set(s) == {"start", "end", "shake", "angle"} for s in row["scenes"])
    assert "filmstrip" not in row and "shake_series" not in row


def test_stage_version_and_facts_without_motion() -> None:
    assert STAGES["motion"].version == STAGE_VERSION and STAGES["motion"].pixel
    facts = FileFacts(path="v.mp4", kind="video", size=1, video=VideoFacts(duration=3.0))
    assert "cuts" not in facts.to_dict()
    STAGES["motion"].load(facts, STAGES["motion"].dump(facts))
    assert facts.motion is None


def test_analysis_does_not_change_the_shifts_it_measures() -> None:
    """OpenCV 5.0 multiplies phaseCorrelate's inputs by its window in place: never pass one."""
    import cv2

    from mediacheck.probe import motion

    rng = np.random.default_rng(0)
    grey = cv2.GaussianBlur(rng.random((90, 160)).astype(np.float32) * 255, (0, 0), 2)
    window = cv2.createHanningWindow((160, 90), cv2.CV_32F)
    a = motion._picture(0, 0.0, grey.astype(np.uint8), window)
    b = motion._picture(1, 0.0, np.roll(grey, 3, axis=1).astype(np.uint8), window)
    before = a.grey.copy()
    (dx, dy), distance = motion._compare(a, b)
    assert np.array_equal(a.grey, before)
    assert dx == pytest.approx(3, abs=0.1) and abs(dy) < 0.1 and distance < 0.2
