"""Find the settings of a CI job or a shared drive next to the media: `mediacheck.toml`, or a
`[tool.mediacheck]` table in `pyproject.toml`, in the checked folder or any folder above it.

The nearest folder that has one wins; in one folder `mediacheck.toml` wins over
`pyproject.toml`, and a `pyproject.toml` without the table is passed over. Only one file is ever
used (no merging up the tree), so what a job does can be read in one place. Command-line options
win over the file (`merge_cli`).

Every key is validated when the file is read, and an unknown key (a typo) fails with the file, the
key and the reason before any media is read. Keys may be spelled `fail_on` or `fail-on`, like the
command-line option. Relative paths are resolved against the folder of the file that names them,
never against the current directory, so a job behaves the same wherever it is started from.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_FILE = "mediacheck.toml"
PYPROJECT = "pyproject.toml"
LANGS = ("vi", "en")
FAIL_ON = ("error", "warning", "never")


class ConfigError(Exception):
    """A config file that cannot be used; says which file and key, and why."""

    def __init__(self, file: Path | str, key: str, reason: str) -> None:
        super().__init__(f"{file}: {key}: {reason}")
        self.file = str(file)
        self.key = key
        self.reason = reason


Validator = Callable[[Any, Path], Any]


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The first config from `start` (a file's folder, or the folder itself) up to the root.

    Returns the file and its validated settings (paths made absolute), or None when no folder
    above has one. Raises ConfigError for a config that is there but wrong.
    """
    start = Path(os.path.abspath(start))
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        found = _config_in(candidate)
        if found is not None:
            return found
    return None


def load_config(path: Path) -> dict[str, Any]:
    """The validated settings of one config file (`mediacheck.toml` or `pyproject.toml`)."""
    path = Path(os.path.abspath(path))
    raw = _read_toml(path)
    if path.name == PYPROJECT:
        raw = raw.get("tool", {}).get("mediacheck", {})
        if not isinstance(raw, dict):
            raise ConfigError(path, "tool.mediacheck", "must be a table")
    return validate(raw, path)


def merge_cli(config: dict[str, Any], cli_values: dict[str, Any]) -> dict[str, Any]:
    """Settings with command-line options winning over the config file.

    A CLI value of None means the option was not given (declare flags as `--strict/--no-strict`
    with `default=None`, so "not given" can be told from "off"). Every key of either dict is in
    the result; one that neither gave is None.
    """
    merged = dict.fromkeys(cli_values)
    merged.update(config)
    merged.update({key: value for key, value in cli_values.items() if value is not None})
    return merged


def _config_in(folder: Path) -> tuple[Path, dict[str, Any]] | None:
    own = folder / CONFIG_FILE
    if own.is_file():
        return own, load_config(own)
    pyproject = folder / PYPROJECT
    if pyproject.is_file() and _mentions_us(pyproject):
        raw = _read_toml(pyproject).get("tool", {})
        if isinstance(raw, dict) and "mediacheck" in raw:
            return pyproject, load_config(pyproject)
    return None


def _mentions_us(pyproject: Path) -> bool:
    """Whether a pyproject.toml may hold our table: someone else's broken file is not our error."""
    try:
        return b"mediacheck" in pyproject.read_bytes()
    except OSError:
        return False


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(path, "-", f"cannot read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, "-", f"not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(path, "-", "not UTF-8 text") from exc


def validate(raw: dict[str, Any], file: Path) -> dict[str, Any]:
    """Check every key's type and value; paths become absolute, relative to `file`'s folder."""
    settings: dict[str, Any] = {}
    for spelled, value in raw.items():
        key = spelled.replace("-", "_")
        if key not in KEYS:
            raise ConfigError(file, spelled, _unknown(spelled))
        if key in settings:
            raise ConfigError(file, spelled, f"given twice (also as {key!r})")
        try:
            settings[key] = KEYS[key](value, file.parent)
        except ValueError as exc:
            raise ConfigError(file, spelled, str(exc)) from exc
    if "analysis" in settings:  # [analysis] pixels = false is the file's way to say --quick
        if "quick" in settings:
            raise ConfigError(file, "analysis", "given twice (also as 'quick')")
        settings["quick"] = not settings.pop("analysis")["pixels"]
    return settings


def _unknown(key: str) -> str:
    close = difflib.get_close_matches(key.replace("-", "_"), KEYS, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown key (known: {', '.join(sorted(KEYS))}){hint}"


# ---------------------------------------------------------------------- one validator per key


def _text(value: Any, base: Path) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be a non-empty string, not {_shown(value)}")
    return value


def _path(value: Any, base: Path) -> Path:
    text = _text(value, base)
    path = Path(text).expanduser()
    return path if path.is_absolute() else Path(os.path.abspath(base / path))


def _rules(value: Any, base: Path) -> str | Path:
    """A shipped profile name stays a name unless a `<name>.toml` sits beside the config (as
    `extends` does); anything that looks like a file is a path."""
    text = _text(value, base)
    if text.endswith(".toml") or "/" in text or "\\" in text:
        return _path(text, base)
    beside = base / f"{text}.toml"
    return beside if beside.is_file() else text


def _choice(*allowed: str) -> Validator:
    def check(value: Any, base: Path) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}, not {_shown(value)}")
        return value
    return check


def _bool(value: Any, base: Path) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, not {_shown(value)}")
    return value


def _jobs(value: Any, base: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"must be a whole number of at least 1, not {_shown(value)}")
    return value


def _cache(value: Any, base: Path) -> Path | bool:
    if value is False:
        return False
    if not isinstance(value, str):
        raise ValueError(f"must be a path or false, not {_shown(value)}")
    return _path(value, base)


def _analysis(value: Any, base: Path) -> dict[str, bool]:
    """The `[analysis]` table, as in a rules profile: only `pixels = true|false`."""
    if not isinstance(value, dict) or set(value) - {"pixels"}:
        raise ValueError("must be a table with only the key 'pixels'")
    return {"pixels": _bool(value.get("pixels", True), base)}


def _path_map(value: Any, base: Path) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and "=" in v for v in value):
        raise ValueError("must be a list of \"CLIENT=WORKER\" strings")
    return value


def _shown(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"


KEYS: dict[str, Validator] = {
    "rules": _rules,
    "units": _path,
    "activity": _text,
    "lang": _choice(*LANGS),
    "format": _text,
    "output": _path,
    "summary_csv": _path,
    "jobs": _jobs,
    "fail_on": _choice(*FAIL_ON),
    "strict": _bool,
    "cache": _cache,
    "quiet": _bool,
    "quick": _bool,
    "scheduler": _text,
    "path_map": _path_map,
    "analysis": _analysis,
}
