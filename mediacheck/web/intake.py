"""`mediacheck serve --intake DIR`: the office's portal. Schools sign in with their unit code,
upload an event folder (or a ZIP) and see the verdict seconds after the upload ends; the office
sees a unit x activity matrix, any submission's contact sheet, and the CLI's CSV exports.

Storage: `DIR/<Activity>/<Unit>_<Activity>/v1/`, `v2/`, ... every version kept, never
overwritten; a file `.mediacheck-versions` marks such a folder so `mediacheck DIR/<Activity>`
checks the latest version of each unit like any event folder (see `mediacheck.scan`). A
version is received in a staging folder beside them (`.incoming-<id>/`) and becomes `vN` by one
rename when the school finishes; only then is its row added. At start-up, staging folders
left by a crash are removed and any `vN` without a row (a crash between rename and insert) is
adopted, so nothing accepted is lost and nothing half-received is kept.

Routes are thin; access decisions are `security.may_see`; checks go through `jobs`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from mediacheck.checks.folder_name import fold
from mediacheck.profile import Profile
from mediacheck.scan import VERSIONS_MARKER, version_number
from mediacheck.units import activity_key, unit_key
from mediacheck.web import jobs, pages, security, uploads
from mediacheck.web.local import receive
from mediacheck.web.pages import lang_of, page, refusal_json, tr
from mediacheck.web.store import Session, Store

STATE_DIR = ".mediacheck"
INCOMING = ".incoming-"
SESSION_COOKIE = "mc_session"
PRE_COOKIE = "mc_pre"
UPLOAD_IDLE_SECONDS = 3600
SWEEP_SECONDS = 60
MIN_PASSWORD = 10


class IntakeState:
    """The portal's storage, database, jobs, uploads and limits."""

    def __init__(self, root: Path, profile: Profile, *, workers: int = 2) -> None:
        from mediacheck.cache import FactCache

        self.root = root.resolve()
        self.profile = profile
        self.store = Store(self.root / STATE_DIR / "intake.sqlite3")
        self.cache = FactCache(self.root / STATE_DIR / "facts.sqlite3")
        self.board = jobs.JobBoard()
        self.uploads = uploads.Uploads()
        # Verdicts first: they have their own workers, so a school's verdict never waits for
        # another school's previews (measured: p95 28 s -> see README, 50 schools at once).
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="check")
        self.sheets = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sheet")
        self.cpu = jobs.cpu_pool()
        serve = profile.serve
        self.limits = uploads.Limits.from_profile(serve)
        self.session_hours = float(serve["session_hours"])
        self.limiter = security.RateLimiter(int(serve["login_attempts"]),
                                            float(serve["login_window_minutes"]) * 60)
        self.commit_lock: asyncio.Lock | None = None
        self.check_jobs: dict[int, jobs.Job] = {}

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.sheets.shutdown(wait=True, cancel_futures=True)
        jobs.stop_pool(self.cpu)
        self.uploads.discard_all()
        self.cache.close()
        self.store.close()

    # ------------------------------------------------------------------ places

    def unit_dir(self, unit: str, activity: str) -> Path:
        return self.root / activity / f"{self.folder_unit(unit)}_{activity}"

    def folder_unit(self, unit: str) -> str:
        """The unit as folder names write it: without a leading "Trường" (the policy's own
        example is `THCS Pu Nhi_Khaigiang`)."""
        words = unit.split()
        ignored = {fold(w) for w in self.ignored_words()}
        while len(words) > 1 and fold(words[0]) in ignored:
            words = words[1:]
        return " ".join(words)

    def ignored_words(self) -> list[str]:
        return self.profile.checks["folder-name"].options.get("ignored_leading_words", [])

    # ------------------------------------------------------------------ start-up

    def recover(self) -> list[int]:
        """Remove half-received uploads; adopt complete versions that have no row; return
        the submissions still to check."""
        for activity_dir in _subdirs(self.root):
            for unit_dir in _subdirs(activity_dir):
                for entry in _subdirs(unit_dir, hidden=True):
                    if entry.name.startswith(INCOMING):
                        shutil.rmtree(entry, ignore_errors=True)
                if (unit_dir / VERSIONS_MARKER).is_file():
                    self._adopt(unit_dir)
        return [r["id"] for r in self.store.submissions(status="checking")]

    def _adopt(self, unit_dir: Path) -> None:
        unit_name, _, activity_name = unit_dir.name.partition("_")
        unit = next((u for u in self.store.units(listed_only=False)
                     if u["key"] == unit_key(unit_name, self.ignored_words())), None)
        if unit is None or not activity_name:
            return
        activity = self.store.add_activity(activity_name, activity_key(activity_name),
                                           "recovered")
        for entry in sorted(_subdirs(unit_dir), key=lambda p: version_number(p.name) or 0):
            number = version_number(entry.name)
            rel = entry.relative_to(self.root).as_posix()
            if number is None or self.store.has_folder(rel):
                continue
            self.store.add_submission(unit["id"], activity["id"], number, rel,
                                      _manifest_of(entry))


def _subdirs(folder: Path, hidden: bool = False) -> list[Path]:
    try:
        return [Path(e.path) for e in os.scandir(folder) if e.is_dir(follow_symlinks=False)
                and (hidden or not e.name.startswith("."))]
    except OSError:
        return []


def _manifest_of(folder: Path) -> list[dict[str, Any]]:
    out = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
        out.append({"path": path.relative_to(folder).as_posix(), "size": path.stat().st_size,
                    "sha256": digest.hexdigest()})
    return out


# ------------------------------------------------------------------------------------ app


def create_app(state: IntakeState) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> Any:
        state.board.bind(asyncio.get_running_loop())
        state.commit_lock = asyncio.Lock()
        for submission_id in await asyncio.to_thread(state.recover):
            start_check(state, submission_id, "vi")
        sweeper = asyncio.create_task(_sweep(state))
        try:
            yield
        finally:
            sweeper.cancel()
            state.close()

    routes = [
        Route("/", home),
        Route("/static/{name}", lambda r: pages.static_file(r.path_params["name"])),
        Route("/lang/{code}", pages.switch_language),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/office/login", office_login_page),
        Route("/office/login", office_login, methods=["POST"]),
        Route("/setup", setup_page),
        Route("/setup", setup, methods=["POST"]),
        Route("/school", school_page),
        Route("/school/history", school_history),
        Route("/api/uploads", upload_start, methods=["POST"]),
        Route("/api/uploads/{uid}/files", upload_file, methods=["PUT"]),
        Route("/api/uploads/{uid}/finish", upload_finish, methods=["POST"]),
        Route("/s/{sid:int}", submission_page),
        Route("/s/{sid:int}/events", submission_events),
        Route("/s/{sid:int}.json", submission_json),
        Route("/office", office_page),
        Route("/office/activities", add_activity, methods=["POST"]),
        Route("/office/units/{unit:int}/revoke", revoke, methods=["POST"]),
        Route("/office/units/{unit:int}/reissue", reissue, methods=["POST"]),
        Route("/office/export.csv", export_csv),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.intake = state
    refusal = lambda key: tr(key, "vi") + "\n" + tr(key, "en")  # noqa: E731

    def expected_csrf(scope: dict[str, Any]) -> str | None:
        jar = security.cookies(scope)
        session = state.store.session(jar.get(SESSION_COOKIE))
        return session.csrf if session is not None else jar.get(PRE_COOKIE)

    return security.SecurityHeaders(security.CsrfGuard(app, expected_csrf, refusal))


async def _sweep(state: IntakeState) -> None:
    while True:
        await asyncio.sleep(SWEEP_SECONDS)
        state.uploads.sweep(UPLOAD_IDLE_SECONDS)


def _state(request: Request) -> IntakeState:
    return request.app.state.intake


def _session(request: Request) -> Session | None:
    return _state(request).store.session(request.cookies.get(SESSION_COOKIE))


def _owner(session: Session) -> str:
    p = session.principal
    return "admin" if p.is_admin else f"unit:{p.unit_id}"


def _pre_token(request: Request) -> str:
    return request.cookies.get(PRE_COOKIE) or security.new_token()


def _with_pre_cookie(response: Response, token: str, request: Request) -> Response:
    response.set_cookie(PRE_COOKIE, token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")
    return response


def _sign_in_page(request: Request, template: str, status: int = 200, **ctx: Any) -> Response:
    token = _pre_token(request)
    return _with_pre_cookie(page(request, template, status=status, csrf=token, **ctx), token,
                            request)


async def _form(request: Request) -> dict[str, str]:
    body = (await request.body()).decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def _need(request: Request, role: str) -> Session | Response:
    """The signed-in session with `role`, or the response that sends the visitor away."""
    session = _session(request)
    if session is None:
        expired = SESSION_COOKIE in request.cookies
        target = "/office/login" if role == "admin" else "/"
        return RedirectResponse(target + ("?expired=1" if expired else ""), status_code=303)
    if (role == "admin") != session.principal.is_admin:
        return page(request, "message.html", status=404, message=tr("not_found",
                                                                   lang_of(request)))
    return session


# ------------------------------------------------------------------------------ sign-in


async def home(request: Request) -> Response:
    session = _session(request)
    if session is not None:
        return RedirectResponse("/office" if session.principal.is_admin else "/school",
                                status_code=303)
    notice = tr("session_expired", lang_of(request)) if request.query_params.get(
        "expired") else None
    return _sign_in_page(request, "intake_login.html", notice=notice, error=None)


def _start_session(request: Request, principal: security.Principal, target: str) -> Response:
    state = _state(request)
    token, _session_row = state.store.new_session(principal, state.session_hours)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, token, max_age=int(state.session_hours * 3600),
                        httponly=True, samesite="lax", secure=request.url.scheme == "https",
                        path="/")
    response.delete_cookie(PRE_COOKIE, path="/")
    return response


def _blocked(request: Request, template: str, keys: list[str]) -> Response | None:
    wait = _state(request).limiter.blocked(*keys)
    if wait <= 0:
        return None
    minutes = max(1, round(wait / 60))
    return _sign_in_page(request, template, status=429, notice=None, error=tr(
        "login_wait", lang_of(request), minutes=minutes))


async def login(request: Request) -> Response:
    """A school signs in with its code; wrong codes are limited per address and per code."""
    state = _state(request)
    form = await _form(request)
    parts = security.split_unit_code(form.get("code", ""))
    keys = [f"ip:{security.client_address(request.scope)}"]
    if parts is not None:
        keys.append(f"code:{parts[0]}")
    refused = _blocked(request, "intake_login.html", keys)
    if refused is not None:
        return refused
    unit = state.store.unit_by_code_key(parts[0]) if parts else None
    ok = unit is not None and await asyncio.to_thread(security.verify_secret, parts[1],
                                                      unit["code_hash"])
    if not ok or unit is None:
        state.limiter.failed(*keys)
        return _sign_in_page(request, "intake_login.html", status=401, notice=None,
                             error=tr("login_bad", lang_of(request)))
    return _start_session(request, security.Principal("unit", unit["id"]), "/school")


async def logout(request: Request) -> Response:
    _state(request).store.end_session(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def office_login_page(request: Request) -> Response:
    notice = tr("session_expired", lang_of(request)) if request.query_params.get(
        "expired") else (tr("setup_done", lang_of(request)) if request.query_params.get(
            "set") else None)
    return _sign_in_page(request, "intake_office_login.html", notice=notice, error=None)


async def office_login(request: Request) -> Response:
    state = _state(request)
    form = await _form(request)
    keys = [f"ip:{security.client_address(request.scope)}", "admin"]
    refused = _blocked(request, "intake_office_login.html", keys)
    if refused is not None:
        return refused
    stored = state.store.setting("admin_password")
    ok = await asyncio.to_thread(security.verify_secret, form.get("password", ""), stored)
    if not ok:
        state.limiter.failed(*keys)
        return _sign_in_page(request, "intake_office_login.html", status=401, notice=None,
                             error=tr("login_bad_password", lang_of(request)))
    return _start_session(request, security.Principal("admin"), "/office")


def new_setup_token(store: Store) -> str:
    """A one-time token, printed on the console only, that lets the first visitor with it set
    the admin password (nobody can race the office to it over the network)."""
    token = security.new_token()
    store.set_setting("setup_token", security.token_digest(token))
    return token


def _setup_valid(store: Store, token: str | None) -> bool:
    stored = store.setting("setup_token")
    return bool(token) and stored is not None and security.same_token(
        stored, security.token_digest(token or "")) and not store.setting("admin_password")


async def setup_page(request: Request) -> Response:
    state = _state(request)
    token = request.query_params.get("token")
    if not _setup_valid(state.store, token):
        return page(request, "message.html", status=403, message=tr("setup_bad_token",
                                                                   lang_of(request)))
    return _sign_in_page(request, "intake_setup.html", token=token, error=None)


async def setup(request: Request) -> Response:
    state = _state(request)
    lang = lang_of(request)
    form = await _form(request)
    keys = [f"ip:{security.client_address(request.scope)}", "setup"]
    if state.limiter.blocked(*keys) or not _setup_valid(state.store, form.get("token")):
        state.limiter.failed(*keys)
        return page(request, "message.html", status=403, message=tr("setup_bad_token", lang))
    password, again = form.get("password", ""), form.get("again", "")
    error = (tr("setup_short", lang) if len(password) < MIN_PASSWORD else
             tr("setup_mismatch", lang) if password != again else None)
    if error:
        return _sign_in_page(request, "intake_setup.html", status=400, token=form["token"],
                             error=error)
    hashed = await asyncio.to_thread(security.hash_secret, password)
    state.store.set_setting("admin_password", hashed)
    state.store.set_setting("setup_token", None)
    return RedirectResponse("/office/login?set=1", status_code=303)


# ------------------------------------------------------------------------------ schools


def _unit_context(state: IntakeState, session: Session) -> dict[str, Any]:
    unit = state.store.unit(session.principal.unit_id or 0)
    return {"unit": unit, "principal": session.principal, "csrf": session.csrf}


async def school_page(request: Request) -> Response:
    session = _need(request, "unit")
    if isinstance(session, Response):
        return session
    state = _state(request)
    ctx = _unit_context(state, session)
    return page(request, "intake_school.html", activities=state.store.activities(),
                history=_history(state, session), when=_when, **ctx)


def _history(state: IntakeState, session: Session) -> list[Any]:
    return state.store.submissions(unit_id=session.principal.unit_id)


async def school_history(request: Request) -> Response:
    session = _need(request, "unit")
    if isinstance(session, Response):
        return session
    html = pages.environment().get_template("_history.html").render(
        t=lambda key, **p: tr(key, lang_of(request), **p),
        history=_history(_state(request), session), when=_when)
    return HTMLResponse(html)


def _resolve_activity(state: IntakeState, raw: str, by: str) -> Any:
    name = security.folder_segment(raw, allow_underscore=False)
    existing = state.store.activity_by_key(activity_key(name))
    return existing if existing is not None else state.store.add_activity(
        name, activity_key(name), by)


async def upload_start(request: Request) -> Response:
    session = _need(request, "unit")
    lang = lang_of(request)
    if isinstance(session, Response):
        return refusal_json("session_expired", lang, 401)
    state = _state(request)
    unit = state.store.unit(session.principal.unit_id or 0)
    try:
        data = await request.json()
        activity = _resolve_activity(state, str(data.get("activity") or ""), unit["name"])
    except security.Refused as exc:
        return refusal_json(exc.key, lang, exc.status, **exc.params)
    except ValueError:
        return refusal_json("school_need_activity", lang, 400)
    unit_dir = state.unit_dir(unit["name"], activity["name"])
    await asyncio.to_thread(_prepare_unit_dir, unit_dir)
    root = unit_dir / f"{INCOMING}{security.new_token(9)}"
    upload = state.uploads.start(_owner(session), root, state.limits, unit_id=unit["id"],
                                 activity_id=activity["id"], lang=lang)
    return JSONResponse({"id": upload.id, "activity": activity["name"]})


def _prepare_unit_dir(unit_dir: Path) -> None:
    """The unit's folder for one activity, with the marker that makes the CLI read its
    latest version (written atomically, once)."""
    unit_dir.mkdir(parents=True, exist_ok=True)
    marker = unit_dir / VERSIONS_MARKER
    if not marker.exists():
        tmp = unit_dir / f".{VERSIONS_MARKER}.tmp"
        tmp.write_text("mediacheck intake: every upload is a folder v1, v2, ...; the CLI "
                       "checks the newest.\n", encoding="utf-8")
        os.replace(tmp, marker)


async def upload_file(request: Request) -> Response:
    session = _need(request, "unit")
    if isinstance(session, Response):
        return refusal_json("session_expired", lang_of(request), 401)
    return await receive(request, _state(request).uploads, _owner(session))


async def upload_finish(request: Request) -> Response:
    """Everything sent: the staging folder becomes the next version (one rename), then a row,
    then the check starts. Only now is the submission accepted."""
    session = _need(request, "unit")
    lang = lang_of(request)
    if isinstance(session, Response):
        return refusal_json("session_expired", lang, 401)
    state = _state(request)
    upload = state.uploads.get(request.path_params["uid"], _owner(session))
    if upload is None:
        return refusal_json("upload_unknown", lang, 404)
    if not upload.files or upload.busy:
        return refusal_json("upload_empty", lang, 400)
    state.uploads.close(upload)
    try:
        submission_id = await _commit(state, upload)
    except security.Refused as exc:
        state.uploads.discard(upload)
        return refusal_json(exc.key, lang, exc.status, **exc.params)
    start_check(state, submission_id, lang)
    return JSONResponse({"submission": submission_id, "url": f"/s/{submission_id}",
                         "events": f"/s/{submission_id}/events",
                         "status": f"/s/{submission_id}.json"})


async def _commit(state: IntakeState, upload: uploads.Upload) -> int:
    names = list(upload.files)
    if len(names) == 1 and names[0].lower().endswith(".zip"):
        await asyncio.to_thread(uploads.extract_zip, upload, names[0], state.profile.zip)
    manifest = [{"path": r.rel, "size": r.size, "sha256": r.sha256}
                for r in sorted(upload.files.values(), key=lambda r: r.rel)]
    unit_id, activity_id = upload.data["unit_id"], upload.data["activity_id"]
    unit_dir = upload.root.parent
    assert state.commit_lock is not None
    async with state.commit_lock:
        on_disk = [version_number(p.name) or 0 for p in _subdirs(unit_dir)]
        version = max([state.store.max_version(unit_id, activity_id), *on_disk]) + 1
        target = unit_dir / f"v{version}"
        await asyncio.to_thread(_rename_version, upload.root, target)
        return state.store.add_submission(unit_id, activity_id, version,
                                          target.relative_to(state.root).as_posix(), manifest)


def _rename_version(staging: Path, target: Path) -> None:
    if target.exists():
        raise FileExistsError(target)
    os.rename(staging, target)
    uploads.fsync_dir(target.parent)


def start_check(state: IntakeState, submission_id: int, lang: str) -> jobs.Job:
    owner = f"submission:{submission_id}"
    job = state.board.create("check", owner, lang)
    # Only the jobs the board still keeps: finished ones (their events hold previews) go.
    state.check_jobs = {k: j for k, j in state.check_jobs.items()
                        if state.board.get(j.id, j.owner) is not None}
    state.check_jobs[submission_id] = job
    state.executor.submit(_check_job, state, job, submission_id)
    return job


def _check_job(state: IntakeState, job: jobs.Job, submission_id: int) -> None:
    """Judge first: the verdict is stored and sent at once; the contact sheet with pictures
    follows on its own worker (facts come from the cache, so only the previews cost)."""
    row = state.store.submission(submission_id)
    if row is None:
        return
    folder = state.root / row["folder"]
    name = f"{state.folder_unit(row['unit'])}_{row['activity']}"
    try:
        result = jobs.check_version(folder, name, state.profile, job.lang, cache=state.cache,
                                    shown=row["folder"], executor=state.cpu)
        state.store.set_result(submission_id, result.to_dict())
    except Exception as exc:  # noqa: BLE001 - recorded; the portal goes on
        state.store.set_result(submission_id, None, status="error")
        state.board.publish(job, "failed", {"detail": f"{type(exc).__name__}: {exc}"},
                            last=True)
        return
    state.board.publish(job, "verdict", {"verdict": result.verdict, "counts": result.counts,
                                         "passed": result.passed})
    state.sheets.submit(_sheet_job, state, job, folder, name, row["folder"], result)


def _sheet_job(state: IntakeState, job: jobs.Job, folder: Path, name: str, shown: str,
               result: Any) -> None:
    try:
        sheet = jobs.check_version(folder, name, state.profile, job.lang, cache=state.cache,
                                   shown=shown, thumbnails=True, executor=state.cpu)
    except Exception:  # noqa: BLE001 - previews are a nicety: show the sheet without them
        sheet = result
    state.board.publish(job, "card", {"index": 0, "passed": sheet.passed,
                                      "html": jobs.render_card(sheet, 0, job.lang)})
    report = jobs.report_of([result], state.profile, job.lang)
    state.board.publish(job, "done", jobs.summary_of(report), last=True)


# ------------------------------------------------------------------------------ submissions


def _visible(request: Request, submission_id: int) -> tuple[Session, Any] | Response:
    """The submission if the signed-in user may see it; otherwise "not found" (the same
    answer whether it exists or not)."""
    session = _session(request)
    lang = lang_of(request)
    if session is None:
        return RedirectResponse("/?expired=1" if SESSION_COOKIE in request.cookies else "/",
                                status_code=303)
    row = _state(request).store.submission(submission_id)
    if row is None or not security.may_see(session.principal, row["unit_id"]):
        return page(request, "message.html", status=404, message=tr("not_found", lang))
    return session, row


async def submission_page(request: Request) -> Response:
    found = _visible(request, request.path_params["sid"])
    if isinstance(found, Response):
        return found
    session, row = found
    state = _state(request)
    lang = lang_of(request)
    if session.principal.is_admin:
        state.store.mark_seen(row["id"])
    versions = [r for r in state.store.submissions(unit_id=row["unit_id"],
                                                   activity_id=row["activity_id"])]
    card = None
    if row["status"] == "checked":
        sheet = await asyncio.to_thread(
            jobs.check_version, state.root / row["folder"],
            f"{state.folder_unit(row['unit'])}_{row['activity']}",
            state.profile, lang, cache=state.cache, shown=row["folder"], thumbnails=True,
            executor=state.cpu)
        card = jobs.render_card(sheet, 0, lang)
    return page(request, "intake_submission.html", sub=row, versions=versions, card=card,
                csrf=session.csrf, principal=session.principal, when=_when,
                checking=row["status"] == "checking")


async def submission_events(request: Request) -> Response:
    found = _visible(request, request.path_params["sid"])
    if isinstance(found, Response):
        return Response(status_code=404)
    _session_row, row = found
    state = _state(request)
    job = state.check_jobs.get(row["id"])

    async def stream() -> Any:
        if job is None:
            yield pages.sse(0, "done", {"status": row["status"]})
            return
        async for index, event, data in state.board.follow(job):
            yield pages.sse(index, event, data)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"x-accel-buffering": "no"})


async def submission_json(request: Request) -> Response:
    """Status and verdict; `?wait=S` waits up to S seconds for the verdict (long poll)."""
    found = _visible(request, request.path_params["sid"])
    if isinstance(found, Response):
        return JSONResponse({"error": "not_found"}, status_code=404)
    _session_row, row = found
    state = _state(request)
    wait = min(float(request.query_params.get("wait") or 0), 60.0)
    job = state.check_jobs.get(row["id"])
    if row["status"] == "checking" and job is not None and wait > 0:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(_until_verdict(state, job), timeout=wait)
        row = state.store.submission(row["id"])
    manifest = json.loads(row["manifest"])
    return JSONResponse({"id": row["id"], "unit": row["unit"], "activity": row["activity"],
                         "version": row["version"], "status": row["status"],
                         "verdict": row["verdict"], "folder": row["folder"],
                         "counts": {"error": row["errors"], "warning": row["warnings"],
                                    "info": row["infos"]}, "files": manifest})


async def _until_verdict(state: IntakeState, job: jobs.Job) -> None:
    async for _index, event, _data in state.board.follow(job):
        if event in ("verdict", "failed", "done"):
            return


def _when(timestamp: float | None) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%d/%m/%Y %H:%M") if timestamp else ""


# ------------------------------------------------------------------------------ office


def cell_state(row: Any) -> str:
    if row is None:
        return "missing"
    if row["status"] != "checked":
        return "checking" if row["status"] == "checking" else "error"
    return "pass" if row["verdict"] == "pass" else "fail"


def matrix(state: IntakeState, activity_id: int | None, wanted: str, search: str
           ) -> dict[str, Any]:
    """The office's view: one row per listed unit, one column per activity, each cell the
    newest version's state; filtered by activity, state and a unit name."""
    activities = [a for a in state.store.activities()
                  if activity_id is None or a["id"] == activity_id]
    latest = state.store.latest()
    needle = unit_key(search) if search else ""
    rows = []
    for unit in state.store.units():
        if needle and needle not in unit["key"]:
            continue
        cells = []
        for activity in activities:
            sub = latest.get((unit["id"], activity["id"]))
            cells.append({"state": cell_state(sub), "sub": sub,
                          "new": bool(sub and sub["version"] > 1 and not sub["seen"])})
        if wanted and not any(c["state"] == wanted or (wanted == "new" and c["new"])
                              for c in cells):
            continue
        rows.append({"unit": unit, "cells": cells})
    counted = [c for r in rows for c in r["cells"]]
    return {"activities": activities, "rows": rows, "counts": {
        "units": len(rows), "activities": len(activities),
        "submitted": sum(1 for c in counted if c["state"] != "missing"),
        "passed": sum(1 for c in counted if c["state"] == "pass"),
        "failed": sum(1 for c in counted if c["state"] == "fail")}}


async def office_page(request: Request) -> Response:
    session = _need(request, "admin")
    if isinstance(session, Response):
        return session
    state = _state(request)
    query = request.query_params
    activity = query.get("activity", "")
    wanted = query.get("state", "")
    view = matrix(state, int(activity) if activity.isdigit() else None,
                  wanted if wanted in ("missing", "pass", "fail", "new", "checking") else "",
                  query.get("unit", "")[:100])
    return page(request, "intake_office.html", csrf=session.csrf, principal=session.principal,
                view=view, filters={"activity": activity, "state": wanted,
                                    "unit": query.get("unit", "")},
                all_activities=state.store.activities(), units=state.store.units(),
                message=request.query_params.get("msg"), error=None)


async def add_activity(request: Request) -> Response:
    session = _need(request, "admin")
    if isinstance(session, Response):
        return session
    state = _state(request)
    form = await _form(request)
    try:
        _resolve_activity(state, form.get("name", ""), "office")
    except security.Refused as exc:
        return _office_error(request, session, tr("activity_bad", lang_of(request),
                                                  name=form.get("name", "")[:80],
                                                  reason=tr(exc.key, lang_of(request),
                                                            **exc.params)))
    return RedirectResponse("/office", status_code=303)


def _office_error(request: Request, session: Session, error: str) -> Response:
    state = _state(request)
    return page(request, "intake_office.html", status=400, csrf=session.csrf,
                principal=session.principal, view=matrix(state, None, "", ""),
                filters={"activity": "", "state": "", "unit": ""},
                all_activities=state.store.activities(), units=state.store.units(),
                message=None, error=error)


def _admin_unit(request: Request) -> tuple[IntakeState, dict[str, Any]] | Response:
    """The unit an office admin acts on (its code revoked or reissued), or the refusal."""
    session = _need(request, "admin")
    if isinstance(session, Response):
        return session
    state = _state(request)
    unit = state.store.unit(request.path_params["unit"])
    if unit is None:
        return page(request, "message.html", status=404, message=tr("not_found",
                                                                   lang_of(request)))
    return state, unit


async def revoke(request: Request) -> Response:
    found = _admin_unit(request)
    if isinstance(found, Response):
        return found
    state, unit = found
    state.store.revoke_code(unit["id"])
    return page(request, "message.html", ok=True, back="/office", message=tr(
        "office_revoked", lang_of(request), unit=unit["name"]))


def issue_code(store: Store, unit_id: int) -> str:
    code, key, secret = security.new_unit_code()
    store.set_code(unit_id, key, security.hash_secret(secret))
    return code


async def reissue(request: Request) -> Response:
    found = _admin_unit(request)
    if isinstance(found, Response):
        return found
    state, unit = found
    code = await asyncio.to_thread(issue_code, state.store, unit["id"])
    return page(request, "message.html", ok=True, back="/office", message=tr(
        "office_new_code", lang_of(request), unit=unit["name"], code=code))


async def export_csv(request: Request) -> Response:
    """The CLI's CSV (`kind=findings`) or summary CSV (`kind=summary`) over the newest version
    of every unit, for one activity or all: `mediacheck DIR/<Activity> --format csv`."""
    session = _need(request, "admin")
    if isinstance(session, Response):
        return session
    state = _state(request)
    lang = lang_of(request)
    chosen = request.query_params.get("activity", "")
    activities = [a for a in state.store.activities()
                  if not chosen.isdigit() or a["id"] == int(chosen)]
    paths = [state.root / a["name"] for a in activities if (state.root / a["name"]).is_dir()]
    if paths:
        report = await asyncio.to_thread(jobs.check_paths, paths, state.profile, lang,
                                         cache=state.cache, executor=state.cpu)
    else:
        report = jobs.new_report(state.profile, lang)
    findings, summary = jobs.csv_exports(report, lang)
    kind = request.query_params.get("kind", "findings")
    stamp = time.strftime("%Y%m%d-%H%M")
    name = f"tong-hop-{stamp}.csv" if kind == "summary" else f"chi-tiet-{stamp}.csv"
    return Response(summary if kind == "summary" else findings,
                    media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}"'})
