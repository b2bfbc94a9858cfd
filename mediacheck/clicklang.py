"""The command line in the user's language: our help texts and click's own words.

Click builds its words ("Usage:", "Options", "No such option", "Missing argument",
"[default: 1]") through `gettext`, which every click module imports as `_` (and `ngettext`).
`install` points those names at our catalog (`locale/click.toml`, keyed by click's English
message), so nothing depends on the system's locale or on compiled `.mo` files; an English
message without a Vietnamese entry is simply shown in English.

Help texts are written as catalog ids (`help="help_lang"`) and said when the help is printed,
not when the command is built: the language of a run is known only once its arguments are seen,
so the root group reads `--lang` (or MEDIACHECK_LANG) from the raw arguments before click parses
anything, and `--lang en --help` prints English help.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from mediacheck.i18n import LANGS, lookup, resolve_lang, t

LAZY_PREFIXES = ("help_", "metavar_")
_current: list[str] = []  # the language of this run, set by `set_lang`


def set_lang(lang: str | None) -> str:
    """Use `lang` (or MEDIACHECK_LANG, else Vietnamese) for help and click's messages."""
    chosen = resolve_lang(lang)
    _current[:] = [chosen]
    return chosen


def current_lang() -> str:
    return _current[0] if _current else resolve_lang(None)


def scan_lang(args: Sequence[str]) -> str | None:
    """The value of `--lang X` / `--lang=X` in raw arguments (the last one wins), if valid."""
    found = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            found = args[index + 1]
        elif arg.startswith("--lang="):
            found = arg.partition("=")[2]
    return found if found in LANGS else None


def gettext(message: str) -> str:
    """Click's message in the language of this run."""
    return lookup(message, current_lang()) or message


def ngettext(singular: str, plural: str, count: int) -> str:
    message = singular if count == 1 else plural
    return lookup(message, current_lang()) or message


def install() -> None:
    """Route click's gettext calls through our catalog (idempotent)."""
    import importlib

    for name in ("core", "exceptions", "parser", "types", "formatting", "decorators",
                 "termui", "utils", "shell_completion"):
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:  # pragma: no cover - a click without this module
            continue
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext


def say(value: Any) -> Any:
    """A catalog id (`help_...`, `metavar_...`) in the language of this run; anything else as
    it is."""
    if isinstance(value, str) and value.startswith(LAZY_PREFIXES):
        return t(value, current_lang())
    return value


class _Said:
    """An attribute stored as a catalog id and read in the language of this run."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_said_{name}"

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return say(obj.__dict__.get(self.slot))

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.slot] = value


class Option(click.Option):
    help = _Said()
    metavar = _Said()


class Argument(click.Argument):
    metavar = _Said()


class Command(click.Command):
    help = _Said()
    short_help = _Said()
    epilog = _Said()
    options_metavar = _Said()


class Group(click.Group):
    help = _Said()
    short_help = _Said()
    epilog = _Said()
    options_metavar = _Said()
    subcommand_metavar = _Said()

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        """The language is chosen from the raw arguments before any of them is parsed, so
        help and usage errors (both printed during parsing) are in it."""
        if parent is None:
            set_lang(scan_lang(args))
        return super().make_context(info_name, args, parent=parent, **extra)


class IntRange(click.IntRange):
    """`[x>=1]` said as words: "tối thiểu 1", "từ 1 đến 64"."""

    def _describe_range(self) -> str:
        lang = current_lang()
        if self.max is None:
            return t("click_range_min", lang, min=self.min)
        if self.min is None:
            return t("click_range_max", lang, max=self.max)
        return t("click_range_between", lang, min=self.min, max=self.max)


def option(*decls: str, **attrs: Any) -> Any:
    return click.option(*decls, cls=Option, **attrs)


def argument(*decls: str, **attrs: Any) -> Any:
    return click.argument(*decls, cls=Argument, **attrs)


def help_option() -> Any:
    return click.help_option("-h", "--help", cls=Option, help="help_help")
