"""Start `mediacheck serve` for real (a uvicorn server in a subprocess, as a user runs it) and
talk to it with the standard library's HTTP client, which lets tests forge any header.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

URL = re.compile(r"http://127\.0\.0\.1:(\d+)/\?token=(\S+)")
START_TIMEOUT = 30.0


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Server:
    """A running `mediacheck serve`: its process, port, output so far and (local) token."""

    proc: subprocess.Popen
    port: int
    token: str = ""
    output: list[str] = field(default_factory=list)
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def request(self, method: str, path: str, *, body: bytes | None = None,
                headers: dict[str, str] | None = None, cookies: bool = True,
                source: str | None = None, timeout: float = 60.0) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout,
                                          source_address=(source, 0) if source else None)
        sent = {"Host": self.host}
        if cookies and self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for key, value in sent.items():
                conn.putheader(key, value)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            reply = conn.getresponse()
            data = reply.read()
            headers_out = {k.lower(): v for k, v in reply.getheaders()}
            for value in reply.headers.get_all("set-cookie") or []:
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return Response(reply.status, headers_out, data)
        finally:
            conn.close()

    def get(self, path: str, **kw: Any) -> Response:
        return self.request("GET", path, **kw)

    def post_form(self, path: str, fields: dict[str, str], **kw: Any) -> Response:
        headers = {"Content-Type": "application/x-www-form-urlencoded", **kw.pop("headers", {})}
        return self.request("POST", path, body=urlencode(fields).encode(), headers=headers, **kw)

    def post_json(self, path: str, data: dict[str, Any], csrf: str, **kw: Any) -> Response:
        headers = {"Content-Type": "application/json", "X-CSRF-Token": csrf,
                   **kw.pop("headers", {})}
        return self.request("POST", path, body=json.dumps(data).encode(), headers=headers, **kw)

    def put_file(self, path: str, data: bytes, csrf: str, **kw: Any) -> Response:
        headers = {"X-CSRF-Token": csrf, "Content-Type": "application/octet-stream",
                   **kw.pop("headers", {})}
        return self.request("PUT", path, body=data, headers=headers, **kw)

    def events(self, path: str, timeout: float = 120.0) -> list[tuple[str, dict[str, Any]]]:
        """Read a Server-Sent Events stream until its `done` or `failed` event."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request("GET", path, headers={"Host": self.host, "Cookie": cookie})
        reply = conn.getresponse()
        assert reply.status == 200, reply.read()
        assert reply.getheader("content-type", "").startswith("text/event-stream")
        found: list[tuple[str, dict[str, Any]]] = []
        event, data = "", ""
        try:
            while True:
                line = reply.readline().decode("utf-8")
                if not line:
                    return found
                line = line.rstrip("\n")
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    data = line[6:]
                elif line == "" and event:
                    found.append((event, json.loads(data)))
                    if event in ("done", "failed"):
                        return found
                    event, data = "", ""
        finally:
            conn.close()

    def csrf_from(self, html: str) -> str:
        match = re.search(r'<meta name="csrf" content="([^"]*)"', html)
        assert match, html[:500]
        return match.group(1)

    def stop(self, sig: int = signal.SIGINT, timeout: float = 20.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def _reader(proc: subprocess.Popen, lines: list[str]) -> None:
    for line in proc.stdout:  # type: ignore[union-attr]
        lines.append(line)


def start(args: list[str], *, wait_for: re.Pattern[str] = URL, env: dict[str, str] | None = None,
          cwd: Path | None = None) -> Server:
    """Run `python -m mediacheck serve ARGS` and wait until it prints its address."""
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    proc = subprocess.Popen([sys.executable, "-m", "mediacheck", "serve", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=full_env, cwd=cwd)
    lines: list[str] = []
    threading.Thread(target=_reader, args=(proc, lines), daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        for line in list(lines):
            match = wait_for.search(line)
            if match:
                port = int(match.group(1))
                token = match.group(2) if match.lastindex and match.lastindex > 1 else ""
                return Server(proc, port, token, lines)
        if proc.poll() is not None:
            raise RuntimeError("server exited: " + "".join(lines))
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("server did not start: " + "".join(lines))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def peak_rss_kib(pid: int) -> int:
    """The process's peak resident memory (VmHWM), in KiB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def stream_put(port: int, path: str, size: int, headers: dict[str, str], *,
               chunk: int = 1 << 20, stop_after: int | None = None) -> Response | None:
    """PUT a generated body of `size` bytes without holding it in memory; with `stop_after`,
    drop the connection after that many bytes (a broken upload) and return None."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.putrequest("PUT", path, skip_host=True, skip_accept_encoding=True)
    for key, value in {"Host": f"127.0.0.1:{port}", "Content-Length": str(size),
                       **headers}.items():
        conn.putheader(key, value)
    conn.endheaders()
    block = bytes(range(256)) * (chunk // 256)
    sent = 0
    try:
        while sent < size:
            piece = block[: min(chunk, size - sent)]
            if stop_after is not None and sent + len(piece) > stop_after:
                conn.sock.send(piece[: stop_after - sent])
                conn.sock.shutdown(socket.SHUT_RDWR)
                return None
            conn.send(piece)
            sent += len(piece)
        reply = conn.getresponse()
        return Response(reply.status, {k.lower(): v for k, v in reply.getheaders()},
                        reply.read())
    finally:
        conn.close()


def iter_lines_until(server: Server, pattern: str, timeout: float = 10.0) -> Iterator[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in list(server.output):
            if pattern in line:
                yield line
                return
        time.sleep(0.05)


def host_of(url: str) -> str:
    return urlsplit(url).netloc
