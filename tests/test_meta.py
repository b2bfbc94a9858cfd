"""Every registered check is in the default profile, has its own test file and is documented."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from conftest import REPO

from mediacheck.checks import CHECK_MODULES, REGISTRY

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TESTS = Path(__file__).resolve().parent
CHECK_IDS = sorted(REGISTRY)


def test_registry_is_complete() -> None:
    assert len(REGISTRY) == len(CHECK_MODULES) == 23
    for module_name in CHECK_MODULES:
        assert REGISTRY[module_name.replace("_", "-")].__name__.endswith(module_name)


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_check_is_in_the_default_profile(check_id: str) -> None:
    raw = tomllib.loads((REPO / "rules" / "phuluc2.toml").read_text(encoding="utf-8"))
    entry = raw["checks"][check_id]
    assert set(entry["messages"]) == set(REGISTRY[check_id].MESSAGES)
    assert entry.get("description_vi") and entry.get("description_en")


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_check_has_its_own_test_file(check_id: str) -> None:
    path = TESTS / f"test_check_{check_id.replace('-', '_')}.py"
    assert path.is_file(), path
    assert re.search(r"^def test_", path.read_text(encoding="utf-8"), re.MULTILINE)


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_check_is_documented(check_id: str) -> None:
    module = REGISTRY[check_id]
    assert module.__doc__ and f"`{check_id}`" in module.__doc__


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_check_is_named_in_the_readme(check_id: str) -> None:
    """README.md (written with the check table) must name every check id, in backticks."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"`{check_id}`" in readme, f"README.md does not mention `{check_id}`"


@pytest.mark.parametrize("check_id", ["photo-sharpness", "photo-exposure", "shot-kinds",
                                      "near-duplicate"])
def test_pixel_checks_declare_the_stage_they_read(check_id: str) -> None:
    assert REGISTRY[check_id].NEEDS == ("pixels",)
