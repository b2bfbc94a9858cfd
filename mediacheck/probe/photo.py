"""Read a photo's facts: format, pixel size, camera EXIF and the marks editors leave behind.

Only headers and metadata are read, never the picture itself, so a 12-MP JPEG costs well under
a millisecond. exifread reads the EXIF (JPEG, HEIC, PNG, WebP, TIFF); Pillow gives the real pixel
size and the raw APP segments where Photoshop and Facebook leave their blocks.
"""

from __future__ import annotations

import logging
import math
import re
import struct
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from typing import Any, BinaryIO

from mediacheck.probe.exif import read_directories
from mediacheck.probe.facts import PhotoFacts

logging.getLogger("exifread").setLevel(logging.CRITICAL)

XMP_TAG = re.compile(rb"<?([A-Za-z][\w-]*):([A-Za-z][\w-]*)")
XMP_CREATOR = re.compile(rb"CreatorTool(?:>|=\")([^<\"]{1,200})")
XMP_AGENT = re.compile(rb"softwareAgent(?:>|=\")([^<\"]{1,200})")
XMP_SIZE = re.compile(
    rb"(tiff:ImageWidth|tiff:ImageLength|exif:PixelXDimension|exif:PixelYDimension)"
    rb"(?:>|=[\"'])\s*(\d{1,6})(?!\d)")
XMP_SIZE_PAIRS = (("exif:PixelXDimension", "exif:PixelYDimension"),
                  ("tiff:ImageWidth", "tiff:ImageLength"))
# A capture time written as text inside a maker's own EXIF block (Sony's ShotInfo, ...).
MAKERNOTE_TIME = re.compile(rb"(?:19|20)\d\d:[01]\d:[0-3]\d [0-2]\d:[0-5]\d:[0-5]\d")
SKIPPED_XMP_PREFIXES = {b"xmlns", b"rdf", b"x", b"xml"}


# The EXIF tags the checks use: IFD0 (Make, Model, Software, ImageDescription, Orientation,
# DateTime), the Exif IFD (DateTimeOriginal, pixel size, UserComment), GPS (refs and values).
EXIF_TAGS = {"0": {0x010F, 0x0110, 0x0131, 0x010E, 0x0112, 0x0132},
             "exif": {0x9003, 0xA002, 0xA003, 0x9286}, "gps": {1, 2, 3, 4}}
MAKER_NOTE = 0x927C

class PhotoUnreadable(Exception):
    """The photo cannot be read; `reason` is a file-unreadable message key."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail


def probe_photo(fh: BinaryIO, size: int, content: str) -> PhotoFacts:
    """Gather a photo's facts from an open binary file; raise PhotoUnreadable if it is broken."""
    from PIL import Image, UnidentifiedImageError

    if content == "heif":
        facts = _probe_heif(fh, size)
        if facts is not None:
            return facts
    if content in ("heif", "avif"):
        _register_heif()
    fh.seek(0)
    try:
        image = Image.open(fh)
    except UnidentifiedImageError as exc:
        raise PhotoUnreadable("corrupt", "the picture cannot be decoded") from exc
    except (OSError, SyntaxError, ValueError, struct.error) as exc:
        raise PhotoUnreadable("corrupt", str(exc)[:200]) from exc
    facts = PhotoFacts(format=image.format, width=image.width, height=image.height)
    if image.format == "JPEG":
        _read_jpeg_segments(image, facts)
    xmp = image.info.get("xmp")
    if xmp:
        _read_xmp(xmp.encode("utf-8", "replace") if isinstance(xmp, str) else xmp, facts)
    _check_complete(fh, size, content, image)
    _read_exif(fh, image, facts)
    if facts.datetime_original:
        facts.datetime_source = "exif"
    else:
        _read_maker_time(image, facts)
    return facts


def _probe_heif(fh: BinaryIO, size: int) -> PhotoFacts | None:
    """A HEIC's facts from its `meta` box and its EXIF and XMP items (a few KiB read, where
    pillow-heif reads the whole file); None when the file is not one this reader knows."""
    from mediacheck.probe.bmff import read_boxes
    from mediacheck.probe.heif import read_heif

    boxes = read_boxes(fh, size, want_rotation=False, want_meta=True)
    if boxes.truncated:
        raise PhotoUnreadable("truncated", "a box runs past the end of the file")
    picture = read_heif(fh, boxes.meta, size) if boxes.meta else None
    if picture is None:
        return None
    facts = PhotoFacts(format="HEIF", width=picture.width, height=picture.height)
    if picture.xmp:
        _read_xmp(picture.xmp, facts)
    if picture.exif and _fill_from_tiff(picture.exif, facts):
        if facts.orientation is not None:
            # The size is already turned by the file's `irot`, as every HEIF viewer shows it;
            # the EXIF tag must not turn it again (pillow-heif resets it to 1 the same way).
            facts.orientation = 1
        if facts.datetime_original:
            facts.datetime_source = "exif"
        else:
            moment = _maker_note_time(picture.exif)
            if moment is not None:
                facts.datetime_original, facts.datetime_source = moment, "makernote"
    return facts


def _read_maker_time(image: Any, facts: PhotoFacts) -> None:
    """Some devices leave EXIF DateTimeOriginal empty and keep the capture time in their own
    block: FLIR thermal cameras in an APP1 'FLIR' record, Sony in its maker note's ShotInfo.
    Both are already in memory (Pillow's APP list and parsed EXIF): no extra read."""
    moment = _flir_time(image) if image.format == "JPEG" else None
    source = "flir"
    if moment is None:
        moment, source = _makernote_time(image), "makernote"
    if moment is not None:
        facts.datetime_original, facts.datetime_source = moment, source


def _makernote_time(image: Any) -> str | None:
    """The first date-and-time text in the EXIF MakerNote (0x927C), as EXIF writes dates."""
    if image.format != "JPEG" and "exif" not in image.info:
        return None  # a PNG would decode its whole picture to look for a late eXIf chunk
    tiff = jpeg_tiff(image) if image.format == "JPEG" else None
    if tiff is not None:
        return _maker_note_time(tiff)
    else:
        try:
            note = image.getexif().get_ifd(0x8769).get(MAKER_NOTE)
        except Exception:  # noqa: BLE001 - a damaged EXIF block is not a crash
            return None
    return _note_time(note)


def _maker_note_time(tiff: bytes) -> str | None:
    """The maker note's first date-and-time text, from a TIFF block read by our reader."""
    found = read_directories(tiff, {}, places=frozenset({MAKER_NOTE}))
    place = found.places.get(MAKER_NOTE)
    return _note_time(tiff[place[0]:place[0] + place[1]] if place else None)


def _note_time(note: Any) -> str | None:
    if not isinstance(note, bytes):
        return None
    for match in MAKERNOTE_TIME.finditer(note[:1 << 16]):
        moment = _iso_time(match.group().decode("ascii"))
        if moment is not None:
            return moment
    return None


def _flir_time(image: Any) -> str | None:
    """FLIR thermal cameras keep DateTimeOriginal in their own APP1 'FLIR' record (the FFF
    CameraInfo record, 0x20), not in EXIF: local time from UNIX seconds and a zone offset."""
    parts = [d for m, d in getattr(image, "applist", []) if m == "APP1" and d[:5] == b"FLIR\0"]
    fff = b"".join(d[8:] for d in parts)
    if fff[:4] != b"FFF\0" or len(fff) < 32:
        return None
    try:
        dir_offset, entries = struct.unpack(">II", fff[24:32])
        for i in range(min(entries, 256)):
            kind, _sub, _ver, _id, offset, length = struct.unpack(
                ">HHIIII", fff[dir_offset + 32 * i: dir_offset + 32 * i + 20])
            if kind != 0x20 or length < 0x38E:
                continue
            record = fff[offset: offset + length]
            order = "<" if record[:2] == b"\x02\x00" else ">"
            seconds, _ms, zone = struct.unpack(order + "IIh", record[0x384:0x38E])
            if seconds:
                local = datetime.fromtimestamp(seconds, timezone.utc) - timedelta(minutes=zone)
                return local.replace(tzinfo=None).isoformat()
    except (struct.error, ValueError, OverflowError, OSError):
        return None
    return None


def _register_heif() -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()


def _check_complete(fh: BinaryIO, size: int, content: str, image: Any = None) -> None:
    """A cut-off download or copy loses the end of the file; each format has a known ending."""
    if content == "jpeg":
        fh.seek(max(0, size - 64))
        tail = fh.read()
        if b"\xff\xd9" in tail:
            return
        end = _jpeg_end_before_trailer(fh, size, tail, image)
        if end is not None and end >= 2:
            fh.seek(end - 2)
            if fh.read(2) == b"\xff\xd9":
                return
        if not _jpeg_has_end_after_scan(fh, size):
            raise PhotoUnreadable("truncated", "the JPEG end marker is missing")
    elif content == "png":
        fh.seek(max(0, size - 64))
        if b"IEND" not in fh.read():
            raise PhotoUnreadable("truncated", "the PNG end chunk is missing")
    elif content in ("heif", "avif"):
        from mediacheck.probe.bmff import read_boxes

        if read_boxes(fh, size, want_rotation=False).truncated:
            raise PhotoUnreadable("truncated", "a box runs past the end of the file")


TAIL_SEARCH = 1 << 20  # bytes searched backwards for the end marker before the picture itself
MOTION_OFFSET = re.compile(rb"MicroVideoOffset(?:=\"|>)(\d{1,12})")
CONTAINER_LENGTH = re.compile(rb"Item:Length(?:=\"|>)(\d{1,12})")


def _jpeg_end_before_trailer(fh: BinaryIO, size: int, tail: bytes, image: Any) -> int | None:
    """Where the picture ends when the file says what follows it, so finding the end marker
    costs one small read instead of a scan of the whole file: a multi-picture file (MPF index
    in APP2), a motion photo (its XMP gives the video's length), a Samsung trailer (`SEFT`)."""
    if image is not None:
        for marker, data in getattr(image, "applist", []):
            if marker == "APP2" and data[:4] == b"MPF\0":
                first = _mpf_first_size(data[4:])
                if first:
                    return first
        xmp = image.info.get("xmp") or b""
        xmp = xmp.encode("utf-8", "replace") if isinstance(xmp, str) else xmp
        offset = MOTION_OFFSET.search(xmp)
        if offset:
            return size - int(offset.group(1))
        lengths = [int(n) for n in CONTAINER_LENGTH.findall(xmp)]
        if lengths:
            return size - sum(lengths)
    if tail[-4:] == b"SEFT" and len(tail) >= 8:
        return _samsung_trailer_start(fh, size, struct.unpack("<I", tail[-8:-4])[0])
    return None


def _mpf_first_size(tiff: bytes) -> int | None:
    """The size of the first picture in an MPF index (MP Entry 0xB002: 16 bytes a picture)."""
    found = read_directories(tiff, {"0": {0xB002}})
    entries = found.get("0", {}).get(0xB002)
    if not isinstance(entries, bytes) or len(entries) < 16:
        return None
    return struct.unpack(found.byte_order + "I", entries[4:8])[0]


def _samsung_trailer_start(fh: BinaryIO, size: int, directory: int) -> int | None:
    """A Samsung trailer ends with its directory (`SEFH`, count, 12-byte entries whose
    offsets count back from the directory), its length and `SEFT`."""
    start = size - 8 - directory
    if directory < 12 or directory > 1 << 20 or start <= 0:
        return None
    fh.seek(start)
    block = fh.read(directory)
    if block[:4] != b"SEFH":
        return None
    count = min(struct.unpack("<I", block[8:12])[0], (len(block) - 12) // 12)
    offsets = [struct.unpack("<I", block[12 + 12 * i + 4:12 + 12 * i + 8])[0]
               for i in range(count)]
    return start - max(offsets) if offsets else None


def _jpeg_has_end_after_scan(fh: BinaryIO, size: int) -> bool:
    """Slow path for JPEGs with data after the picture that no header announces (some phones
    pad with zeros or write a vendor block): is there an end marker after the start of the main
    scan? Compressed data never holds FF D9 and a cut-off file loses its end, so any end marker
    after the scan start means the picture is whole. It is looked for backwards from the end
    first (these blocks are tens of KiB), and only then forwards through the picture."""
    scan = _main_scan_start(fh)
    if scan is None:
        return False
    low = max(scan, size - TAIL_SEARCH)
    position, carry = size, b""
    while position > low:
        step = min(1 << 14, position - low)
        position -= step
        fh.seek(position)
        chunk = fh.read(step)
        if b"\xff\xd9" in chunk + carry:
            return True
        carry = chunk[:1]
    if low == scan:
        return False
    fh.seek(scan)
    previous = b""
    left = low - scan + 1
    while left > 0 and (chunk := fh.read(min(1 << 20, left))):
        if b"\xff\xd9" in previous[-1:] + chunk:
            return True
        previous, left = chunk, left - len(chunk)
    return False


def _main_scan_start(fh: BinaryIO) -> int | None:
    """Where the first scan's data starts, found by walking the marker segments (headers only)."""
    fh.seek(2)
    while True:
        marker = fh.read(4)
        if len(marker) < 4 or marker[0] != 0xFF:
            return None
        if marker[1] == 0xDA:
            return fh.tell()
        fh.seek(struct.unpack(">H", marker[2:4])[0] - 2, 1)


def _read_jpeg_segments(image: Any, facts: PhotoFacts) -> None:
    """Photoshop writes an APP13 '8BIM' block; Facebook hides 'FBMD' in its IPTC record."""
    for marker, data in getattr(image, "applist", []):
        if marker != "APP13":
            continue
        if b"FBMD" in data:
            facts.fbmd = True
        facts.app13_resources.extend(_photoshop_resources(data))
    facts.app13_resources = sorted(set(facts.app13_resources))


def _photoshop_resources(data: bytes) -> list[int]:
    if not data.startswith(b"Photoshop 3.0\x00"):
        return []
    ids = []
    pos = len(b"Photoshop 3.0\x00")
    while pos + 12 <= len(data) and data[pos : pos + 4] == b"8BIM":
        res_id = struct.unpack(">H", data[pos + 4 : pos + 6])[0]
        name_len = data[pos + 6]
        pos += 6 + 1 + name_len + ((1 + name_len) % 2)
        if pos + 4 > len(data):
            break
        length = struct.unpack(">I", data[pos : pos + 4])[0]
        pos += 4 + length + (length % 2)
        ids.append(res_id)
    return ids


def _read_xmp(xmp: bytes, facts: PhotoFacts) -> None:
    tags = {
        f"{ns.decode()}:{name.decode()}"
        for ns, name in XMP_TAG.findall(xmp[:200_000])
        if ns not in SKIPPED_XMP_PREFIXES
    }
    facts.xmp_tags = sorted(tags)
    creator = XMP_CREATOR.search(xmp)
    if creator:
        facts.xmp_creator_tool = creator.group(1).decode("utf-8", "replace").strip()
    head = xmp[:200_000]
    if b"softwareAgent" in head:  # a substring test is far cheaper than the regex
        agents = XMP_AGENT.findall(head)
        if agents:
            facts.xmp_history_agent = agents[-1].decode("utf-8", "replace").strip() or None
    if b"PixelXDimension" in head or b"ImageWidth" in head:
        facts.xmp_sizes = _xmp_sizes(head)


def _xmp_sizes(xmp: bytes) -> dict[str, list[int]]:
    """The picture size an editor (or camera) wrote in XMP, per pair of tags; 0 is unknown."""
    found: dict[str, int] = {}
    for tag, value in XMP_SIZE.findall(xmp):
        found.setdefault(tag.decode(), int(value))
    return {w: [found[w], found[h]] for w, h in XMP_SIZE_PAIRS
            if found.get(w) and found.get(h)}


def _read_exif(fh: BinaryIO, image: Any, facts: PhotoFacts) -> None:
    """JPEG: the EXIF block is already in memory (Pillow keeps the APP segments it read while
    opening), and `probe/exif.py` decodes only the tags we use from it, several times faster
    than Pillow's full parse. Other formats (HEIC, PNG, WebP, TIFF), and JPEGs whose EXIF does
    not parse, are read by exifread, with Pillow as the last resort."""
    if image.format == "JPEG" and _read_exif_tiff(image, facts):
        return
    import exifread

    fh.seek(0)
    try:
        tags = exifread.process_file(fh, details=False, extract_thumbnail=False)
    except Exception:  # noqa: BLE001 - exifread raises many kinds on odd files
        tags = {}
    if not tags:
        _read_exif_pillow(image, facts)
        return
    facts.has_exif = True
    facts.make = _text(tags.get("Image Make"))
    facts.model = _text(tags.get("Image Model"))
    facts.software = _text(tags.get("Image Software"))
    facts.image_description = _text(tags.get("Image ImageDescription"))
    facts.datetime_original, facts.datetime_original_text = _capture_time(
        _text(tags.get("EXIF DateTimeOriginal")))
    facts.modify_date = _iso_time(_text(tags.get("Image DateTime")))
    facts.exif_width = _first_int(tags.get("EXIF ExifImageWidth"), keep_zero=True)
    facts.exif_height = _first_int(tags.get("EXIF ExifImageLength"), keep_zero=True)
    facts.orientation = _first_int(tags.get("Image Orientation"))
    # exifread skips UserComment when details=False; iOS marks screenshots there.
    facts.user_comment = _user_comment(tags.get("EXIF UserComment")) or _pillow_comment(image)
    lat, lon = tags.get("GPS GPSLatitude"), tags.get("GPS GPSLongitude")
    facts.gps = _gps(
        lat.values if lat is not None else None, _text(tags.get("GPS GPSLatitudeRef")),
        lon.values if lon is not None else None, _text(tags.get("GPS GPSLongitudeRef")),
    )


def jpeg_tiff(image: Any) -> bytes | None:
    """The TIFF block of a JPEG's EXIF APP1 segment, as Pillow kept it while opening."""
    for marker, data in getattr(image, "applist", []):
        if marker == "APP1" and data[:6] == b"Exif\0\0":
            return data[6:]
    return None


def _read_exif_tiff(image: Any, facts: PhotoFacts) -> bool:
    """The EXIF fields we use, from the JPEG's own block; False when there is none."""
    tiff = jpeg_tiff(image)
    return tiff is not None and _fill_from_tiff(tiff, facts)


def _fill_from_tiff(tiff: bytes, facts: PhotoFacts) -> bool:
    """The EXIF fields we use from a TIFF block; False when it holds no IFD0."""
    found = read_directories(tiff, EXIF_TAGS)
    if not found.get("0"):
        return False
    _fill_exif(facts, found["0"], found.get("exif", {}), found.get("gps", {}))
    return True


def _read_exif_pillow(image: Any, facts: PhotoFacts) -> bool:
    """Read the EXIF fields we use through Pillow; False when there is no EXIF to read."""
    try:
        exif = image.getexif()
        if not exif:
            return False
        sub = exif.get_ifd(0x8769)
        gps = exif.get_ifd(0x8825)
    except Exception:  # noqa: BLE001 - a damaged EXIF block is not a crash
        return False
    _fill_exif(facts, exif, sub, gps)
    return True


def _fill_exif(facts: PhotoFacts, ifd0: Any, sub: Any, gps: Any) -> None:
    """The fields we use from IFD0, the Exif IFD and the GPS IFD (tag -> value mappings, from
    our reader or Pillow's)."""
    facts.has_exif = True
    facts.make = _clean(ifd0.get(0x010F))
    facts.model = _clean(ifd0.get(0x0110))
    facts.software = _clean(ifd0.get(0x0131))
    facts.image_description = _clean(ifd0.get(0x010E))
    facts.orientation = _plain_int(ifd0.get(0x0112))
    facts.datetime_original, facts.datetime_original_text = _capture_time(
        _clean(sub.get(0x9003)))
    facts.modify_date = _iso_time(_clean(ifd0.get(0x0132)))
    facts.exif_width = _plain_int(sub.get(0xA002), keep_zero=True)
    facts.exif_height = _plain_int(sub.get(0xA003), keep_zero=True)
    facts.user_comment = _comment_text(sub.get(0x9286))
    facts.gps = _gps(gps.get(2), _clean(gps.get(1)), gps.get(4), _clean(gps.get(3)))


def _plain_int(value: Any, *, keep_zero: bool = False) -> int | None:
    """EXIF integers sometimes come as a tuple (a count written twice); 0 means unknown,
    except where a written 0 is itself a fact (`keep_zero`: a pixel size some program reset)."""
    if isinstance(value, (tuple, list)):
        value = value[0] if value else None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number or keep_zero else None


def _pillow_comment(image: Any) -> str | None:
    """EXIF UserComment as Pillow reads it (exifread skips it when details=False)."""
    try:
        return _comment_text(image.getexif().get_ifd(0x8769).get(0x9286))
    except Exception:  # noqa: BLE001
        return None


def _comment_text(comment: Any) -> str | None:
    """UserComment is an 8-byte charset header, then the text (anything else is not text)."""
    if not comment or not isinstance(comment, (str, bytes)):
        return None
    return _clean(comment if isinstance(comment, str) else comment[8:].decode("utf-8", "replace"))


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    text = text.replace("\x00", "").strip()
    return text or None


def _text(tag: Any) -> str | None:
    return None if tag is None else _clean(tag.printable)


def _first_int(tag: Any, *, keep_zero: bool = False) -> int | None:
    if tag is None:
        return None
    values = tag.values if isinstance(tag.values, list) else [tag.values]
    try:
        value = int(values[0])
    except (TypeError, ValueError, IndexError):
        return None
    return value if value or keep_zero else None


def _user_comment(tag: Any) -> str | None:
    if tag is None:
        return None
    values = tag.values
    if isinstance(values, list) and values and isinstance(values[0], int):
        raw = bytes(v & 0xFF for v in values)
        return _clean(raw[8:] if raw[:8].rstrip(b"\x00 ") in (b"ASCII", b"UNICODE", b"") else raw)
    return _clean(tag.printable)


def _iso_time(text: str | None) -> str | None:
    """EXIF writes '2023:09:05 07:30:00'; ISO 8601, or None when it is not a date. The usual
    shape is read by slicing (strptime costs ten times as much, twice per photo)."""
    if not text:
        return None
    if len(text) >= 19 and text[4] in ":-" and text[7] in ":-" and text[10] in " T" and (
            text[13] == text[16] == ":"):
        try:
            return datetime(int(text[:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]),
                            int(text[14:16]), int(text[17:19])).isoformat()
        except ValueError:
            return None
    for fmt in ("%Y:%m:%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
                "%Y:%m:%d %H:%M"):
        try:
            return datetime.strptime(text[:19], fmt).isoformat()
        except ValueError:
            continue
    return None


def _capture_time(text: str | None) -> tuple[str | None, str | None]:
    """(ISO time, None), or (None, the text as written) when the field holds no date: all
    zeroes ('0000:00:00 00:00:00') or blanks are what a reset or rewritten field looks like."""
    moment = _iso_time(text)
    return (moment, None) if moment or not text else (None, text)


def _ratio(value: Any) -> float:
    """A rational as a float; 0/0 (an unused seconds field, as some cameras write) is 0."""
    if hasattr(value, "num"):
        return float(Fraction(value.num, value.den)) if value.den else 0.0
    number = float(value)
    return 0.0 if math.isnan(number) else number


def _gps(lat: Any, lat_ref: str | None, lon: Any, lon_ref: str | None) -> list[float] | None:
    """Decimal degrees from degree/minute/second values; (0, 0) is what phones write without
    a fix, so it counts as none."""
    if not lat or not lon:
        return None
    try:
        la = sum(_ratio(v) / 60**i for i, v in enumerate(list(lat)[:3]))
        lo = sum(_ratio(v) / 60**i for i, v in enumerate(list(lon)[:3]))
    except (TypeError, ValueError, ZeroDivisionError, AttributeError):
        return None
    if (lat_ref or "N").upper().startswith("S"):
        la = -la
    if (lon_ref or "E").upper().startswith("W"):
        lo = -lo
    if abs(la) < 1e-9 and abs(lo) < 1e-9 or abs(la) > 90 or abs(lo) > 180:
        return None
    return [round(la, 6), round(lo, 6)]
