"""A reader of what a HEIF/HEIC/AVIF photo says about itself, from its `meta` box alone.

Opening a HEIC with pillow-heif hands the whole file to libheif (an iPhone photo is 1-3 MB read
for a dozen facts). Everything the checks use is in the `meta` box at the start of the file
(a few KiB): the primary item's size (`ispe`) and rotation (`irot`), and where the EXIF and XMP
items lie (`iloc`), which are then read alone. Nothing in the box is trusted: offsets and
counts are bounded by the data; a file this reader does not understand gives None and the
caller falls back to pillow-heif.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import BinaryIO

from mediacheck.probe.bmff import children

MAX_ITEM_BYTES = 4 * 1024 * 1024  # an EXIF or XMP item larger than this is not read
XMP_TYPES = (b"application/rdf+xml", b"application/xmp+xml")


@dataclass
class HeifPicture:
    """The primary picture's size as a viewer shows it, and its metadata blocks."""

    width: int
    height: int
    exif: bytes | None = None  # the TIFF block (what follows the item's header offset)
    xmp: bytes | None = None


@dataclass
class _Item:
    kind: bytes = b""
    content_type: bytes = b""
    method: int = 0
    extents: tuple[tuple[int, int], ...] = ()


def read_heif(fh: BinaryIO, meta: bytes, file_size: int) -> HeifPicture | None:
    """The picture described by `meta` (the `meta` box body, as `read_boxes` kept it)."""
    try:
        return _read(fh, meta, file_size)
    except (struct.error, ValueError, IndexError):
        return None


def _read(fh: BinaryIO, meta: bytes, file_size: int) -> HeifPicture | None:
    boxes = dict(children(meta[4:]))  # a FullBox: version and flags first
    if b"pitm" not in boxes or b"iinf" not in boxes or b"iloc" not in boxes:
        return None
    primary = _primary(boxes[b"pitm"])
    items = _infos(boxes[b"iinf"])
    _locations(boxes[b"iloc"], items)
    size = _size(boxes.get(b"iprp", b""), primary)
    if size is None:
        return None
    idat = boxes.get(b"idat", b"")
    exif = next((i for i in items.values() if i.kind == b"Exif"), None)
    xmp = next((i for i in items.values() if i.kind == b"mime"
                and i.content_type in XMP_TYPES), None)
    picture = HeifPicture(*size)
    if exif is not None:
        data = _item_data(fh, exif, idat, file_size)
        if data is not None and len(data) >= 4:
            (skip,) = struct.unpack(">I", data[:4])
            picture.exif = data[4 + skip:] or None
    if xmp is not None:
        picture.xmp = _item_data(fh, xmp, idat, file_size)
    return picture


def _primary(pitm: bytes) -> int:
    return struct.unpack(">H", pitm[4:6])[0] if pitm[0] == 0 else struct.unpack(">I", pitm[4:8])[0]


def _infos(iinf: bytes) -> dict[int, _Item]:
    """Item id -> type (and MIME type) from the `infe` entries (versions 2 and 3)."""
    start = 6 if iinf[0] == 0 else 8
    items: dict[int, _Item] = {}
    for kind, body in children(iinf[start:]):
        if kind != b"infe" or len(body) < 4 or body[0] not in (2, 3):
            continue
        pos = 4
        if body[0] == 2:
            (item_id,) = struct.unpack_from(">H", body, pos)
            pos += 2
        else:
            (item_id,) = struct.unpack_from(">I", body, pos)
            pos += 4
        pos += 2  # protection index
        item = _Item(kind=body[pos:pos + 4])
        name_end = body.find(b"\0", pos + 4)
        if item.kind == b"mime" and name_end >= 0:
            item.content_type = body[name_end + 1:].split(b"\0", 1)[0]
        items[item_id] = item
    return items


def _locations(iloc: bytes, items: dict[int, _Item]) -> None:
    """Fill in each known item's extents (offset, length) and construction method."""
    version = iloc[0]
    pos = 4
    offset_size, length_size = iloc[pos] >> 4, iloc[pos] & 15
    base_size, index_size = iloc[pos + 1] >> 4, (iloc[pos + 1] & 15) if version in (1, 2) else 0
    pos += 2
    count, pos = _uint(iloc, pos, 2 if version < 2 else 4)
    for _ in range(count):
        item_id, pos = _uint(iloc, pos, 2 if version < 2 else 4)
        method = 0
        if version in (1, 2):
            method, pos = _uint(iloc, pos, 2)
            method &= 15
        pos += 2  # data reference index
        base, pos = _uint(iloc, pos, base_size)
        extent_count, pos = _uint(iloc, pos, 2)
        extents = []
        for _ in range(extent_count):
            pos += index_size
            offset, pos = _uint(iloc, pos, offset_size)
            length, pos = _uint(iloc, pos, length_size)
            extents.append((base + offset, length))
        if item_id in items:
            items[item_id].method, items[item_id].extents = method, tuple(extents)


def _uint(data: bytes, pos: int, size: int) -> tuple[int, int]:
    if size == 0:
        return 0, pos
    if pos + size > len(data):
        raise ValueError("iloc runs past its box")
    return int.from_bytes(data[pos:pos + size], "big"), pos + size


def _size(iprp: bytes, primary: int) -> tuple[int, int] | None:
    """The primary item's `ispe`, turned by its `irot` (a quarter turn swaps the sides)."""
    boxes = dict(children(iprp))
    if b"ipco" not in boxes or b"ipma" not in boxes:
        return None
    properties = children(boxes[b"ipco"])
    ipma = boxes[b"ipma"]
    version, flags = ipma[0], ipma[3] & 1
    (count,) = struct.unpack_from(">I", ipma, 4)
    pos = 8
    for _ in range(count):
        item_id, pos = _uint(ipma, pos, 2 if version < 1 else 4)
        associations, pos = _uint(ipma, pos, 1)
        indexes = []
        for _ in range(associations):
            value, pos = _uint(ipma, pos, 2 if flags else 1)
            indexes.append(value & (0x7FFF if flags else 0x7F))
        if item_id == primary:
            return _turned(properties, indexes)
    return None


def _turned(properties: list[tuple[bytes, bytes]], indexes: list[int]) -> tuple[int, int] | None:
    size, quarter_turns = None, 0
    for index in indexes:
        if not 1 <= index <= len(properties):
            continue
        kind, body = properties[index - 1]
        if kind == b"ispe" and len(body) >= 12:
            size = struct.unpack_from(">II", body, 4)
        elif kind == b"irot" and body:
            quarter_turns = body[0] & 3
    if size is None or not size[0] or not size[1]:
        return None
    return (size[1], size[0]) if quarter_turns % 2 else size


def _item_data(fh: BinaryIO, item: _Item, idat: bytes, file_size: int) -> bytes | None:
    """An item's bytes, from the file (method 0) or the `idat` box (method 1)."""
    if item.method not in (0, 1) or not item.extents:
        return None
    if sum(length for _, length in item.extents) > MAX_ITEM_BYTES:
        return None
    parts = []
    for offset, length in item.extents:
        if item.method == 1:
            part = idat[offset:offset + length]
        else:
            if offset + length > file_size:
                return None
            fh.seek(offset)
            part = fh.read(length)
        if len(part) != length:
            return None
        parts.append(part)
    return b"".join(parts)
