"""Load, extend, merge and validate a rules profile (`rules/*.toml`).

A profile is data: which checks run, how severe each message is, the thresholds and lists the
checks use, and the Vietnamese and English wording of every message and hint. A typo in a profile
must fail before any file is read, so everything is validated here against what the checks
declare (`OPTIONS`, `MESSAGES`), with the file, the key and the reason.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from mediacheck.report import Severity

LANGS = ("vi", "en")
DEFAULT_PROFILE = "phuluc2"
MESSAGE_FIELDS = {"vi", "en", "hint_vi", "hint_en", "severity"}
TOP_LEVEL_KEYS = {"name", "description", "extends", "media", "checks", "zip", "fix", "analysis"}
CHECK_KEYS = {"enabled", "severity", "messages", "description_vi", "description_en"}
MEDIA_OPTIONS: dict[str, type] = {
    "photo_extensions": list,
    "video_extensions": list,
    "sidecar_extensions": list,
    "junk_names": list,
    "junk_prefixes": list,
}
ZIP_OPTIONS: dict[str, type] = {
    "max_ratio": float,
    "max_total_gb": float,
    "max_members": int,
}
# What is judged from the pixels; `--quick` (or pixels = false) checks the metadata only.
ANALYSIS_OPTIONS: dict[str, type] = {
    "pixels": bool,
}
# `mediacheck fix` settings; the table is optional: a profile used only for checking may omit it.
FIX_OPTIONS: dict[str, type] = {
    "crf": int,
    "preset": str,
    "audio_bitrate": str,
    "max_short_side": int,
    "min_short_side": int,
    "allow_upscale": bool,
    "hard_links": bool,
    "estimate_video_kbps": int,
    "split_min_seconds": float,
    "split_max_seconds": float,
}


class ProfileError(Exception):
    """A profile that cannot be used; says which file and key, and why.

    The reason is a catalog id (`profile_reason_<code>` in locale/ui.toml) with parameters, so
    the command line can say it in the user's language; `reason` is the English text.
    """

    def __init__(self, file: Path | str, key: str, code: str, **params: Any) -> None:
        self.file = str(file)
        self.key = key
        self.code = code
        self.params = params
        self.reason = self.localized("en")
        super().__init__(f"{file}: {key}: {self.reason}")

    def localized(self, lang: str) -> str:
        from mediacheck.i18n import t

        return t(f"profile_reason_{self.code.replace('-', '_')}", lang, **self.params)


@dataclass(frozen=True)
class MessageText:
    """The wording of one message of a check, in every language, and its severity."""

    severity: Severity
    text: dict[str, str]
    hint: dict[str, str]


@dataclass(frozen=True)
class CheckConfig:
    """One check as the profile sets it up."""

    id: str
    enabled: bool
    severity: Severity
    options: dict[str, Any]
    messages: dict[str, MessageText]
    description: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Profile:
    """A loaded, merged and validated profile."""

    name: str
    description: str
    files: tuple[str, ...]
    media: dict[str, list[str]]
    zip: dict[str, float]
    checks: dict[str, CheckConfig]
    fix: dict[str, Any] = field(default_factory=dict)
    analysis: dict[str, Any] = field(default_factory=lambda: {"pixels": True})

    def enabled_checks(self) -> list[CheckConfig]:
        return [c for c in self.checks.values() if c.enabled]


def builtin_rules_dir() -> Path:
    """Where the shipped profiles are: inside the wheel, or `rules/` of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent / "rules"):
        if (candidate / f"{DEFAULT_PROFILE}.toml").is_file():
            return candidate
    return here / "rules"


def load_profile(ref: str | Path | None = None) -> Profile:
    """Load a profile by shipped name (`phuluc2`) or by file path, with its `extends` chain."""
    path = _resolve(ref or DEFAULT_PROFILE, base=None)
    raw, files = _load_chain(path, seen=())
    return _validate(raw, files)


def _resolve(ref: str | Path, base: Path | None) -> Path:
    """A name without a suffix or slash is a shipped profile; anything else is a file path,
    relative to the extending file (not the current directory: yamllint issue #778)."""
    text = str(ref)
    looks_like_path = text.endswith(".toml") or "/" in text or "\\" in text
    if looks_like_path:
        path = Path(text).expanduser()
        if not path.is_absolute() and base is not None:
            path = base.parent / path
        return path
    if base is not None and (base.parent / f"{text}.toml").is_file():
        return base.parent / f"{text}.toml"
    return builtin_rules_dir() / f"{text}.toml"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ProfileError(path, "-", "no-file") from exc
    except OSError as exc:
        raise ProfileError(path, "-", "unreadable", detail=exc.strerror or str(exc)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(path, "-", "bad-toml", detail=str(exc)) from exc


def _load_chain(path: Path, seen: tuple[Path, ...]) -> tuple[dict[str, Any], tuple[str, ...]]:
    resolved = path.resolve()
    if resolved in seen:
        raise ProfileError(path, "extends", "extends-loop")
    raw = _read_toml(path)
    parent_ref = raw.pop("extends", None)
    if parent_ref is None:
        return raw, (str(path),)
    if not isinstance(parent_ref, str):
        raise ProfileError(path, "extends", "extends-type")
    parent, files = _load_chain(_resolve(parent_ref, base=path), seen + (resolved,))
    return merge(parent, raw), files + (str(path),)


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Merge a child profile over its parent: per check one level deep, per message per field."""
    merged = dict(base)
    for key, value in override.items():
        if key == "checks" and isinstance(value, dict):
            checks = dict(base.get("checks", {}))
            for check_id, settings in value.items():
                checks[check_id] = _merge_check(checks.get(check_id, {}), settings)
            merged["checks"] = checks
        elif key in ("media", "zip", "fix", "analysis") and isinstance(value, dict):
            merged[key] = {**base.get(key, {}), **value}
        else:
            merged[key] = value
    return merged


def _merge_check(base: Any, override: Any) -> Any:
    if not isinstance(base, dict) or not isinstance(override, dict):
        return override
    merged = {**base, **override}
    if isinstance(base.get("messages"), dict) and isinstance(override.get("messages"), dict):
        messages = dict(base["messages"])
        for key, text in override["messages"].items():
            old = messages.get(key, {})
            both_tables = isinstance(old, dict) and isinstance(text, dict)
            messages[key] = {**old, **text} if both_tables else text
        merged["messages"] = messages
    return merged


def _validate(raw: dict[str, Any], files: tuple[str, ...]) -> Profile:
    from mediacheck.checks import REGISTRY

    where = files[-1]
    for key in raw:
        if key not in TOP_LEVEL_KEYS:
            known = ", ".join(sorted(TOP_LEVEL_KEYS))
            raise ProfileError(where, key, "unknown-key", known=known)
    media = _validate_table(raw.get("media", {}), MEDIA_OPTIONS, where, "media")
    zip_limits = _validate_table(raw.get("zip", {}), ZIP_OPTIONS, where, "zip")
    fix = _validate_table(raw["fix"], FIX_OPTIONS, where, "fix") if "fix" in raw else {}
    analysis = _validate_table(raw["analysis"], ANALYSIS_OPTIONS, where, "analysis") if (
        "analysis" in raw) else {"pixels": True}
    checks_raw = raw.get("checks", {})
    if not isinstance(checks_raw, dict):
        raise ProfileError(where, "checks", "not-table")
    checks: dict[str, CheckConfig] = {}
    for check_id, settings in checks_raw.items():
        if check_id not in REGISTRY:
            raise ProfileError(where, f"checks.{check_id}", "unknown-check")
        checks[check_id] = _validate_check(check_id, settings, REGISTRY[check_id], where)
    for check_id in REGISTRY:
        if check_id not in checks:
            raise ProfileError(where, f"checks.{check_id}",
                               "missing-check")
    return Profile(
        name=str(raw.get("name", Path(where).stem)),
        description=str(raw.get("description", "")),
        files=files,
        media={k: [str(v).lower() for v in vals] for k, vals in media.items()},
        zip=zip_limits,
        checks=checks,
        fix=fix,
        analysis=analysis,
    )


def _validate_check(check_id: str, settings: Any, module: Any, where: str) -> CheckConfig:
    prefix = f"checks.{check_id}"
    if not isinstance(settings, dict):
        raise ProfileError(where, prefix, "not-table")
    declared: dict[str, type] = module.OPTIONS
    options: dict[str, Any] = {}
    for key, value in settings.items():
        if key in CHECK_KEYS:
            continue
        if key not in declared:
            known = ", ".join(sorted(declared)) or "none"
            raise ProfileError(where, f"{prefix}.{key}", "unknown-option", known=known)
        options[key] = _typed(value, declared[key], where, f"{prefix}.{key}")
    for key in declared:
        if key not in options:
            raise ProfileError(where, f"{prefix}.{key}", "missing-option")
    enabled = settings.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ProfileError(where, f"{prefix}.enabled", "not-bool")
    severity = _severity(settings.get("severity"), where, f"{prefix}.severity")
    messages = _validate_messages(settings.get("messages"), module, severity, where, prefix)
    description = {lang: str(settings.get(f"description_{lang}", "")) for lang in LANGS}
    return CheckConfig(check_id, enabled, severity, options, messages, description)


def _validate_messages(
    raw: Any, module: Any, default: Severity, where: str, prefix: str
) -> dict[str, MessageText]:
    if not isinstance(raw, dict):
        raise ProfileError(where, f"{prefix}.messages", "missing-messages")
    messages: dict[str, MessageText] = {}
    for key in raw:
        if key not in module.MESSAGES:
            raise ProfileError(where, f"{prefix}.messages.{key}", "unknown-message")
    for key in module.MESSAGES:
        entry = raw.get(key)
        mkey = f"{prefix}.messages.{key}"
        if not isinstance(entry, dict):
            raise ProfileError(where, mkey, "missing-message")
        for field_name in entry:
            if field_name not in MESSAGE_FIELDS:
                raise ProfileError(where, f"{mkey}.{field_name}", "unknown-field")
        for lang in LANGS:
            for field_name in (lang, f"hint_{lang}"):
                if not isinstance(entry.get(field_name), str):
                    raise ProfileError(where, f"{mkey}.{field_name}", "missing-text")
        severity = _severity(entry.get("severity"), where, f"{mkey}.severity") if (
            "severity" in entry) else default
        messages[key] = MessageText(
            severity=severity,
            text={lang: entry[lang] for lang in LANGS},
            hint={lang: entry[f"hint_{lang}"] for lang in LANGS},
        )
    return messages


def _severity(value: Any, where: str, key: str) -> Severity:
    try:
        return Severity(value)
    except ValueError as exc:
        raise ProfileError(where, key, "bad-severity") from exc


def _validate_table(raw: Any, declared: dict[str, type], where: str, name: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ProfileError(where, name, "not-table")
    out = {}
    for key, value in raw.items():
        if key not in declared:
            raise ProfileError(where, f"{name}.{key}", "unknown-option",
                               known=", ".join(sorted(declared)))
        out[key] = _typed(value, declared[key], where, f"{name}.{key}")
    for key in declared:
        if key not in out:
            raise ProfileError(where, f"{name}.{key}", "missing-option")
    return out


def _typed(value: Any, expected: type, where: str, key: str) -> Any:
    """Check an option's type; an int is accepted where a float is expected."""
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if expected is int and isinstance(value, bool):
        raise ProfileError(where, key, "not-int")
    if expected is list:
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            raise ProfileError(where, key, "not-list")
        return value
    if not isinstance(value, expected):
        raise ProfileError(
            where, key, "wrong-type", expected=expected.__name__, actual=type(value).__name__)
    return value
