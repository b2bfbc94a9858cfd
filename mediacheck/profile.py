"""Load, extend, merge and validate a rules profile (`rules/*.toml`).

A profile is data: which checks run, how severe each message is, the thresholds and lists the
checks use, and the Vietnamese and English wording of every message and hint. A typo in a profile
must fail before any file is read, so everything is validated here against what the checks
declare (`OPTIONS`, `MESSAGES`), with the file, the key and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mediacheck.i18n import LANGS
from mediacheck.report import Severity
from mediacheck.tomlfile import TomlFileError, read_toml

DEFAULT_PROFILE = "phuluc2"
RESOLUTION_CHECK = "video-resolution"
PHOTO_COUNT_CHECK = "photo-count"
MESSAGE_FIELDS = {"vi", "en", "hint_vi", "hint_en", "severity"}
TOP_LEVEL_KEYS = {"name", "description", "extends", "media", "checks", "zip", "fix", "analysis",
                  "serve"}
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
# The sizes fix aims at are not here: they are the limits of the check fix must pass
# (`video-resolution`), read by `Profile.fix_options`.
FIX_OPTIONS: dict[str, type] = {
    "crf": int,
    "preset": str,
    "audio_bitrate": str,
    "allow_upscale": bool,
    "hard_links": bool,
    "estimate_video_kbps": int,
    "split_min_seconds": float,
    "split_max_seconds": float,
}
# `mediacheck serve` (the web page and the intake portal): what one upload may hold and how long
# a sign-in lasts. Optional like [fix]; `serve` refuses to start without it.
SERVE_OPTIONS: dict[str, type] = {
    "max_file_mb": float,
    "max_submission_mb": float,
    "max_files": int,
    "session_hours": float,
    "login_attempts": int,
    "login_window_minutes": float,
}


class ProfileError(Exception):
    """A profile that cannot be used; says which file and key, and why.

    The reason is a catalog id (`profile_reason_<code>` in locale/ui.toml) with parameters, so
    the command line can say it in the user's language; `reason` is the English text. A file
    that cannot be read or parsed carries the reader's error as `cause`; `key` is "-" then.
    """

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
        """Why, in `lang` (the part after "mục …:" in `message`)."""
        from mediacheck.i18n import t

        if self.cause is not None:
            return self.cause.localized(lang)
        params = dict(self.params)
        if "shipped" not in params:
            params["shipped"] = ", ".join(shipped_profiles())
        return t(f"profile_reason_{self.code.replace('-', '_')}", lang, **params)

    def message(self, lang: str) -> str:
        """The whole sentence a user reads: what is wrong, in which file and key."""
        from mediacheck.i18n import t

        if self.code == "no-file":
            return t("profile_not_found", lang, name=self.params.get("name", self.file),
                     shipped=", ".join(shipped_profiles()))
        if self.key == "-":
            return t("profile_file_error", lang, file=self.file, reason=self.localized(lang))
        return t("profile_error", lang, file=self.file, key=self.key,
                 reason=self.localized(lang))


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
    serve: dict[str, Any] = field(default_factory=dict)

    def enabled_checks(self) -> list[CheckConfig]:
        return [c for c in self.checks.values() if c.enabled]

    def fix_options(self) -> dict[str, Any]:
        """What `fix` works with: the `[fix]` table plus what the checks the new folder must
        pass ask for, written once, in their options: the picture limits of
        `video-resolution` and the minimum of `photo-count` (0 when it is off)."""
        limits = self.checks[RESOLUTION_CHECK].options
        count = self.checks[PHOTO_COUNT_CHECK]
        return {**self.fix, "min_short_side": limits["min_short_side"],
                "max_short_side": limits["max_short_side"],
                "min_photos": count.options["min"] if count.enabled else 0}


def builtin_rules_dir() -> Path:
    """Where the shipped profiles are: inside the wheel, or `rules/` of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent / "rules"):
        if (candidate / f"{DEFAULT_PROFILE}.toml").is_file():
            return candidate
    return here / "rules"


def shipped_profiles() -> list[str]:
    """The names of the profiles shipped with mediacheck (`--rules NAME`)."""
    return sorted(p.stem for p in builtin_rules_dir().glob("*.toml"))


def load_profile(ref: str | Path | None = None) -> Profile:
    """Load a profile by shipped name (`phuluc2`) or by file path, with its `extends` chain."""
    ref = ref or DEFAULT_PROFILE
    raw, files = _load_chain(_resolve(ref, base=None), seen=(), ref=str(ref))
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


def _read_toml(path: Path, ref: str, extended_by: Path | None) -> dict[str, Any]:
    """The profile file's table; a missing one is named as the user wrote it (`--rules nope`,
    or `extends = "nope"` in the extending file)."""
    try:
        return read_toml(path)
    except TomlFileError as exc:
        if exc.code == "no-file" and extended_by is not None:
            raise ProfileError(extended_by, "extends", "extends-missing", name=ref) from exc
        if exc.code == "no-file":
            raise ProfileError(path, "-", "no-file", name=ref) from exc
        raise ProfileError(path, "-", exc.code, cause=exc) from exc


def _load_chain(path: Path, seen: tuple[Path, ...], ref: str, extended_by: Path | None = None
                ) -> tuple[dict[str, Any], tuple[str, ...]]:
    resolved = path.resolve()
    if resolved in seen:
        raise ProfileError(path, "extends", "extends-loop")
    raw = _read_toml(path, ref, extended_by)
    parent_ref = raw.pop("extends", None)
    if parent_ref is None:
        return raw, (str(path),)
    if not isinstance(parent_ref, str):
        raise ProfileError(path, "extends", "extends-type")
    parent, files = _load_chain(_resolve(parent_ref, base=path), seen + (resolved,),
                                parent_ref, extended_by=path)
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
        elif key in ("media", "zip", "fix", "analysis", "serve") and isinstance(value, dict):
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
    serve = _validate_table(raw["serve"], SERVE_OPTIONS, where, "serve") if "serve" in raw else {}
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
    for check_id, config in checks.items():
        shared = getattr(REGISTRY[check_id], "SHARED_OPTIONS", None)
        if shared:
            checks[check_id] = _with_shared(config, shared, checks)
    return Profile(
        name=str(raw.get("name", Path(where).stem)),
        description=str(raw.get("description", "")),
        files=files,
        media={k: [str(v).lower() for v in vals] for k, vals in media.items()},
        zip=zip_limits,
        checks=checks,
        fix=fix,
        analysis=analysis,
        serve=serve,
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


def _with_shared(config: CheckConfig, shared: dict[str, tuple[str, str]],
                 checks: dict[str, CheckConfig]) -> CheckConfig:
    """Add the options a check reads from another check's table, so that one threshold is
    written once (`video-scenes` judges scenes by `video-duration`'s bounds); `enabled` names
    whether that other check runs."""
    options = dict(config.options)
    for name, (source, key) in shared.items():
        other = checks[source]
        options[name] = other.enabled if key == "enabled" else other.options[key]
    return replace(config, options=options)


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
