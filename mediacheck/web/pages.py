"""Rendering for both web modes: texts from the one catalog (the web's own words are in
`locale/web.toml`), Jinja2 templates, static files, the language switch and the small response
helpers the routes share.

Templates autoescape everything; the only HTML inserted as-is is what the HTML reporter renders
(it escapes every name itself). No inline script or style anywhere: the CSP forbids them, so the
page's script and styles are files served by the app (`/static/...`).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from mediacheck.i18n import DEFAULT_LANG, LANGS

HERE = Path(__file__).resolve().parent
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".svg": "image/svg+xml"}
LANG_COOKIE = "mc_lang"


def catalog() -> dict[str, dict[str, str]]:
    """The one message catalog (every `locale/*.toml`, the web's own words in web.toml)."""
    from mediacheck.i18n import _catalog

    return _catalog()


def tr(key: str, lang: str, **params: Any) -> str:
    """The web text `key` in `lang` (Vietnamese when missing), {placeholders} filled."""
    from mediacheck.i18n import t

    return t(key, lang, **params)


def lang_of(request: Request) -> str:
    chosen = request.cookies.get(LANG_COOKIE, "")
    return chosen if chosen in LANGS else DEFAULT_LANG


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.ChainableUndefined)
    env.filters["tojson_attr"] = lambda v: json.dumps(v, ensure_ascii=False)
    return env


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = lang_of(request)
    context.setdefault("csrf", "")
    context.setdefault("principal", None)
    html = environment().get_template(name).render(
        t=lambda key, **params: tr(key, lang, **params), lang=lang, path=request.url.path,
        query=request.url.query, **context)
    return HTMLResponse(html, status_code=status)


def static_file(name: str) -> Response:
    """A file of `web/static/`, or the HTML reporter's own CSS as `report.css`."""
    if name == "report.css":
        from mediacheck.web.jobs import report_css

        return Response(report_css(), media_type=STATIC_TYPES[".css"])
    path = HERE / "static" / name
    suffix = path.suffix
    if "/" in name or suffix not in STATIC_TYPES or not path.is_file():
        return PlainTextResponse("not found", status_code=404)
    return Response(path.read_bytes(), media_type=STATIC_TYPES[suffix])


def refusal_json(key: str, lang: str, status: int, **params: Any) -> JSONResponse:
    return JSONResponse({"error": key, "message": tr(key, lang, **params)}, status_code=status)


def switch_language(request: Request) -> Response:
    """`/lang/en?next=/path`: remember the language in a cookie, go back to the page."""
    from starlette.responses import RedirectResponse

    from mediacheck.web.security import safe_next

    code = request.path_params.get("code", "")
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    if code in LANGS:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax",
                            httponly=True)
    return response


def sse(index: int, event: str, data: dict[str, Any]) -> str:
    """One Server-Sent Event; the id lets a reconnecting page resume (Last-Event-ID)."""
    lines = [f"id: {index}"] if index >= 0 else []
    lines += [f"event: {event}", "data: " + json.dumps(data, ensure_ascii=False)]
    return "\n".join(lines) + "\n\n"
