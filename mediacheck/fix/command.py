"""The `fix` command (click): check the source, plan, and with --apply build and re-check a copy.

Without --apply nothing is written at all: the plan says, per file, what will happen and why, and
what only a person can do. With --apply the new `Unit_Activity` folder is built next to the
source (or under --out), then checked like any submission, so the teacher sees ĐẠT or exactly
what is still missing. Exit codes as the main command: 0 pass, 1 fail, 2 refused or usage error;
130 when interrupted (a rerun resumes).
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

import click

from mediacheck import clicklang
from mediacheck.clicklang import IntRange, argument, help_option, option
from mediacheck.i18n import LANGS, plural, t

EXIT_PASS, EXIT_FAIL, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


@click.command("fix", cls=clicklang.Command, help="help_fix", options_metavar="metavar_options")
@help_option()
@argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path),
          metavar="metavar_folder")
@option("--unit", default=None, metavar="metavar_unit", help="help_fix_unit")
@option("--activity", default=None, metavar="metavar_activity", help="help_fix_activity")
@option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
        default=None, metavar="metavar_folder", help="help_fix_out")
@option("--apply", "do_apply", is_flag=True, help="help_fix_apply")
@option("--heic-to-jpeg", is_flag=True, help="help_fix_heic")
@option("--split-scenes", is_flag=True, help="help_fix_split")
@option("--jobs", type=IntRange(1, 64), default=1, show_default=True, metavar="metavar_number",
        help="help_fix_jobs")
@option("--overwrite-output", is_flag=True, help="help_fix_overwrite")
@option("--lang", type=click.Choice(list(LANGS)), default=None, help="help_lang")
@option("--rules", "rules", metavar="metavar_rules", default=None, help="help_rules")
def fix_command(source: Path, unit: str | None, activity: str | None, out_dir: Path | None,
                do_apply: bool, heic_to_jpeg: bool, split_scenes: bool, jobs: int,
                overwrite_output: bool, lang: str | None, rules: str | None) -> None:
    """Build a compliant copy of an event folder; the source is never changed.

    \b
    mediacheck fix "Khai giang 2023/" --unit "THCS Pu Nhi" --activity Khaigiang
    mediacheck fix "Khai giang 2023/" --unit "THCS Pu Nhi" --activity Khaigiang --apply
    """
    lang = clicklang.set_lang(lang)
    request = {"unit": unit, "activity": activity, "out_dir": out_dir, "apply": do_apply,
               "heic_to_jpeg": heic_to_jpeg, "split_scenes": split_scenes, "jobs": jobs,
               "overwrite": overwrite_output}
    sys.exit(run_fix(source, request, lang, rules))


def run_fix(source: Path, request: dict[str, Any], lang: str, rules: str | None) -> int:
    from mediacheck.fix.apply import FixRefused, check_output_location, same_filesystem
    from mediacheck.fix.plan import build_plan
    from mediacheck.fix.show import print_plan
    from mediacheck.reporters.terminal import make_console

    console = make_console(sys.stdout, None)
    profile = _load_profile(rules, lang)
    if profile is None:
        return EXIT_ERROR
    event = _find_event(source, profile, lang)
    if event is None:
        return EXIT_ERROR
    name = _output_name(event.name, request["unit"], request["activity"], profile, lang)
    if name is None:
        return EXIT_ERROR
    output = (request["out_dir"] or _parent_as_given(source)) / name
    result = _check_event(event, profile, lang)
    plan = build_plan(event, result, name, profile.fix_options(),
                      heic_to_jpeg=request["heic_to_jpeg"],
                      split_scenes=request["split_scenes"],
                      same_filesystem=same_filesystem(source, output),
                      folder_name_fixed=_name_passes(name, profile))
    print_plan(console, plan, str(output), lang, dry_run=not request["apply"])
    try:
        check_output_location(source, output, overwrite=request["overwrite"])
    except FixRefused as exc:
        click.echo(t(exc.key, lang, **exc.params), err=True)
        return EXIT_ERROR
    if not request["apply"]:
        return EXIT_PASS if plan.expected_pass else EXIT_FAIL
    return _apply(plan, output, request, profile, lang, console)


def _parent_as_given(source: Path) -> Path:
    """The folder that holds SOURCE, spelled as the user spelled SOURCE (`sample_media/x` ->
    `sample_media`), so the plan shows paths the user recognises; `.` and `..` are resolved."""
    if source.name in ("", ".", ".."):
        return source.resolve().parent
    return source.parent


def _check_event(event: Any, profile: Any, lang: str) -> Any:
    """The source checked like any submission: the same path, cache and progress bar."""
    from mediacheck.cache import FactCache
    from mediacheck.cli import ProgressBar
    from mediacheck.engine import RunOptions, iter_results

    with FactCache() as cache, ProgressBar(lang) as (on_start, on_file):
        on_start(len(event.files))
        options = RunOptions(lang=lang, cache=cache, on_file=on_file)
        return next(iter_results([event], profile, options))


def _name_passes(name: str, profile: Any) -> bool:
    """Does the new folder name satisfy `folder-name`? Then the plan answers its findings."""
    from mediacheck.checks import EventFacts, folder_name

    config = profile.checks["folder-name"]
    return not config.enabled or not list(folder_name.check(EventFacts(name, []), config.options))


def _load_profile(rules: str | None, lang: str) -> Any:
    from mediacheck.profile import ProfileError, load_profile

    try:
        profile = load_profile(rules)
    except ProfileError as exc:
        click.echo(exc.message(lang), err=True)
        return None
    if not profile.fix:
        click.echo(t("no_fix_options", lang, profile=profile.files[-1]), err=True)
        return None
    return profile


def _find_event(source: Path, profile: Any, lang: str) -> Any:
    """The one event folder SOURCE is; a folder of several events is refused."""
    from mediacheck.scan import find_submissions

    submissions, _problems = find_submissions([source], profile)
    wanted = source.resolve()
    found = [s for s in submissions if s.fs_path is not None and s.fs_path.resolve() == wanted]
    if len(found) != 1:
        click.echo(plural("not_one_event", len(submissions), lang, source=str(source)),
                   err=True)
        return None
    return found[0]


def _output_name(source_name: str, unit: str | None, activity: str | None, profile: Any,
                 lang: str) -> str | None:
    """`Unit_Activity` from the options, else from the source name when it already parses,
    else asked for on a terminal (never in a script: there it is an error)."""
    from mediacheck.naming import SEPARATOR, is_usable_folder_name, join_name, split_name

    parsed_unit, parsed_activity = split_name(source_name)
    unit, activity = unit or parsed_unit, activity or parsed_activity
    if (not unit or not activity) and sys.stdin.isatty() and sys.stdout.isatty():
        unit = unit or click.prompt(t("ask_unit", lang))
        activity = activity or click.prompt(t("ask_activity", lang))
    if not unit or not activity:
        click.echo(t("need_unit_activity", lang, name=source_name), err=True)
        return None
    name = join_name(unit, activity)
    forbidden = profile.checks["folder-name"].options["forbidden_characters"]
    if not is_usable_folder_name(name, forbidden) or SEPARATOR in activity.strip():
        click.echo(t("bad_output_name", lang, name=name), err=True)
        return None
    return name


def _apply(plan: Any, output: Path, request: dict[str, Any], profile: Any, lang: str,
           console: Any) -> int:
    from mediacheck.fix.apply import FixRefused, apply_plan, check_disk_space, staging_dir
    from mediacheck.fix.progress import FixProgress
    from mediacheck.fix.show import print_outcomes

    try:
        check_disk_space(plan, output)
    except FixRefused as exc:
        click.echo(t(exc.key, lang, **_sizes(exc.params, lang)), err=True)
        return EXIT_ERROR
    console.print()
    live = console.is_terminal and not os.environ.get("CI")
    progress = FixProgress(console, plan, lang, live=live)
    previous = _stop_on_sigterm()
    try:
        outcomes = apply_plan(plan, output, overwrite=request["overwrite"],
                              jobs=request["jobs"], progress=progress)
    except KeyboardInterrupt:
        progress.stop()
        click.echo(t("interrupted", lang, staging=str(staging_dir(output))), err=True)
        return EXIT_INTERRUPTED
    except FixRefused as exc:
        progress.stop()
        click.echo(t(exc.key, lang, **exc.params), err=True)
        return EXIT_ERROR
    except OSError as exc:
        from mediacheck.errors import os_reason

        progress.stop()
        click.echo(t("apply_error", lang, detail=os_reason(exc, lang)), err=True)
        return EXIT_ERROR
    finally:
        _restore_sigterm(previous)
    progress.stop()
    print_outcomes(console, outcomes, lang)
    passed = _recheck(output, profile, lang)
    if any(o.status == "failed" for o in outcomes):
        return EXIT_ERROR
    return EXIT_PASS if passed else EXIT_FAIL


def _sizes(params: dict[str, Any], lang: str) -> dict[str, Any]:
    from mediacheck.reporters import human_size

    return {k: human_size(v, lang) if isinstance(v, int) else v for k, v in params.items()}


def _recheck(output: Path, profile: Any, lang: str) -> bool:
    """Check the new folder exactly like a submission and print the report."""
    from mediacheck.cache import FactCache
    from mediacheck.cli import ProgressBar
    from mediacheck.engine import RunOptions, run
    from mediacheck.reporters import get_reporter

    click.echo()
    click.echo(t("recheck_title", lang, output=str(output)))
    with FactCache() as cache, ProgressBar(lang) as (on_start, on_file):
        options = RunOptions(lang=lang, cache=cache, on_start=on_start, on_file=on_file)
        report = run([output], profile, options)
    get_reporter("text").render(report, sys.stdout, lang=lang, color=None, quiet=False)
    return report.passed and not report.problems


def _stop_on_sigterm() -> Any:
    """SIGTERM stops like Ctrl-C, so temporary files are removed either way."""
    def interrupt(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (embedded use): leave signals alone
        return None


def _restore_sigterm(previous: Any) -> None:
    if previous is not None:
        signal.signal(signal.SIGTERM, previous)
