"""`mediacheck serve --intake DIR`, run for real: codes and password set with the CLI, a uvicorn
server in a subprocess, schools and the office talking to it over loopback — and attacking it."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import good_photos
from web_server import Server, peak_rss_kib, start, stream_put

from mediacheck.samples.factory import make_photo

INTAKE_URL = re.compile(r"http://127\.0\.0\.1:(\d+)/ ")
PASSWORD = "mật khẩu phòng 2024"
UNITS = "STT,Tên trường\n1,Trường THCS Pú Nhi\n2,TH Mường Phăng\n3,MN Hoa Ban\n"


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mediacheck", "serve", *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


@dataclass
class Portal:
    root: Path
    units: Path
    codes: dict[str, str]
    server: Server
    rules: Path | None = None

    def school(self, unit: str) -> Server:
        """A fresh client (its own cookies) signed in as `unit`."""
        client = Server(self.server.proc, self.server.port)
        client.get("/")
        token = client.cookies["mc_pre"]
        reply = client.post_form("/login", {"csrf": token, "code": self.codes[unit]})
        assert reply.status == 303 and reply.headers["location"] == "/school", reply.text
        return client

    def office(self) -> Server:
        client = Server(self.server.proc, self.server.port)
        client.get("/office/login")
        reply = client.post_form("/office/login", {"csrf": client.cookies["mc_pre"],
                                                   "password": PASSWORD})
        assert reply.status == 303 and reply.headers["location"] == "/office", reply.text
        return client

    def restart(self) -> None:
        self.server.stop(signal.SIGKILL)
        self.server = start_server(self.root, self.rules)


def start_server(root: Path, rules: Path | None = None) -> Server:
    extra = ["--rules", str(rules)] if rules else []
    return start(["--intake", str(root), "--port", "0", *extra], wait_for=INTAKE_URL)


def make_portal(base: Path, rules: Path | None = None) -> Portal:
    root, units, codes_file = base / "nhan", base / "donvi.csv", base / "ma.csv"
    units.write_text(UNITS, encoding="utf-8")
    extra = ["--rules", str(rules)] if rules else []
    issued = cli("--intake", str(root), "--units", str(units), "--issue-codes",
                 str(codes_file), *extra)
    assert issued.returncode == 0, issued.stderr
    rows = list(csv.reader(io.StringIO(codes_file.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Đơn vị", "Mã đơn vị"] and len(rows) == 4
    password = cli("--intake", str(root), "--set-admin-password", *extra, stdin=PASSWORD + "\n")
    assert password.returncode == 0, password.stderr
    assert PASSWORD not in (root / ".mediacheck" / "intake.sqlite3").read_bytes().decode(
        "latin-1")
    return Portal(root, units, dict(rows[1:]), start_server(root, rules), rules)


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    made = make_portal(tmp_path_factory.mktemp("portal"))
    yield made
    made.server.stop()


def csrf_of(client: Server, path: str = "/school") -> str:
    return client.csrf_from(client.get(path).text)


def submit(client: Server, activity: str, files: dict[str, bytes], *,
           wait: float = 60) -> dict:
    token = csrf_of(client)
    started = client.post_json("/api/uploads", {"activity": activity}, token)
    assert started.status == 200, started.text
    uid = started.json()["id"]
    for rel, data in files.items():
        reply = client.put_file(f"/api/uploads/{uid}/files?path={quote(rel)}", data, token)
        assert reply.status == 200, reply.text
    finished = client.post_json(f"/api/uploads/{uid}/finish", {}, token)
    assert finished.status == 200, finished.text
    return client.get(finished.json()["status"] + f"?wait={wait}").json()


def matrix_of(html: str) -> dict[str, list[str]]:
    """The office matrix as {unit: [cell states]} (from the page's own markup)."""
    table = html.split('<table class="grid-table matrix">', 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr><td class=\"c-unit\">(.*?)</td>(.*?)</tr>", table, re.S):
        rows[row[0]] = re.findall(r'data-state="(\w+)"', row[1])
    return rows


def event_files(tmp_path: Path, count: int = 3, seed: int = 100) -> dict[str, bytes]:
    folder = tmp_path / f"src-{seed}"
    folder.mkdir()
    return {p.name: p.read_bytes() for p in good_photos(folder, count, seed=seed)}


# -------------------------------------------------------------------- the happy path


def test_school_uploads_and_sees_its_verdict(portal: Portal, tmp_path: Path) -> None:
    school = portal.school("Trường THCS Pú Nhi")
    assert "THCS Pú Nhi" in school.get("/school").text
    files = event_files(tmp_path)
    status = submit(school, "Khaigiang", files)
    assert status["status"] == "checked" and status["verdict"] == "pass", status
    folder = portal.root / "Khaigiang" / "THCS Pú Nhi_Khaigiang" / "v1"
    assert status["folder"] == "Khaigiang/THCS Pú Nhi_Khaigiang/v1"
    for name, data in files.items():
        assert (folder / name).read_bytes() == data
    assert {f["path"]: f["sha256"] for f in status["files"]} == {
        n: hashlib.sha256(d).hexdigest() for n, d in files.items()}
    page = school.get(f"/s/{status['id']}")
    assert page.status == 200 and "ĐẠT" in page.text and "data:image/jpeg" in page.text


def test_resubmission_keeps_every_version_and_the_cli_reads_the_latest(
        portal: Portal, tmp_path: Path) -> None:
    school = portal.school("TH Mường Phăng")
    first = submit(school, "Khai giảng", event_files(tmp_path, seed=200))
    assert first["activity"] == "Khaigiang", "the same activity, typed differently"
    bad = event_files(tmp_path, 2, seed=300)       # two photos: too few
    second = submit(school, "Khaigiang", bad)
    assert (first["version"], second["version"]) == (1, 2)
    assert second["verdict"] == "fail"
    unit_dir = portal.root / "Khaigiang" / "TH Mường Phăng_Khaigiang"
    assert sorted(p.name for p in unit_dir.iterdir() if p.is_dir()) == ["v1", "v2"]
    assert len(list((unit_dir / "v1").iterdir())) == 3, "v1 was changed"
    done = subprocess.run([sys.executable, "-m", "mediacheck", str(portal.root / "Khaigiang"),
                           "--format", "json", "--no-cache"], capture_output=True, text=True,
                          timeout=120)
    report = json.loads(done.stdout)
    by_unit = {s["unit"]: s for s in report["submissions"]}
    assert by_unit["TH Mường Phăng"]["path"].endswith("TH Mường Phăng_Khaigiang/v2")
    assert by_unit["TH Mường Phăng"]["verdict"] == "fail"
    assert by_unit["THCS Pú Nhi"]["verdict"] == "pass"
    assert all(s["activity"] == "Khaigiang" for s in report["submissions"])
    assert not any(f["check"] == "folder-name" for s in report["submissions"]
                   for f in s["findings"])
    office = portal.office()
    matrix = office.get("/office").text
    assert 'class="tag-new"' in matrix and "v2" in matrix
    office.get(f"/s/{second['id']}")
    assert 'class="tag-new"' not in office.get("/office").text


def test_office_matrix_filters_and_exports(portal: Portal, tmp_path: Path) -> None:
    office = portal.office()
    token = csrf_of(office, "/office")
    assert office.post_form("/office/activities", {"csrf": token, "name": "Hội khoẻ"}
                            ).status == 303
    bad = office.post_form("/office/activities", {"csrf": token, "name": "Hoi_khoe"})
    assert bad.status == 400 and "gạch dưới" in bad.text
    page = office.get("/office").text
    assert "Hội khoẻ" in page
    cells = matrix_of(page)
    assert set(cells) == {"Trường THCS Pú Nhi", "TH Mường Phăng", "MN Hoa Ban"}
    assert cells["Trường THCS Pú Nhi"][0] == "pass" and cells["TH Mường Phăng"][0] == "fail"
    assert "missing" in cells["MN Hoa Ban"]
    assert set(matrix_of(office.get("/office?state=fail").text)) == {"TH Mường Phăng"}
    only = matrix_of(office.get("/office?state=pass&unit=pu+nhi").text)
    assert list(only) == ["Trường THCS Pú Nhi"]
    findings = office.get("/office/export.csv?kind=findings")
    summary = office.get("/office/export.csv?kind=summary")
    for reply in (findings, summary):
        assert reply.status == 200 and "attachment" in reply.headers["content-disposition"]
        assert reply.text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(summary.text.lstrip("\ufeff"))))
    assert {r[1] for r in rows[1:]} >= {"THCS Pú Nhi"}


def test_a_zip_is_extracted_with_its_top_folder_stripped(portal: Portal,
                                                         tmp_path: Path) -> None:
    school = portal.school("MN Hoa Ban")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in event_files(tmp_path, seed=400).items():
            archive.writestr(f"MN Hoa Ban_Hoi khoe/{name}", data)
    status = submit(school, "Hội khoẻ", {"MN Hoa Ban_Hoi khoe.zip": buffer.getvalue()})
    assert status["verdict"] == "pass", status
    folder = portal.root / status["folder"]
    assert sorted(p.suffix for p in folder.iterdir()) == [".jpg"] * 3


def test_zip_slip_is_refused_and_nothing_is_kept(portal: Portal) -> None:
    school = portal.school("MN Hoa Ban")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../../evil.jpg", b"owned")
    token = csrf_of(school)
    uid = school.post_json("/api/uploads", {"activity": "Zipslip"}, token).json()["id"]
    assert school.put_file(f"/api/uploads/{uid}/files?path=x.zip", buffer.getvalue(),
                           token).status == 200
    finished = school.post_json(f"/api/uploads/{uid}/finish", {}, token)
    assert finished.status == 400 and finished.json()["error"] == "path_unsafe"
    assert not list(portal.root.rglob("evil.jpg"))
    assert not list((portal.root / "Zipslip").rglob("*.zip"))


# -------------------------------------------------------------------- who sees what


def test_nobody_sees_or_changes_another_units_submissions(portal: Portal,
                                                           tmp_path: Path) -> None:
    owner = portal.school("Trường THCS Pú Nhi")
    theirs = submit(owner, "Khaigiang", event_files(tmp_path, seed=500))
    other = portal.school("MN Hoa Ban")
    for path in (f"/s/{theirs['id']}", f"/s/{theirs['id']}.json",
                 f"/s/{theirs['id']}/events"):
        assert other.get(path).status == 404, path
    assert "THCS Pú Nhi" not in other.get("/school/history").text
    # an upload in progress belongs to the unit that started it
    token_owner = csrf_of(owner)
    uid = owner.post_json("/api/uploads", {"activity": "Khaigiang"}, token_owner).json()["id"]
    token_other = csrf_of(other)
    assert other.put_file(f"/api/uploads/{uid}/files?path=x.jpg", b"x",
                          token_other).status == 404
    assert other.post_json(f"/api/uploads/{uid}/finish", {}, token_other).status == 404
    # a unit's own token cannot be used with another's session either
    assert other.put_file(f"/api/uploads/{uid}/files?path=x.jpg", b"x",
                          token_owner).status == 403
    # nor the office's pages
    assert other.get("/office").status == 404
    assert other.get("/office/export.csv").status == 404
    assert other.post_form("/office/units/1/revoke", {"csrf": token_other}).status == 404
    anonymous = Server(portal.server.proc, portal.server.port)
    assert anonymous.get(f"/s/{theirs['id']}").status == 303
    assert anonymous.get("/office").status == 303


def test_csrf_on_every_form(portal: Portal) -> None:
    anonymous = Server(portal.server.proc, portal.server.port)
    anonymous.get("/")
    assert anonymous.post_form("/login", {"code": "ABCD-EFGH-JKLM-NPQR"}).status == 403
    assert anonymous.post_form("/login", {"code": "x", "csrf": "forged"}).status == 403
    school = portal.school("MN Hoa Ban")
    assert school.post_json("/api/uploads", {"activity": "A"}, "forged").status == 403
    assert school.post_form("/logout", {}).status == 403
    office = portal.office()
    assert office.post_form("/office/activities", {"name": "X"}).status == 403
    token = csrf_of(office, "/office")
    assert office.post_form("/office/activities", {"name": "X", "csrf": token}, headers={
        "Origin": "https://evil.example"}).status == 403


def test_security_headers(portal: Portal) -> None:
    reply = Server(portal.server.proc, portal.server.port).get("/")
    csp = reply.headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert reply.headers["x-frame-options"] == "DENY"
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert "server" not in reply.headers


# -------------------------------------------------------------------- sign-in


def test_sign_in_is_rate_limited_codes_revoked_and_reissued(tmp_path: Path) -> None:
    made = make_portal(tmp_path)
    try:
        client = Server(made.server.proc, made.server.port)
        client.get("/")
        token = client.cookies["mc_pre"]
        code = made.codes["MN Hoa Ban"]
        wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
        for _ in range(5):
            assert client.post_form("/login", {"csrf": token, "code": wrong}).status == 401
        blocked = client.post_form("/login", {"csrf": token, "code": code})
        assert blocked.status == 429 and "quá nhiều lần" in blocked.text
        made.server.stop()
        made.server = start_server(made.root)       # the limit is per process and window
        school = made.school("MN Hoa Ban")
        assert school.get("/school").status == 200
        revoked = cli("--intake", str(made.root), "--revoke", "MN Hoa Ban")
        assert revoked.returncode == 0, revoked.stderr
        assert school.get("/school").status == 303, "a revoked unit's session lives on"
        with pytest.raises(AssertionError):
            made.school("MN Hoa Ban")
        again = cli("--intake", str(made.root), "--issue-codes", str(tmp_path / "moi.csv"))
        rows = dict(list(csv.reader(io.StringIO((tmp_path / "moi.csv").read_text(
            encoding="utf-8-sig"))))[1:])
        assert again.returncode == 0 and list(rows) == ["MN Hoa Ban"]
        made.codes["MN Hoa Ban"] = rows["MN Hoa Ban"]
        assert made.school("MN Hoa Ban").get("/school").status == 200
        refused = cli("--intake", str(made.root), "--issue-codes", str(tmp_path / "moi.csv"))
        assert refused.returncode == 2, "an existing codes file was overwritten"
    finally:
        made.server.stop()


def test_sessions_expire(tmp_path: Path) -> None:
    rules = tmp_path / "short.toml"
    rules.write_text('extends = "phuluc2"\n[serve]\nsession_hours = 0.0006\n',
                     encoding="utf-8")
    made = make_portal(tmp_path, rules)
    try:
        school = made.school("MN Hoa Ban")
        assert school.get("/school").status == 200
        time.sleep(2.5)
        reply = school.get("/school")
        assert reply.status == 303 and reply.headers["location"] == "/?expired=1"
        assert "hết hạn" in school.get("/?expired=1").text
    finally:
        made.server.stop()


def test_first_start_prints_a_one_time_setup_link(tmp_path: Path) -> None:
    units = tmp_path / "donvi.csv"
    units.write_text(UNITS, encoding="utf-8")
    srv = start(["--intake", str(tmp_path / "nhan"), "--units", str(units), "--port", "0"],
                wait_for=re.compile(r"http://127\.0\.0\.1:(\d+)/setup\?token=(\S+)"))
    try:
        assert srv.get("/setup?token=guess").status == 403
        form = srv.get(f"/setup?token={srv.token}")
        assert form.status == 200
        fields = {"csrf": srv.cookies["mc_pre"], "token": srv.token}
        short = srv.post_form("/setup", {**fields, "password": "ngắn", "again": "ngắn"})
        assert short.status == 400
        done = srv.post_form("/setup", {**fields, "password": PASSWORD, "again": PASSWORD})
        assert done.status == 303
        assert srv.post_form("/setup", {**fields, "password": "x" * 12, "again": "x" * 12}
                             ).status == 403, "the setup link worked twice"
        srv.get("/office/login")
        login = srv.post_form("/office/login", {"csrf": srv.cookies["mc_pre"],
                                                "password": PASSWORD})
        assert login.status == 303
    finally:
        srv.stop()


# -------------------------------------------------------------------- uploads under stress


def test_broken_upload_and_a_crash_leave_nothing_half_received(tmp_path: Path) -> None:
    made = make_portal(tmp_path)
    try:
        school = made.school("MN Hoa Ban")
        accepted = submit(school, "Khaigiang", event_files(tmp_path, seed=600))
        token = csrf_of(school)
        uid = school.post_json("/api/uploads", {"activity": "Khaigiang"}, token).json()["id"]
        good = make_photo(tmp_path / "one.jpg", size=(1800, 1200), seed=9).read_bytes()
        assert school.put_file(f"/api/uploads/{uid}/files?path=one.jpg", good,
                               token).status == 200
        cookie = "; ".join(f"{k}={v}" for k, v in school.cookies.items())
        dropped = stream_put(made.server.port, f"/api/uploads/{uid}/files?path=clip.mp4",
                             200_000_000, {"X-CSRF-Token": token, "Cookie": cookie},
                             stop_after=20_000_000)
        assert dropped is None
        time.sleep(0.5)
        incoming = list(made.root.glob("*/*/.incoming-*"))
        assert len(incoming) == 1
        assert sorted(p.name for p in incoming[0].iterdir()) == ["one.jpg"]
        made.restart()                                     # kill -9, start again
        assert not list(made.root.glob("*/*/.incoming-*")), "half-received upload kept"
        office = made.office()
        kept = office.get(f"/s/{accepted['id']}.json").json()
        assert kept["status"] == "checked" and kept["verdict"] == "pass"
        for entry in kept["files"]:
            data = (made.root / kept["folder"] / entry["path"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert sorted(p.name for p in (made.root / "Khaigiang" / "MN Hoa Ban_Khaigiang"
                                       ).iterdir()) == [".mediacheck-versions", "v1"]
    finally:
        made.server.stop()


def test_a_version_renamed_but_not_recorded_is_adopted_on_restart(tmp_path: Path) -> None:
    """A crash between the rename and the row: the complete folder is found and recorded."""
    made = make_portal(tmp_path)
    try:
        school = made.school("MN Hoa Ban")
        first = submit(school, "Khaigiang", event_files(tmp_path, seed=700))
        made.server.stop()
        unit_dir = made.root / first["folder"].rsplit("/", 1)[0]
        second = unit_dir / "v2"
        second.mkdir()
        for name, data in event_files(tmp_path, seed=800).items():
            (second / name).write_bytes(data)
        made.server = start_server(made.root)
        office = made.office()
        deadline = time.monotonic() + 30
        while "v2" not in office.get("/office").text and time.monotonic() < deadline:
            time.sleep(0.2)
        page = office.get("/office").text
        assert "v2" in page and "Đạt" in page
    finally:
        made.server.stop()


def test_4gb_upload_streams_to_disk_with_flat_memory(portal: Portal) -> None:
    school = portal.school("MN Hoa Ban")
    token = csrf_of(school)
    uid = school.post_json("/api/uploads", {"activity": "Video lon"}, token).json()["id"]
    pid = portal.server.proc.pid
    before = peak_rss_kib(pid)
    size = 4 * 1024 ** 3
    cookie = "; ".join(f"{k}={v}" for k, v in school.cookies.items())
    reply = stream_put(portal.server.port, f"/api/uploads/{uid}/files?path=big.mp4", size,
                       {"X-CSRF-Token": token, "Cookie": cookie})
    assert reply is not None and reply.status == 200, reply and reply.body
    assert reply.json()["size"] == size
    grown_mib = (peak_rss_kib(pid) - before) / 1024
    print(f"server peak RSS {before / 1024:.0f} MiB before, {peak_rss_kib(pid) / 1024:.0f} MiB "
          f"after a 4 GiB upload")
    assert grown_mib < 64, f"memory grew by {grown_mib:.0f} MiB"
    expected = hashlib.sha256()
    block = bytes(range(256)) * 4096
    for _ in range(size // len(block)):
        expected.update(block)
    assert reply.json()["sha256"] == expected.hexdigest()
    staged = list(portal.root.glob("Video lon/*/.incoming-*/big.mp4"))
    assert len(staged) == 1 and staged[0].stat().st_size == size
    staged[0].unlink()
