"""The security decisions of `mediacheck serve` (mediacheck/web/security.py), attacked directly.
The same decisions are attacked again through real servers in test_web_local/test_web_intake."""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import pytest

from mediacheck.web import security
from mediacheck.web.security import Principal, Refused


@pytest.mark.parametrize("path", [
    "", "..", "../x.jpg", "a/../../x.jpg", "a/..", "./x.jpg", "a//b.jpg", "/etc/passwd",
    "\\\\server\\share\\x.jpg", "C:\\x.jpg", "C:x.jpg", "c:/x.jpg", "a\\b.jpg", "x\x00.jpg",
    "x\n.jpg", "x\x7f.jpg", "CON", "con.jpg", "Nul.txt", "COM1.mp4", "lpt9", "aux.tar.gz",
    "x.jpg.", "x.jpg ", " x.jpg", "x:y.jpg", "x|y.jpg", "x?.jpg", "x*.jpg", 'x".jpg',
    "<x>.jpg", "a/" * 9 + "x.jpg", "x" * 256, "ả" * 128, "a/" + "b" * 400,
])
def test_client_paths_refused(path: str) -> None:
    with pytest.raises(Refused):
        security.client_relpath(path)


@pytest.mark.parametrize(("path", "expected"), [
    ("IMG_0001.JPG", "IMG_0001.JPG"),
    ("Sub folder/VID 1.mp4", "Sub folder/VID 1.mp4"),
    ("Khai giảng.jpg", "Khai giảng.jpg"),
    ("console.jpg", "console.jpg"),           # only the exact reserved stems are refused
    ("x" * 255, "x" * 255),
])
def test_client_paths_accepted(path: str, expected: str) -> None:
    assert security.client_relpath(path) == expected


def test_nfd_names_become_nfc() -> None:
    """macOS sends NFD; stored names are NFC, so the same name cannot arrive twice."""
    nfd = unicodedata.normalize("NFD", "THCS Pú Nhi/Ảnh khai giảng.jpg")
    assert nfd != unicodedata.normalize("NFC", nfd)
    assert security.client_relpath(nfd) == unicodedata.normalize("NFC", nfd)


def test_folder_segment() -> None:
    assert security.folder_segment("  THCS   Pú Nhi ") == "THCS Pú Nhi"
    with pytest.raises(Refused):
        security.folder_segment("a/b")
    with pytest.raises(Refused):
        security.folder_segment(".hidden")
    with pytest.raises(Refused) as info:
        security.folder_segment("Khai_giang", allow_underscore=False)
    assert info.value.key == "name_underscore"


def test_zip_member_paths(tmp_path: Path) -> None:
    assert security.zip_member_path("folder/") is None
    assert security.zip_member_path("THCS A_Khaigiang/IMG.jpg") == "THCS A_Khaigiang/IMG.jpg"
    for evil in ("../../etc/cron.d/x", "/abs.jpg", "C:/x.jpg", "a/../../x"):
        with pytest.raises(Refused):
            security.zip_member_path(evil)


def test_inside(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "link").symlink_to("/")
    assert security.inside(tmp_path, tmp_path / "a")
    assert not security.inside(tmp_path / "a", tmp_path)
    assert not security.inside(tmp_path, tmp_path / "link" / "etc")


@pytest.mark.parametrize(("value", "expected"), [
    ("/office?x=1", "/office?x=1"), ("//evil.example/", "/"), ("https://evil.example", "/"),
    ("/\\evil.example", "/"), (None, "/"), ("", "/"), ("javascript:alert(1)", "/"),
])
def test_safe_next(value: str | None, expected: str) -> None:
    assert security.safe_next(value) == expected


def test_who_sees_what() -> None:
    office, school_a, school_b = Principal("admin"), Principal("unit", 1), Principal("unit", 2)
    assert security.may_see(office, 1) and security.may_see(office, 2)
    assert security.may_see(school_a, 1)
    assert not security.may_see(school_a, 2) and not security.may_see(school_b, 1)
    assert not security.may_see(None, 1)
    assert not security.may_see(Principal("unit", None), None)
    assert not security.may_see(Principal("guest", 1), 1)


def test_secrets_are_hashed_with_scrypt() -> None:
    stored = security.hash_secret("mật khẩu dài 2024")
    assert stored.startswith("scrypt$") and "mật khẩu" not in stored
    assert security.verify_secret("mật khẩu dài 2024", stored)
    assert not security.verify_secret("mật khẩu dài 2025", stored)
    assert security.hash_secret("x") != security.hash_secret("x"), "no salt"
    assert not security.verify_secret("x", None)
    assert not security.verify_secret("x", "plain$text")


def test_unit_codes() -> None:
    code, key, secret = security.new_unit_code()
    assert len(code) == 19 and code.count("-") == 3
    assert security.split_unit_code(code.lower().replace("-", " ")) == (key, secret)
    assert security.split_unit_code("ABCD-EFGH") is None
    assert security.split_unit_code("0000-0000-0000-0000") is None  # 0 is not in the alphabet
    codes = {security.new_unit_code()[0] for _ in range(200)}
    assert len(codes) == 200


def test_rate_limiter() -> None:
    now = [1000.0]
    limiter = security.RateLimiter(3, 60, clock=lambda: now[0])
    for _ in range(3):
        assert limiter.blocked("ip:1") == 0
        limiter.failed("ip:1")
    assert limiter.blocked("ip:1") > 0
    assert limiter.blocked("ip:2") == 0
    assert limiter.blocked("ip:2", "ip:1") > 0, "any blocked key blocks the attempt"
    now[0] += 61
    assert limiter.blocked("ip:1") == 0


@pytest.mark.parametrize(("host", "ok"), [
    ("localhost:8000", True), ("127.0.0.1:1", True), ("[::1]:80", True), ("LOCALHOST", True),
    ("evil.example", False), ("127.0.0.1.nip.io:80", False), ("localhost.:80", False),
    (None, False), ("", False), ("127.0.0.2", False),
])
def test_loopback_hosts(host: str | None, ok: bool) -> None:
    assert security.is_loopback_host(host) is ok


def test_same_origin() -> None:
    assert security.same_origin(None, "a:1")
    assert security.same_origin("http://a:1", "a:1")
    assert not security.same_origin("http://evil:1", "a:1")
    assert not security.same_origin("null", "a:1")


def test_zip_slip_is_refused_on_extraction(tmp_path: Path) -> None:
    from mediacheck.web.uploads import Limits, Upload, extract_zip

    root = tmp_path / "staging"
    root.mkdir()
    archive = root / "upload.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("good.jpg", b"x")
        zf.writestr("../../evil.txt", b"owned")
    upload = Upload("id", "owner", root, Limits(10**9, 10**9, 100))
    with pytest.raises(Refused):
        extract_zip(upload, "upload.zip", {"max_members": 100, "max_ratio": 200.0,
                                           "max_total_gb": 1.0})
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    from mediacheck.web.uploads import Limits, Upload, extract_zip

    root = tmp_path / "staging"
    root.mkdir()
    with zipfile.ZipFile(root / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.jpg", b"\0" * 50_000_000)
    upload = Upload("id", "owner", root, Limits(10**9, 10**9, 100))
    with pytest.raises(Refused) as info:
        extract_zip(upload, "bomb.zip", {"max_members": 100, "max_ratio": 200.0,
                                         "max_total_gb": 1.0})
    assert info.value.key == "upload_total_too_big"
    assert [p.name for p in root.iterdir()] == ["bomb.zip"]
