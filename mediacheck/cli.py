"""The command line: parse options -> load profile -> run engine -> pick reporter -> exit code.

Exit codes (decided in mediacheck.policy): 0 every submission passes; 1 at least one fails;
2 usage error, bad profile or config, a path that does not exist or cannot be read, nothing
found to check, a report that cannot be written, or an internal error (one line, never a
traceback).

Help and click's own words are in the language of the run (`--lang`, MEDIACHECK_LANG,
Vietnamese by default): see mediacheck.clicklang.
"""

from __future__ import annotations

import contextlib
import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import click

from mediacheck import __version__, clicklang
from mediacheck.clicklang import IntRange, argument, help_option, option
from mediacheck.i18n import LANGS, resolve_lang, t
from mediacheck.policy import EXIT_ERROR, EXIT_PASS, FAIL_ON, PolicyConflict, resolve
from mediacheck.profile import ProfileError, load_profile
from mediacheck.reporters import REPORTERS

PROGRESS_MIN_FILES = 6
CSV_SEPARATORS = {",": ",", ";": ";", "tab": "\t"}
HELP_FLAGS = ("--help", "-h", "--version")

clicklang.install()


class UsageProblem(Exception):
    """A mistake in what the user asked for, said in our words (exit code 2)."""


class DefaultGroup(clicklang.Group):
    """`mediacheck PATH...` means `mediacheck check PATH...`: the main job needs no verb."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rest = _without_lang(args)
        if rest and rest[0] in HELP_FLAGS:
            args = rest  # `mediacheck --lang en --help`: the language is already chosen
        elif args and args[0] not in self.commands:
            args = ["check", *args]
        return super().parse_args(ctx, args)


def _without_lang(args: list[str]) -> list[str]:
    out, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg == "--lang":
            skip = True
        elif not arg.startswith("--lang="):
            out.append(arg)
    return out


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]},
             help="help_main", options_metavar="metavar_options",
             subcommand_metavar="metavar_command")
@click.version_option(__version__, prog_name="mediacheck", help="help_version",
                      cls=clicklang.Option)
@help_option()
def cli() -> None:
    """The `mediacheck` command group; its help text is in the catalog (help_main)."""


def _common_options(func: Any) -> Any:
    func = option("--lang", type=click.Choice(list(LANGS)), default=None,
                  help="help_lang")(func)
    func = option("--rules", "rules", metavar="metavar_rules", default=None,
                  help="help_rules")(func)
    return func


@cli.command("check", cls=clicklang.Command, help="help_check",
             options_metavar="metavar_options")
@help_option()
@argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path),
          metavar="metavar_paths")
@option("--format", "fmt", type=click.Choice(list(REPORTERS)), default=None,
        help="help_format")
@_common_options
@option("--strict/--no-strict", default=None, help="help_strict")
@option("--fail-on", type=click.Choice(list(FAIL_ON)), default=None, help="help_fail_on")
@option("-q", "--quiet/--no-quiet", default=None, help="help_quiet")
@option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
        metavar="metavar_file", help="help_output")
@option("--open", "open_report", is_flag=True, default=False, help="help_open")
@option("--summary-csv", type=click.Path(dir_okay=False, path_type=Path), default=None,
        metavar="metavar_file", help="help_summary_csv")
@option("--csv-sep", type=click.Choice(list(CSV_SEPARATORS)), default=None,
        help="help_csv_sep")
@option("--units", type=click.Path(dir_okay=False, path_type=Path), default=None,
        metavar="metavar_file", help="help_units")
@option("--activity", default=None, metavar="metavar_activity", help="help_activity")
@option("--jobs", type=IntRange(min=1), default=None, metavar="metavar_number",
        help="help_jobs")
@option("--quick/--no-quick", default=None, help="help_quick")
@option("--scheduler", default=None, metavar="tcp://HOST:8786", help="help_scheduler")
@option("--path-map", "path_map", multiple=True, metavar="CLIENT=WORKER", help="help_path_map")
@option("--cache", "cache_path", type=click.Path(path_type=Path),
        default=None, metavar="metavar_file", help="help_cache")
@option("--no-cache", is_flag=True, default=False, help="help_no_cache")
@option("--color/--no-color", default=None, help="help_color")
@option("--now", hidden=True, default=None, help="Reference time (tests).")
def check_command(paths: tuple[Path, ...], **options: Any) -> None:
    """Check event folders (PATH that holds photos/videos), folders of them, or Drive ZIPs."""
    settings = _settings(paths, options)
    lang = settings["lang"]
    clicklang.set_lang(lang)
    profile = _load_profile_or_exit(settings["rules"], lang)
    try:
        _check_output_folders(settings)
        report = _run_and_write(paths, profile, settings)
    except UsageProblem as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_ERROR)
    sys.exit(settings["policy"].exit_code(report))


def _settings(paths: tuple[Path, ...], options: dict[str, Any]) -> dict[str, Any]:
    """Command-line options over the nearest mediacheck.toml / [tool.mediacheck], then defaults."""
    from mediacheck.config import ConfigError, find_config, merge_cli

    cli_values = {key: options[key] for key in (
        "fmt", "lang", "rules", "quiet", "output", "summary_csv", "units", "activity",
        "jobs", "csv_sep", "quick", "scheduler")}
    cli_values["path_map"] = list(options["path_map"]) or None
    cli_values["format"] = cli_values.pop("fmt")
    cli_values["cache"] = False if options["no_cache"] else options["cache_path"]
    lang = resolve_lang(options["lang"])
    try:
        found = find_config(paths[0]) if paths else None
    except ConfigError as exc:
        click.echo(exc.message(lang), err=True)
        sys.exit(EXIT_ERROR)
    config = found[1] if found else {}
    settings = merge_cli(config, cli_values)
    settings["lang"] = resolve_lang(settings.get("lang"))
    settings["format"] = settings.get("format") or "text"
    settings["quiet"] = bool(settings.get("quiet"))
    settings["policy"] = _policy(options, config, settings["lang"])
    settings["color"] = options["color"]
    settings["open"] = options["open_report"]
    settings["now"] = datetime.fromisoformat(options["now"]) if options["now"] else None
    return settings


def _policy(options: dict[str, Any], config: dict[str, Any], lang: str) -> Any:
    """One `fail_on` for the run (mediacheck.policy): the command line over the file."""
    try:
        return resolve(options["strict"], options["fail_on"], config.get("strict"),
                       config.get("fail_on"))
    except PolicyConflict as exc:
        click.echo(t("strict_conflict", lang, fail_on=exc.fail_on), err=True)
        sys.exit(EXIT_ERROR)


def _check_output_folders(settings: dict[str, Any]) -> None:
    """A report that cannot be written is the user's mistake: say so before reading any media."""
    for key in ("output", "summary_csv"):
        path = settings.get(key)
        if path is not None and not Path(path).absolute().parent.is_dir():
            raise UsageProblem(t("output_error", settings["lang"], path=str(path),
                                 reason=t("output_no_folder", settings["lang"])))


def _run_and_write(paths: tuple[Path, ...], profile: Any, settings: dict[str, Any]) -> Any:
    """Run the check with the report written as it goes (into a temporary file renamed when
    complete, or to standard output), and `--summary-csv` beside it. A report shown on a
    terminal is written at the end, so it never runs through the progress bar."""
    from mediacheck.reporters import Tee, get_reporter, reporter_options, write_report

    lang, fmt = settings["lang"], settings["format"]
    reporter = get_reporter(fmt)
    output = settings.get("output")
    if output is None and settings["open"]:
        output = _new_temp_report(fmt)
    kinds = {"lang": lang, "quiet": settings["quiet"], **reporter_options(reporter, settings)}
    with contextlib.ExitStack() as files:
        writers = []
        interactive = output is None and sys.stdout.isatty()
        if output is not None:
            stream = files.enter_context(_report_file(output, fmt, lang))
            writers.append(reporter.Writer(stream, color=False, **kinds))
        elif not interactive:
            writers.append(reporter.Writer(sys.stdout, color=settings["color"], **kinds))
        if settings.get("summary_csv"):
            from mediacheck.reporters.csv_report import SummaryWriter

            stream = files.enter_context(_report_file(settings["summary_csv"], "csv", lang))
            writers.append(SummaryWriter(stream, lang=lang, **reporter_options(
                get_reporter("csv"), settings)))
        report = _run_with_cache(paths, profile, settings, Tee(writers) if writers else None)
    if interactive:
        write_report(reporter.Writer(sys.stdout, color=settings["color"], **kinds), report)
    if output is not None:
        _say_where(output, lang, open_it=settings["open"])
    if settings.get("summary_csv"):
        _say_where(settings["summary_csv"], lang, open_it=False)
    return report


def _run_with_cache(paths: tuple[Path, ...], profile: Any, settings: dict[str, Any],
                    writer: Any = None) -> Any:
    from mediacheck.cache import FactCache
    from mediacheck.engine import RunOptions, run
    from mediacheck.reporters import get_reporter
    from mediacheck.units import UnitsError, load_units

    lang = settings["lang"]
    reporter = get_reporter(settings["format"])
    try:
        units = load_units(settings["units"]) if settings.get("units") else None
    except UnitsError as exc:
        raise UsageProblem(t("units_error", lang, path=exc.path,
                             reason=exc.localized(lang))) from exc
    cache = None if settings.get("cache") is False else FactCache(settings.get("cache"))
    jobs = settings.get("jobs")
    try:
        with ProgressBar(lang) as (on_start, on_file):
            options = RunOptions(
                lang=lang, strict=settings["policy"].warnings_fail,
                fail_on=settings["policy"].fail_on, now=settings["now"],
                on_start=on_start, on_file=on_file, thumbnails=reporter.NEEDS_THUMBNAILS,
                units=units, activity=settings.get("activity"), jobs=jobs,
                io_threads=jobs or 1, cache=cache, keep_facts=reporter.NEEDS_FACTS,
                pixels=False if settings.get("quick") else None,
                scheduler=settings.get("scheduler"), path_map=_path_map(settings, lang))
            report = run(list(paths), profile, options, writer)
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


def _new_temp_report(fmt: str) -> Path:
    """Where `--open` without `-o` writes: a new file in the system's temporary folder."""
    import tempfile

    suffix = {"text": "txt", "junit": "xml", "github": "txt"}.get(fmt, fmt)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(tempfile.gettempdir()) / f"mediacheck-{stamp}-{uuid.uuid4().hex[:6]}.{suffix}"


@contextlib.contextmanager
def _report_file(path: Path, fmt: str, lang: str) -> Iterator[TextIO]:
    """A report written whole or not at all: into a temporary name beside it, renamed when
    the run is done (an interrupted or failed run leaves nothing). Reports are UTF-8 (the CSV
    reporter writes Excel's BOM itself; its writer chooses line endings). A failure is the
    user's to fix (a folder that is gone, a full disk)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        try:
            stream = open(tmp, "x", encoding="utf-8",  # noqa: SIM115 - closed below
                          newline="" if fmt == "csv" else "\n")
        except OSError as exc:
            raise _output_problem(path, exc, lang) from exc
        try:
            yield stream
            stream.close()
            os.replace(tmp, path)
        except OSError as exc:
            raise _output_problem(path, exc, lang) from exc
        finally:
            stream.close()
    finally:
        if tmp.exists():
            tmp.unlink()


def _output_problem(path: Path, exc: OSError, lang: str) -> UsageProblem:
    from mediacheck.errors import os_reason

    return UsageProblem(t("output_error", lang, path=str(path), reason=os_reason(exc, lang)))


def _say_where(path: Path, lang: str, *, open_it: bool) -> None:
    """The report's address as a link a terminal can open; with --open, open it."""
    uri = Path(path).resolve().as_uri()
    click.echo(t("report_written", lang, uri=uri), err=True)
    if open_it and click.launch(str(Path(path).resolve())) != 0:
        click.echo(t("report_open_failed", lang, uri=uri), err=True)


@cli.command("rules", cls=clicklang.Command, help="help_rules_cmd",
             options_metavar="metavar_options")
@help_option()
@_common_options
@option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
        show_default=True, help="help_rules_format")
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
        severities = [t(f"severity_{s}", lang) for s in row["severities"]]
        severity = " / ".join(severities) if row["enabled"] else t("rules_disabled", lang)
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
        click.echo(exc.message(lang), err=True)
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
    """`fix` and `serve` live in their own packages; their heavy imports happen only when they
    run, so they can be registered with the group at once (their help is then listed)."""
    from mediacheck.fix.command import fix_command
    from mediacheck.web.command import serve_command

    cli.add_command(fix_command)
    cli.add_command(serve_command)


_register_subcommands()


def _utf8_streams() -> None:
    """Vietnamese must survive a Windows console or a redirect to a cp1252 file."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")


@contextmanager
def _no_traceback() -> Any:
    """Any unexpected error becomes one line and exit code 2 (MEDIACHECK_DEBUG=1 shows it)."""
    try:
        yield
    except (SystemExit, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 - no traceback reaches a user
        if os.environ.get("MEDIACHECK_DEBUG"):
            raise
        click.echo(t("internal_error", clicklang.current_lang(),
                     error=f"{type(exc).__name__}: {exc}"), err=True)
        raise SystemExit(EXIT_ERROR) from exc


def main(argv: list[str] | None = None) -> int:
    """Entry point: run click, and turn any unexpected error into one line and exit code 2."""
    _utf8_streams()
    try:
        with _no_traceback():
            cli.main(args=argv, prog_name="mediacheck", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    return EXIT_PASS


if __name__ == "__main__":
    sys.exit(main())
