"""`capture-time` (5WH "When"): present, not in the future, not an unset clock, one short window."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from conftest import (
    GOOD_SIZE,
    check_folder,
    event_facts,
    good_photos,
    of,
    photo_facts,
    run_check,
    video_facts,
)

from mediacheck.checks import capture_time
from mediacheck.report import Severity
from mediacheck.samples.factory import make_photo, make_video


def keys(profile, *files, **kwargs) -> list[tuple[str, str | None]]:
    return [(p.key, p.path) for p in run_check(capture_time, event_facts(list(files), **kwargs),
                                               profile)]


def test_one_morning_passes(event_dir: Path) -> None:
    good_photos(event_dir)
    make_video(event_dir / "VID_1.mp4", width=1280, height=720, seconds=1, fps=1,
               creation_time="2023-09-05T00:45:00Z")
    assert of(check_folder(event_dir), "capture-time") == []


@pytest.mark.parametrize("when", ["2000:01:01 00:00:00", "1970:01:01 00:00:00",
                                  "2000:01:01 00:00:07"])
def test_unset_clock(when: str, event_dir: Path) -> None:
    good_photos(event_dir)
    make_photo(event_dir / "IMG_0001.jpg", size=GOOD_SIZE, datetime_original=when, seed=9)
    (finding,) = of(check_folder(event_dir), "capture-time")
    assert (finding.key, finding.path) == ("unset-clock", "IMG_0001.jpg")
    assert finding.severity is Severity.WARNING


def test_a_real_new_year_photo_is_not_an_unset_clock(profile) -> None:
    photo = photo_facts(datetime_original="2000-01-01T10:15:00")
    assert keys(profile, photo, now=datetime(2000, 1, 2)) == []


def test_future(event_dir: Path) -> None:
    good_photos(event_dir)
    make_photo(event_dir / "IMG_2099.jpg", size=GOOD_SIZE, seed=9,
               datetime_original="2099:09:05 07:30:00")
    (finding,) = of(check_folder(event_dir), "capture-time")
    assert (finding.key, finding.path) == ("future", "IMG_2099.jpg")
    assert finding.details["time"] == "05/09/2099 07:30"


def test_future_is_relative_to_now_with_tolerance(profile) -> None:
    now = datetime(2023, 9, 5, 8, 0)
    assert keys(profile, photo_facts(datetime_original="2023-09-06T07:00:00"), now=now) == []
    assert keys(profile, photo_facts(datetime_original="2023-09-07T07:00:00"), now=now) == [
        ("future", "IMG_1.jpg")]


def test_span_over_48_hours(event_dir: Path) -> None:
    good_photos(event_dir)
    make_photo(event_dir / "IMG_late.jpg", size=GOOD_SIZE, seed=9,
               datetime_original="2023:09:08 08:00:00")
    found = of(check_folder(event_dir, now=datetime(2023, 9, 10)), "capture-time")
    assert [(f.key, f.path) for f in found] == [("span", None)]
    assert found[0].details["last"] == "IMG_late.jpg"
    assert found[0].details["first"] == "IMG_20230905_073000.jpg"


def test_span_within_window(profile) -> None:
    photos = [photo_facts("a.jpg", datetime_original="2023-09-05T07:00:00"),
              photo_facts("b.jpg", datetime_original="2023-09-06T20:00:00")]
    assert keys(profile, *photos, now=datetime(2023, 9, 7)) == []
    assert run_check(capture_time, event_facts(photos, now=datetime(2023, 9, 7)), profile,
                     max_span_hours=12.0)


def test_video_times_are_utc(profile) -> None:
    """A phone writes 00:45Z for a clip filmed at 07:45 in Vietnam (UTC+7)."""
    photo = photo_facts(datetime_original="2023-09-05T07:30:00")
    video = video_facts(creation_time="2023-09-05T00:45:00.000000Z")
    assert keys(profile, photo, video) == []
    assert capture_time.parse_time("2023-09-05T00:45:00Z", 7.0) == datetime(2023, 9, 5, 7, 45)
    assert capture_time.parse_time("2023-09-05T07:45:00+0700", 7.0) == datetime(2023, 9, 5,
                                                                                 7, 45)
    assert capture_time.parse_time("not a time", 7.0) is None


def test_video_without_a_time_is_an_info(profile) -> None:
    assert keys(profile, photo_facts(), video_facts(creation_time=None)) == [
        ("missing", "VID_1.mp4")]
    missing = profile.checks["capture-time"].messages["missing"]
    assert missing.severity.value == "info"


def test_span_is_said_in_days_or_years(event_dir: Path) -> None:
    good_photos(event_dir)
    make_photo(event_dir / "IMG_old.jpg", size=GOOD_SIZE, seed=9,
               datetime_original="2016:01:01 08:00:00")
    for lang, words in (("vi", "hơn 7 năm"), ("en", "over 7 years")):
        (finding,) = of(check_folder(event_dir, lang=lang), "capture-time", "span")
        assert words in finding.message, finding.message
        assert "2803" not in finding.message  # never "2803,4 ngày"
    assert finding.details["days"] == pytest.approx(2804.0, abs=1)  # raw numbers in details
    assert finding.details["max_hours"] == 48.0


def test_capture_time_of_zeroes(profile) -> None:
    """All zeroes is a rewritten field: capture-time says so too (photo-original folds it)."""
    photo = photo_facts(datetime_original=None, datetime_original_text="0000:00:00 00:00:00")
    assert keys(profile, photo) == [("zero-time", "IMG_1.jpg")]
    assert capture_time.is_zero_time("0000:00:00 00:00:00")
    assert not capture_time.is_zero_time("    :  :     :  :") and not capture_time.is_zero_time(
        None)


def test_zero_time_folds_into_photo_original(event_dir: Path) -> None:
    good_photos(event_dir)
    make_photo(event_dir / "IMG_0000.jpg", size=GOOD_SIZE, seed=9,
               datetime_original="0000:00:00 00:00:00")
    result = check_folder(event_dir)
    (finding,) = [f for f in result.findings if f.path == "IMG_0000.jpg"]
    assert (finding.check, finding.severity) == ("photo-original", Severity.ERROR)
    assert {(s["check"], s["key"]) for s in finding.details["signals"]} == {
        ("photo-original", "zero-datetime"), ("capture-time", "zero-time")}


def test_captured_after_the_file_was_saved_is_a_weak_sign(profile) -> None:
    photo = photo_facts(datetime_original="2023-09-05T07:30:00",
                        modify_date="2020-01-01T10:00:00")
    assert keys(profile, photo) == [("after-modify", "IMG_1.jpg")]
    after = profile.checks["capture-time"].messages["after-modify"]
    assert after.severity is Severity.INFO
    same = photo_facts(datetime_original="2023-09-05T07:30:00",
                       modify_date="2023-09-05T07:30:00")
    assert keys(profile, same) == []
