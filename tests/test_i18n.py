"""i18n: the one catalog (every id once across locale/*.toml, in Vietnamese and English with
the same placeholders; English singulars; click's words routed through it), and numbers, sizes
and time spans written the way each language writes them."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from mediacheck import i18n
from mediacheck.i18n import (
    LANGS,
    format_bytes,
    format_number,
    format_span,
    load_catalog,
    lookup,
    plural,
    render,
    resolve_lang,
    t,
)
from mediacheck.tomlfile import read_toml

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


LOCALE = Path(i18n.__file__).with_name("locale")
OUR_ID = re.compile(r"^[a-z][a-z0-9_-]*$")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("path", sorted(LOCALE.glob("*.toml")), ids=lambda p: p.name)
def test_every_id_of_ours_is_in_both_languages_with_the_same_placeholders(path: Path) -> None:
    table = read_toml(path)
    assert set(table) == set(LANGS)
    # click.toml is keyed by click's English messages; only its `click_*` ids are ours.
    mine = (lambda k: k.startswith("click_")) if path.name == "click.toml" else OUR_ID.match
    ours = {lang: {k: v for k, v in table[lang].items() if mine(k)} for lang in LANGS}
    # `<id>_one` is the English singular (i18n.plural): Vietnamese needs none of its own.
    assert set(ours["vi"]) <= set(ours["en"]), path.name
    assert {k for k in ours["en"] if not k.endswith("_one")} <= set(ours["vi"]), path.name
    for key, text in ours["vi"].items():
        assert text.strip() and ours["en"][key].strip(), key
        assert placeholders(text) == placeholders(ours["en"][key]), key


def test_an_id_defined_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('[vi]\nx = "một"\n[en]\nx = "one"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('[vi]\nx = "hai"\n[en]\nx = "two"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="'x' is defined in both a.toml and b.toml"):
        load_catalog(tmp_path)


def test_the_shipped_catalog_loads_as_one() -> None:
    catalog = load_catalog(LOCALE)
    assert catalog["vi"]["plan_title"] and catalog["vi"]["verdict_pass"] == "ĐẠT"
    assert catalog["vi"]["Usage:"] == "Cách dùng:"


def test_t_falls_back_to_vietnamese_then_to_the_id() -> None:
    assert t("verdict_fail", "en") == "FAIL"
    assert t("verdict_fail", "vi") == "CHƯA ĐẠT"
    assert t("no-such-id", "en") == "no-such-id"
    assert lookup("Usage:", "en") is None  # click's English stays click's


def test_render_keeps_unknown_placeholders_visible() -> None:
    assert render("{a} and {b}", {"a": 1}) == "1 and {b}"
    assert render("broken {", {}) == "broken {"


def test_resolve_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIACHECK_LANG", "en_US.UTF-8")
    assert resolve_lang(None) == "en"
    assert resolve_lang("vi") == "vi"
    monkeypatch.setenv("MEDIACHECK_LANG", "fr")
    assert resolve_lang(None) == "vi"


def test_plural_uses_the_english_singular_only_for_one() -> None:
    assert plural("n_videos", 1, "en") == "1 video"
    assert plural("n_videos", 2, "en") == "2 videos"
    assert plural("n_videos", 1, "vi") == plural("n_videos", 2, "vi").replace("2", "1")
