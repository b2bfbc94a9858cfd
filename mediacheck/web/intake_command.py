"""`mediacheck serve --intake DIR ...`: the portal's chores (unit list, codes, admin password)
and the server itself. Every chore exits when done; without one, the portal starts."""

from __future__ import annotations

import csv
import io
import os
import sys
from pathlib import Path
from typing import Any

import click

from mediacheck.web.pages import tr

EXIT_OK, EXIT_ERROR = 0, 2


def run_intake(options: dict[str, Any], profile: Any, lang: str) -> int:
    from mediacheck.web.intake import IntakeState

    root: Path = options["intake_dir"]
    root.mkdir(parents=True, exist_ok=True)
    state = IntakeState(root, profile)
    try:
        if options["units_file"] is not None:
            if not _sync_units(state, options["units_file"], lang):
                return EXIT_ERROR
        elif not state.store.units():
            click.echo(tr("console_need_units", lang), err=True)
            return EXIT_ERROR
        chore = _chores(state, options, lang)
    finally:
        state.close()
    if chore is not None:
        return chore
    return _serve(options, profile, lang)


def _sync_units(state: Any, path: Path, lang: str) -> bool:
    from mediacheck.units import UnitsError, load_units, unit_key
    from mediacheck.web import security

    try:
        names = load_units(path)
    except UnitsError as exc:
        from mediacheck.i18n import t

        click.echo(t("units_error", lang, path=exc.path, reason=exc.reason), err=True)
        return False
    for name in names:
        try:
            security.folder_segment(name, allow_underscore=False)
        except security.Refused as exc:
            click.echo(tr("console_bad_unit_name", lang, unit=name,
                          reason=tr(exc.key, lang, **exc.params)), err=True)
            return False
    ignored = state.ignored_words()
    state.store.sync_units(names, lambda n: unit_key(n, ignored))
    return True


def _chores(state: Any, options: dict[str, Any], lang: str) -> int | None:
    """Run the one-off tasks asked for; None when the server should start."""
    if options["set_admin_password"]:
        return _set_password(state, lang)
    if options["revoke"]:
        units = _find_units(state, options["revoke"], lang)
        if units is None:
            return EXIT_ERROR
        for unit in units:
            state.store.revoke_code(unit["id"])
        click.echo(tr("console_revoked", lang, units=", ".join(u["name"] for u in units)))
        return EXIT_OK
    if options["issue_codes"] is not None:
        return _issue_codes(state, options, lang)
    return None


def _find_units(state: Any, names: tuple[str, ...], lang: str) -> list[Any] | None:
    from mediacheck.units import unit_key

    ignored = state.ignored_words()
    by_key = {u["key"]: u for u in state.store.units()}
    found = []
    for name in names:
        unit = by_key.get(unit_key(name, ignored))
        if unit is None:
            click.echo(tr("console_unknown_unit", lang, unit=name), err=True)
            return None
        found.append(unit)
    return found


def _issue_codes(state: Any, options: dict[str, Any], lang: str) -> int:
    """Codes for units without an active one, plus --reissue/--reissue-all; the CSV (unit,
    code) is a new file, written atomically, never over an existing one."""
    from mediacheck.web.intake import issue_code

    out: Path = options["issue_codes"]
    if out.exists():
        click.echo(tr("console_shortcut_exists", lang, path=str(out)), err=True)
        return EXIT_ERROR
    again = _find_units(state, options["reissue"], lang)
    if again is None:
        return EXIT_ERROR
    again_ids = {u["id"] for u in again}
    todo = [u for u in state.store.units() if options["reissue_all"] or u["id"] in again_ids
            or u["code_state"] != "active"]
    if not todo:
        click.echo(tr("console_codes_none", lang))
        return EXIT_OK
    rows = [(u["name"], issue_code(state.store, u["id"])) for u in todo]
    _write_csv(out, rows, lang)
    click.echo(tr("console_codes", lang, count=len(rows), path=str(out)))
    return EXIT_OK


def _write_csv(path: Path, rows: list[tuple[str, str]], lang: str) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([tr("office_units", lang), tr("login_code", lang)])
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "x", encoding="utf-8-sig", newline="") as fh:
        fh.write(buffer.getvalue())
    os.chmod(tmp, 0o600)
    os.link(tmp, path)  # fails if `path` appeared meanwhile: never overwrite
    os.unlink(tmp)


def _set_password(state: Any, lang: str) -> int:
    """Asked twice on a terminal (hidden); read from standard input in a script."""
    from mediacheck.web import security
    from mediacheck.web.intake import MIN_PASSWORD

    if sys.stdin.isatty():
        password = click.prompt(tr("console_password_prompt", lang).rstrip(": "),
                                hide_input=True, confirmation_prompt=tr(
                                    "console_password_again", lang).rstrip(": "))
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < MIN_PASSWORD:
        click.echo(tr("setup_short", lang), err=True)
        return EXIT_ERROR
    state.store.set_setting("admin_password", security.hash_secret(password))
    state.store.set_setting("setup_token", None)
    click.echo(tr("console_password_set", lang, path=str(state.store.path)))
    return EXIT_OK


def _serve(options: dict[str, Any], profile: Any, lang: str) -> int:
    from mediacheck.web.command import bind, serve_app
    from mediacheck.web.intake import IntakeState, create_app, new_setup_token

    root: Path = options["intake_dir"]
    host = options["host"]
    sock = bind(host, options["port"] if options["port"] is not None else 8080)
    port = sock.getsockname()[1]
    state = IntakeState(root, profile)
    setup_url = None
    if not state.store.setting("admin_password"):
        shown = f"[{host}]" if ":" in host else host
        setup_url = f"http://{shown}:{port}/setup?token={new_setup_token(state.store)}"

    def started() -> None:
        click.echo(tr("console_intake", lang, host=host, port=port, dir=str(root)))
        if setup_url:
            click.echo(tr("console_setup", lang, url=setup_url, dir=str(root)))
        sys.stdout.flush()

    try:
        serve_app(create_app(state), sock, proxy_headers=True, on_started=started)
    finally:
        sock.close()
    click.echo(tr("console_stopped", lang))
    return EXIT_OK
