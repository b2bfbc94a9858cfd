"""Pictures for the pixel tests, made from real photos: blurred, exposure-shifted, and composed
scenes (a speaker before a text backdrop). Everything is written to the test's tmp_path; the
shared photos are only read, in place."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from mediacheck.checks import EventFacts
from mediacheck.probe.facts import FileFacts

SHARED = Path(__file__).resolve().parents[2] / "shared"
PEOPLE = SHARED / "people"
CORPUS = SHARED / "corpus"
MD_JPG = CORPUS / "metadata-extractor-images" / "jpg"
BANNER_TEXT = ("LE KHAI GIANG NAM HOC 2023 - 2024", "TRUONG THCS PU NHI", "HUYEN DIEN BIEN DONG")


def load(path: Path, long_side: int | None = None) -> Image.Image:
    """A shared photo, upright, RGB, optionally shrunk (long side) to keep tests fast."""
    with Image.open(path) as image:
        if long_side:
            image.draft("RGB", (long_side, long_side))
        picture = ImageOps.exif_transpose(image).convert("RGB")
    if long_side:
        picture.thumbnail((long_side, long_side))
    return picture


def save(image: Image.Image, path: Path, quality: int = 90) -> Path:
    image.save(path, "JPEG", quality=quality)
    return path


def blurred(image: Image.Image, sigma_at_analysis: float) -> Image.Image:
    """Gaussian blur given in pixels of the analysis picture (so it means the same at any size)."""
    from mediacheck.probe.pixels import ANALYSIS_SIZE

    scale = max(image.size) / ANALYSIS_SIZE
    return image.filter(ImageFilter.GaussianBlur(sigma_at_analysis * max(scale, 1.0)))


def exposure(image: Image.Image, stops: float) -> Image.Image:
    """The photo as if exposed `stops` EV more (or less): scaled in linear light, clipped."""
    linear = (np.asarray(image, dtype=np.float32) / 255) ** 2.2 * (2.0 ** stops)
    return Image.fromarray((np.clip(linear, 0, 1) ** (1 / 2.2) * 255 + 0.5).astype(np.uint8))


def font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: no scalable default font
        return ImageFont.load_default()


def speaker_before_banner(person: Image.Image, size: tuple[int, int] = (1600, 1200),
                          colour: tuple[int, int, int] = (190, 20, 30)) -> Image.Image:
    """A hall: a pale wall, a saturated backdrop with three lines of text across its upper part,
    and the person (a real portrait) standing in front of its lower edge."""
    width, height = size
    scene = Image.new("RGB", size, (205, 200, 190))
    pen = ImageDraw.Draw(scene)
    box = (int(width * 0.08), int(height * 0.06), int(width * 0.92), int(height * 0.62))
    pen.rectangle(box, fill=colour)
    text_size = int(height * 0.055)
    y = box[1] + int(height * 0.04)
    for line in BANNER_TEXT:
        left = (width - pen.textlength(line, font=font(text_size))) / 2
        pen.text((left, y), line, fill=(255, 235, 60), font=font(text_size))
        y += int(text_size * 1.6)
    pen.rectangle((0, int(height * 0.8), width, height), fill=(120, 85, 60))  # a lectern's floor
    figure = person.copy()
    figure.thumbnail((int(width * 0.35), int(height * 0.7)))
    scene.paste(figure, ((width - figure.width) // 2, height - figure.height))
    return scene


def facts_for(path: Path, rel: str | None = None) -> FileFacts:
    """The real facts of a photo file: its metadata probe and its pixel stage."""
    from mediacheck.probe.photo import probe_photo
    from mediacheck.probe.pixels import PixelsUnreadable, photo_pixels
    from mediacheck.probe.sniff import sniff

    size = path.stat().st_size
    with open(path, "rb") as fh:
        content = sniff(fh.read(512))
        photo = probe_photo(fh, size, content)
        facts = FileFacts(path=rel or path.name, kind="photo", size=size, content=content,
                          photo=photo)
        try:
            facts.pixels = photo_pixels(fh, content, photo.orientation)
        except PixelsUnreadable:
            facts.pixels = None
    return facts


def event_of(*files: FileFacts) -> EventFacts:
    return EventFacts(name="THCS Pu Nhi_Khaigiang", files=list(files))


def need_shared() -> None:
    import pytest

    if not PEOPLE.is_dir():
        pytest.skip("the shared people photos are not here")


def backlit(person: Image.Image) -> Image.Image:
    """The people as if before a bright window: everything but them 2 EV brighter, them (each
    head, and the body below it) 2.5 EV darker, the outline softened."""
    from mediacheck.probe.pixels import analyse_photo

    width, height = person.size
    mask = Image.new("L", person.size, 0)
    pen = ImageDraw.Draw(mask)
    faces = analyse_photo(person).faces
    for x, y, w, h, _score in faces:
        pen.rectangle(((x - w * 0.15) * width, (y - h * 0.35) * height,
                       (x + w * 1.15) * width, (y + h * 1.1) * height), fill=255)
        pen.rectangle(((x - w * 0.9) * width, (y + h * 1.05) * height,
                       (x + w * 1.9) * width, height), fill=255)
    softness = max(2.0, min((f[2] * width for f in faces), default=20) * 0.08)
    mask = mask.filter(ImageFilter.GaussianBlur(softness))
    return Image.composite(exposure(person, -2.5), exposure(person, 2.0), mask)
