"""A JPEG with data after its picture (a motion photo's video, a Samsung trailer, the second
picture of an MPO) is checked for completeness with one small read where the file says what
follows the picture, not by scanning the whole trailer; a cut-off one is still caught."""

from __future__ import annotations

import os
import struct
from pathlib import Path

from conftest import counted
from PIL import Image

from mediacheck.probe import probe
from mediacheck.samples.factory import make_photo

TRAILER = 3_000_000


def with_xmp(photo: Path, xmp: bytes, trailer: bytes, target: Path) -> Path:
    """The photo with an XMP APP1 segment right after SOI, then `trailer` after the picture."""
    data = photo.read_bytes()
    payload = b"http://ns.adobe.com/xap/1.0/\0" + xmp
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    target.write_bytes(data[:2] + segment + data[2:] + trailer)
    return target


def test_a_motion_photo_reads_no_video(tmp_path: Path) -> None:
    photo = make_photo(tmp_path / "base.jpg", size=(640, 480), seed=1)
    video = b"\0\0\0\x18ftypmp42" + os.urandom(TRAILER)
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
           b'GCamera:MicroVideo="1" GCamera:MicroVideoOffset="' + str(len(video)).encode() +
           b'"/></rdf:RDF></x:xmpmeta>')
    motion = with_xmp(photo, xmp, video, tmp_path / "PXL_1.MP.jpg")
    media, reads = counted(motion)
    facts = probe(media)
    assert facts.unreadable is None and facts.photo is not None
    assert sum(reads) < 200_000  # the 3 MB video behind the picture is not read

    cut = tmp_path / "PXL_2.MP.jpg"
    data = motion.read_bytes()
    cut.write_bytes(data[:len(data) - len(video) - 4000])  # the video and the picture's end
    assert probe(counted(cut)[0]).unreadable == "truncated"


def test_a_samsung_trailer_reads_no_trailer(tmp_path: Path) -> None:
    photo = make_photo(tmp_path / "IMG_1.jpg", size=(640, 480), seed=2)
    block = os.urandom(TRAILER)
    directory = b"SEFH" + struct.pack("<II", 106, 1) + struct.pack(
        "<HHII", 0, 0x0A01, len(block), len(block))
    trailer = block + directory + struct.pack("<I", len(directory)) + b"SEFT"
    target = tmp_path / "20230905_073000.jpg"
    target.write_bytes(photo.read_bytes() + trailer)
    media, reads = counted(target)
    assert probe(media).unreadable is None
    assert sum(reads) < 200_000


def test_an_mpo_reads_no_second_picture(tmp_path: Path) -> None:
    first = Image.effect_noise((1600, 1200), 60).convert("RGB")
    second = Image.effect_noise((1600, 1200), 80).convert("RGB")
    target = tmp_path / "DSCF0001.jpg"
    first.save(target, "MPO", save_all=True, append_images=[second], quality=95)
    media, reads = counted(target)
    facts = probe(media)
    assert facts.unreadable is None
    assert sum(reads) < target.stat().st_size / 2


def test_an_unknown_trailer_is_still_found_by_the_scan(tmp_path: Path) -> None:
    photo = make_photo(tmp_path / "IMG_1.jpg", size=(640, 480), seed=3)
    target = tmp_path / "IMG_2.jpg"
    target.write_bytes(photo.read_bytes() + b"SOMETHING ELSE" * 1000)
    assert probe(counted(target)[0]).unreadable is None


def test_padding_after_the_picture_is_read_backwards_not_the_picture(tmp_path: Path) -> None:
    """Some phones (Motorola, BlackBerry) pad a JPEG with zeros or a vendor block nothing
    announces: the end marker is found from the end, without reading the 1.2 MB picture; the
    same file cut inside its picture is still caught."""
    import random

    noise = Image.frombytes("RGB", (1200, 900), random.Random(4).randbytes(1200 * 900 * 3))
    noise.save(tmp_path / "base.jpg", quality=95)
    data = (tmp_path / "base.jpg").read_bytes()
    assert len(data) > 1_000_000
    padded = tmp_path / "IMG_pad.jpg"
    padded.write_bytes(data + b"MOTO" + bytes(40_000))
    media, reads = counted(padded)
    facts = probe(media)
    assert facts.unreadable is None and facts.photo is not None
    assert sum(reads) < 300_000
    cut = tmp_path / "IMG_cut.jpg"
    cut.write_bytes(data[:len(data) // 2] + bytes(40_000))
    assert probe(counted(cut)[0]).unreadable == "truncated"
