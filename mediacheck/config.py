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
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mediacheck.i18n import LANGS, t
from mediacheck.policy import FAIL_ON, PolicyConflict, level
from mediacheck.tomlfile import TomlFileError, read_toml

CONFIG_FILE = "mediacheck.toml"
PYPROJECT = "pyproject.toml"
CSV_SEPARATORS = (",", ";", "tab")


class ConfigError(Exception):
    """A config file that cannot be used; says which file and key, and why.

    The reason is a catalog id (`config_reason_<code>`) with parameters, so it can be said in
    the user's language (`localized`, `message`); `reason` is the English text."""

    def __init__(self, file: Path | str, key: str, code: str, *,
                 cause: TomlFileError | None = None, **params: Any) -> None:
        self.file = str(file)
        self.key = key
        self.code = code
        self.params = params
        self.cause = cause
        self.reason = self.localized("en")
        super().__init__(f"{file}: {key}: {self.reason}")

    def localized(self, lang: str) -> str:
        if self.cause is not None:
            return self.cause.localized(lang)
        return t(f"config_reason_{self.code.replace('-', '_')}", lang, **self.params)

    def message(self, lang: str) -> str:
        """The whole sentence a user reads."""
        if self.key == "-":
            return t("config_file_error", lang, file=self.file, reason=self.localized(lang))
        return t("config_error", lang, file=self.file, key=self.key, reason=self.localized(lang))


class _Invalid(ValueError):
    """A validator's verdict on one value: a reason code and its parameters."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


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
            raise ConfigError(path, "tool.mediacheck", "not-table")
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
        return read_toml(path)
    except TomlFileError as exc:
        raise ConfigError(path, "-", exc.code, cause=exc) from exc


def validate(raw: dict[str, Any], file: Path) -> dict[str, Any]:
    """Check every key's type and value; paths become absolute, relative to `file`'s folder."""
    settings: dict[str, Any] = {}
    for spelled, value in raw.items():
        key = spelled.replace("-", "_")
        if key not in KEYS:
            raise _unknown(file, spelled)
        if key in settings:
            raise ConfigError(file, spelled, "twice", other=key)
        try:
            settings[key] = KEYS[key](value, file.parent)
        except _Invalid as exc:
            raise ConfigError(file, spelled, exc.code, **exc.params) from exc
    if "analysis" in settings:  # [analysis] pixels = false is the file's way to say --quick
        if "quick" in settings:
            raise ConfigError(file, "analysis", "twice", other="quick")
        settings["quick"] = not settings.pop("analysis")["pixels"]
    try:
        level(settings.get("strict"), settings.get("fail_on"))
    except PolicyConflict as exc:
        raise ConfigError(file, "strict", "strict-conflict", fail_on=exc.fail_on) from exc
    return settings


def _unknown(file: Path, key: str) -> ConfigError:
    known = ", ".join(sorted(KEYS))
    close = difflib.get_close_matches(key.replace("-", "_"), KEYS, n=1)
    if close:
        return ConfigError(file, key, "unknown-key-close", known=known, close=close[0])
    return ConfigError(file, key, "unknown-key", known=known)


# ---------------------------------------------------------------------- one validator per key


def _text(value: Any, base: Path) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid("text", shown=_shown(value))
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
            raise _Invalid("choice", allowed=", ".join(allowed), shown=_shown(value))
        return value
    return check


def _bool(value: Any, base: Path) -> bool:
    if not isinstance(value, bool):
        raise _Invalid("bool", shown=_shown(value))
    return value


def _jobs(value: Any, base: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _Invalid("jobs", shown=_shown(value))
    return value


def _cache(value: Any, base: Path) -> Path | bool:
    if value is False:
        return False
    if not isinstance(value, str):
        raise _Invalid("cache", shown=_shown(value))
    return _path(value, base)


def _analysis(value: Any, base: Path) -> dict[str, bool]:
    """The `[analysis]` table, as in a rules profile: only `pixels = true|false`."""
    if not isinstance(value, dict) or set(value) - {"pixels"}:
        raise _Invalid("analysis", shown=_shown(value))
    return {"pixels": _bool(value.get("pixels", True), base)}


def _path_map(value: Any, base: Path) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and "=" in v for v in value):
        raise _Invalid("path_map", shown=_shown(value))
    return value


def _shown(value: Any) -> str:
    """The value as it was written in the TOML file: "yes", 3, true, ["html", "csv"]."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _format(value: Any, base: Path) -> str:
    from mediacheck.reporters import REPORTERS

    return _choice(*REPORTERS)(_text(value, base), base)


KEYS: dict[str, Validator] = {
    "rules": _rules,
    "units": _path,
    "activity": _text,
    "lang": _choice(*LANGS),
    "format": _format,
    "output": _path,
    "summary_csv": _path,
    "jobs": _jobs,
    "fail_on": _choice(*FAIL_ON),
    "strict": _bool,
    "cache": _cache,
    "quiet": _bool,
    "csv_sep": _choice(*CSV_SEPARATORS),
    "quick": _bool,
    "scheduler": _text,
    "path_map": _path_map,
    "analysis": _analysis,
}
