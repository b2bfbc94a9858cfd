"""HTML contact sheet: one self-contained file, every photo and video previewed with its findings,
everything escaped; rendered in headless Chromium and checked not to be blank."""

from __future__ import annotations

import base64
import html
import io
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image
from reporter_sample import FAILING, PASSING, TRICKY_PHOTO, build_report

from mediacheck.probe import probe
from mediacheck.probe.facts import FileFacts, PhotoFacts, VideoFacts
from mediacheck.report import Report
from mediacheck.reporters import REPORTERS, get_reporter
from mediacheck.reporters.html import render
from mediacheck.samples.factory import make_photo, make_video, truncate
from mediacheck.scan import MediaFile
from mediacheck.thumbnails import thumbnail_data_uri

DATA_PREFIX = "data:image/jpeg;base64,"


class Page(HTMLParser):
    """What a test needs from the page: tags, their attributes, and images per card."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def rendered(report: Report, lang: str = "vi", quiet: bool = False) -> str:
    out = io.StringIO()
    render(report, out, lang=lang, color=None, quiet=quiet)
    return out.getvalue()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return build_report(tmp_path_factory.mktemp("html") / "Nhan tu truong")


@pytest.fixture(scope="module")
def page_text(report: Report) -> str:
    return rendered(report)


def decode(src: str) -> Image.Image:
    assert src.startswith(DATA_PREFIX)
    image = Image.open(io.BytesIO(base64.b64decode(src[len(DATA_PREFIX):], validate=True)))
    image.load()
    return image


def test_registered_as_a_format() -> None:
    assert "html" in REPORTERS
    assert get_reporter("html").render is render


def test_every_photo_and_video_has_a_decodable_preview(report: Report, page_text: str) -> None:
    page = parse(page_text)
    media = [f for s in report.submissions for f in s.files if f["kind"] in ("photo", "video")]
    images = page.all("img")
    assert len(media) == 9
    assert len(images) == len(media)
    alts = {img["alt"] for img in images}
    assert alts == {f["path"] for f in media}
    for img in images:
        picture = decode(str(img["src"]))
        assert picture.format == "JPEG"
        assert max(picture.size) <= 240 and min(picture.size) > 20


def test_previews_are_turned_as_viewers_show_them(report: Report, page_text: str) -> None:
    by_alt = {img["alt"]: decode(str(img["src"])) for img in parse(page_text).all("img")}
    landscape = by_alt["IMG_20230905_073000.jpg"]
    assert landscape.width > landscape.height
    portrait_photo = by_alt["IMG_20230905_073200.jpg"]  # EXIF Orientation 6
    assert portrait_photo.height > portrait_photo.width
    assert by_alt["VID_20230905_073500.mp4"].width > by_alt["VID_20230905_073500.mp4"].height
    portrait_clip = by_alt["VID_20230905_073600.mp4"]  # rotation 90
    assert portrait_clip.height > portrait_clip.width


def test_self_contained(page_text: str) -> None:
    page = parse(page_text)
    assert not page.all("link")
    assert page.all("script") == [{}]  # one inline script (sorting), nothing loaded
    for tag, attrs in page.tags:
        for name in ("src", "href"):
            value = attrs.get(name)
            if value is not None:
                assert value.startswith(("#", "data:")), (tag, value)
    assert "http://" not in page_text.replace("http://www.w3.org", "")
    assert "https://" not in page_text and "url(" not in page_text


def test_language_verdicts_and_findings(report: Report, page_text: str) -> None:
    page = parse(page_text)
    assert page.all("html")[0]["lang"] == "vi"
    badges = [a for a in page.all("span") if "badge" in str(a.get("class"))]
    # one badge per submission in the summary table and one above each submission
    assert sorted(str(b["class"]) for b in badges) == ["badge fail"] * 2 + ["badge pass"] * 2
    assert ">CHƯA ĐẠT<" in page_text and ">ĐẠT<" in page_text
    for sub in report.submissions:
        for finding in sub.findings:
            assert html.escape(finding.message) in page_text
            assert html.escape(finding.hint) in page_text
    sections = {a["id"]: a["class"] for a in page.all("section") if a.get("id")}
    assert sorted(sections.values()) == ["submission fail", "submission pass"]
    english = rendered(report, "en")
    assert parse(english).all("html")[0]["lang"] == "en"
    assert ">FAIL<" in english and ">PASS<" in english


def test_user_text_is_escaped(page_text: str) -> None:
    assert TRICKY_PHOTO not in page_text
    assert "<i>" not in page_text
    assert html.escape(TRICKY_PHOTO) in page_text


def test_summary_table_has_one_row_per_submission(report: Report, page_text: str) -> None:
    page = parse(page_text)
    links = [a["href"] for a in page.all("a") if str(a["href"]).startswith("#s")]
    assert links == ["#s0", "#s1"]
    assert {a["id"] for a in page.all("section") if a.get("id")} == {"s0", "s1"}
    assert "Trường TH Nà Hỳ" in page_text and "Khai giảng" in page_text


def test_quiet_keeps_the_summary_and_drops_passing_details(report: Report) -> None:
    text = rendered(report, quiet=True)
    page = parse(text)
    assert [a["id"] for a in page.all("section") if a.get("id")] == [
        f"s{i}" for i, s in enumerate(report.submissions) if s.path.endswith(FAILING)]
    assert PASSING in text  # still in the summary table
    assert len(page.all("img")) == 3


def test_units_tables(report: Report) -> None:
    """Names, never program data (`{'unit': ...}`), one block per activity with its count."""
    report.units = {"activity": None, "units": 4, "activities": [
        {"activity": "Khai giảng", "submitted": 2, "missing": ["TH Mường Nhé",
                                                               "<b>THCS Sín Thầu"]},
        {"activity": "Trung thu", "submitted": 4, "missing": []}],
        "missing": [{"unit": "TH Mường Nhé", "activity": "Khai giảng"},
                    {"unit": "<b>THCS Sín Thầu", "activity": "Khai giảng"}],
        "unlisted": [{"unit": "Trường TH Nà Hỳ", "path": "x", "suggestion": "TH Nà Hỳ"},
                     {"unit": None, "path": "Nhan/Khai giang 2023", "suggestion": None}]}
    try:
        text = rendered(report)
        english = rendered(report, "en")
    finally:
        report.units = None
    assert "Đơn vị chưa nộp" in text
    assert "Hoạt động Khai giảng: 2 đơn vị chưa nộp (danh sách có 4 đơn vị)" in text
    assert "Hoạt động Trung thu: cả 4 đơn vị trong danh sách đều đã nộp." in text
    assert "<li>TH Mường Nhé</li>" in text and "&lt;b&gt;THCS Sín Thầu" in text
    assert "{'unit'" not in text and "&#x27;unit&#x27;" not in text
    assert "Có phải là" in text and ">TH Nà Hỳ<" in text and ">Khai giang 2023<" in text
    assert "Activity Khai giảng: 2 units have not submitted (of 4 on the list)" in english
    assert "Đơn vị chưa nộp" not in rendered(report)


def test_filter_sort_and_folding_for_hundreds_of_submissions(report: Report,
                                                             page_text: str) -> None:
    page = parse(page_text)
    box = [a for a in page.all("input") if a.get("id") == "only-fail"]
    assert box and box[0]["type"] == "checkbox"
    assert [a for a in page.all("label") if a.get("for") == "only-fail"]
    assert "#only-fail:checked ~ section.submission.pass" in page_text  # works without script
    buttons = [a for a in page.all("button") if a.get("data-col") is not None]
    assert len(buttons) == 9
    folded = [a for a in page.all("details")]
    assert len(folded) == len(report.submissions)
    assert sum("open" in a for a in folded) == sum(not s.passed for s in report.submissions)


def test_info_hint_is_a_note_not_a_fix(report: Report, page_text: str) -> None:
    drone = next(f for s in report.submissions for f in s.findings if f.check == "drone")
    assert f"<b>Lưu ý:</b> {html.escape(drone.hint)}" in page_text


def test_no_units_means_no_units_table(report: Report) -> None:
    assert getattr(report, "units", None) is None
    assert "Đơn vị chưa nộp" not in rendered(report)


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.mark.skipif(find_chromium() is None, reason="needs chromium (apt: chromium)")
def test_renders_in_headless_chromium(page_text: str, tmp_path: Path) -> None:
    page = tmp_path / "bao-cao.html"
    page.write_text(page_text, encoding="utf-8")
    shot = tmp_path / "shot.png"
    command = [str(find_chromium()), "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--hide-scrollbars",
               f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
               "--window-size=1200,1600", page.as_uri()]
    subprocess.run(command, capture_output=True, timeout=120, check=False)
    assert shot.exists(), "chromium wrote no screenshot"
    with Image.open(shot) as image:
        rgb = image.convert("RGB")
    assert rgb.size == (1200, 1600)
    assert rgb.getcolors(maxcolors=256) is None, "a near-blank page"
    data = rgb.resize((300, 400)).tobytes()
    pixels = list(zip(data[0::3], data[1::3], data[2::3], strict=True))
    red = sum(1 for r, g, b in pixels if r > 170 and g < 80 and b < 80)
    green = sum(1 for r, g, b in pixels if g > 100 and r < 60 and b < 90)
    assert red > 5 and green > 5, "verdict badges (red, green) not drawn: CSS missing?"


class NoSeek(io.RawIOBase):
    """A stream that cannot seek, like a member read from some ZIP archives."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def media_file(path: Path, kind: str, *, seekable: bool = True) -> MediaFile:
    data = path.read_bytes()
    opener = (lambda: open(path, "rb")) if seekable else (lambda: NoSeek(data))  # noqa: SIM115
    return MediaFile(rel=path.name, kind=kind, size=len(data), mtime=0.0, opener=opener,
                     fs_path=path)


def test_previews_from_streams_that_cannot_seek(tmp_path: Path) -> None:
    photo = make_photo(tmp_path / "a.jpg", size=(1200, 800), seed=1)
    clip = make_video(tmp_path / "b.mp4", width=640, height=360, seconds=1, fps=2, seed=2)
    for path, kind in ((photo, "photo"), (clip, "video")):
        media = media_file(path, kind, seekable=False)
        uri = thumbnail_data_uri(media, probe(media_file(path, kind)), size=120)
        assert uri is not None, path
        assert max(decode(uri).size) == 120


def test_broken_files_give_no_preview_and_no_exception(tmp_path: Path) -> None:
    photo = truncate(make_photo(tmp_path / "cut.jpg", size=(1200, 800), seed=3), 0.3)
    clip = truncate(make_video(tmp_path / "cut.mp4", width=640, height=360, seconds=1, fps=2,
                               seed=4), 0.5)
    text = tmp_path / "notes.txt"
    text.write_text("not a picture")
    fake_photo = FileFacts(path="cut.jpg", kind="photo", size=1, photo=PhotoFacts())
    fake_video = FileFacts(path="cut.mp4", kind="video", size=1, video=VideoFacts())
    assert thumbnail_data_uri(media_file(photo, "photo"), fake_photo) is None
    assert thumbnail_data_uri(media_file(clip, "video"), fake_video) is None
    other = FileFacts(path="notes.txt", kind="other", size=13)
    assert thumbnail_data_uri(media_file(text, "other"), other) is None
    missing = MediaFile(rel="gone.jpg", kind="photo", size=0, mtime=0.0,
                        opener=lambda: open(tmp_path / "gone.jpg", "rb"))  # noqa: SIM115
    # A file that cannot be read at all is not a decoder's complaint: the stage says so (the
    # report then names the file), and it is not cached, since it may be back next run.
    from mediacheck.probe.stages import run_stages

    meta = {"content": "jpeg", "photo": {"format": "JPEG"}, "video": None}
    (error,) = run_stages(missing, meta, ("thumbnail",)).values()
    assert "No such file" in error["stage_error"] and error["transient"]


def chromium(page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    command = [str(find_chromium()), "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--hide-scrollbars",
               f"--user-data-dir={tmp_path / 'profile'}", *args, page.as_uri()]
    return subprocess.run(command, capture_output=True, timeout=120, check=False, text=True)


@pytest.mark.skipif(find_chromium() is None, reason="needs chromium (apt: chromium)")
def test_verdicts_are_in_view_on_a_phone(page_text: str, tmp_path: Path) -> None:
    """At 420 px the summary table keeps its verdict column on screen (green PASS badge)."""
    page = tmp_path / "bao-cao.html"
    page.write_text(page_text, encoding="utf-8")
    shot = tmp_path / "phone.png"
    chromium(page, tmp_path, f"--screenshot={shot}", "--window-size=420,700")
    with Image.open(shot) as image:
        rgb = image.convert("RGB")
    data = rgb.tobytes()
    pixels = list(zip(data[0::3], data[1::3], data[2::3], strict=True))
    green = sum(1 for r, g, b in pixels if abs(r - 0x1B) < 20 and abs(g - 0x7F) < 20
                and abs(b - 0x3B) < 20)
    assert green > 150, "no PASS badge in view at 420 px"


@pytest.mark.skipif(find_chromium() is None, reason="needs chromium (apt: chromium)")
def test_clicking_a_heading_sorts_the_summary(page_text: str, tmp_path: Path) -> None:
    click = ('<script>var b = document.querySelector(\'button[data-col="1"]\');'
             "b.click(); b.click();</script></body>")
    page = tmp_path / "sorted.html"
    page.write_text(page_text.replace("</body>", click), encoding="utf-8")
    dom = chromium(page, tmp_path, "--dump-dom").stdout
    body = dom[dom.index("<tbody>"):dom.index("</tbody>")]
    rows = re.findall(r'<tr class="(pass|fail)"', body)
    assert rows == ["fail", "pass"]  # verdict, descending: failing first
    assert 'aria-sort="descending"' in dom
