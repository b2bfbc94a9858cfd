"""The pure parts of `fix`: sizes, names, cut points, progress lines, the [fix] profile table."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediacheck.fix import apply as fix_apply
from mediacheck.fix.ffmpeg import copy_part_command, parse_progress, transcode_command
from mediacheck.fix.plan import FileAction, _unique, split_count, target_size
from mediacheck.profile import ProfileError, load_profile

OPTIONS = load_profile().fix_options()


def test_target_size_scales_the_short_side_and_keeps_aspect() -> None:
    assert target_size((3840, 2160), OPTIONS) == ((1920, 1080), False)
    assert target_size((2160, 3840), OPTIONS) == ((1080, 1920), False)
    assert target_size((4096, 2160), OPTIONS) == ((2048, 1080), False)
    assert target_size((1280, 720), OPTIONS) == ((1280, 720), False)
    assert target_size((640, 360), OPTIONS) == ((640, 360), False)  # never upscaled
    assert target_size((640, 360), {**OPTIONS, "allow_upscale": True}) == ((1280, 720), True)
    assert target_size((1279, 721), OPTIONS) == ((1278, 720), False)  # even for 4:2:0


def test_output_names_never_collide_case_insensitively() -> None:
    taken: set[str] = set()
    assert [_unique("VID", "mp4", taken), _unique("vid", "mp4", taken),
            _unique("VID", "mp4", taken)] == ["VID.mp4", "vid (2).mp4", "VID (3).mp4"]


def test_split_count_gives_parts_of_30_to_60_seconds() -> None:
    for seconds in (61.0, 75.0, 119.0, 121.0, 600.0):
        parts = split_count(seconds, OPTIONS)
        assert 30 <= seconds / parts <= 60


def _long_clip(seconds: float) -> FileAction:
    return FileAction("VID.mp4", Path("VID.mp4"), "split", parts=split_count(seconds, OPTIONS),
                      facts={"duration": seconds, "display_width": 1920,
                             "display_height": 1080})


def test_split_is_stream_copied_at_keyframes_when_they_fit(monkeypatch) -> None:
    monkeypatch.setattr(fix_apply, "_keyframes", lambda _p: [0.0, 10.0, 20.0, 36.0, 50.0])
    action = _long_clip(75.0)
    assert fix_apply.split_points(action, OPTIONS) == ([0.0, 36.0], True)
    assert not action.transcode


def test_split_is_encoded_when_no_keyframe_fits(monkeypatch) -> None:
    monkeypatch.setattr(fix_apply, "_keyframes", lambda _p: [0.0, 70.0])
    action = _long_clip(75.0)
    assert fix_apply.split_points(action, OPTIONS) == ([0.0, 37.5], False)
    assert action.transcode and action.target_size == (1920, 1080)


def test_commands_are_argument_lists_with_file_paths() -> None:
    args = transcode_command("-i x.mov", "/o/;rm -rf ~.mp4", OPTIONS, size=(1920, 1080),
                             has_audio=True, exe="ffmpeg")
    assert args[0] == "ffmpeg"
    assert "file:-i x.mov" in args and "file:/o/;rm -rf ~.mp4" in args
    assert args[args.index("-crf") + 1] == str(OPTIONS["crf"])
    assert args[args.index("-preset") + 1] == OPTIONS["preset"]
    assert "+faststart" in args[args.index("-movflags") + 1]
    part = copy_part_command("a.mp4", "b.mp4", start=36.0, duration=39.0, exe="ffmpeg")
    assert part[part.index("-ss") + 1] == "36.000" and part[part.index("-c") + 1] == "copy"


def test_progress_lines() -> None:
    assert parse_progress("out_time_us=12500000\n") == 12.5
    assert parse_progress("out_time_ms=2000000") == 2.0
    assert parse_progress("out_time_us=N/A") is None
    assert parse_progress("progress=end") is None


def test_profile_fix_table_is_validated(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "phuluc2"\n[fix]\ncrf = "high"\n', encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(bad)
    assert err.value.key == "fix.crf"
    typo = tmp_path / "typo.toml"
    typo.write_text('extends = "phuluc2"\n[fix]\ncfr = 20\n', encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(typo)
    assert err.value.key == "fix.cfr"
    changed = tmp_path / "ok.toml"
    changed.write_text('extends = "phuluc2"\n[fix]\ncrf = 20\n', encoding="utf-8")
    fix = load_profile(changed).fix
    assert fix["crf"] == 20 and fix["preset"] == OPTIONS["preset"]


def test_fix_aims_at_the_limits_of_the_resolution_check(tmp_path: Path) -> None:
    """720/1080 are written once, in [checks.video-resolution]; fix reads them from there."""
    assert "max_short_side" not in load_profile().fix
    province = tmp_path / "province.toml"
    province.write_text('extends = "phuluc2"\n[checks.video-resolution]\nmax_short_side = 720\n',
                        encoding="utf-8")
    options = load_profile(province).fix_options()
    assert (options["min_short_side"], options["max_short_side"]) == (720, 720)
    assert target_size((1920, 1080), options) == ((1280, 720), False)
    old = tmp_path / "old.toml"
    old.write_text('extends = "phuluc2"\n[fix]\nmax_short_side = 1080\n', encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(old)
    assert err.value.key == "fix.max_short_side"  # said once: a second place is refused
