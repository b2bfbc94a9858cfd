"""The command line: parse options -> load profile -> run engine -> pick reporter -> exit code.

Exit codes: 0 every submission passes; 1 at least one fails; 2 usage error, bad profile, no such
path, or an internal error (reported in one line, never as a traceback).
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from mediacheck import __version__
from mediacheck.i18n import help_text, resolve_lang, t
from mediacheck.profile import ProfileError, load_profile
from mediacheck.reporters import REPORTERS

EXIT_PASS, EXIT_FAIL, EXIT_ERROR = 0, 1, 2
PROGRESS_MIN_FILES = 6
FACT_FORMATS = ("json", "html")  # the reports that show each file's metadata


class DefaultGroup(click.Group):
    """`mediacheck PATH...` means `mediacheck check PATH...`: the main job needs no verb."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h",
                                                                      "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]},
             help=help_text("help_main"))
@click.version_option(__version__, prog_name="mediacheck", help=help_text("help_version"))
@click.help_option("-h", "--help", help=help_text("help_help"))
def cli() -> None:
    """The `mediacheck` command group; its help text is in the catalog (help_main)."""


def _common_options(func: Any) -> Any:
    func = click.option("--lang", type=click.Choice(["vi", "en"]), default=None,
                        help=help_text("help_lang"))(func)
    func = click.option("--rules", "rules", metavar="FILE|NAME", default=None,
                        help=help_text("help_rules"))(func)
    return func


@cli.command("check", help=help_text("help_check"))
@click.help_option("-h", "--help", help=help_text("help_help"))
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(list(REPORTERS)), default=None,
              help=help_text("help_format"))
@_common_options
@click.option("--strict/--no-strict", default=None, help=help_text("help_strict"))
@click.option("-q", "--quiet/--no-quiet", default=None, help=help_text("help_quiet"))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=help_text("help_output"))
@click.option("--summary-csv", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=help_text("help_summary_csv"))
@click.option("--units", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=help_text("help_units"))
@click.option("--activity", default=None, help=help_text("help_activity"))
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help=help_text("help_jobs"))
@click.option("--quick/--no-quick", default=None, help=help_text("help_quick"))
@click.option("--scheduler", default=None, metavar="tcp://HOST:8786",
              help=help_text("help_scheduler"))
@click.option("--path-map", "path_map", multiple=True, metavar="CLIENT=WORKER",
              help=help_text("help_path_map"))
@click.option("--cache", "cache_path", type=click.Path(path_type=Path),
              default=None, help=help_text("help_cache"))
@click.option("--no-cache", is_flag=True, default=False, help=help_text("help_no_cache"))
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default=None,
              help=help_text("help_fail_on"))
@click.option("--color/--no-color", default=None, help=help_text("help_color"))
@click.option("--now", hidden=True, default=None, help="Reference time (tests).")
def check_command(paths: tuple[Path, ...], **options: Any) -> None:
    """Check event folders (PATH that holds photos/videos), folders of them, or Drive ZIPs."""
    settings = _settings(paths, options)
    lang = settings["lang"]
    profile = _load_profile_or_exit(settings["rules"], lang)
    report = _run_with_cache(paths, profile, settings)
    _write_reports(report, settings)
    sys.exit(exit_code(report, settings["fail_on"]))


def _settings(paths: tuple[Path, ...], options: dict[str, Any]) -> dict[str, Any]:
    """Command-line options over the nearest mediacheck.toml / [tool.mediacheck], then defaults."""
    from mediacheck.config import ConfigError, find_config, merge_cli

    cli_values = {key: options[key] for key in (
        "fmt", "lang", "rules", "strict", "quiet", "output", "summary_csv", "units", "activity",
        "jobs", "fail_on", "quick", "scheduler")}
    cli_values["path_map"] = list(options["path_map"]) or None
    cli_values["format"] = cli_values.pop("fmt")
    cli_values["cache"] = False if options["no_cache"] else options["cache_path"]
    lang = resolve_lang(options["lang"])
    try:
        found = find_config(paths[0]) if paths else None
    except ConfigError as exc:
        click.echo(t("config_error", lang, file=exc.file, key=exc.key, reason=exc.reason),
                   err=True)
        sys.exit(EXIT_ERROR)
    settings = merge_cli(found[1] if found else {}, cli_values)
    settings["lang"] = resolve_lang(settings.get("lang"))
    settings["format"] = settings.get("format") or "text"
    if settings["format"] not in REPORTERS:
        raise click.BadParameter(settings["format"], param_hint="format")
    settings["strict"] = bool(settings.get("strict"))
    settings["quiet"] = bool(settings.get("quiet"))
    settings["fail_on"] = settings.get("fail_on") or ("warning" if settings["strict"] else "error")
    settings["color"] = options["color"]
    settings["now"] = datetime.fromisoformat(options["now"]) if options["now"] else None
    return settings


def _run_with_cache(paths: tuple[Path, ...], profile: Any, settings: dict[str, Any]) -> Any:
    from mediacheck.cache import FactCache
    from mediacheck.engine import RunOptions, run
    from mediacheck.units import UnitsError, load_units

    lang = settings["lang"]
    try:
        units = load_units(settings["units"]) if settings.get("units") else None
    except UnitsError as exc:
        click.echo(t("units_error", lang, path=exc.path, reason=exc.reason), err=True)
        sys.exit(EXIT_ERROR)
    cache = None if settings.get("cache") is False else FactCache(settings.get("cache"))
    jobs = settings.get("jobs")
    try:
        with ProgressBar(lang) as (on_start, on_file):
            options = RunOptions(
                lang=lang, strict=settings["strict"], now=settings["now"], on_start=on_start,
                on_file=on_file, thumbnails=settings["format"] == "html", units=units,
                activity=settings.get("activity"), jobs=jobs, io_threads=jobs or 1,
                cache=cache, keep_facts=settings["format"] in FACT_FORMATS,
                pixels=False if settings.get("quick") else None,
                scheduler=settings.get("scheduler"), path_map=_path_map(settings, lang))
            report = run(list(paths), profile, options)
    finally:
        if cache is not None:
            cache.close()
    if cache is not None and cache.problem:
        click.echo(t("cache_problem", lang, path=str(cache.path), reason=cache.problem), err=True)
    return report


def _path_map(settings: dict[str, Any], lang: str) -> tuple[tuple[str, str], ...]:
    from mediacheck.cluster import parse_path_map

    try:
        return parse_path_map(settings.get("path_map") or [])
    except ValueError as exc:
        raise click.BadParameter(t("bad_path_map", lang, item=str(exc)),
                                 param_hint="--path-map") from exc


def _write_reports(report: Any, settings: dict[str, Any]) -> None:
    from mediacheck.reporters import get_reporter

    lang, quiet = settings["lang"], settings["quiet"]
    reporter = get_reporter(settings["format"])
    output = settings.get("output")
    if output is not None:
        with _open_output(output, settings["format"]) as stream:
            reporter.render(report, stream, lang=lang, color=False, quiet=quiet)
    else:
        reporter.render(report, sys.stdout, lang=lang, color=settings["color"], quiet=quiet)
    if settings.get("summary_csv"):
        from mediacheck.reporters.csv_report import render_summary

        with _open_output(settings["summary_csv"], "csv") as stream:
            render_summary(report, stream, lang)


def _open_output(path: Path, fmt: str) -> Any:
    """Reports are UTF-8 (the CSV reporter writes Excel's BOM itself); the CSV writer chooses
    its own line endings."""
    return open(path, "w", encoding="utf-8", newline="" if fmt == "csv" else "\n")


def exit_code(report: Any, fail_on: str) -> int:
    """2 when a path could not be checked at all; otherwise --fail-on decides between 0 and 1."""
    from mediacheck.report import Severity

    if any(p.severity is Severity.ERROR for p in report.problems):
        return EXIT_ERROR
    if fail_on == "never":
        return EXIT_PASS
    if fail_on == "warning":
        bad = any(s.counts["error"] or s.counts["warning"] for s in report.submissions)
        return EXIT_FAIL if bad else EXIT_PASS
    return EXIT_PASS if report.passed else EXIT_FAIL


@cli.command("rules", help=help_text("help_rules_cmd"))
@click.help_option("-h", "--help", help=help_text("help_help"))
@_common_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help=help_text("help_rules_format"))
def rules_command(lang: str | None, rules: str | None, fmt: str) -> None:
    """List the checks of the active profile with their severities and options."""
    import json

    from mediacheck.engine import profile_summary

    lang = resolve_lang(lang)
    profile = _load_profile_or_exit(rules, lang)
    rows = profile_summary(profile)
    if fmt == "json":
        click.echo(json.dumps({"profile": profile.name, "files": profile.files, "checks": rows},
                              ensure_ascii=False, indent=2))
        return
    _print_rules_table(profile, rows, lang)


def _print_rules_table(profile: Any, rows: list[dict[str, Any]], lang: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=t("rules_title", lang, name=profile.name,
                          description=profile.description), title_justify="left")
    for key in ("rules_check", "rules_severity", "rules_description", "rules_options"):
        table.add_column(t(key, lang), overflow="fold")
    for row in rows:
        severity = "/".join(row["severities"]) if row["enabled"] else t("rules_disabled", lang)
        options = "\n".join(f"{k} = {_short(v)}" for k, v in row["options"].items())
        table.add_row(row["id"], severity, row["description"].get(lang, ""), options)
    Console(highlight=False).print(table)


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, list) else ", ".join(map(str, value))
    return text if len(text) <= 60 else text[:57] + "..."


def _load_profile_or_exit(rules: str | None, lang: str) -> Any:
    try:
        return load_profile(rules)
    except ProfileError as exc:
        click.echo(t("profile_error", lang, file=exc.file, key=exc.key, reason=exc.localized(lang)),
                   err=True)
        sys.exit(EXIT_ERROR)


class ProgressBar:
    """A progress bar on stderr, only on a terminal and only when there is enough to do."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> tuple[Any, Any]:
        return self.start, self.advance

    def start(self, total: int) -> None:
        if total < PROGRESS_MIN_FILES or not sys.stderr.isatty() or os.environ.get("CI"):
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self.bar = Progress("[progress.description]{task.description}", BarColumn(),
                            MofNCompleteColumn(), TimeRemainingColumn(),
                            console=Console(stderr=True), transient=True)
        self.bar.start()
        self.task = self.bar.add_task(t("progress", self.lang), total=total)

    def advance(self, _media: Any) -> None:
        if self.bar is not None:
            self.bar.advance(self.task)

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.stop()


def _register_subcommands() -> None:
    """`fix` lives in its own package; its heavy imports happen only when it runs."""
    from mediacheck.fix.command import fix_command

    cli.add_command(fix_command)


def _utf8_streams() -> None:
    """Vietnamese must survive a Windows console or a redirect to a cp1252 file."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")


def main(argv: list[str] | None = None) -> int:
    """Entry point: run click, and turn any unexpected error into one line and exit code 2."""
    _utf8_streams()
    try:
        _register_subcommands()
        cli.main(args=argv, prog_name="mediacheck", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - no traceback reaches a user
        if os.environ.get("MEDIACHECK_DEBUG"):
            raise
        click.echo(t("internal_error", resolve_lang(None), error=f"{type(exc).__name__}: {exc}"),
                   err=True)
        return EXIT_ERROR
    return EXIT_PASS


if __name__ == "__main__":
    sys.exit(main())
