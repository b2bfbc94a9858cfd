"""A video's facts read straight from an MP4/MOV `moov` box: streams, codecs, size, duration,
frame rate, camera tags and location — no decoder library, no second read of the index.

The metadata pass reads a phone's MP4 once: the box walk in `bmff.py` already holds the `moov`
bytes, and everything the checks ask of a video is written there in fixed places. FFmpeg (PyAV)
would read the same `moov` again and cost a few milliseconds per file plus its import; it stays
the fallback for other containers and for anything this reader does not recognise. Names follow
FFmpeg's (codec `h264`, tags `make`, `model`, `encoder`, `location`, `creation_time`), so the
facts are the same whichever reader produced them.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from mediacheck.probe.bmff import children, matrix_rotation

VIDEO_CODECS = {
    b"avc1": "h264", b"avc3": "h264", b"hvc1": "hevc", b"hev1": "hevc", b"dvh1": "hevc",
    b"dvhe": "hevc", b"mp4v": "mpeg4", b"vp09": "vp9", b"vp08": "vp8", b"av01": "av1",
    b"jpeg": "mjpeg", b"mjpa": "mjpeg", b"mjpb": "mjpeg", b"s263": "h263", b"h263": "h263",
    b"apch": "prores", b"apcn": "prores", b"apcs": "prores", b"apco": "prores",
    b"ap4h": "prores", b"ap4x": "prores",
}
AUDIO_CODECS = {
    b".mp3": "mp3", b"ac-3": "ac3", b"ec-3": "eac3", b"Opus": "opus", b"fLaC": "flac",
    b"alac": "alac", b"samr": "amrnb", b"sawb": "amrwb", b"sowt": "pcm_s16le",
    b"twos": "pcm_s16be", b"lpcm": "pcm", b"in24": "pcm_s24be", b"ulaw": "pcm_mulaw",
    b"alaw": "pcm_alaw", b"ima4": "adpcm_ima_qt",
}
# MPEG-4 objectTypeIndication in `esds` (ISO/IEC 14496-1, the registration authority's list).
ESDS_AUDIO = {0x40: "aac", 0x66: "aac", 0x67: "aac", 0x68: "aac", 0x69: "mp3", 0x6B: "mp3"}
ESDS_VIDEO = {0x20: "mpeg4", 0x21: "h264", 0x6A: "mpeg1video", 0x6C: "mjpeg", 0x60: "mpeg2video"}
# QuickTime `udta` atoms and Apple `mdta` keys, as FFmpeg names them.
UDTA_TAGS = {b"\xa9mak": "make", b"\xa9mod": "model", b"\xa9swr": "encoder",
             b"\xa9xyz": "location", b"\xa9day": "date", b"\xa9too": "encoder"}
MAC_EPOCH = datetime(1904, 1, 1, tzinfo=timezone.utc)


class Unrecognised(Exception):
    """The `moov` holds something this reader does not know: let FFmpeg read the file."""


@dataclass
class Track:
    handler: bytes = b""
    handler_name: str = ""
    codec: str | None = None
    width: int | None = None
    height: int | None = None
    rotation: int = 0
    timescale: int = 0
    duration: int = 0
    samples: int = 0
    frame_ticks: int = 0  # the sum of the sample durations (what FFmpeg's frame rate uses)
    pixel_format: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class Movie:
    """What a `moov` says, in the terms `VideoFacts` uses."""

    tracks: list[Track] = field(default_factory=list)
    timescale: int = 0
    duration: int = 0
    tags: dict[str, str] = field(default_factory=dict)
    created: str | None = None  # mvhd's time: used when no tag gives one (as FFmpeg does)

    def first(self, handler: bytes) -> Track | None:
        return next((t for t in self.tracks if t.handler == handler), None)


def read_movie(moov: bytes) -> Movie:
    """Parse a `moov` body; raises Unrecognised for what only FFmpeg should judge."""
    movie = Movie()
    try:
        for kind, body in children(moov):
            if kind == b"mvhd":
                _mvhd(body, movie)
            elif kind == b"trak":
                movie.tracks.append(_trak(body))
            elif kind == b"udta":
                _udta(body, movie.tags)
            elif kind == b"meta":
                _mdta(body, movie.tags)
    except (struct.error, IndexError, ValueError) as exc:
        raise Unrecognised(f"damaged moov: {exc}") from exc
    if movie.created:
        movie.tags.setdefault("creation_time", movie.created)
    return movie


def _full(body: bytes) -> tuple[int, bytes]:
    """A full box's version and the rest of its body (after version and flags)."""
    if len(body) < 4:
        raise ValueError("short full box")
    return body[0], body[4:]


def _mvhd(body: bytes, movie: Movie) -> None:
    version, rest = _full(body)
    if version == 1:
        created, _modified, movie.timescale, movie.duration = struct.unpack(">QQIQ", rest[:28])
    else:
        created, _modified, movie.timescale, movie.duration = struct.unpack(">IIII", rest[:16])
    if created:
        stamp = MAC_EPOCH + timedelta(seconds=created)
        movie.created = stamp.strftime("%Y-%m-%dT%H:%M:%S.000000Z")


def _trak(body: bytes) -> Track:
    track = Track()
    boxes = dict(children(body))
    if b"tkhd" in boxes:
        track.rotation = matrix_rotation(boxes[b"tkhd"])
    mdia = dict(children(boxes.get(b"mdia", b"")))
    if b"hdlr" in mdia:
        _hdlr(mdia[b"hdlr"], track)
    if b"mdhd" in mdia:
        version, rest = _full(mdia[b"mdhd"])
        fmt = ">QQIQ" if version == 1 else ">IIII"
        _c, _m, track.timescale, track.duration = struct.unpack(fmt, rest[:struct.calcsize(fmt)])
    stbl = dict(children(dict(children(mdia.get(b"minf", b""))).get(b"stbl", b"")))
    if b"stsd" in stbl:
        _stsd(stbl[b"stsd"], track)
    if b"stts" in stbl:
        _version, rest = _full(stbl[b"stts"])
        (entries,) = struct.unpack(">I", rest[:4])
        for i in range(min(entries, (len(rest) - 4) // 8)):
            count, delta = struct.unpack(">II", rest[4 + 8 * i: 12 + 8 * i])
            track.samples += count
            track.frame_ticks += count * delta
    if b"udta" in boxes:
        _udta(boxes[b"udta"], track.tags)
    return track


def _hdlr(body: bytes, track: Track) -> None:
    _version, rest = _full(body)
    track.handler = rest[4:8]
    name = rest[20:]
    if name[:1] and name[0] == len(name) - 1:  # QuickTime writes a Pascal string
        name = name[1:]
    track.handler_name = name.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def _stsd(body: bytes, track: Track) -> None:
    _version, rest = _full(body)
    entries = children(rest[4:])
    if not entries:
        return
    fourcc, entry = entries[0]
    if track.handler == b"vide":
        _visual(fourcc, entry, track)
    elif track.handler == b"soun":
        _audio(fourcc, entry, track)


def _visual(fourcc: bytes, entry: bytes, track: Track) -> None:
    """VisualSampleEntry: 8 bytes of SampleEntry, 16 reserved, then width and height."""
    track.width, track.height = struct.unpack(">HH", entry[24:28])
    compressor = entry[42:74]  # a Pascal string: what FFmpeg shows as the stream's encoder
    if compressor[:1] and 0 < compressor[0] < 32:
        name = compressor[1:1 + compressor[0]].decode("utf-8", "replace").strip("\0 ")
        if name:
            track.tags["encoder"] = name
    extensions = dict(children(entry[78:]))
    track.codec = VIDEO_CODECS.get(fourcc)
    if fourcc == b"mp4v" and b"esds" in extensions:
        track.codec = ESDS_VIDEO.get(_esds_object_type(extensions[b"esds"]), track.codec)
    if track.codec is None:
        raise Unrecognised(f"video sample entry {fourcc!r}")
    full_range = _full_range(extensions.get(b"colr"))
    if b"avcC" in extensions:
        full_range = full_range or _avc_full_range(extensions[b"avcC"])
        track.pixel_format = _avc_pixel_format(extensions[b"avcC"], full_range)
    elif b"hvcC" in extensions:
        track.pixel_format = _hevc_pixel_format(extensions[b"hvcC"], full_range)
    elif track.codec in ("mpeg4", "h263"):  # both profiles phones use are 8-bit 4:2:0
        track.pixel_format = "yuv420p"


def _audio(fourcc: bytes, entry: bytes, track: Track) -> None:
    """AudioSampleEntry: 8 + 20 bytes (v0), 16 more for QuickTime v1, 36 more for v2."""
    version = struct.unpack(">H", entry[8:10])[0]
    start = 28 + {1: 16, 2: 36}.get(version, 0)
    extensions = dict(children(entry[start:]))
    if fourcc == b"mp4a":
        esds = extensions.get(b"esds") or _wave_esds(extensions.get(b"wave"))
        track.codec = ESDS_AUDIO.get(_esds_object_type(esds)) if esds else None
    else:
        track.codec = AUDIO_CODECS.get(fourcc)
    if track.codec is None:
        raise Unrecognised(f"audio sample entry {fourcc!r}")


def _wave_esds(wave: bytes | None) -> bytes | None:
    return dict(children(wave)).get(b"esds") if wave else None


def _esds_object_type(esds: bytes | None) -> int | None:
    """objectTypeIndication of the DecoderConfigDescriptor (tag 4) inside the ES descriptor."""
    if not esds:
        return None
    data = esds[4:]
    pos = 0
    while pos < len(data):
        tag = data[pos]
        pos += 1
        length = 0
        for _ in range(4):
            byte = data[pos]
            pos += 1
            length = (length << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        if tag == 0x03:  # ES_Descriptor: ES_ID, flags, then optional fields, then children
            flags = data[pos + 2]
            pos += 3 + (2 if flags & 0x80 else 0) + (2 if flags & 0x20 else 0)
            if flags & 0x40:
                pos += 1 + data[pos]
            continue
        if tag == 0x04:
            return data[pos]
        pos += length
    return None


def _full_range(colr: bytes | None) -> bool:
    """`colr` of type nclx ends with the full-range flag (what FFmpeg shows as yuvj...)."""
    return bool(colr and colr[:4] == b"nclx" and len(colr) >= 11 and colr[10] & 0x80)


CHROMA = {0: "gray", 1: "yuv420p", 2: "yuv422p", 3: "yuv444p"}


def _pixel_format(chroma: int, bit_depth: int, full_range: bool) -> str | None:
    name = CHROMA.get(chroma)
    if name is None:
        return None
    if bit_depth > 8:
        return f"{name}{bit_depth}le"
    if full_range and name != "gray":
        return name.replace("yuv", "yuvj")
    return name


def _avc_pixel_format(avcc: bytes, full_range: bool) -> str | None:
    """Baseline/Main/Extended are 8-bit 4:2:0; High profiles add chroma and depth after the
    parameter sets (ISO/IEC 14496-15 5.3.3.1)."""
    if len(avcc) < 6:
        return None
    profile = avcc[1]
    pos = 6
    for count_at, count_mask in ((5, 0x1F), (None, 0xFF)):
        count = (avcc[count_at] if count_at is not None else avcc[pos]) & count_mask
        if count_at is None:
            pos += 1
        for _ in range(count):
            (length,) = struct.unpack(">H", avcc[pos:pos + 2])
            pos += 2 + length
    if profile in (100, 110, 122, 144, 244) and len(avcc) >= pos + 3:
        chroma = avcc[pos] & 0x03
        depth = (avcc[pos + 1] & 0x07) + 8
        return _pixel_format(chroma, depth, full_range)
    return _pixel_format(1, 8, full_range)


def _avc_full_range(avcc: bytes) -> bool:
    """The video_full_range_flag of the first SPS's VUI (what FFmpeg shows as yuvj420p)."""
    try:
        if len(avcc) < 8 or not avcc[5] & 0x1F:
            return False
        (length,) = struct.unpack(">H", avcc[6:8])
        return _sps_full_range(avcc[8:8 + length])
    except (IndexError, ValueError):
        return False


class _Bits:
    """An RBSP bit reader (emulation-prevention bytes removed) with Exp-Golomb codes."""

    def __init__(self, nal: bytes) -> None:
        self.data = nal.replace(b"\0\0\3", b"\0\0")
        self.pos = 0

    def bit(self) -> int:
        byte = self.data[self.pos >> 3]
        value = (byte >> (7 - (self.pos & 7))) & 1
        self.pos += 1
        return value

    def bits(self, count: int) -> int:
        value = 0
        for _ in range(count):
            value = (value << 1) | self.bit()
        return value

    def ue(self) -> int:
        zeros = 0
        while self.bit() == 0:
            zeros += 1
            if zeros > 31:
                raise ValueError("bad Exp-Golomb code")
        return (1 << zeros) - 1 + self.bits(zeros)

    def se(self) -> int:
        value = self.ue()
        return (value + 1) // 2 if value % 2 else -(value // 2)


def _sps_full_range(sps: bytes) -> bool:
    """Walk an H.264 SPS (ITU-T H.264 7.3.2.1.1) up to video_full_range_flag in its VUI."""
    r = _Bits(sps[1:])  # after the NAL header byte
    profile = r.bits(8)
    r.bits(16)  # constraint flags, level
    r.ue()  # seq_parameter_set_id
    if profile in (100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135):
        chroma = r.ue()
        if chroma == 3:
            r.bit()
        r.ue()
        r.ue()
        r.bit()
        if r.bit():  # seq_scaling_matrix_present_flag
            for i in range(8 if chroma != 3 else 12):
                if r.bit():
                    _skip_scaling_list(r, 16 if i < 6 else 64)
    r.ue()  # log2_max_frame_num_minus4
    poc_type = r.ue()
    if poc_type == 0:
        r.ue()
    elif poc_type == 1:
        r.bit()
        r.se()
        r.se()
        for _ in range(r.ue()):
            r.se()
    r.ue()  # max_num_ref_frames
    r.bit()
    r.ue()  # pic_width_in_mbs_minus1
    r.ue()
    if not r.bit():  # frame_mbs_only_flag
        r.bit()
    r.bit()
    if r.bit():  # frame_cropping_flag
        for _ in range(4):
            r.ue()
    if not r.bit():  # vui_parameters_present_flag
        return False
    if r.bit() and r.bits(8) == 255:  # aspect_ratio_info: Extended_SAR
        r.bits(32)
    if r.bit():  # overscan_info_present_flag
        r.bit()
    if not r.bit():  # video_signal_type_present_flag
        return False
    r.bits(3)  # video_format
    return bool(r.bit())


def _skip_scaling_list(r: _Bits, size: int) -> None:
    last = nxt = 8
    for _ in range(size):
        if nxt:
            nxt = (last + r.se() + 256) % 256
        last = nxt or last


def _hevc_pixel_format(hvcc: bytes, full_range: bool) -> str | None:
    if len(hvcc) < 19:
        return None
    return _pixel_format(hvcc[16] & 0x03, (hvcc[17] & 0x07) + 8, full_range)


def _udta(body: bytes, tags: dict[str, str]) -> None:
    for kind, value in children(body):
        name = UDTA_TAGS.get(kind)
        if kind == b"loci":
            location = _loci(value)
            if location:
                tags.setdefault("location", location)
        elif name is not None and len(value) >= 4:
            (length,) = struct.unpack(">H", value[:2])
            text = value[4:4 + length].decode("utf-8", "replace").strip("\0 ")
            if text:
                tags.setdefault(name, text)
        elif kind == b"meta":
            _mdta(body=value, tags=tags)


def _loci(body: bytes) -> str | None:
    """3GPP `loci`: language, place name, role, then longitude, latitude, altitude (16.16),
    as ISO 6709 text the way FFmpeg writes it."""
    end = body.find(b"\0", 6)
    if end < 0 or len(body) < end + 10:
        return None
    lon, lat = struct.unpack(">ii", body[end + 2:end + 10])
    return f"{lat / 65536:+08.4f}{lon / 65536:+09.4f}/"


def _mdta(body: bytes, tags: dict[str, str]) -> None:
    """Apple's `meta` with `keys` + `ilst` (com.apple.quicktime.make ...); QuickTime writes the
    box without the full-box header, MP4 with it."""
    boxes = children(body) if body[4:8] in (b"hdlr", b"keys") else children(body[4:])
    found = dict(boxes)
    keys_box, items = found.get(b"keys"), found.get(b"ilst")
    if items is not None and keys_box is None:  # iTunes-style: items named by their atom
        for kind, item in children(items):
            data = dict(children(item)).get(b"data")
            name = UDTA_TAGS.get(kind)
            if name and data is not None and len(data) >= 8:
                tags.setdefault(name, data[8:].decode("utf-8", "replace").strip("\0 "))
        return
    if keys_box is None or items is None:
        return
    (count,) = struct.unpack(">I", keys_box[4:8])
    keys, pos = [], 8
    for _ in range(count):
        size = struct.unpack(">I", keys_box[pos:pos + 4])[0]
        keys.append(keys_box[pos + 8:pos + size].decode("utf-8", "replace"))
        pos += size
    for kind, item in children(items):
        index = struct.unpack(">I", kind)[0] - 1
        data = dict(children(item)).get(b"data")
        if 0 <= index < len(keys) and data is not None and len(data) >= 8:
            type_code = struct.unpack(">I", data[:4])[0] & 0xFFFFFF
            if type_code == 1:  # UTF-8 text
                tags.setdefault(keys[index], data[8:].decode("utf-8", "replace").strip("\0 "))
