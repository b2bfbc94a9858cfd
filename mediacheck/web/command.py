"""`mediacheck serve`: the teacher's local page (default), the office's intake portal
(`--intake DIR`), and their one-off chores (codes, password, launcher), as a click command.

Local mode binds 127.0.0.1 on a free port (the socket is opened here and handed to uvicorn, so
no other program can take the port in between), prints the address with its per-launch secret,
opens the default browser and stops cleanly on Ctrl-C (temporary uploads removed).
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
import webbrowser
from pathlib import Path
from typing import Any

import click

from mediacheck import clicklang
from mediacheck.clicklang import IntRange, help_option, option
from mediacheck.i18n import LANGS, resolve_lang

EXIT_OK, EXIT_ERROR = 0, 2
INTAKE_PORT = 8080


def _w(key: str) -> str:
    from mediacheck.web.pages import tr

    return tr(key, resolve_lang(None))


@click.command("serve", cls=clicklang.Command, help="help_serve",
               options_metavar="metavar_options")
@help_option()
@option("--port", type=IntRange(0, 65535), default=None, metavar="metavar_number",
        help="help_serve_port")
@option("--host", default="127.0.0.1", metavar="metavar_host", help="help_serve_host")
@option("--no-browser", is_flag=True, help="help_serve_no_browser")
@option("--intake", "intake_dir", type=click.Path(file_okay=False, path_type=Path),
        default=None, metavar="metavar_folder", help="help_serve_intake")
@option("--units", "units_file", type=click.Path(dir_okay=False, path_type=Path),
        default=None, metavar="metavar_file", help="help_serve_units")
@option("--issue-codes", type=click.Path(dir_okay=False, path_type=Path), default=None,
        metavar="metavar_file", help="help_serve_issue")
@option("--reissue", multiple=True, metavar="metavar_unit", help="help_serve_reissue")
@option("--reissue-all", is_flag=True, help="help_serve_reissue_all")
@option("--revoke", multiple=True, metavar="metavar_unit", help="help_serve_revoke")
@option("--set-admin-password", is_flag=True, help="help_serve_password")
@option("--install-shortcut", is_flag=True, help="help_serve_shortcut")
@option("--lang", type=click.Choice(list(LANGS)), default=None, help="help_lang")
@option("--rules", "rules", metavar="metavar_rules", default=None, help="help_rules")
def serve_command(**options: Any) -> None:
    """Open the checking page in the browser, or run the intake portal (--intake DIR)."""
    lang = clicklang.set_lang(options["lang"])
    if options["install_shortcut"]:
        sys.exit(_install_shortcut(lang))
    profile = _profile(options["rules"], lang)
    if options["intake_dir"] is not None:
        from mediacheck.web.intake_command import run_intake

        sys.exit(run_intake(options, profile, lang))
    sys.exit(run_local(profile, lang, port=options["port"] or 0,
                       open_browser=not options["no_browser"]))




def _profile(rules: str | None, lang: str) -> Any:
    from mediacheck.i18n import t
    from mediacheck.profile import ProfileError, load_profile
    from mediacheck.web.pages import tr

    try:
        profile = load_profile(rules)
    except ProfileError as exc:
        click.echo(t("profile_error", lang, file=exc.file, key=exc.key,
                     reason=exc.localized(lang)), err=True)
        sys.exit(EXIT_ERROR)
    if not profile.serve:
        click.echo(tr("console_no_serve", lang, profile=profile.files[-1]), err=True)
        sys.exit(EXIT_ERROR)
    return profile


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; port 0 picks a free one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve_app(app: Any, sock: socket.socket, *, proxy_headers: bool,
              on_started: Any = None) -> None:
    """Run uvicorn on `sock` until Ctrl-C/SIGTERM; `on_started` once it accepts requests."""
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False,
                            proxy_headers=proxy_headers, timeout_graceful_shutdown=3,
                            lifespan="on", ws="none")
    server = uvicorn.Server(config)
    if on_started is not None:
        def wait_then_call() -> None:
            while not server.started and not server.should_exit:
                time.sleep(0.05)
            if server.started:
                on_started()
        threading.Thread(target=wait_then_call, daemon=True).start()
    # uvicorn re-raises the Ctrl-C it handled, after a graceful shutdown: that is the end.
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[sock])


def run_local(profile: Any, lang: str, *, port: int, open_browser: bool) -> int:
    from mediacheck.cache import FactCache
    from mediacheck.web.local import LocalState, create_app
    from mediacheck.web.pages import tr

    sock = bind("127.0.0.1", port)
    state = LocalState(profile, cache=FactCache())
    app = create_app(state)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/?token={state.secret}"

    def started() -> None:
        click.echo(tr("console_local", lang, url=url))
        sys.stdout.flush()
        if open_browser and not webbrowser.open(url):
            click.echo(tr("console_no_browser", lang))

    try:
        serve_app(app, sock, proxy_headers=False, on_started=started)
    finally:
        sock.close()
        state.close()
    click.echo(tr("console_stopped", lang))
    return EXIT_OK


def _install_shortcut(lang: str) -> int:
    from mediacheck.web.pages import tr
    from mediacheck.web.shortcut import ShortcutRefused, install

    try:
        paths = install(lang)
    except ShortcutRefused as exc:
        click.echo(tr("console_shortcut_exists", lang, path=str(exc.path)), err=True)
        return EXIT_ERROR
    click.echo(tr("console_shortcut", lang, paths=", ".join(str(p) for p in paths)))
    return EXIT_OK
