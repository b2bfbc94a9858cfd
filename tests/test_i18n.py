"""i18n: numbers, sizes and time spans written the way each language writes them."""

from __future__ import annotations

import pytest

from mediacheck.i18n import format_bytes, format_number, format_span, render, t

DAY = 86400


@pytest.mark.parametrize("value, spec, vi, en", [
    (0.786432, ".1f", "0,8", "0.8"),
    (2.0, "g", "2", "2"),
    (2.0, "", "2", "2"),
    (0.786432, "", "0,79", "0.79"),
    (15000, ",", "15.000", "15,000"),
    (1234567.891, ",.1f", "1.234.567,9", "1,234,567.9"),
    (3, "", "3", "3"),
])
def test_numbers(value: float, spec: str, vi: str, en: str) -> None:
    assert format_number(value, "vi", spec) == vi
    assert format_number(value, "en", spec) == en


@pytest.mark.parametrize("size, vi, en", [
    (0, "0 B", "0 B"), (999, "999 B", "999 B"), (934_400, "934,4 KB", "934.4 KB"),
    (1_100_000, "1,1 MB", "1.1 MB"), (15_000_000_000, "15,0 GB", "15.0 GB"),
])
def test_sizes(size: int, vi: str, en: str) -> None:
    assert (format_bytes(size, "vi"), format_bytes(size, "en")) == (vi, en)


@pytest.mark.parametrize("seconds, vi, en", [
    (1, "1 giây", "1 second"),
    (45, "45 giây", "45 seconds"),
    (10 * 60, "10 phút", "10 minutes"),
    (50 * 3600, "hơn 2 ngày", "over 2 days"),
    (36 * 3600, "36 giờ", "36 hours"),
    (71.4 * 3600, "gần 3 ngày", "nearly 3 days"),
    (3 * DAY + 60, "3 ngày", "3 days"),
    (1 * DAY, "24 giờ", "24 hours"),
    (400 * DAY, "hơn 13 tháng", "over 13 months"),
    (2803.4 * DAY, "hơn 7 năm", "over 7 years"),
    (-2803.4 * DAY, "hơn 7 năm", "over 7 years"),
])
def test_spans(seconds: float, vi: str, en: str) -> None:
    assert format_span(seconds, "vi") == vi
    assert format_span(seconds, "en") == en


def test_one_and_many_in_english() -> None:
    assert format_span(61 * DAY, "en") == "2 months"
    assert format_span(2 * 365.25 * DAY, "en") == "2 years"
    assert t("span_day_one", "en", count="1") == "1 day"


def test_render_formats_raw_numbers_per_language() -> None:
    template = "{mp:.1f} MP ({w}×{h}), min {min:g} MP, {size:bytes}, {span:span}"
    params = {"mp": 0.786432, "w": 1024, "h": 768, "min": 2.0, "size": 934_400,
              "span": 2803.4 * DAY}
    assert render(template, params, "vi") == (
        "0,8 MP (1024×768), min 2 MP, 934,4 KB, hơn 7 năm")
    assert render(template, params, "en") == (
        "0.8 MP (1024×768), min 2 MP, 934.4 KB, over 7 years")


def test_render_never_fails() -> None:
    assert render("{missing} and {missing:.1f}", {}, "vi") == "{missing} and {missing:.1f}"
    assert render("{0} positional", {"a": 1}) == "{0} positional"
    assert render("{text:.1f}", {"text": "0.8"}, "vi") == "0.8"  # a string is shown as it is
    assert render("{n:bytes}", {"n": "big"}, "en") == "big"
    assert render("plain {n}", {"n": 5}) == "plain 5"
