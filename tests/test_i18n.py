"""The one catalog: every id once across locale/*.toml, in Vietnamese and English with the same
placeholders; plurals; click's own words routed through it."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from mediacheck import i18n
from mediacheck.i18n import LANGS, load_catalog, lookup, render, resolve_lang, t
from mediacheck.tomlfile import read_toml

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
    # `<id>_one` is the English singular (i18n.plural); Vietnamese has no plural forms.
    assert set(ours["vi"]) == {k for k in ours["en"] if not k.endswith("_one")}, path.name
    for key in (k for k in ours["en"] if k.endswith("_one")):
        assert key[:-4] in ours["en"], key
        assert placeholders(ours["en"][key]) <= placeholders(ours["en"][key[:-4]]), key
    for key, text in ours["vi"].items():
        assert not key.endswith("_one"), key
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
