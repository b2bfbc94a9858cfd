"""End to end in a real browser: headless Chromium from Debian's packages, driven by Playwright
(never `playwright install`: nothing downloads a browser). A teacher checks and fixes a folder;
a school signs in, uploads and sees its verdict; the office sees the matrix change.

Every page is photographed at 1400 px and 420 px into $MEDIACHECK_SCREENSHOTS (default: the
test's temporary folder). Skipped when chromium or playwright is absent.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EVENT, REPO, good_photos
from test_web_intake import make_portal, matrix_of
from web_server import start

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install '.[e2e]'")
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason="needs Debian's chromium (apt-get install chromium)")
WIDTHS = (1400, 420)
LOW_RES = REPO / "sample_media" / "THCS Pu Nhi_Do phan giai video"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM,
                                     args=["--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("MEDIACHECK_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def snap(page: Any, shots: Path, name: str) -> None:
    """The page as it is, then the same page at the other width (a phone)."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def new_page(browser: Any) -> Any:
    page = browser.new_page(viewport={"width": WIDTHS[0], "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error"
            and "favicon" not in msg.text and "404" not in msg.text else None)
    page.errors = errors
    return page


def test_teacher_checks_and_fixes_a_folder(browser: Any, shots: Path, tmp_path: Path) -> None:
    source = tmp_path / LOW_RES.name
    shutil.copytree(LOW_RES, source)
    srv = start(["--no-browser"], env={"TMPDIR": str(tmp_path)})
    try:
        page = new_page(browser)
        page.goto(f"http://127.0.0.1:{srv.port}/?token={srv.token}")
        assert page.url.endswith("/") and "token" not in page.url
        page.click("#browse")
        page.wait_for_selector("#picker-list li")
        snap(page, shots, "local-home")
        page.fill("#path", str(source))
        page.click("#check-form button[type=submit]")
        page.wait_for_selector("#actions:not([hidden])", timeout=60_000)
        assert "CHƯA ĐẠT" in page.inner_text("#cards")
        snap(page, shots, "local-check")
        page.click("#fix-link")
        page.wait_for_selector("table.plan")
        assert "CHUYỂN MP4" in page.inner_text("table.plan")
        snap(page, shots, "local-fix-plan")
        page.click("#apply")
        page.wait_for_selector("#actions:not([hidden])", timeout=120_000)
        assert "ĐẠT" in page.inner_text("#cards .badge")
        assert "CHƯA" not in page.inner_text("#cards .badge")
        snap(page, shots, "local-fix-done")
        assert (tmp_path / "mediacheck - ban sua" / LOW_RES.name).is_dir()
        with page.expect_download() as download:
            page.click("text=Tải báo cáo")
        assert "ĐẠT" in Path(download.value.path()).read_text(encoding="utf-8")
        page.click("text=English")
        page.wait_for_selector("h1:has-text(\"Fix automatically\")")
        page.wait_for_selector("#actions:not([hidden])")
        assert page.errors == [], page.errors
    finally:
        srv.stop()


def test_teacher_uploads_a_folder_from_the_drop_zone(browser: Any, shots: Path,
                                                     tmp_path: Path) -> None:
    folder = tmp_path / "picked" / EVENT
    folder.mkdir(parents=True)
    good_photos(folder, 3)
    srv = start(["--no-browser"], env={"TMPDIR": str(tmp_path)})
    try:
        page = new_page(browser)
        page.goto(f"http://127.0.0.1:{srv.port}/?token={srv.token}")
        page.set_input_files("#drop-input", str(folder))
        page.wait_for_selector("#actions:not([hidden])", timeout=60_000)
        assert "ĐẠT" in page.inner_text("#cards .badge")
        assert EVENT in page.inner_text("#cards")
        assert page.errors == [], page.errors
    finally:
        srv.stop()


def test_school_uploads_and_the_office_sees_the_matrix_change(browser: Any, shots: Path,
                                                              tmp_path: Path) -> None:
    portal = make_portal(tmp_path)
    base = f"http://127.0.0.1:{portal.server.port}"
    folder = tmp_path / "upload" / "THCS Pu Nhi_Khaigiang"
    folder.mkdir(parents=True)
    good_photos(folder, 3)
    try:
        office = new_page(browser)
        office.goto(base + "/office/login")
        snap(office, shots, "intake-office-login")
        office.fill("#password", "mật khẩu phòng 2024")
        office.click("button[type=submit]")
        office.fill("input[name=name]", "Khaigiang")
        office.click("form[action=\"/office/activities\"] button")
        office.wait_for_selector("table.matrix")
        before = matrix_of(office.content())
        assert before["Trường THCS Pú Nhi"] == ["missing"]
        snap(office, shots, "intake-office-empty")

        school = new_page(browser)
        school.goto(base + "/")
        snap(school, shots, "intake-login")
        school.fill("#code", portal.codes["Trường THCS Pú Nhi"].lower())
        school.click("button[type=submit]")
        school.wait_for_selector("#submit-form")
        school.select_option("#activity", "Khaigiang")
        school.set_input_files("#folder-input", str(folder))
        school.wait_for_selector("#send:not([disabled])")
        snap(school, shots, "intake-school-selected")
        school.click("#send")
        school.wait_for_selector("#verdict .badge", timeout=60_000)
        assert school.inner_text("#verdict .badge") == "ĐẠT"
        school.wait_for_selector("#history .badge")
        snap(school, shots, "intake-school-verdict")
        assert school.errors == [], school.errors

        office.reload()
        after = matrix_of(office.content())
        assert after["Trường THCS Pú Nhi"] == ["pass"]
        snap(office, shots, "intake-office-matrix")
        office.click("table.matrix a")
        office.wait_for_selector("#cards .badge")
        snap(office, shots, "intake-submission")
        assert office.errors == [], office.errors
    finally:
        portal.server.stop()


def test_office_sets_its_password_from_the_console_link(browser: Any, shots: Path,
                                                        tmp_path: Path) -> None:
    import re

    units = tmp_path / "donvi.csv"
    units.write_text("Đơn vị\nTHCS Pú Nhi\n", encoding="utf-8")
    srv = start(["--intake", str(tmp_path / "nhan"), "--units", str(units), "--port", "0"],
                wait_for=re.compile(r"http://127\.0\.0\.1:(\d+)/setup\?token=(\S+)"))
    try:
        page = new_page(browser)
        page.goto(f"http://127.0.0.1:{srv.port}/setup?token={srv.token}")
        snap(page, shots, "intake-setup")
        page.fill("#password", "mật khẩu phòng 2024")
        page.fill("#again", "mật khẩu phòng 2024")
        page.click("button[type=submit]")
        page.wait_for_selector("#password")
        assert "Đã lưu mật khẩu" in page.inner_text("main")
        page.fill("#password", "mật khẩu phòng 2024")
        page.click("button[type=submit]")
        page.wait_for_selector("table.codes")
        page.click("text=English")
        page.wait_for_selector("h1:has-text('Submissions overview')")
        snap(page, shots, "intake-office-english")
        assert page.errors == [], page.errors
    finally:
        srv.stop()
