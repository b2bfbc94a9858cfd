"""`mediacheck serve` on a teacher's computer: pick or drop an event folder, watch the verdict
arrive file by file, fix it, download the report.

Routes are thin: parse the request, call `jobs` (the engine, the reporters, `fix`), render.
Who may call them is decided by `security.LocalGuard` and `security.CsrfGuard` around the app.
The server runs as the teacher, so the folder picker shows the machine's own disks; folders
dropped from a file manager are read in place when the browser tells the path, else uploaded
over loopback into a temporary folder that is removed when the server stops.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import string
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from mediacheck.profile import Profile
from mediacheck.web import jobs, pages, security, uploads
from mediacheck.web.pages import lang_of, page, refusal_json, tr

OWNER = "local"


class LocalState:
    """What one launch holds: its secret, the jobs, the open uploads, the temporary folder."""

    def __init__(self, profile: Profile, *, cache: Any = None, workers: int = 2,
                 downloads: Path | None = None) -> None:
        self.profile = profile
        self.cache = cache
        self.secret = security.new_token()
        self.csrf = security.new_token()
        self.board = jobs.JobBoard()
        self.uploads = uploads.Uploads()
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="check")
        self.cpu = jobs.cpu_pool()
        self.closed = False
        self.temp = Path(tempfile.mkdtemp(prefix="mediacheck-serve-"))
        self.downloads = downloads
        self.limits = uploads.Limits.from_profile(profile.serve)

    def close(self) -> None:
        """Stop the workers and remove the temporary uploads (twice is harmless)."""
        if self.closed:
            return
        self.closed = True
        self.executor.shutdown(wait=False, cancel_futures=True)
        jobs.stop_pool(self.cpu)
        self.uploads.discard_all()
        shutil.rmtree(self.temp, ignore_errors=True)
        if self.cache is not None:
            self.cache.close()


def create_app(state: LocalState) -> Any:
    """The ASGI app, wrapped in its guards (outermost first: headers, origin/host/token, CSRF)."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> Any:
        import asyncio

        state.board.bind(asyncio.get_running_loop())
        try:
            yield
        finally:
            state.close()

    routes = [
        Route("/", home),
        Route("/static/{name}", lambda r: pages.static_file(r.path_params["name"])),
        Route("/lang/{code}", pages.switch_language),
        Route("/api/browse", browse),
        Route("/check", check, methods=["POST"]),
        Route("/api/uploads", upload_start, methods=["POST"]),
        Route("/api/uploads/{uid}/files", upload_file, methods=["PUT"]),
        Route("/api/uploads/{uid}/finish", upload_finish, methods=["POST"]),
        Route("/job/{jid}", job_page),
        Route("/job/{jid}/events", job_events),
        Route("/job/{jid}/report.html", job_report),
        Route("/fix", fix_page),
        Route("/fix", fix_apply, methods=["POST"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.local = state
    refusal = lambda key: tr(key, "vi") + "\n" + tr(key, "en")  # noqa: E731
    guarded = security.CsrfGuard(app, lambda _scope: state.csrf, refusal)
    guarded = security.LocalGuard(guarded, state.secret, refusal)
    return security.SecurityHeaders(guarded)


def _state(request: Request) -> LocalState:
    return request.app.state.local


# ------------------------------------------------------------------------------------ pages


async def home(request: Request) -> Response:
    state = _state(request)
    return page(request, "local_home.html", csrf=state.csrf,
                error=request.query_params.get("error"), value=request.query_params.get(
                    "path", ""))


def roots() -> list[dict[str, str]]:
    """Where the picker starts: the drives (Windows) or `/`, and the home folder."""
    found = []
    if sys.platform == "win32":
        found += [{"name": f"{d}:\\", "path": f"{d}:\\"} for d in string.ascii_uppercase
                  if os.path.isdir(f"{d}:\\")]
    else:
        found.append({"name": "/", "path": "/"})
    home_dir = str(Path.home())
    found.append({"name": home_dir, "path": home_dir})
    return found


async def browse(request: Request) -> Response:
    """The folders inside `path` (never files' contents), for the folder picker."""
    state = _state(request)
    raw = request.query_params.get("path") or str(Path.home())
    folder = Path(raw).expanduser()
    listing = await _threaded(_listing, folder, state.profile)
    if listing is None:
        return refusal_json("folder_missing", lang_of(request), 404, path=raw)
    listing["roots"] = roots()
    return JSONResponse(listing)


def _listing(folder: Path, profile: Profile) -> dict[str, Any] | None:
    from mediacheck.scan import classify

    try:
        folder = folder.resolve()
        entries = sorted(os.scandir(folder), key=lambda e: e.name.casefold())
    except OSError:
        return None
    dirs, media = [], 0
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if is_dir and not entry.name.startswith("."):
            dirs.append({"name": entry.name, "path": os.path.join(folder, entry.name)})
        elif not is_dir and classify(entry.name, profile) in ("photo", "video"):
            media += 1
    parent = str(folder.parent) if folder.parent != folder else None
    return {"path": str(folder), "parent": parent, "dirs": dirs[:500], "media": media}


async def check(request: Request) -> Response:
    """Start checking a folder given by path (typed, picked, or dropped with a known path)."""
    state = _state(request)
    form = await _form(request)
    raw = _path_from(form.get("path", ""))
    if not raw:
        return _home_error(request, "path_required", raw)
    folder = Path(raw).expanduser()
    if not folder.exists():
        return _home_error(request, "folder_missing", raw)
    if not folder.is_dir() and folder.suffix.lower() != ".zip":
        return _home_error(request, "folder_not_dir", raw)
    job = _start_check(state, folder, lang_of(request), fixable=folder.is_dir())
    return RedirectResponse(f"/job/{job.id}", status_code=303)


def _path_from(text: str) -> str:
    """A path as typed or pasted: quotes from "Copy as path" removed, `file://` URIs decoded."""
    text = text.strip().strip('"').strip()
    if text.startswith("file://"):
        parts = urlsplit(text)
        path = unquote(parts.path)
        if sys.platform == "win32" and path.startswith("/") and path[2:3] == ":":
            path = path[1:]
        return path
    return text


def _home_error(request: Request, key: str, raw: str) -> Response:
    state = _state(request)
    return page(request, "local_home.html", status=400, csrf=state.csrf,
                error=tr(key, lang_of(request), path=raw), value=raw)


def _start_check(state: LocalState, folder: Path, lang: str, *, fixable: bool,
                 uploaded: bool = False) -> jobs.Job:
    return jobs.start_check(state.board, state.executor, [folder], state.profile, lang, OWNER,
                            cache=state.cache, cpu=state.cpu,
                            data={"source": str(folder), "fixable": fixable,
                                                     "uploaded": uploaded})


async def _form(request: Request) -> dict[str, str]:
    """A urlencoded form (CsrfGuard has read and checked it already; small by then)."""
    from urllib.parse import parse_qs

    body = (await request.body()).decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


async def _threaded(fn: Any, *args: Any) -> Any:
    import asyncio

    return await asyncio.to_thread(fn, *args)


# ----------------------------------------------------------------------------- uploads


async def upload_start(request: Request) -> Response:
    """A dropped folder whose path the browser does not tell: receive it file by file."""
    state = _state(request)
    lang = lang_of(request)
    try:
        data = await request.json()
        name = security.folder_segment(str(data.get("name") or ""))
    except security.Refused as exc:
        return refusal_json(exc.key, lang, exc.status, **exc.params)
    except ValueError:
        return refusal_json("path_unsafe", lang, 400, name="?")
    root = state.temp / security.new_token(8) / name
    root.parent.mkdir(parents=True)
    upload = state.uploads.start(OWNER, root, state.limits)
    return JSONResponse({"id": upload.id})


async def upload_file(request: Request) -> Response:
    return await receive(request, _state(request).uploads, OWNER)


async def receive(request: Request, registry: uploads.Uploads, owner: str) -> Response:
    """PUT one file of an open upload (shared with the intake portal)."""
    lang = lang_of(request)
    upload = registry.get(request.path_params["uid"], owner)
    if upload is None:
        return refusal_json("upload_unknown", lang, 404)
    raw = request.query_params.get("path", "")
    try:
        received = await uploads.receive_file(upload, raw, request)
    except security.Refused as exc:
        return refusal_json(exc.key, lang, exc.status, **exc.params)
    except ClientDisconnect:
        return refusal_json("upload_interrupted", lang, 400, file=raw[:80])
    return JSONResponse({"path": received.rel, "size": received.size,
                         "sha256": received.sha256})


async def upload_finish(request: Request) -> Response:
    state = _state(request)
    lang = lang_of(request)
    upload = state.uploads.get(request.path_params["uid"], OWNER)
    if upload is None:
        return refusal_json("upload_unknown", lang, 404)
    if not upload.files or upload.busy:
        return refusal_json("upload_empty", lang, 400)
    state.uploads.close(upload)
    job = _start_check(state, upload.root, lang, fixable=True, uploaded=True)
    return JSONResponse({"job": job.id, "url": f"/job/{job.id}"})


# ------------------------------------------------------------------------------------ jobs


def _job(request: Request) -> jobs.Job | None:
    return _state(request).board.get(request.path_params["jid"], OWNER)


async def job_page(request: Request) -> Response:
    job = _job(request)
    if job is None:
        return page(request, "message.html", status=404, message=tr("job_unknown",
                                                                   lang_of(request)))
    return page(request, "local_job.html", csrf=_state(request).csrf, job=job)


async def job_events(request: Request) -> Response:
    """The job's events as Server-Sent Events, from Last-Event-ID on when reconnecting."""
    job = _job(request)
    if job is None:
        return Response(status_code=404)
    last = request.headers.get("last-event-id", "")
    start = int(last) + 1 if last.isdigit() else 0
    board = _state(request).board

    async def stream() -> Any:
        async for index, event, data in board.follow(job, start):
            yield pages.sse(index, event, data)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"x-accel-buffering": "no"})


async def job_report(request: Request) -> Response:
    """"Tải báo cáo": the HTML report of the finished check, as the CLI writes it."""
    job = _job(request)
    if job is None or job.report is None:
        return page(request, "message.html", status=404, message=tr("job_unknown",
                                                                   lang_of(request)))
    html = await _threaded(jobs.report_html, job.report, job.lang)
    return Response(html, media_type="text/html; charset=utf-8", headers={
        "content-disposition": 'attachment; filename="bao-cao-mediacheck.html"'})


# ------------------------------------------------------------------------------------- fix


def _fix_source(job: jobs.Job) -> Path | None:
    source = job.data.get("source")
    return Path(source) if source and job.data.get("fixable") else None


def fix_output(state: LocalState, source: Path, name: str, uploaded: bool) -> Path:
    """Beside the source when that name is free; an uploaded folder's copy goes to Downloads;
    never over an existing folder (a numbered sibling folder instead)."""
    base = (state.downloads or _downloads()) if uploaded else source.resolve().parent
    candidate = base / name
    if candidate.resolve() != source.resolve() and not candidate.exists():
        return candidate
    for n in range(1, 100):
        folder = base / ("mediacheck - ban sua" if n == 1 else f"mediacheck - ban sua ({n})")
        if not (folder / name).exists() and not security.inside(source, folder):
            return folder / name
    return base / f"mediacheck - {security.new_token(4)}" / name


def _downloads() -> Path:
    from platformdirs import user_downloads_dir

    return Path(user_downloads_dir())


def _fix_request(request: Request, values: dict[str, str]) -> tuple[Any, dict[str, Any]]:
    """The fix job's source and the form's values, with the problems to show on the page."""
    state = _state(request)
    lang = lang_of(request)
    job = state.board.get(values.get("job", ""), OWNER)
    source = _fix_source(job) if job is not None else None
    ctx: dict[str, Any] = {"csrf": state.csrf, "job": job, "source": source, "error": None,
                           "plan": None, "values": values, "output": None,
                           "uploaded": bool(job and job.data.get("uploaded"))}
    if source is None:
        ctx["error"] = tr("job_unknown", lang)
        return None, ctx
    from mediacheck.checks.folder_name import split_name

    unit, activity = split_name(source.name)
    values.setdefault("unit", unit or "")
    values.setdefault("activity", activity or "")
    if not values["unit"].strip() or not values["activity"].strip():
        ctx["error"] = tr("fix_need_names", lang)
        return None, ctx
    try:
        unit = security.folder_segment(values["unit"], allow_underscore=False)
        activity = security.folder_segment(values["activity"], allow_underscore=False)
    except security.Refused as exc:
        ctx["error"] = tr(exc.key, lang, **exc.params)
        return None, ctx
    name = f"{unit}_{activity}"
    output = fix_output(state, source, name, ctx["uploaded"])
    ctx["output"] = str(output)
    return (source, output, name), ctx


async def fix_page(request: Request) -> Response:
    """The dry run: the plan for the folder of a finished check (nothing is written)."""
    state = _state(request)
    lang = lang_of(request)
    values = dict(request.query_params)
    target, ctx = _fix_request(request, values)
    if target is not None:
        preview = await _threaded(lambda: jobs.plan_fix(
            *target, state.profile, lang, heic_to_jpeg=bool(values.get("heic")),
            split_scenes=bool(values.get("split")), cache=state.cache, cpu=state.cpu))
        if preview is None:
            ctx["error"] = tr("fix_not_one", lang, count="0")
        else:
            ctx["plan"] = jobs.plan_rows(preview, lang)
    return page(request, "local_fix.html", status=400 if ctx["error"] else 200, **ctx)


async def fix_apply(request: Request) -> Response:
    state = _state(request)
    lang = lang_of(request)
    values = await _form(request)
    target, ctx = _fix_request(request, values)
    if target is None:
        return page(request, "local_fix.html", status=400, **ctx)
    preview = await _threaded(lambda: jobs.plan_fix(
        *target, state.profile, lang, heic_to_jpeg=bool(values.get("heic")),
        split_scenes=bool(values.get("split")), cache=state.cache, cpu=state.cpu))
    if preview is None or preview.refused:
        if preview is not None:
            ctx["plan"] = jobs.plan_rows(preview, lang)
        return page(request, "local_fix.html", status=400, **ctx)
    job = jobs.start_fix(state.board, state.executor, preview, state.profile, lang, OWNER,
                         cache=state.cache, cpu=state.cpu)
    job.data.update({"source": str(preview.output), "fixable": False})
    return RedirectResponse(f"/job/{job.id}", status_code=303)
