"""Every security decision of `mediacheck serve`, in one place, so it can be read and attacked
in one place (tests/test_web_security.py).

- What a path from a client may be (`client_relpath`, `folder_segment`, `zip_member_path`):
  nothing a browser, a ZIP or a school sends is trusted as a path. `..`, absolute and Windows
  drive paths, backslashes, NUL and control characters, overlong names, Windows' reserved names
  and trailing dots are refused; names are NFC (macOS sends NFD).
- Who may see what (`Principal`, `may_see`): the office sees every submission; a school only its
  own unit's; anything else is "not found", so ids of other units' submissions leak nothing.
- The local page (`LocalGuard`): only 127.0.0.1, only a loopback Host header (DNS rebinding),
  a per-launch secret from the opened URL, then a cookie (as Jupyter does).
- Forms and scripts (`CsrfGuard`): every POST/PUT/DELETE carries the session's CSRF token (a
  form field or the `X-CSRF-Token` header) and, when the browser sends one, a same-site Origin.
- Secrets: passwords and unit codes hashed with scrypt (`hash_secret`), sign-in attempts limited
  (`RateLimiter`), session tokens random and stored only as a digest.
- Headers on every response (`SecurityHeaders`): a CSP with no inline script or style,
  frame-ancestors 'none', nosniff, no referrer to other sites; and never any CORS header.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import re
import secrets
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

MAX_NAME_BYTES = 255           # one path component, in UTF-8 (ext4, NTFS and zip tools agree)
MAX_PATH_CHARS = 400           # a whole relative path (below Windows' classic 260 + a base)
MAX_DEPTH = 8
MAX_FORM_BYTES = 64 * 1024     # a urlencoded form; uploads never come as forms
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", "conin$", "conout$",
                    *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10)),
                    *(f"com{c}" for c in "¹²³"), *(f"lpt{c}" for c in "¹²³")}
WINDOWS_FORBIDDEN = set('<>:"|?*\\/')
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "[::1]", "::1"}
LOCAL_CLIENT = "127.0.0.1"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"   # no 0/O, 1/I: read aloud over the phone
CODE_KEY_LEN = 4
CODE_SECRET_LEN = 12
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSRF_FIELD = "csrf"
CSRF_HEADER = b"x-csrf-token"


class Refused(Exception):
    """A request refused for a reason the user is told: `key` names the message (web.toml)."""

    def __init__(self, key: str, status: int = 400, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.status = status
        self.params = params


# ------------------------------------------------------------------------------------- paths


def _check_component(part: str) -> str:
    if part in ("", ".", ".."):
        raise Refused("path_unsafe", name=part)
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in part) or any(
            ch in WINDOWS_FORBIDDEN for ch in part):
        raise Refused("path_unsafe", name=part)
    if part != part.strip() or part.endswith("."):
        raise Refused("path_unsafe", name=part)
    if len(part.encode("utf-8")) > MAX_NAME_BYTES:
        raise Refused("path_too_long", name=part[:40] + "…")
    stem = part.split(".", 1)[0].rstrip().casefold()
    if stem in WINDOWS_RESERVED:
        raise Refused("path_reserved", name=part)
    return part


def client_relpath(raw: str) -> str:
    """A relative path sent by a client, made safe: NFC, `/`-separated, inside its folder.

    Refused (never repaired, so two names can never collide after repair): empty, absolute
    (`/x`, `\\\\server\\x`, `C:x`), any `..` or `.` part, a backslash, NUL or control character,
    a Windows-forbidden character, a component over 255 bytes, a reserved Windows name (`CON`,
    `nul.txt`, `COM1`), trailing dots or spaces, too deep or too long.
    """
    if not isinstance(raw, str) or not raw or "\x00" in raw:
        raise Refused("path_unsafe", name=repr(raw)[:40])
    text = unicodedata.normalize("NFC", raw)
    if text.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", text) or "\\" in text:
        raise Refused("path_unsafe", name=text[:80])
    if len(text) > MAX_PATH_CHARS:
        raise Refused("path_too_long", name=text[:40] + "…")
    parts = text.split("/")
    if len(parts) > MAX_DEPTH:
        raise Refused("path_unsafe", name=text[:80])
    return "/".join(_check_component(p) for p in parts)


def folder_segment(raw: str, *, allow_underscore: bool = True) -> str:
    """One folder name from a client or a list (a dropped folder, a unit, an activity)."""
    if not isinstance(raw, str):
        raise Refused("path_unsafe", name="?")
    text = " ".join(unicodedata.normalize("NFC", raw).split())
    if "/" in text:
        raise Refused("path_unsafe", name=text[:80])
    if not allow_underscore and "_" in text:
        raise Refused("name_underscore", name=text[:80])
    _check_component(text)
    if text.startswith("."):
        raise Refused("path_unsafe", name=text[:80])
    return text


def zip_member_path(name: str) -> str | None:
    """Where a ZIP member may be extracted (relative, safe), None for a folder entry; Refused
    for zip slip and every unsafe name `client_relpath` refuses."""
    if name.endswith("/"):
        return None
    return client_relpath(name)


def inside(base: Path, candidate: Path) -> bool:
    """Is `candidate` (resolved, links followed) `base` or below it?"""
    try:
        root, target = base.resolve(), candidate.resolve()
    except OSError:
        return False
    return target == root or root in target.parents


def safe_next(value: str | None) -> str:
    """A redirect target from a query string: a path on this site, else `/` (no open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    if urlsplit(value).netloc or any(ord(ch) < 32 for ch in value):
        return "/"
    return value


# ------------------------------------------------------------------------------- who sees what


@dataclass(frozen=True)
class Principal:
    """Who is signed in: the office (`admin`) or one unit (`unit`, with its id)."""

    role: str
    unit_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def may_see(principal: Principal | None, owner_unit_id: int | None) -> bool:
    """The office sees everything; a unit sees only what belongs to its own unit."""
    if principal is None:
        return False
    if principal.is_admin:
        return True
    return principal.role == "unit" and principal.unit_id is not None and (
        principal.unit_id == owner_unit_id)


# ------------------------------------------------------------------------------------ secrets


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def token_digest(token: str) -> str:
    """Session tokens are random (256 bits): a plain digest is enough to store them safely."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_secret(secret: str) -> str:
    """scrypt with a random salt, as `scrypt$n$r$p$salt$hash` (standard library only)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R,
                            p=SCRYPT_P, dklen=32)
    return "$".join(["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P),
                     base64.b64encode(salt).decode(), base64.b64encode(digest).decode()])


def verify_secret(secret: str, stored: str | None) -> bool:
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        computed = hashlib.scrypt(secret.encode("utf-8"), salt=base64.b64decode(salt),
                                  n=int(n), r=int(r), p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed, base64.b64decode(digest))


def new_unit_code() -> tuple[str, str, str]:
    """(code as handed out, its public key part, its secret part): `ABCD-EFGH-JKLM-NPQR`.

    The first group finds the unit without trying every hash; the other 12 characters (60 bits)
    are the secret, stored only as an scrypt hash."""
    key = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_KEY_LEN))
    secret = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_SECRET_LEN))
    groups = [key] + [secret[i:i + 4] for i in range(0, CODE_SECRET_LEN, 4)]
    return "-".join(groups), key, secret


def split_unit_code(typed: str) -> tuple[str, str] | None:
    """(key, secret) of a code as a person types it: any case, spaces or dashes."""
    text = re.sub(r"[\s\-]", "", (typed or "").upper())
    if len(text) != CODE_KEY_LEN + CODE_SECRET_LEN or any(c not in CODE_ALPHABET for c in text):
        return None
    return text[:CODE_KEY_LEN], text[CODE_KEY_LEN:]


def same_token(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(
        str(expected).encode(), str(given).encode())


class RateLimiter:
    """At most `attempts` failures per key within `window` seconds; success does not reset the
    address's count (a guesser with one right code must not get a fresh budget)."""

    def __init__(self, attempts: int, window: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.attempts, self.window, self.clock = attempts, window, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str) -> deque[float]:
        now = self.clock()
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def blocked(self, *keys: str) -> float:
        """Seconds to wait before another attempt (0: go ahead)."""
        with self._lock:
            waits = [f[0] + self.window - self.clock() for k in keys
                     if len(f := self._recent(k)) >= self.attempts]
        return max(waits, default=0.0)

    def failed(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._recent(key).append(self.clock())


# ------------------------------------------------------------------------------ ASGI guards

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header(scope, b"cookie") or "")
    except Exception:  # noqa: BLE001 - a malformed cookie header is simply no cookie
        return {}
    return {k: m.value for k, m in jar.items()}


def host_name(host: str | None) -> str:
    """The name part of a Host header (`localhost:8765` -> `localhost`, `[::1]:80` -> `[::1]`)."""
    host = (host or "").strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def is_loopback_host(host: str | None) -> bool:
    return host_name(host) in LOOPBACK_NAMES


def is_local_client(client: tuple[str, int] | None) -> bool:
    return client is not None and client[0] == LOCAL_CLIENT


async def plain_refusal(send: Send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()), *_header_list()]})
    await send({"type": "http.response.body", "body": body})


class LocalGuard:
    """The teacher's local page: refuse anything not from 127.0.0.1 or not addressed to a
    loopback name; accept the launch secret once in `?token=` (then set as a cookie and
    redirected away, so it does not stay in history) and afterwards only the cookie."""

    COOKIE = "mc_local"

    def __init__(self, app: App, secret: str, refusal: Callable[[str], str]) -> None:
        self.app, self.secret, self.refusal = app, secret, refusal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not is_local_client(scope.get("client")):
            await plain_refusal(send, 403, self.refusal("refused_not_local"))
            return
        if not is_loopback_host(header(scope, b"host")):
            await plain_refusal(send, 403, self.refusal("refused_host"))
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = (query.get("token") or [None])[0]
        if given is not None and same_token(self.secret, given):
            await self._set_cookie_and_redirect(scope, send)
            return
        if not same_token(self.secret, cookies(scope).get(self.COOKIE)):
            await plain_refusal(send, 403, self.refusal("refused_token"))
            return
        await self.app(scope, receive, send)

    async def _set_cookie_and_redirect(self, scope: Scope, send: Send) -> None:
        cookie = f"{self.COOKIE}={self.secret}; Path=/; HttpOnly; SameSite=Strict"
        await send({"type": "http.response.start", "status": 303, "headers": [
            (b"location", (scope.get("path") or "/").encode("utf-8")),
            (b"set-cookie", cookie.encode()), (b"content-length", b"0"), *_header_list()]})
        await send({"type": "http.response.body", "body": b""})


class CsrfGuard:
    """Every state-changing request must carry the CSRF token of its session.

    `expected(scope)` names the token for this request (the launch token locally; the session's,
    or the pre-sign-in cookie's, at the intake). Scripts send it as `X-CSRF-Token`; HTML forms
    (urlencoded, small) as the `csrf` field, read here and replayed to the app untouched. A
    cross-site `Origin` is refused even with a token. Uploads are never forms: any other body
    without the header is refused before a byte of it is read.
    """

    def __init__(self, app: App, expected: Callable[[Scope], str | None],
                 refusal: Callable[[str], str]) -> None:
        self.app, self.expected, self.refusal = app, expected, refusal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        if not same_origin(header(scope, b"origin"), header(scope, b"host")):
            await plain_refusal(send, 403, self.refusal("refused_origin"))
            return
        expected = self.expected(scope)
        given = header(scope, CSRF_HEADER)
        if given is not None:
            if not same_token(expected, given):
                await plain_refusal(send, 403, self.refusal("refused_csrf"))
                return
            await self.app(scope, receive, send)
            return
        ctype = (header(scope, b"content-type") or "").split(";")[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            await plain_refusal(send, 403, self.refusal("refused_csrf"))
            return
        body = await _read_small_body(receive)
        if body is None:
            await plain_refusal(send, 413, self.refusal("refused_form_size"))
            return
        field = (parse_qs(body.decode("utf-8", "replace")).get(CSRF_FIELD) or [None])[0]
        if not same_token(expected, field):
            await plain_refusal(send, 403, self.refusal("refused_csrf"))
            return
        await self.app(scope, _replay(body), send)


def same_origin(origin: str | None, host: str | None) -> bool:
    """No Origin (an older browser, a script on the machine): decided by the token alone."""
    if origin is None:
        return True
    if origin == "null":
        return False
    return urlsplit(origin).netloc.lower() == (host or "").strip().lower()


async def _read_small_body(receive: Receive) -> bytes | None:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


# --------------------------------------------------------------------------------- headers

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",  # no-referrer would make Chrome send `Origin: null`
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cache-control": "no-store",
}
CORS_PREFIX = b"access-control-"


def _header_list() -> list[tuple[bytes, bytes]]:
    return [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]


class SecurityHeaders:
    """Add the security headers to every response and drop any CORS header (none is ever
    wanted: the pages are same-origin only)."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                names = set(SECURITY_HEADERS)
                kept = [(k, v) for k, v in message.get("headers", [])
                        if not k.lower().startswith(CORS_PREFIX)
                        and k.lower().decode("latin-1") not in names]
                message = {**message, "headers": kept + _header_list()}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def client_address(scope: Scope) -> str:
    """The client's address for rate limiting (uvicorn's proxy-headers support has already put
    the forwarded address here when the request came through a trusted proxy)."""
    client = scope.get("client")
    if not client:
        return "?"
    try:
        return str(ipaddress.ip_address(client[0]))
    except ValueError:
        return str(client[0])
