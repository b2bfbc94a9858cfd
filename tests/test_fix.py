"""`mediacheck fix` on generated media: every conversion is re-checked with the real checks and
the real probe, and the source tree is compared byte for byte and by mtime."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from mediacheck.cli import main
from mediacheck.engine import RunOptions, run
from mediacheck.fix.apply import STAGING_SUFFIX, TEMP_PREFIX
from mediacheck.probe import probe
from mediacheck.profile import load_profile
from mediacheck.samples.factory import make_photo, make_video
from mediacheck.scan import find_submissions

NAME = "THCS Pu Nhi_Khaigiang"
ROOT = Path(__file__).resolve().parent.parent


def tree_state(root: Path) -> dict[str, tuple[str, float]]:
    """Every file and folder under root: content hash and mtime (folders: mtime only)."""
    state = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_file():
            state[rel] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime)
        else:
            state[rel] = ("dir", path.stat().st_mtime)
    return state


def photos(folder: Path, count: int = 3) -> list[Path]:
    return [make_photo(folder / f"IMG_2023090507{i:02d}00.jpg", size=(1800, 1200), seed=i)
            for i in range(count)]


def fix(*args: str | Path) -> int:
    return main(["fix", *[str(a) for a in args]])


def checked(folder: Path):
    """The re-check of a folder: its single submission."""
    report = run([folder], load_profile(), RunOptions(lang="en"))
    assert len(report.submissions) == 1
    return report.submissions[0]


def keys(submission, check: str) -> list[str]:
    return [f.key for f in submission.findings if f.check == check]


def video_facts(path: Path):
    profile = load_profile()
    [event], _ = find_submissions([path.parent], profile)
    media = next(m for m in event.files if m.fs_path.name == path.name)
    return probe(media)


@pytest.fixture
def event(tmp_path: Path) -> Path:
    folder = tmp_path / "src" / NAME
    folder.mkdir(parents=True)
    return folder


def apply_fix(event: Path, *extra: str) -> Path:
    out = event.parent.parent / "out"
    assert fix(event, "--out", out, "--apply", "--lang", "en", *extra) in (0, 1)
    return out / NAME


def test_mov_becomes_mp4_that_passes_video_container(event: Path, capsys) -> None:
    make_video(event / "VID_1.mov", width=1280, height=720, seconds=3, fps=2, container="mov")
    result = checked(apply_fix(event))
    assert keys(result, "video-container") == []
    assert (event.parent.parent / "out" / NAME / "VID_1.mp4").is_file()
    assert "TO MP4" in capsys.readouterr().out


def test_4k_becomes_1080p_with_aspect_kept(event: Path) -> None:
    make_video(event / "VID_4k.mp4", width=3840, height=2160, seconds=2, fps=1)
    output = apply_fix(event)
    facts = video_facts(output / "VID_4k.mp4").video
    assert facts.display_size == (1920, 1080)
    assert keys(checked(output), "video-resolution") == []


def test_portrait_phone_clip_stays_portrait(event: Path) -> None:
    # Stored 1920x1080 with a 90° matrix, as phones film portrait: shown 1080x1920.
    make_video(event / "VID_p.mov", width=1920, height=1080, rotation=90, seconds=2, fps=2,
               container="mov")
    output = apply_fix(event)
    facts = video_facts(output / "VID_p.mp4").video
    width, height = facts.display_size
    assert width < height and (width, height) == (1080, 1920)
    assert keys(checked(output), "video-resolution") == []


def test_hevc_becomes_h264(event: Path) -> None:
    make_video(event / "VID_h.mp4", width=1280, height=720, seconds=2, fps=2, vcodec="hevc")
    output = apply_fix(event)
    facts = video_facts(output / "VID_h.mp4").video
    assert (facts.video_codec, facts.audio_codec, facts.pixel_format) == ("h264", "aac",
                                                                          "yuv420p")
    assert keys(checked(output), "video-codec") == []


def test_avi_mjpeg_becomes_mp4(event: Path) -> None:
    make_video(event / "VID_a.avi", width=1280, height=720, seconds=2, fps=2, vcodec="mjpeg",
               acodec="mp3", container="avi")
    output = apply_fix(event)
    result = checked(output)
    assert keys(result, "video-container") == keys(result, "video-codec") == []
    assert video_facts(output / "VID_a.mp4").video.video_codec == "h264"


def test_compliant_files_copied_identical_and_source_untouched(event: Path) -> None:
    shots = photos(event)
    clip = make_video(event / "VID_ok.mp4", width=1280, height=720, seconds=2, fps=2)
    (event / "Thumbs.db").write_bytes(b"\0" * 64)
    (event / "IMG_20230905070000 - Copy.jpg").write_bytes(shots[0].read_bytes())
    source = event.parent
    before = tree_state(source)
    output = apply_fix(event)
    assert tree_state(source) == before
    for original in [*shots, clip]:
        assert (output / original.name).read_bytes() == original.read_bytes()
    assert sorted(p.name for p in output.iterdir()) == sorted(p.name for p in [*shots, clip])
    assert not list(output.parent.glob(f"*{STAGING_SUFFIX}"))


def test_dry_run_writes_nothing(event: Path, capsys) -> None:
    photos(event)
    make_video(event / "VID_1.mov", width=1280, height=720, seconds=2, fps=2, container="mov")
    make_video(event / "VID_low.mp4", width=640, height=360, seconds=2, fps=2)
    root = event.parent.parent
    before = tree_state(root)
    code = fix(event, "--out", root / "out")
    assert tree_state(root) == before
    out = capsys.readouterr().out
    assert "CHUYỂN MP4" in out and "KHÔNG SỬA ĐƯỢC" in out and "--apply" in out
    assert "Quay lại ở chế độ 720p" in out  # the 360p clip is left out: film it again
    assert "Dự kiến: thư mục mới sẽ ĐẠT." in out
    assert code == 0  # the new folder is expected to pass without that clip


def test_refuses_existing_output_and_output_inside_source(event: Path, capsys) -> None:
    photos(event)
    existing = event.parent.parent / "out" / NAME
    existing.mkdir(parents=True)
    (existing / "keep.txt").write_text("mine")
    assert fix(event, "--out", existing.parent, "--apply") == 2
    assert (existing / "keep.txt").read_text() == "mine"
    before = tree_state(event.parent)
    assert fix(event, "--out", event, "--apply") == 2
    assert fix(event.parent, "--unit", "THCS Pu Nhi", "--activity", "Khaigiang", "--out",
               event.parent.parent, "--apply", "--overwrite-output") == 2
    assert tree_state(event.parent) == before
    err = capsys.readouterr().err
    assert "--overwrite-output" in err and "--out" in err


def test_overwrite_output_replaces_the_old_folder(event: Path) -> None:
    photos(event)
    existing = event.parent.parent / "out" / NAME
    existing.mkdir(parents=True)
    (existing / "old.jpg").write_bytes(b"old")
    output = apply_fix(event, "--overwrite-output")
    assert output == existing and not (existing / "old.jpg").exists()
    assert len(list(output.iterdir())) == 3


@pytest.mark.parametrize("name", ["-i x.mp4", ";rm -rf ~.mov"])
def test_hostile_file_names_are_only_names(event: Path, name: str) -> None:
    make_video(event / name, width=1280, height=720, seconds=2, fps=2, container="mov")
    output = apply_fix(event)
    stem = name.rsplit(".", 1)[0]
    assert [p.name for p in output.iterdir()] == [stem + ".mp4"]
    assert video_facts(output / (stem + ".mp4")).video.video_codec == "h264"


def test_folder_renamed_from_unit_and_activity(tmp_path: Path) -> None:
    source = tmp_path / "Khai giang 2023"
    photos(source)
    assert fix(source, "--unit", "THCS Pu Nhi", "--activity", "Khaigiang", "--apply") == 0
    assert keys(checked(tmp_path / NAME), "folder-name") == []


def test_needs_unit_and_activity_when_name_does_not_parse(tmp_path: Path, capsys) -> None:
    source = tmp_path / "Khai giang 2023"
    photos(source)
    assert fix(source) == 2
    assert "--unit" in capsys.readouterr().err


def test_heic_to_jpeg_keeps_exif(event: Path) -> None:
    photos(event, 2)
    make_photo(event / "IMG_0001.heic", fmt="HEIF", size=(1800, 1200), make="Apple",
               model="iPhone 13")
    output = apply_fix(event, "--heic-to-jpeg")
    with Image.open(output / "IMG_0001.jpg") as img:
        assert img.format == "JPEG"
        exif = img.getexif()
        assert exif[0x010F] == "Apple" and exif.get_ifd(0x8769)[0x9003] == "2023:09:05 07:30:00"
    result = checked(output)
    assert keys(result, "photo-format") == keys(result, "photo-original") == []


def test_split_scenes_cuts_long_clip_into_parts(event: Path) -> None:
    make_video(event / "VID_long.mp4", width=1280, height=720, seconds=75, fps=1)
    output = apply_fix(event, "--split-scenes")
    parts = sorted(output.iterdir())
    assert [p.name for p in parts] == ["VID_long_p1.mp4", "VID_long_p2.mp4"]
    for part in parts:
        assert 30 <= video_facts(part).video.duration <= 60
    assert keys(checked(output), "video-duration") == []


def _fix_process(event: Path, out: Path, rules: Path | None) -> subprocess.Popen:
    args = [sys.executable, "-m", "mediacheck", "fix", str(event), "--out", str(out), "--apply"]
    if rules is not None:
        args += ["--rules", str(rules)]
    return subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_interrupted_run_leaves_no_partial_file_and_rerun_completes(event: Path,
                                                                     tmp_path: Path) -> None:
    photos(event)
    make_video(event / "VID_4k.mp4", width=3840, height=2160, seconds=6, fps=4)
    slow = tmp_path / "slow.toml"
    slow.write_text('extends = "phuluc2"\n[fix]\npreset = "veryslow"\n', encoding="utf-8")
    out = tmp_path / "out"
    staging = out / f".{NAME}{STAGING_SUFFIX}"
    proc = _fix_process(event, out, slow)
    deadline = time.monotonic() + 60
    while not list(staging.glob(f"{TEMP_PREFIX}*")) or not _growing_encode(staging):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=30) == 130
    assert not list(staging.glob(f"{TEMP_PREFIX}*"))
    assert not (out / NAME).exists()
    assert not (staging / "VID_4k.mp4").exists()
    done = _fix_process(event, out, None)
    stdout, stderr = done.communicate(timeout=120)
    assert done.returncode in (0, 1), stderr.decode()
    assert stdout.decode().count("đã có từ lần chạy trước") == 3  # the photos are not redone
    assert video_facts(out / NAME / "VID_4k.mp4").video.display_size == (1920, 1080)
    assert not staging.exists()


def _growing_encode(staging: Path) -> bool:
    """The photo copies are done and ffmpeg's temporary file exists: we are mid-encode."""
    return len(list(staging.glob("*.jpg"))) == 3


def test_leftovers_of_an_earlier_run_are_not_shipped(event: Path, tmp_path: Path) -> None:
    shots = photos(event)
    staging = tmp_path / "out" / f".{NAME}{STAGING_SUFFIX}"
    staging.mkdir(parents=True)
    (staging / f"{TEMP_PREFIX}abc").write_bytes(b"half a video")
    (staging / "VID_from_other_options.mp4").write_bytes(b"old plan")
    (staging / shots[0].name).write_bytes(b"truncated")
    output = apply_fix(event)
    assert sorted(p.name for p in output.iterdir()) == sorted(p.name for p in shots)
    assert (output / shots[0].name).read_bytes() == shots[0].read_bytes()



# --------------------------------------------------------------------------- what the plan says


def plan_of(event: Path, capsys, *args: str | Path) -> tuple[int, str]:
    code = fix(event, "--out", event.parent.parent / "out", "--lang", "en", *args)
    return code, capsys.readouterr().out


def failing_photos(folder: Path) -> list[Path]:
    """A resized copy (EXIF still says 6000x4000) and a 1.9 MP photo: each fails on its own."""
    return [make_photo(folder / "IMG_20230905070900.jpg", size=(2400, 1800), seed=40,
                       exif_size=(6000, 4000)),
            make_photo(folder / "IMG_20230905071000.jpg", size=(1600, 1190), seed=41)]


def test_photos_failing_on_their_own_are_left_out_when_enough_remain(event: Path,
                                                                     capsys) -> None:
    good = photos(event, 3)
    bad = failing_photos(event)
    code, out = plan_of(event, capsys)
    assert code == 0 and "Expected: the new folder will PASS." in out
    assert out.count("LEAVE OUT (FAILS)") == 3  # two rows and the note that explains them
    assert "the event still has 3 good photos (at least 3 are needed)" in out
    output = apply_fix(event)
    assert sorted(p.name for p in output.iterdir()) == sorted(p.name for p in good)
    assert checked(output).passed
    assert all(p.exists() for p in bad)  # the source is never touched


def test_failing_photos_stay_when_the_event_would_be_short(event: Path, capsys) -> None:
    photos(event, 2)
    failing_photos(event)
    code, out = plan_of(event, capsys)
    assert code == 1 and "Expected: the new folder will still FAIL" in out
    assert "LEAVE OUT (FAILS)" not in out
    output = apply_fix(event)
    assert len(list(output.iterdir())) == 4 and not checked(output).passed


def test_needs_a_person_never_says_run_mediacheck_fix(event: Path, capsys) -> None:
    photos(event, 3)
    make_photo(event / "IMG_0001.heic", fmt="HEIF", size=(1800, 1200), make="Apple",
               model="iPhone 13")
    make_video(event / "VID_long.mp4", width=1280, height=720, seconds=65, fps=1)
    _code, out = plan_of(event, capsys)
    needs = out[out.index("Still needs a person"):]
    assert "mediacheck fix" not in needs
    assert "Add --heic-to-jpeg to this command" in needs
    assert "Add --split-scenes to this command" in needs


def test_every_hint_that_says_run_fix_has_words_for_fix_itself() -> None:
    from mediacheck.i18n import lookup

    profile = load_profile()
    for config in profile.checks.values():
        for key, message in config.messages.items():
            for lang in ("vi", "en"):
                if "mediacheck fix" not in message.hint[lang]:
                    continue
                override = lookup(f"fixhint_{config.id}_{key}".replace("-", "_"), lang)
                assert override and "mediacheck fix" not in override, (config.id, key, lang)


def test_plan_says_copies_are_hard_links_and_shows_paths_as_given(event: Path, capsys,
                                                                  monkeypatch) -> None:
    photos(event, 3)
    monkeypatch.chdir(event.parent)
    code = fix(NAME, "--out", "ban-sua", "--lang", "en")
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[0] == f"Fix plan: “{NAME}” → “ban-sua/{NAME}”"
    assert out.count("COPY (LINK)") == 4 and "hard links to the originals" in out


def test_finished_files_are_listed_in_plan_order(event: Path, capsys) -> None:
    make_photo(event / "A_IMG.jpg", size=(1800, 1200), seed=1)
    make_video(event / "B_VID.mov", width=1280, height=720, seconds=2, fps=2, container="mov")
    make_photo(event / "C_IMG.jpg", size=(1800, 1200), seed=2)
    make_photo(event / "D_IMG.jpg", size=(1800, 1200), seed=3)
    apply_fix(event)
    out = capsys.readouterr().out
    done = [line.split()[1] for line in out.splitlines() if line.strip().startswith("✓")]
    assert done == ["A_IMG.jpg", "B_VID.mov", "C_IMG.jpg", "D_IMG.jpg"]
    assert "Processed 4 files, none failed." in out
