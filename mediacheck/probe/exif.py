"""A small reader of EXIF (TIFF) directories that decodes only the tags asked for.

A photo's EXIF holds 50-100 tags and a maker note; the checks read about fifteen. Pillow's
`getexif()` and `get_ifd()` decode every entry of every directory they open into Python objects,
which is most of the cost of a cold metadata pass. This reader walks the 12-byte entries with
`struct.unpack_from` and decodes only the wanted ones, so a phone photo's EXIF costs tens of
microseconds. It trusts nothing in the block: every offset and count is bounded by the data,
loops between directories are cut, and what does not fit is left out rather than raised.
"""

from __future__ import annotations

import struct
from typing import Any, NamedTuple

EXIF_POINTER, GPS_POINTER, INTEROP_POINTER = 0x8769, 0x8825, 0xA005
# type -> (struct code, size in bytes)
TYPES = {
    1: ("B", 1), 2: ("s", 1), 3: ("H", 2), 4: ("I", 4), 5: ("II", 8), 6: ("b", 1),
    7: ("s", 1), 8: ("h", 2), 9: ("i", 4), 10: ("ii", 8), 11: ("f", 4), 12: ("d", 8),
    13: ("I", 4),
}
MAX_ENTRIES = 1000
# EXIF orientation -> the PIL transpose (by name) that shows the stored picture upright.
UPRIGHT = {2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE",
           6: "ROTATE_270", 7: "TRANSVERSE", 8: "ROTATE_90"}
MAX_VALUES = 4096


class Ratio(NamedTuple):
    """An EXIF rational as stored (0/0 is what some cameras write for an unused field)."""

    num: int
    den: int


class Directories(dict):
    """`{"0": {tag: value}, "exif": {...}, "gps": {...}}` plus where big values lie."""

    byte_order: str = ">"
    # tag -> (offset, length) in the TIFF data of values kept as places, not bytes (MakerNote)
    places: dict[int, tuple[int, int]]


def read_directories(data: bytes, wanted: dict[str, set[int]],
                     places: frozenset[int] = frozenset()) -> Directories:
    """Decode the `wanted` tags of IFD0 ("0"), the Exif IFD ("exif") and the GPS IFD ("gps")
    of a TIFF block (what follows ``Exif\\0\\0`` in a JPEG's APP1). Tags in `places` are not
    decoded: their (offset, length) is recorded in `.places` (a maker note is read, if at all,
    by whoever knows its maker's layout)."""
    found = Directories()
    found.places = {}
    if len(data) < 8 or data[:2] not in (b"II", b"MM"):
        return found
    order = "<" if data[:2] == b"II" else ">"
    found.byte_order = order
    (first,) = struct.unpack_from(order + "I", data, 4)
    seen: set[int] = set()
    pointers = {"0": first}
    for name in ("0", "exif", "gps"):
        offset = pointers.get(name)
        if offset is None or offset in seen or offset + 2 > len(data):
            continue
        seen.add(offset)
        extra = {EXIF_POINTER, GPS_POINTER} if name == "0" else set()
        tags = _directory(data, order, offset, wanted.get(name, set()) | extra, places, found)
        if name == "0":
            for pointer, target in ((EXIF_POINTER, "exif"), (GPS_POINTER, "gps")):
                value = tags.pop(pointer, None)
                if isinstance(value, int):
                    pointers[target] = value
        found[name] = tags
    return found


def _directory(data: bytes, order: str, offset: int, wanted: set[int], places: frozenset[int],
               found: Directories) -> dict[int, Any]:
    (count,) = struct.unpack_from(order + "H", data, offset)
    count = min(count, MAX_ENTRIES, (len(data) - offset - 2) // 12)
    out: dict[int, Any] = {}
    entry = struct.Struct(order + "HHI4s")
    for i in range(count):
        tag, kind, number, raw = entry.unpack_from(data, offset + 2 + 12 * i)
        if tag not in wanted and tag not in places:
            continue
        spec = TYPES.get(kind)
        if spec is None:
            continue
        code, size = spec
        length = size * number
        if length <= 4:
            start, block = None, raw[:length]
        else:
            (start,) = struct.unpack(order + "I", raw)
            if start + length > len(data):
                continue
            block = b""
        if tag in places:
            found.places[tag] = (start if start is not None else offset + 10 + 12 * i, length)
            continue
        if start is not None:
            block = data[start:start + length]
        out[tag] = _value(block, order, kind, code, min(number, MAX_VALUES))
    return out


def _value(block: bytes, order: str, kind: int, code: str, number: int) -> Any:
    """ASCII as text; BYTE and UNDEFINED as bytes; one number as a number; several as a
    tuple; rationals as `Ratio`s."""
    if kind == 2:
        return block.split(b"\0", 1)[0].decode("utf-8", "replace")
    if kind in (1, 7) or code == "s":  # BYTE and UNDEFINED stay bytes, as Pillow gives them
        return block
    if code in ("II", "ii"):
        flat = struct.unpack(order + code[0] * (2 * number), block[:8 * number])
        pairs = tuple(Ratio(n, d) for n, d in zip(flat[::2], flat[1::2], strict=True))
        return pairs[0] if number == 1 else pairs
    values = struct.unpack(order + code * number, block[:struct.calcsize(order + code) * number])
    return values[0] if number == 1 else values


JPEG_OFFSET, JPEG_LENGTH = 0x0201, 0x0202  # IFD1: where the camera's preview JPEG lies


def embedded_preview(data: bytes) -> bytes | None:
    """The camera's own small JPEG preview stored in IFD1 of a TIFF block (most cameras and
    phones write one, 160-512 px wide), or None. Every offset is checked against the block:
    a preview that does not start and end like a JPEG is not returned."""
    place = embedded_preview_place(data)
    return data[place[0]:place[0] + place[1]] if place else None


def embedded_preview_place(data: bytes) -> tuple[int, int] | None:
    """(offset, length) in the TIFF block of its IFD1 preview JPEG, or None."""
    if len(data) < 8 or data[:2] not in (b"II", b"MM"):
        return None
    order = "<" if data[:2] == b"II" else ">"
    (first,) = struct.unpack_from(order + "I", data, 4)
    if first + 2 > len(data):
        return None
    (count,) = struct.unpack_from(order + "H", data, first)
    after = first + 2 + 12 * min(count, MAX_ENTRIES)
    if after + 4 > len(data):
        return None
    (second,) = struct.unpack_from(order + "I", data, after)
    if second in (0, first) or second + 2 > len(data):
        return None
    found = Directories()
    found.places = {}
    tags = _directory(data, order, second, {JPEG_OFFSET, JPEG_LENGTH}, frozenset(), found)
    start, length = tags.get(JPEG_OFFSET), tags.get(JPEG_LENGTH)
    if not isinstance(start, int) or not isinstance(length, int) or length < 4:
        return None
    if start + length > len(data) or data[start:start + 2] != b"\xff\xd8":
        return None
    return start, length
