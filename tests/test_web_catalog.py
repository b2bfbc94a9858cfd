"""Every text of `mediacheck serve` is in the catalog (locale/web.toml), in Vietnamese and in
English: the templates', the routes', the refusals' and the page script's."""

from __future__ import annotations

import re
from pathlib import Path

from mediacheck.web.pages import catalog

WEB = Path(__file__).resolve().parents[1] / "mediacheck" / "web"


def test_vietnamese_and_english_have_the_same_keys() -> None:
    from mediacheck.tomlfile import read_toml

    table = read_toml(WEB.parent / "locale" / "web.toml")  # the web's own words
    assert set(table["vi"]) == set(table["en"])
    for lang in ("vi", "en"):
        assert all(text.strip() for text in table[lang].values())


def test_every_key_used_exists() -> None:
    keys = set(catalog()["vi"])
    used: set[str] = set()
    for template in (WEB / "templates").glob("*.html"):
        used |= set(re.findall(r"\bt\('([a-z_]+)'", template.read_text(encoding="utf-8")))
    for module in WEB.glob("*.py"):
        if module.name == "jobs.py":        # fix's own words, from locale/fix.toml
            continue
        text = module.read_text(encoding="utf-8")
        used |= set(re.findall(r'\btr\("([a-z_]+)"', text))
        used |= set(re.findall(r'Refused\("([a-z_]+)"', text))
        used |= set(re.findall(r'refusal_json\("([a-z_]+)"', text))
        used |= set(re.findall(r'_w\("([a-z_]+)"', text))
    dynamic = {k for k in keys if k.startswith(("state_", "office_code_state_"))}
    assert used, "no key found: the patterns are out of date"
    used = {k for k in used if not k.endswith("_")}      # prefixes of the dynamic keys below
    assert used - keys == set(), sorted(used - keys)
    assert dynamic >= {"state_missing", "state_pass", "state_fail", "state_new",
                       "state_checking", "office_code_state_none",
                       "office_code_state_active", "office_code_state_revoked"}


def test_the_page_script_has_no_text_of_its_own() -> None:
    """Words the script shows come from the page (a JSON block rendered from the catalog)."""
    script = (WEB / "static" / "app.js").read_text(encoding="utf-8")
    texts = (WEB / "templates" / "_texts.html").read_text(encoding="utf-8")
    for key in re.findall(r"\bT\.([a-z_]+)", script):
        assert f'"{key}"' in texts, key
    assert not re.search(r"[À-ỹ]", script), "Vietnamese text in app.js"
