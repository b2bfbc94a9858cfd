"""`mediacheck serve` (local mode), run for real: a uvicorn server in a subprocess, attacked and
used over loopback like a browser would (and like a hostile web page in that browser would)."""

from __future__ import annotations

import hashlib
import shutil
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import EVENT, REPO, good_photos
from web_server import Server, start

SAMPLES = REPO / "sample_media"
LOW_RES = SAMPLES / "THCS Pu Nhi_Do phan giai video"


@pytest.fixture(scope="module")
def temp_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server's TMPDIR: its temporary upload folders are looked for here only."""
    return tmp_path_factory.mktemp("server-tmp")


@pytest.fixture(scope="module")
def server(temp_root: Path) -> Iterator[Server]:
    srv = start(["--no-browser"], env={"TMPDIR": str(temp_root)})
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def signed_in(server: Server) -> Server:
    reply = server.get(f"/?token={server.token}", cookies=False)
    assert reply.status == 303
    return server


def csrf(server: Server) -> str:
    reply = server.get("/")
    assert reply.status == 200
    return server.csrf_from(reply.text)


# -------------------------------------------------------------------- who may talk to it


def test_no_token_no_page(server: Server) -> None:
    reply = server.get("/", cookies=False)
    assert reply.status == 403
    assert "token" in reply.text
    assert server.get("/?token=wrong-guess", cookies=False).status == 403
    assert server.get("/static/app.js", cookies=False).status == 403


def test_token_becomes_a_cookie_and_leaves_the_url(server: Server) -> None:
    reply = server.get(f"/?token={server.token}", cookies=False)
    assert reply.status == 303
    assert reply.headers["location"] == "/"
    cookie = reply.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert server.get("/").status == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1.evil.example",
                                  "localhost.evil.example", "192.168.1.10", "", "0.0.0.0"])
def test_host_header_must_be_a_loopback_name(signed_in: Server, host: str) -> None:
    """DNS rebinding: a page on evil.example whose name now points at 127.0.0.1."""
    reply = signed_in.get("/", headers={"Host": host})
    assert reply.status == 403, host


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]"])
def test_loopback_names_are_accepted(signed_in: Server, host: str) -> None:
    assert signed_in.get("/", headers={"Host": f"{host}:{signed_in.port}"}).status == 200


def test_refuses_clients_other_than_127_0_0_1(signed_in: Server) -> None:
    """Even with the right cookie and Host, a connection from another address is refused."""
    try:
        reply = signed_in.get("/", source="127.0.0.5")
    except OSError:
        pytest.skip("cannot bind 127.0.0.5 here")
    assert reply.status == 403
    assert "máy này" in reply.text


def test_every_post_needs_the_csrf_token(signed_in: Server) -> None:
    token = csrf(signed_in)
    fields = {"path": str(LOW_RES)}
    assert signed_in.post_form("/check", fields).status == 403
    assert signed_in.post_form("/check", {**fields, "csrf": "forged"}).status == 403
    assert signed_in.post_json("/api/uploads", {"name": EVENT}, "forged").status == 403
    # the right token from a cross-site page (Origin) is refused too
    evil = {"Origin": "http://evil.example"}
    assert signed_in.post_form("/check", {**fields, "csrf": token}, headers=evil).status == 403
    # a body that is neither a form nor carries the header is refused before it is read
    reply = signed_in.request("PUT", "/api/uploads/x/files?path=a.jpg", body=b"x" * 10)
    assert reply.status == 403
    ok = signed_in.post_form("/check", {**fields, "csrf": token},
                             headers={"Origin": f"http://{signed_in.host}"})
    assert ok.status == 303 and ok.headers["location"].startswith("/job/")


def test_no_cors_and_security_headers(signed_in: Server) -> None:
    preflight = signed_in.request("OPTIONS", "/api/uploads", headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
    page = signed_in.get("/", headers={"Origin": "http://evil.example"})
    for reply in (preflight, page):
        assert not any(k.startswith("access-control-") for k in reply.headers)
    csp = page.headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"
    assert "<script>" not in page.text and "style=" not in page.text


# -------------------------------------------------------------------- checking


def test_check_streams_the_verdict_file_by_file(signed_in: Server) -> None:
    token = csrf(signed_in)
    reply = signed_in.post_form("/check", {"path": str(LOW_RES), "csrf": token})
    job = reply.headers["location"]
    assert signed_in.get(job).status == 200
    events = signed_in.events(job + "/events")
    names = [e for e, _ in events]
    files = [d["name"] for e, d in events if e == "file"]
    assert names[0] == "start" and names[-1] == "done"
    assert sorted(files) == sorted(p.name for p in LOW_RES.iterdir())
    assert names.index("card") > max(i for i, n in enumerate(names) if n == "file")
    card = next(d for e, d in events if e == "card")
    assert not card["passed"]
    assert "CHƯA ĐẠT" in card["html"] and "video-resolution" in card["html"]
    assert "data:image/jpeg;base64," in card["html"]          # thumbnails, like the sheet
    report = signed_in.get(job + "/report.html")
    assert report.status == 200
    assert "attachment" in report.headers["content-disposition"]
    assert "<!DOCTYPE html>" in report.text and "CHƯA ĐẠT" in report.text


def test_missing_folder_is_a_clear_message(signed_in: Server) -> None:
    reply = signed_in.post_form("/check", {"path": "/no/such/folder", "csrf": csrf(signed_in)})
    assert reply.status == 400
    assert "Không tìm thấy thư mục" in reply.text


def test_english_switch(signed_in: Server) -> None:
    reply = signed_in.get("/lang/en?next=/")
    assert reply.status == 303 and reply.headers["location"] == "/"
    assert "Check an event folder" in signed_in.get("/").text
    assert signed_in.get("/lang/vi?next=//evil.example/").headers["location"] == "/"
    assert "Kiểm tra thư mục sự kiện" in signed_in.get("/").text


def test_folder_picker_lists_folders(signed_in: Server, tmp_path: Path) -> None:
    (tmp_path / "A").mkdir()
    good_photos(tmp_path, 1)
    data = signed_in.get(f"/api/browse?path={tmp_path}").json()
    assert [d["name"] for d in data["dirs"]] == ["A"]
    assert data["media"] == 1 and data["parent"] == str(tmp_path.parent)


# -------------------------------------------------------------------- dropped folders


def upload(server: Server, token: str, name: str, files: dict[str, bytes]) -> str:
    started = server.post_json("/api/uploads", {"name": name}, token)
    assert started.status == 200, started.text
    uid = started.json()["id"]
    for rel, data in files.items():
        reply = server.put_file(f"/api/uploads/{uid}/files?path={rel}", data, token)
        assert reply.status == 200, reply.text
        assert reply.json()["sha256"] == hashlib.sha256(data).hexdigest()
    finished = server.post_json(f"/api/uploads/{uid}/finish", {}, token)
    assert finished.status == 200, finished.text
    return finished.json()["url"]


def test_dropped_folder_is_uploaded_checked_and_removed_at_exit(tmp_path: Path) -> None:
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    srv = start(["--no-browser"], env={"TMPDIR": str(temp_root)})
    try:
        srv.get(f"/?token={srv.token}", cookies=False)
        token = csrf(srv)
        source = tmp_path / EVENT
        source.mkdir()
        files = {p.name: p.read_bytes() for p in good_photos(source, 3)}
        job = upload(srv, token, EVENT, files)
        events = srv.events(job + "/events")
        card = next(d for e, d in events if e == "card")
        assert card["passed"], card["html"]
        temp = list(temp_root.glob("mediacheck-serve-*"))
        assert len(temp) == 1 and any(temp[0].rglob("*.jpg"))
    finally:
        code = srv.stop(signal.SIGINT)
    assert code == 0
    assert "Đã dừng" in "".join(srv.output)
    assert not any(t.exists() for t in temp), "temporary upload folder left behind"


@pytest.mark.parametrize("path", ["../escape.jpg", "/etc/passwd", "C:/x.jpg", "a\\b.jpg",
                                  "%00.jpg", "CON.jpg", "x" * 300 + ".jpg", "./a.jpg",
                                  "a/../../b.jpg"])
def test_upload_paths_from_the_client_are_not_trusted(signed_in: Server, path: str) -> None:
    token = csrf(signed_in)
    uid = signed_in.post_json("/api/uploads", {"name": "Attack_Test"}, token).json()["id"]
    from urllib.parse import quote

    target = quote(path, safe="") if path != "%00.jpg" else path
    reply = signed_in.put_file(f"/api/uploads/{uid}/files?path={target}", b"data", token)
    assert reply.status == 400, (path, reply.text)
    assert reply.json()["error"].startswith("path_")


def test_upload_over_the_profile_limit_is_refused(tmp_path: Path) -> None:
    rules = tmp_path / "small.toml"
    rules.write_text('extends = "phuluc2"\n[serve]\nmax_file_mb = 0.01\n'
                     'max_submission_mb = 0.015\nmax_files = 3\n', encoding="utf-8")
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    srv = start(["--no-browser", "--rules", str(rules)], env={"TMPDIR": str(temp_root)})
    try:
        srv.get(f"/?token={srv.token}", cookies=False)
        token = csrf(srv)
        uid = srv.post_json("/api/uploads", {"name": EVENT}, token).json()["id"]
        big = srv.put_file(f"/api/uploads/{uid}/files?path=big.jpg", b"x" * 20_000, token)
        assert big.status == 413
        assert "vượt giới hạn 10.0 KB" in big.json()["message"]
        assert srv.put_file(f"/api/uploads/{uid}/files?path=a.jpg", b"x" * 8000,
                            token).status == 200
        total = srv.put_file(f"/api/uploads/{uid}/files?path=b.jpg", b"x" * 8000, token)
        assert total.status == 413 and total.json()["error"] == "upload_total_too_big"
        leftovers = [p.name for p in temp_root.rglob("*") if p.is_file()]
        assert leftovers == ["a.jpg"], leftovers
    finally:
        srv.stop()


def test_broken_upload_leaves_nothing(signed_in: Server, temp_root: Path) -> None:
    token = csrf(signed_in)
    uid = signed_in.post_json("/api/uploads", {"name": "Broken_Test"}, token).json()["id"]
    from web_server import stream_put

    result = stream_put(signed_in.port, f"/api/uploads/{uid}/files?path=clip.mp4",
                        50_000_000, {"X-CSRF-Token": token, "Cookie": "; ".join(
                            f"{k}={v}" for k, v in signed_in.cookies.items())},
                        stop_after=3_000_000)
    assert result is None
    import time

    time.sleep(0.5)
    folders = list(temp_root.glob("mediacheck-serve-*/*/Broken_Test"))
    assert len(folders) == 1
    assert [p.name for p in folders[0].rglob("*")] == [], "a partial file was kept"


# -------------------------------------------------------------------- fix


def test_fix_plans_first_then_builds_beside_the_source(signed_in: Server,
                                                        tmp_path: Path) -> None:
    source = tmp_path / LOW_RES.name
    shutil.copytree(LOW_RES, source)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in source.iterdir()}
    token = csrf(signed_in)
    job = signed_in.post_form("/check", {"path": str(source), "csrf": token}).headers[
        "location"]
    signed_in.events(job + "/events")
    plan = signed_in.get(f"/fix?job={job.rsplit('/', 1)[1]}")
    assert plan.status == 200, plan.text
    assert "CHUYỂN MP4" in plan.text and "KHÔNG SỬA ĐƯỢC" in plan.text
    assert list(tmp_path.iterdir()) == [source], "the plan wrote something"
    applied = signed_in.post_form("/fix", {"csrf": token, "job": job.rsplit("/", 1)[1],
                                           "unit": "THCS Pu Nhi", "activity": "Khaigiang"})
    assert applied.status == 303
    events = signed_in.events(applied.headers["location"] + "/events")
    kinds = [e for e, _ in events]
    assert "fixprogress" in kinds and "fixdone" in kinds and kinds[-1] == "done"
    output = tmp_path / "THCS Pu Nhi_Khaigiang"
    assert output.is_dir()
    card = next(d for e, d in events if e == "card")
    assert card["passed"], card["html"]
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in source.iterdir()} == before, "the source folder changed"


def test_loopback_socket_only(server: Server) -> None:
    """The server listens on 127.0.0.1 only: another local address cannot even connect."""
    with socket.socket() as sock:
        sock.settimeout(2)
        try:
            sock.connect(("127.0.0.2", server.port))
        except OSError:
            return
    pytest.fail("the local server accepted a connection on 127.0.0.2")
