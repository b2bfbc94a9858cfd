"""Build the sample submissions: one event folder that passes, and one per check that fails.

Each folder is an event folder named ``Unit_Activity`` as Phụ lục 2 asks, and fails for one
reason only where that is practical (it holds at least three good photos otherwise), so a
teacher can open it and see what the finding is about, and the end-to-end tests can assert
exactly which checks fire. The table in ``README.md`` is written from ``SAMPLES`` below, so
the folders and their documentation cannot drift apart.

Output is deterministic: fixed seeds and times, bit-exact ffmpeg output.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mediacheck.samples.factory import make_photo, make_video, truncate

UNIT = "THCS Pu Nhi"
DAY = "20230905"
EXIF_DAY = "2023:09:05"
PU_NHI = (21.3856, 103.0170)  # the school, Điện Biên Đông district
HA_NOI = (21.0285, 105.8542)  # ~295 km east of it
PHOTO_QUALITY = 70  # keeps the whole sample set small; the pictures are synthetic anyway


@dataclass
class Maker:
    """Hands out distinct seeds and capture times so no two sample files share content."""

    seed: int = 0
    clock: int = 7 * 3600 + 30 * 60 + 12  # 07:30:12 local time

    def next_seed(self) -> int:
        self.seed += 1
        return self.seed

    def tick(self, seconds: int = 97) -> tuple[str, str]:
        """Advance the clock; return (HHMMSS for file names, HH:MM:SS for EXIF)."""
        self.clock += seconds
        h, rest = divmod(self.clock, 3600)
        m, s = divmod(rest, 60)
        return f"{h:02d}{m:02d}{s:02d}", f"{h:02d}:{m:02d}:{s:02d}"

    def photo(self, folder: Path, name: str | None = None, ext: str = ".jpg", **kw: Any) -> Path:
        """A good camera original unless ``kw`` say otherwise."""
        stamp, exif_time = self.tick()
        n = self.seed
        options: dict[str, Any] = {
            "datetime_original": f"{EXIF_DAY} {exif_time}",
            "gps": (PU_NHI[0] + 0.0001 * (n % 7), PU_NHI[1] + 0.0001 * (n % 5)),
            "quality": PHOTO_QUALITY,
            "seed": self.next_seed(),
        }
        options.update(kw)
        return make_photo(folder / (name or f"IMG_{DAY}_{stamp}{ext}"), **options)

    def good_photos(self, folder: Path, count: int = 3) -> list[Path]:
        return [self.photo(folder) for _ in range(count)]

    def video(self, folder: Path, name: str | None = None, ext: str = ".mp4", **kw: Any) -> Path:
        """A good clip: MP4, H.264 + AAC, 1920x1080, 35 s. Phones stamp creation_time in UTC."""
        stamp, exif_time = self.tick(120)
        h = int(exif_time[:2]) - 7  # local time is UTC+7
        options: dict[str, Any] = {
            "creation_time": f"2023-09-05T{h:02d}{exif_time[2:]}Z",
            "location": f"+{PU_NHI[0]:.4f}+{PU_NHI[1]:.4f}/",
            "seed": self.next_seed(),
        }
        options.update(kw)
        return make_video(folder / (name or f"VID_{DAY}_{stamp}{ext}"), **options)


@dataclass(frozen=True)
class Sample:
    """One sample event folder and what mediacheck must say about it."""

    activity: str
    fires: str  # check id(s) and severity, as the README table shows them
    why: str
    build: Callable[[Path, Maker], None]
    unit: str | None = UNIT

    @property
    def folder(self) -> str:
        return f"{self.unit}_{self.activity}" if self.unit else self.activity


# --------------------------------------------------------------------------- builders


def _passes(d: Path, m: Maker) -> None:
    m.good_photos(d, 3)
    m.photo(d, make="samsung", model="SM-A525F", orientation=6, size=(4000, 3000))
    m.video(d)
    m.video(d, seconds=40, rotation=90, make="samsung", model="SM-A525F")


def _folder_name(d: Path, m: Maker) -> None:
    m.good_photos(d, 3)


def _folder_contents(d: Path, m: Maker) -> None:
    m.good_photos(d, 3)
    (d / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    (d / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1" + bytes(64))
    (d / "~$bao cao.docx").write_bytes(b"\x0bNguyen Van A" + bytes(149))
    m.photo(d / "anh cu")


def _file_unreadable(d: Path, m: Maker) -> None:
    m.good_photos(d, 3)
    truncate(m.photo(d), 0.5)
    (d / f"IMG_{DAY}_074500.jpg").write_bytes(b"")
    (d / f"IMG_{DAY}_074600.jpg").write_text("Day khong phai la anh.\n", encoding="ascii")
    truncate(m.video(d), 0.5)


def _photo_count(d: Path, m: Maker) -> None:
    m.good_photos(d, 2)


def _photo_original(d: Path, m: Maker) -> None:
    m.good_photos(d, 3)
    m.photo(d, software="Adobe Photoshop CC 2019 (Windows)")
    m.photo(d, name=f"IMG-{DAY}-WA0003.jpg", exif=False, size=(2560, 1920))
    m.photo(d, name="FB_IMG_1693874400000.jpg", exif=False, fbmd=True, size=(2048, 1536))
    m.photo(d, photoshop_app13=True)
    m.photo(d, xmp_history=True)
    m.photo(d, exif_size=(6000, 4000))


def _photo_format(d: Path, m: Maker) -> None:
    m.good_photos(d, 3)
    m.photo(
        d, ext=".heic", fmt="HEIF", make="Apple", model="iPhone 12", quality=50, size=(4032, 3024)
    )
    m.photo(d, name="anh_khai_giang.webp", fmt="WEBP")
    m.photo(d, name=f"Screenshot_{DAY}-073000.png", fmt="PNG", exif=False, size=(1080, 2400))


def _photo_resolution(d: Path, m: Maker) -> None:
    m.good_photos(d, 3)
    m.photo(d, size=(1024, 768))


def _capture_time(d: Path, m: Maker) -> None:
    m.good_photos(d, 3)
    m.photo(d, name="IMG_0001.jpg", datetime_original="2000:01:01 00:00:00")
    m.photo(d, name="IMG_20230908_080000.jpg", datetime_original="2023:09:08 08:00:00")
    m.photo(d, name="IMG_20990905_073000.jpg", datetime_original="2099:09:05 07:30:00")


def _location(d: Path, m: Maker) -> None:
    m.good_photos(d, 3)
    m.photo(d, gps=HA_NOI)


def _video_container(d: Path, m: Maker) -> None:
    m.good_photos(d, 3)
    m.video(d, container="mov", make="Apple", model="iPhone 12")  # a QuickTime file named .mp4
    m.video(d, ext=".avi", container="avi", vcodec="mpeg4", acodec="mp3")
    m.video(d, ext=".mkv", container="mkv")


def _video_resolution(d: Path, m: Maker) -> None:
    m.good_photos(d, 3)
    m.video(d, width=640, height=360)
    m.video(d, width=3840, height=2160, fps=1)


def _video_codec(d: Path, m: Maker) -> None:
    m.good_photos(d, 3)
    m.video(d, vcodec="hevc", make="Apple", model="iPhone 12")


def _video_duration(d: Path, m: Maker) -> None:
    m.good_photos(d, 3)
    m.video(d, seconds=10)
    m.video(d, seconds=75)


def _drone(d: Path, m: Maker) -> None:
    m.good_photos(d, 3)
    m.photo(
        d,
        name="DJI_0001.JPG",
        make="DJI",
        model="FC3582",
        size=(4032, 3024),
        gps=(PU_NHI[0] + 0.0010, PU_NHI[1] + 0.0010),
    )
    m.video(d, name="DJI_0002.MP4", make="DJI", model="FC3582")


def _submission_size(d: Path, m: Maker) -> None:
    m.good_photos(d, 3)
    m.video(d)


def _duplicate(d: Path, m: Maker) -> None:
    first, *_ = m.good_photos(d, 3)
    shutil.copyfile(first, d / f"{first.stem} - Copy.jpg")


SAMPLES: tuple[Sample, ...] = (
    Sample(
        "Khaigiang",
        "nothing (info only)",
        "4 camera/phone originals (one portrait, EXIF Orientation 6), a 35 s 1080p MP4 and a "
        "40 s portrait phone clip stored 1920x1080 with rotation 90 (shown 1080x1920); all "
        "on 2023-09-05 within minutes, GPS within ~100 m",
        _passes,
    ),
    Sample(
        "Khai giang 2023",
        "`folder-name` error",
        "no `_` between unit and activity, no unit-type prefix",
        _folder_name,
        unit=None,
    ),
    Sample(
        "Tep rac",
        "`folder-contents` warning",
        "`Thumbs.db`, `.DS_Store`, an Office lock file `~$bao cao.docx` and a nested folder "
        "`anh cu/` holding a photo",
        _folder_contents,
    ),
    Sample(
        "Tep hong",
        "`file-unreadable` error (x4)",
        "a JPEG cut in half, a zero-byte `.jpg`, a text file named `.jpg`, and an MP4 cut in "
        "half (its moov index, written last, is lost)",
        _file_unreadable,
    ),
    Sample(
        "Chi 2 anh", "`photo-count` error", "only 2 photos; at least 3 are required", _photo_count
    ),
    Sample(
        "Anh khong goc",
        "`photo-original` error (x6: one finding per photo, all its signals in `details`)",
        "Software = Adobe Photoshop; a WhatsApp copy `IMG-...-WA0003.jpg` without EXIF; a "
        "Facebook download `FB_IMG_...jpg` without EXIF and with an IPTC `FBMD` stamp; a "
        "Photoshop APP13 block; an XMP history `saved` by Photoshop; EXIF pixel size "
        "6000x4000 but the picture is 2400x1800 (resized copy)",
        _photo_original,
    ),
    Sample(
        "Dinh dang anh",
        "`photo-format` warning (HEIC, WEBP); `photo-original` error for the screenshot "
        "(its PNG format is folded into that one finding)",
        "an iPhone HEIC original, a WEBP, and an Android screenshot PNG (no EXIF)",
        _photo_format,
    ),
    Sample(
        "Anh nho",
        "`photo-resolution` error",
        "a camera original of only 1024x768 (0.8 MP)",
        _photo_resolution,
    ),
    Sample(
        "Thoi gian chup",
        "`capture-time` warning",
        "DateTimeOriginal 2000:01:01 00:00:00 (clock never set), one photo 3 days after the "
        "others, one in 2099 (future)",
        _capture_time,
    ),
    Sample(
        "Vi tri",
        "`location` warning",
        "one photo's GPS is in Ha Noi, ~295 km from the others",
        _location,
    ),
    Sample(
        "Dinh dang video",
        "`video-container` error (x3)",
        "a QuickTime file (brand `qt  `) named `.mp4`, an AVI (MPEG-4 part 2 + MP3) and an MKV",
        _video_container,
    ),
    Sample(
        "Do phan giai video",
        "`video-resolution` error (x2)",
        "a 640x360 MP4 (below 720p) and a 3840x2160 MP4 (above 1080p)",
        _video_resolution,
    ),
    Sample(
        "Ma hoa video",
        "`video-codec` (severity per profile)",
        "an MP4 whose video is HEVC (`hvc1`) instead of H.264",
        _video_codec,
    ),
    Sample(
        "Thoi luong video",
        "`video-duration` warning (x2)",
        "a 10 s clip and a 75 s clip; each scene should last 30-60 s",
        _video_duration,
    ),
    Sample(
        "Flycam",
        "`drone` info (praise); nothing else",
        "a DJI photo (Make DJI, Model FC3582) and `DJI_0002.MP4` with make DJI",
        _drone,
    ),
    Sample(
        "Dung luong",
        "`submission-size` warning, only with a tiny `max_total_gb`",
        "a normal, passing folder (~0.4 MB): 15 GB of media cannot ship in a repo, so the "
        "test checks it with a profile whose `max_total_gb` is 0.0001 (100 KB); with the "
        "default profile nothing fires",
        _submission_size,
    ),
    Sample(
        "Anh trung lap",
        "`duplicate` warning",
        "the same photo bytes twice, as `IMG_...jpg` and `IMG_... - Copy.jpg`",
        _duplicate,
    ),
)


README_HEAD = """# Sample submissions

Made by `python -m mediacheck.samples sample_media` (deterministic: the same bytes every run;
it removes and rebuilds only the folders listed here). Every file is synthetic: the pictures
are gradients and shapes, the metadata is what a camera, phone, editor or chat app would write.

Each folder is one event folder (`Unit_Activity`). Apart from the reason in its row it holds at
least three good photos, so it should fail for that reason only. Good photos are 2400x1800
JPEGs with Make/Model, DateTimeOriginal (2023-09-05, local time) and GPS near the school; good
videos are MP4, H.264 + AAC, 1920x1080, 35 s. Video `creation_time` is UTC, as phones write
it (local time is UTC+7), so 00:45:01Z is 07:45:01 local on the same day.

| folder | must fire | why |
|---|---|---|
"""

README_TAIL = """
Severities are the defaults this set was designed against (Phụ lục 2 table in the spec);
`rules/phuluc2.toml` is the authority. "Nothing" means no warning or error; info findings
(the 5WH checklist, praise) may still appear.
"""


def write_readme(outdir: Path) -> None:
    rows = [f"| `{s.folder}/` | {s.fires} | {s.why} |" for s in SAMPLES]
    (outdir / "README.md").write_text(
        README_HEAD + "\n".join(rows) + "\n" + README_TAIL, encoding="utf-8"
    )


def build(outdir: Path | str = "sample_media") -> list[Path]:
    """Rebuild every sample folder in ``outdir`` and its README; leave anything else alone."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    maker = Maker()
    folders = []
    for sample in SAMPLES:
        folder = outdir / sample.folder
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir()
        sample.build(folder, maker)
        folders.append(folder)
    write_readme(outdir)
    return folders
