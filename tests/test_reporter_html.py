"""HTML contact sheet: one self-contained file, every photo and video previewed with its findings,
everything escaped; rendered in headless Chromium and checked not to be blank."""

from __future__ import annotations

import base64
import html
import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path

import pixel_fixtures as px
import pytest
from conftest import EVENT, NOW
from PIL import Image, ImageEnhance, ImageOps
from reporter_sample import FAILING, PASSING, TRICKY_PHOTO, build_report

from mediacheck.checks import shot_kinds
from mediacheck.engine import RunOptions, run
from mediacheck.probe import probe
from mediacheck.probe.facts import FileFacts, PhotoFacts, VideoFacts
from mediacheck.profile import load_profile
from mediacheck.report import Report
from mediacheck.reporters import REPORTERS, get_reporter
from mediacheck.reporters.html import render, submission_fragment
from mediacheck.samples.factory import make_photo, make_video, truncate
from mediacheck.samples.motion import Piece, camera_clip, splice_clips
from mediacheck.scan import MediaFile
from mediacheck.thumbnails import thumbnail_data_uri

DATA_PREFIX = "data:image/jpeg;base64,"


VOID = frozenset({"img", "br", "input", "meta", "link", "hr", "wbr", "source"})


@dataclass
class Node:
    """An element of the page: its tag, attributes, children and text."""

    tag: str
    attrs: dict[str, str | None]
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None
    content: list[str | Node] = field(default_factory=list)  # text and children, in order

    @property
    def classes(self) -> set[str]:
        return set(str(self.attrs.get("class") or "").split())

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        found = []
        for child in self.children:
            if (tag is None or child.tag == tag) and (cls is None or cls in child.classes):
                found.append(child)
            found.extend(child.find_all(tag, cls))
        return found

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.content)

    def add(self, child: Node) -> Node:
        self.children.append(child)
        self.content.append(child)
        return child

    def inside(self, cls: str) -> bool:
        node = self.parent
        while node is not None:
            if cls in node.classes:
                return True
            node = node.parent
        return False


class Page(HTMLParser):
    """What a test needs from the page: tags with their attributes, and the element tree."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.root = Node("#root", {})
        self.open = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        node = self.open.add(Node(tag, dict(attrs), parent=self.open))
        if tag not in VOID:
            self.open = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.open.add(Node(tag, dict(attrs), parent=self.open))

    def handle_endtag(self, tag: str) -> None:
        node = self.open
        while node is not self.root and node.tag != tag:
            node = node.parent  # an element closed implicitly (a <p> before a <div>)
        if node is not self.root:
            self.open = node.parent

    def handle_data(self, data: str) -> None:
        self.open.content.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]

    def previews(self) -> list[dict[str, str | None]]:
        """The picture of each card (not the frames of a video's filmstrip)."""
        return [n.attrs for n in self.root.find_all("img") if n.inside("thumb")]


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
    images = page.previews()
    assert len(media) == 9
    assert len(images) == len(media)
    alts = {img["alt"] for img in images}
    assert alts == {f["path"] for f in media}
    for img in images:
        picture = decode(str(img["src"]))
        assert picture.format == "JPEG"
        assert max(picture.size) <= 240 and min(picture.size) > 20


def test_previews_are_turned_as_viewers_show_them(report: Report, page_text: str) -> None:
    by_alt = {img["alt"]: decode(str(img["src"])) for img in parse(page_text).previews()}
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
    assert len(page.previews()) == 3


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
    rgb = screenshot(page_text, tmp_path, 420, 700)
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


# ------------------------------------------------------------------ pictures: the pixel stages

HOSTILE_PHOTO = "IMG_<svg onload=alert(1)>\"&'.jpg"
HOSTILE_CLIP = "VID_<i>\"cảnh\"&.mp4"
SPLICE_CUTS = [3.0, 6.0]   # by construction: three 3 s pieces
SPLICE_TIMES = ["0:00–0:03", "0:03–0:06", "0:06–0:09"]
MANY_SCENES = "VID_20230905_074200.mp4"   # an edited clip: more scenes than a phone shows
MANY_CUTS = 8
SVG_NS = "{http://www.w3.org/2000/svg}"


def _exif(when: str) -> bytes:
    """A phone's EXIF (make, model, capture time), so the photos draw only pixel findings."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0132] = "samsung", "SM-A525F", when
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = sub[0x9004] = when
    return exif.tobytes()


def build_pixel_event(root: Path) -> Path:
    """An event made from the shared people photos: a speaker before a banner, a close-up and
    a blurred copy of it, a burst of three (one with a hostile name), a dark photo; a clip
    spliced from a tripod shot, a shaky shot and the real Hamilton clip (cuts at 3 s and 6 s),
    and a shaky single take."""
    event = root / "THCS Pu Nhi_Khai giang"
    event.mkdir(parents=True)

    def save(image: Image.Image, name: str, minute: int, second: int = 0) -> None:
        image.save(event / name, "JPEG", quality=88,
                   exif=_exif(f"2023:09:05 07:{minute:02d}:{second:02d}"))

    save(px.speaker_before_banner(px.load(px.PEOPLE / "obama.jpg"), (1800, 1200)),
         "IMG_20230905_073000.jpg", 30)
    close = ImageOps.fit(px.load(px.PEOPLE / "biden.jpg"), (1200, 1800))
    save(close, "IMG_20230905_073100.jpg", 31)
    save(px.blurred(close, 2.5), "IMG_20230905_073130.jpg", 31, 30)
    group = px.load(px.PEOPLE / "obama_and_biden.jpg")
    width, height = group.size
    for i, name in enumerate(("IMG_20230905_073400.jpg", HOSTILE_PHOTO, "IMG_20230905_073402.jpg")):
        dx = int(width * 0.01 * i)   # the next frame of a burst: moved a little, lighter
        frame = group.crop((dx, 0, width - int(width * 0.03) + dx, height)).resize(group.size)
        save(ImageEnhance.Brightness(frame).enhance(1 + 0.04 * i), name, 34, i)
    dark = px.exposure(ImageOps.fit(px.load(px.PEOPLE / "two_people.jpg"), (1800, 1200)), -3)
    save(dark, "IMG_20230905_073500.jpg", 35)
    pieces = root / "pieces"
    camera_clip(pieces / "still.mp4", px.PEOPLE / "city.jpg", "tripod", seconds=3, seed=1)
    camera_clip(pieces / "shaky.mp4", px.PEOPLE / "two_people.jpg", "shaky", seconds=3, seed=2)
    cuts = splice_clips(event / HOSTILE_CLIP, [
        Piece(pieces / "still.mp4", 0, 3), Piece(pieces / "shaky.mp4", 0, 3),
        Piece(px.PEOPLE / "short_hamilton_clip.mp4", 3.0, 3.0)])
    assert cuts == SPLICE_CUTS
    camera_clip(event / "VID_20230905_074000.mp4", px.PEOPLE / "city.jpg", "shaky", seconds=4,
                seed=3)
    camera_clip(pieces / "pan.mp4", px.PEOPLE / "obama.jpg", "pan", seconds=3, seed=5)
    sources = [pieces / "still.mp4", pieces / "shaky.mp4", pieces / "pan.mp4"]
    many = splice_clips(event / MANY_SCENES, [Piece(sources[i % 3], (i // 3) * 0.9, 0.9)
                                              for i in range(MANY_CUTS + 1)])
    assert len(many) == MANY_CUTS
    return event


@pytest.fixture(scope="module")
def pixel_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    px.need_shared()
    event = build_pixel_event(tmp_path_factory.mktemp("pixels"))
    return run([event], load_profile(), RunOptions(lang="vi", now=NOW, thumbnails=True))


@pytest.fixture(scope="module")
def pixel_page(pixel_report: Report) -> str:
    return rendered(pixel_report)


def cards(text: str) -> dict[str, Node]:
    """Each file's card by its file name (every file has exactly one)."""
    found: dict[str, Node] = {}
    for card in parse(text).root.find_all("article", "card"):
        name = card.find_all("div", "name")[0].text().lstrip("✓ ").strip()
        assert name not in found, f"{name} shown twice"
        found[name] = card
    return found


def badges(card: Node) -> dict[str, set[str]]:
    """The card's quality badges, text -> classes."""
    return {b.text().strip(): b.classes for b in card.find_all("span", "q")}


def only_sub(report: Report):
    (sub,) = report.submissions
    return sub


def test_every_photo_has_its_kind_with_the_reason(pixel_report: Report, pixel_page: str) -> None:
    sub = only_sub(pixel_report)
    by_name = cards(pixel_page)
    shown = set()
    for row in sub.files:
        if row["kind"] != "photo":
            continue
        (badge,) = by_name[row["path"]].find_all("span", "kind")
        name = shot_kinds.label(row["shot"], "vi")
        assert badge.text().startswith(name) and f"k-{row['shot']}" in badge.classes
        assert shot_kinds.why_text(row["shot_why"], "vi") in str(badge.attrs["title"])
        percent = f"{round(row['shot_confidence'] * 100)}%"
        if row["shot"] != "unknown":   # an estimate says how sure it is, subtly
            assert badge.find_all("span", "conf")[0].text() == percent
            assert f"độ tin cậy {percent}" in str(badge.attrs["title"])
        shown.add(row["shot"])
    assert {"speaker", "closeup"} <= shown    # what the fixture's photos are
    assert ">Phát biểu" in pixel_page and ">Cận cảnh" in pixel_page
    english = rendered(pixel_report, "en")
    assert ">Speaker" in english and ">Close-up" in english
    for row in sub.files:
        if row["kind"] == "video":
            assert not by_name[row["path"]].find_all("span", "kind")


def test_quality_badges_come_from_the_findings(pixel_report: Report, pixel_page: str) -> None:
    sub = only_sub(pixel_report)
    by_name = cards(pixel_page)
    words = {("photo-sharpness", "blurred"): "Mờ, nhòe", ("photo-sharpness", "soft"): "Hơi mờ",
             ("photo-exposure", "under-exposed"): "Quá tối",
             ("photo-exposure", "over-exposed"): "Cháy sáng",
             ("photo-exposure", "backlit"): "Ngược sáng",
             ("near-duplicate", "burst"): "Chụp liên tiếp",
             ("near-duplicate", "similar"): "Ảnh trùng"}
    flagged: dict[str, set[str]] = {}
    for f in sub.findings:
        if (f.check, f.key) in words:
            found = badges(by_name[str(f.path)])
            assert f"sev-{f.severity.value}" in found[words[f.check, f.key]]
            flagged.setdefault(str(f.path), set()).add(f.check)
    assert {f.key for f in sub.findings} >= {"blurred", "under-exposed", "burst", "similar"}
    for row in sub.files:
        if row["kind"] != "photo":
            continue
        found = badges(by_name[row["path"]])
        good = {"✓ Rõ nét": "photo-sharpness", "✓ Đủ sáng": "photo-exposure"}
        for word, check in good.items():
            assert (word in found) == (check not in flagged.get(row["path"], set())), row["path"]
    assert "✓ Sharp" in rendered(pixel_report, "en")


def test_a_check_that_did_not_run_calls_nothing_good(pixel_report: Report) -> None:
    sub = only_sub(pixel_report)
    ran = frozenset(c.id for c in pixel_report.checks) - {"photo-sharpness"}
    text = submission_fragment(sub, 0, "vi", checks=ran)
    assert "✓ Rõ nét" not in text and "✓ Đủ sáng" in text


def test_near_duplicates_side_by_side_with_the_one_to_keep(pixel_report: Report,
                                                            pixel_page: str) -> None:
    sub = only_sub(pixel_report)
    kept_of = {f.path: f.details["same_as"] for f in sub.findings if f.check == "near-duplicate"}
    expected: dict[str, set[str]] = {}
    for member, kept in kept_of.items():
        expected.setdefault(kept, {kept}).add(str(member))
    assert sorted(len(g) for g in expected.values()) == [2, 3]   # the copy, the burst
    groups = parse(pixel_page).root.find_all("div", "dup-group")
    assert len(groups) == len(expected)
    for group in groups:
        members = {}
        for card in group.find_all("article", "card"):
            name = card.find_all("div", "name")[0].text().lstrip("✓ ").strip()
            (role,) = card.find_all("span", "role")
            members[name] = role.text()
        kept = next(k for k, g in expected.items() if g == set(members))
        assert members.pop(kept) == "✓ Giữ ảnh này"
        assert set(members.values()) == {"Bỏ bớt"}
        assert f"{len(expected[kept])} ảnh gần giống nhau" in group.text()
    assert len(cards(pixel_page)) == len(sub.files)   # each photo once, in its group
    english = rendered(pixel_report, "en")
    assert "✓ Keep this one" in english and "Consider removing" in english


def test_filmstrip_has_a_frame_per_scene_with_its_times(pixel_report: Report,
                                                        pixel_page: str) -> None:
    sub = only_sub(pixel_report)
    row = next(r for r in sub.files if r["path"] == HOSTILE_CLIP)
    assert row["cuts"] == pytest.approx(SPLICE_CUTS, abs=0.05)
    card = cards(pixel_page)[HOSTILE_CLIP]
    (strip,) = card.find_all("ol", "filmstrip")
    frames = strip.find_all("li")
    assert [f.find_all("span", "times")[0].text() for f in frames] == SPLICE_TIMES
    for frame in frames:
        (img,) = frame.find_all("img")
        picture = decode(str(img.attrs["src"]))
        assert max(picture.size) <= 160
    shaky = [(f.details["start"], f.details["end"]) for f in sub.findings
             if f.path == HOSTILE_CLIP and f.check == "video-steadiness"]
    assert ("0:03", "0:06") in shaky    # the shaky piece
    marked = [SPLICE_TIMES[i] for i, f in enumerate(frames) if "sev-warning" in f.classes]
    assert marked == [f"{a}–{b}" for a, b in shaky]
    assert all(f.find_all("span", "flag")[0].text() == "bị rung" for f in frames
               if "sev-warning" in f.classes)
    # A single take: its poster is its one frame (not repeated below it), marked the same way.
    single = cards(pixel_page)["VID_20230905_074000.mp4"]
    assert not single.find_all("ol", "filmstrip")
    assert [f.text() for f in single.find_all("span", "flag") if f.inside("thumb")] == [
        "bị rung"]
    row = next(r for r in sub.files if r["path"] == MANY_SCENES)
    assert len(row["cuts"]) == MANY_CUTS
    many = cards(pixel_page)[MANY_SCENES].find_all("ol", "filmstrip")[0].find_all("li")
    assert len(many) == MANY_CUTS + 1


def plots(text: str) -> dict[str, ET.Element]:
    """Each video's shake plot, parsed as XML (it must be well-formed on its own)."""
    out = {}
    for name, card in cards(text).items():
        svgs = card.find_all("svg")
        if svgs:
            assert len(svgs) == 1
            out[name] = svgs[0]
    found = re.findall(r"<svg\b.*?</svg>", text, flags=re.S)
    assert len(found) == len(out)
    parsed = [ET.fromstring(s) for s in found]
    return dict(zip(out, parsed, strict=True))


def test_shake_plot_is_inline_svg_with_scenes_cuts_and_the_series(pixel_report: Report,
                                                                   pixel_page: str) -> None:
    sub = only_sub(pixel_report)
    svgs = plots(pixel_page)
    # Every video with a measured scene (0.9 s scenes are too short to measure: no plot).
    assert set(svgs) == {r["path"] for r in sub.files if r.get("shake_series")}
    assert {HOSTILE_CLIP, "VID_20230905_074000.mp4"} <= set(svgs)
    row = next(r for r in sub.files if r["path"] == HOSTILE_CLIP)
    svg = svgs[HOSTILE_CLIP]
    assert svg.tag == f"{SVG_NS}svg" and svg.get("role") == "img"
    _, _, width, height = (float(v) for v in str(svg.get("viewBox")).split())
    bands = svg.findall(f"{SVG_NS}rect")
    assert len(bands) == len(row["scenes"]) == 3
    assert [b.find(f"{SVG_NS}title").text.split(":", 1)[1].strip().split(" ")[0]
            for b in bands] == SPLICE_TIMES
    flagged = [i for i, b in enumerate(bands) if "sev-warning" in str(b.get("class"))]
    shaky = {(f.details["start"], f.details["end"]) for f in sub.findings
             if f.path == HOSTILE_CLIP and f.check == "video-steadiness"}
    assert [SPLICE_TIMES[i] for i in flagged] == [f"{a}–{b}" for a, b in sorted(shaky)]
    cuts = [float(line.get("x1")) for line in svg.findall(f"{SVG_NS}line")]
    assert cuts == pytest.approx([c / row["duration"] * width for c in row["cuts"]], abs=0.2)
    (line,) = svg.findall(f"{SVG_NS}polyline")
    points = [tuple(map(float, p.split(","))) for p in str(line.get("points")).split()]
    assert len(points) == len(row["shake_series"]) and len(points) > 20
    assert all(0 <= x <= width and 0 <= y <= height for x, y in points)
    # The tripod scene draws low, the shaky one high (SVG y grows downwards).
    still = [y for x, y in points if x < width / 3 - 5]
    moving = [y for x, y in points if width / 3 + 5 < x < 2 * width / 3 - 5]
    assert min(still) > max(moving) - 1 and sum(still) / len(still) > sum(moving) / len(
        moving) + height / 4


def test_a_clip_read_only_in_part_shows_where_reading_stopped(pixel_report: Report) -> None:
    """The same row as the motion stage writes it for a clip whose decoding stopped at 6 s."""
    sub = only_sub(pixel_report)
    row = dict(next(r for r in sub.files if r["path"] == HOSTILE_CLIP))
    row.update(motion_complete=False, analysed_until=6.0, scenes=row["scenes"][:2],
               filmstrip=row["filmstrip"][:2],
               shake_series=[p for p in row["shake_series"] if p[0] < 6.0])
    broken = replace(sub, files=[row], findings=[])
    svg = ET.fromstring(re.findall(r"<svg\b.*?</svg>", submission_fragment(broken, 0, "vi"),
                                   flags=re.S)[0])
    unread = [r for r in svg.findall(f"{SVG_NS}rect") if r.get("class") == "unread"]
    assert len(unread) == 1 and float(unread[0].get("x")) == pytest.approx(200.0, abs=0.2)
    assert "không đọc được hình từ 0:06" in unread[0].find(f"{SVG_NS}title").text


def test_bad_values_in_a_row_draw_nothing_rather_than_fail(pixel_report: Report) -> None:
    """Rows come from caches and older JSON too: a wrong value is left out, never drawn."""
    sub = only_sub(pixel_report)
    row = dict(next(r for r in sub.files if r["path"] == HOSTILE_CLIP))
    good = row["filmstrip"][0]
    row.update(filmstrip=[good, {"start": 3, "end": 6, "image": "javascript:alert(1)"},
                          {"start": "x", "end": None, "image": good["image"]}, "junk",
                          {**good, "start": 6, "end": 9}],
               shake_series=[[0, float("nan")], [1, 0.2], "x", [2]], cuts=["a", None, 3.0],
               scenes=[{"start": 0, "end": 3}, {"start": 5, "end": 1}], duration=float("inf"))
    text = submission_fragment(replace(sub, files=[row], findings=[]), 0, "vi")
    assert "javascript:" not in text and "nan" not in text.lower().replace("nana", "")
    (svg,) = re.findall(r"<svg\b.*?</svg>", text, flags=re.S)
    tree = ET.fromstring(svg)
    assert len(tree.findall(f"{SVG_NS}rect")) == 1 and len(tree.findall(f"{SVG_NS}line")) == 1
    frames = parse(text).root.find_all("ol", "filmstrip")[0].find_all("li")
    assert [f.find_all("span", "times")[0].text() for f in frames] == ["0:00–0:03", "0:06–0:09"]


def test_hostile_file_names_are_escaped_everywhere(pixel_report: Report, pixel_page: str) -> None:
    for name in (HOSTILE_PHOTO, HOSTILE_CLIP):
        assert name not in pixel_page
        assert html.escape(name) in pixel_page
    assert "<svg onload" not in pixel_page and "<i>" not in pixel_page
    by_name = cards(pixel_page)
    assert HOSTILE_PHOTO in by_name and HOSTILE_CLIP in by_name   # the parser unescapes


def framed(text: str, width: int, height: int, probe: str = "") -> str:
    """The page inside a frame exactly `width` px wide: headless Chromium lays a window out at
    500 px at least, so a phone's 420 px is reached this way (the frame is its viewport)."""
    return ('<!DOCTYPE html><html><head><meta charset="utf-8">'
            f"<script>{probe}</script></head><body style=\"margin:0\">"
            f'<iframe style="border:0;display:block;width:{width}px;height:{height}px" '
            f'onload="probe(this)" srcdoc="{html.escape(text)}"></iframe></body></html>')


def screenshot(text: str, tmp_path: Path, width: int, height: int) -> Image.Image:
    """What a screen `width` px wide shows of the page's first `height` px."""
    page = tmp_path / f"shown-{width}.html"
    page.write_text(framed(text, width, height, "function probe() {}"), encoding="utf-8")
    shot = tmp_path / f"shot-{width}.png"
    chromium(page, tmp_path, f"--screenshot={shot}", f"--window-size={max(width, 500)},{height}")
    assert shot.exists(), "chromium wrote no screenshot"
    with Image.open(shot) as image:
        return image.convert("RGB").crop((0, 0, width, height))


# Run in the frame's parent once the page has loaded: unfold every submission, then list
# what sticks out: the page wider than its viewport, a card or duplicate group whose content
# is wider than itself (cut off), a filmstrip or plot reaching out of its card.
OVERFLOW_PROBE = """function probe(frame) {
  var doc = frame.contentDocument, root = doc.documentElement, out = [];
  doc.querySelectorAll("details").forEach(function (d) { d.open = true; });
  if (root.scrollWidth > root.clientWidth) { out.push("page " + root.scrollWidth); }
  doc.querySelectorAll(".card, .dup-group, ol.filmstrip, svg, .quality").forEach(function (el) {
    var box = el.getBoundingClientRect(), card = el.parentNode.closest(".card, .dup-group");
    var name = el.className.baseVal === undefined ? el.className : el.className.baseVal;
    if (el.tagName !== "OL" && el.tagName !== "svg" && el.scrollWidth > el.clientWidth + 1) {
      out.push("cut off inside " + name + ": " + el.scrollWidth + " > " + el.clientWidth); }
    if (card && box.right > card.getBoundingClientRect().right + 1) {
      out.push("out of its card: " + name); }
    if (box.right > root.clientWidth + 1) { out.push("off the page: " + name); }
  });
  document.body.setAttribute("data-width", String(frame.contentWindow.innerWidth));
  document.body.setAttribute("data-overflow", out.join(" | "));
}"""


@pytest.mark.skipif(find_chromium() is None, reason="needs chromium (apt: chromium)")
@pytest.mark.parametrize("width", [1400, 420])
def test_pictures_fit_their_cards_in_chromium(pixel_page: str, tmp_path: Path,
                                              width: int) -> None:
    """Filmstrips scroll inside their card, plots, badges and duplicate groups fit, nothing
    runs off the page: at a desk and on a phone."""
    page = tmp_path / "probe.html"
    page.write_text(framed(pixel_page, width, 1200, OVERFLOW_PROBE), encoding="utf-8")
    dom = chromium(page, tmp_path, f"--window-size={max(width, 500)},1200", "--dump-dom").stdout
    body = re.search(r'<body [^>]*data-width="(\d+)" data-overflow="([^"]*)"', dom)
    assert body, "the probe did not run"
    assert int(body.group(1)) == width
    assert body.group(2) == ""
    rgb = screenshot(pixel_page, tmp_path, width, 1600)
    assert rgb.getcolors(maxcolors=256) is None, "a near-blank page"


def test_a_photo_too_plain_to_judge_is_not_called_sharp(tmp_path: Path) -> None:
    """A plain wall has no edges to measure: `photo-sharpness` gives no verdict, so the sheet
    shows no "✓ Rõ nét" (it still shows the exposure the other check judged)."""
    from PIL import ImageDraw

    folder = tmp_path / EVENT
    folder.mkdir()
    wall = Image.new("RGB", (1600, 1200), (180, 170, 160))
    ImageDraw.Draw(wall).rectangle((700, 500, 720, 520), fill=(20, 20, 20))
    wall.save(folder / "IMG_tuong.jpg", quality=92)
    make_photo(folder / "IMG_lop.jpg", size=(1600, 1200), seed=3)
    report = run([folder], load_profile(), RunOptions(lang="vi", now=NOW, thumbnails=True))
    rows = {row["path"]: row for row in only_sub(report).files}
    assert rows["IMG_tuong.jpg"]["sharpness_judged"] is False
    assert rows["IMG_lop.jpg"]["sharpness_judged"] is True
    by_name = cards(rendered(report))
    assert "✓ Rõ nét" not in badges(by_name["IMG_tuong.jpg"])
    assert "✓ Đủ sáng" in badges(by_name["IMG_tuong.jpg"])
    assert "✓ Rõ nét" in badges(by_name["IMG_lop.jpg"])
