"""Shared pieces of the office-scale benchmarks: realistic trees, paired timing, statistics.

The trees are built once into `bench/.work/` (gitignored) and reused; building is deterministic
(the same seeds give byte-identical pool files), so two machines measure the same bytes.

What makes the files realistic (issue 9: the old bench files were 80 KB "1080p" clips and photos
with 15 tags and no MakerNote, which cost a fraction of a phone's):

- photos are 12 MP JPEGs of about 3.5 MB (a gradient scene plus per-pixel sensor-like noise, so
  the entropy-coded data costs what a phone's does to decode), carrying the EXIF block of a real
  camera file from the shared corpus (iPhone 6, Samsung SM-J327T1, Motorola Moto G, Nikon COOLPIX
  P6000: 53-99 exifread tags, each with a MakerNote and a thumbnail in IFD1; Canon_40D.jpg was
  left out: GIMP dropped its MakerNote), with its pixel dimensions and dates
  rewritten in place (offsets inside the block stay valid, so the MakerNote still parses);
- videos are 1080p30 H.264 High at about 16 Mbit/s with 48 kHz stereo AAC, 30-60 s, `moov` at
  the end as a phone writes it, two of them remuxed with `+faststart`;
- distinct files are few (a pool) and hard-linked into the submissions, so a 30,000-file tree
  costs the disk of its pool. Hard links share their inode's mtime: the pool files have distinct
  mtimes, and no benchmark that uses the fact cache relies on two links having different ones
  (see `build_generated`);
- some submissions hold two different files of exactly the same size (the duplicate check's
  worst case: size alone cannot tell them apart) and some hold real duplicates.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import statistics
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(
    p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
ENV.pop("CI", None)
EPOCH = 1_693_900_000  # 2023-09-05, the event day

# ------------------------------------------------------------------------------ tools

INSTALL_HINTS = {
    "exiftool": "apt-get install -y libimage-exiftool-perl",
    "mediainfo": "apt-get install -y mediainfo",
    "strace": "apt-get install -y strace",
}


def tool(name: str) -> str | None:
    """The path of a reference tool, or None (the caller says how to install it)."""
    return shutil.which(name)


def missing_note(name: str) -> str:
    return f"{name} not found: skipped (install it with `{INSTALL_HINTS.get(name, name)}`)"


def ffmpeg_exe() -> str:
    """The ffmpeg bundled with imageio-ffmpeg (what the project itself uses)."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


_HELP: dict[str, str] = {}


def mediacheck_knows(option: str) -> bool:
    """Whether the installed mediacheck's `check` accepts `option` (older ones lack --quick)."""
    if "check" not in _HELP:
        out = subprocess.run([sys.executable, "-m", "mediacheck", "check", "--help"],
                             capture_output=True, text=True, env=ENV)
        _HELP["check"] = out.stdout + out.stderr
    return option in _HELP["check"]


def compile_mediacheck() -> None:
    """Write the package's bytecode once: a pip-installed mediacheck has it, an editable one in
    a shell with PYTHONDONTWRITEBYTECODE set would compile ~60 modules (~60 ms) every start."""
    if not _HELP.get("compiled"):
        import compileall

        import mediacheck

        compileall.compile_dir(str(Path(mediacheck.__file__).parent), quiet=1)
        _HELP["compiled"] = "yes"


def mediacheck_cmd(tree: Path, fmt: str = "json", *, output: Path | None = None,
                   cache: Path | None = None, quick: bool = True,
                   extra: Sequence[str] = ()) -> list[str]:
    """`python -m mediacheck TREE --format FMT` as the benchmarks run it: no cache unless
    `cache` is given; `--quick` (metadata only, comparable with exiftool) when it is known."""
    compile_mediacheck()
    cmd = [sys.executable, "-m", "mediacheck", str(tree), "--format", fmt, "--lang", "en"]
    cmd += ["--cache", str(cache)] if cache is not None else ["--no-cache"]
    if quick and mediacheck_knows("--quick"):
        cmd.append("--quick")
    if output is not None:
        cmd += ["-o", str(output)]
    return cmd + list(extra)


# ------------------------------------------------------------------------------ timing


@dataclass
class Run:
    """One child process: wall seconds, peak RSS of its biggest process (ru_maxrss, which for
    a reaped child covers its reaped descendants too: the max, not the sum), the peak of the
    summed RSS of its whole process tree (sampled every 20 ms; pool workers included), and its
    exit code."""

    wall: float
    maxrss_mib: float
    tree_mib: float
    code: int
    err: str = ""
    floor_mib: float = 0.0  # this process's own peak when it spawned the child (see run_once)


def _tree_rss_kib(pid: int) -> int:
    """RSS of `pid` and all its descendants, in KiB, from /proc (0 when it is gone)."""
    total, todo, page_kib = 0, [pid], os.sysconf("SC_PAGE_SIZE") // 1024
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * page_kib
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


def run_once(cmd: Sequence[str], *, stdout: Path | None = None, env: dict[str, str] | None = None,
             sample: bool = False, ok_codes: Iterable[int] = (0, 1)) -> Run:
    """Run `cmd` once (output to `stdout` or discarded) and measure it.

    Linux starts a child's ru_maxrss at its parent's RSS (the copied or borrowed address space
    before exec), so the benchmark process must stay small: its own peak is kept as `floor_mib`,
    and a child figure at that floor says nothing about the child."""
    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = open(stdout, "wb") if stdout is not None else subprocess.DEVNULL  # noqa: SIM115
    peak = [0]
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=subprocess.PIPE, env=env or ENV)
        done = threading.Event()
        sampler = None
        if sample:
            def watch() -> None:
                while not done.wait(0.02):
                    peak[0] = max(peak[0], _tree_rss_kib(proc.pid))
            sampler = threading.Thread(target=watch, daemon=True)
            sampler.start()
        err = proc.stderr.read() if proc.stderr else b""
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        if sampler is not None:
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdout is not None:
            out.close()  # type: ignore[union-attr]
    if proc.returncode not in tuple(ok_codes):
        tail = err.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise RuntimeError(f"{cmd[0]} … exited {proc.returncode}: {' | '.join(tail)}")
    return Run(wall, usage.ru_maxrss / 1024, peak[0] / 1024, proc.returncode,
               err.decode("utf-8", "replace"), floor)


@dataclass
class Side:
    """One side of a pair: a name, the command, and what to do before each run (clear a cache)."""

    name: str
    cmd: list[str]
    before: Callable[[], None] | None = None
    stdout: Path | None = None
    ok_codes: tuple[int, ...] = (0, 1)


@dataclass
class Paired:
    """Rounds of A then B (B then A on odd rounds): per-round ratios A/B and both sides' runs."""

    a: str
    b: str
    runs_a: list[Run] = field(default_factory=list)
    runs_b: list[Run] = field(default_factory=list)

    @property
    def ratios(self) -> list[float]:
        return [x.wall / y.wall for x, y in zip(self.runs_a, self.runs_b, strict=True)]


def paired(a: Side, b: Side, rounds: int, *, sample: bool = False, label: str = "") -> Paired:
    """Measure A against B in pairs, alternating which runs first (so a slow minute on the
    shared machine, or a warm-up effect, hits both sides alike)."""
    result = Paired(a.name, b.name)
    for i in range(rounds):
        order = (a, b) if i % 2 == 0 else (b, a)
        got: dict[str, Run] = {}
        for side in order:
            if side.before is not None:
                side.before()
            got[side.name] = run_once(side.cmd, stdout=side.stdout, sample=sample,
                                      ok_codes=side.ok_codes)
        result.runs_a.append(got[a.name])
        result.runs_b.append(got[b.name])
        if label:
            print(f"  {label} round {i + 1}/{rounds}: {a.name} {got[a.name].wall:.2f} s, "
                  f"{b.name} {got[b.name].wall:.2f} s, ratio {result.ratios[-1]:.3f}",
                  flush=True)
    return result


def spread(values: Sequence[float], digits: int = 3, unit: str = "") -> str:
    """'median [min–max]' of a few measurements."""
    if not values:
        return "n/a"
    med = statistics.median(values)
    return f"{med:.{digits}f}{unit} [{min(values):.{digits}f}–{max(values):.{digits}f}]"


def noise(values: Sequence[float]) -> float:
    """Spread of repeated runs, as (max - min) / median: 0.05 is a quiet machine."""
    return (max(values) - min(values)) / statistics.median(values) if values else 0.0


def loadavg() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} on {os.cpu_count()} CPUs"


def table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """A plain aligned text table (pastes into Markdown as a code block)."""
    cols = [header, *rows]
    widths = [max(len(str(r[i])) for r in cols) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True))  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


# ------------------------------------------------------------------------------ photos

EXIF_TEMPLATES = {
    # name: (corpus file, pixel size to claim and encode)
    "iphone6": ("exif-samples/jpg/hdr/iphone_hdr_NO.jpg", (4032, 3024)),
    "samsung": ("metadata-extractor-images/jpg/Samsung SM-J327T1.jpg", (4000, 3000)),
    "nikon": ("exif-samples/jpg/gps/DSCN0010.jpg", (4000, 3000)),
    "motorola": ("metadata-extractor-images/jpg/Motorola XT1068 (Moto G).jpg", (4000, 3000)),
}
TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8}


def jpeg_app1_exif(data: bytes) -> bytes:
    """The payload ('Exif\\0\\0' + TIFF) of a JPEG's EXIF APP1 segment."""
    pos = 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        body = data[pos + 4:pos + 2 + length]
        if marker == 0xE1 and body.startswith(b"Exif\0\0"):
            return body
        if marker == 0xDA:
            break
        pos += 2 + length
    raise ValueError("no EXIF APP1 segment")


def patch_exif(payload: bytes, size: tuple[int, int], when: str) -> bytes:
    """A real EXIF block with its pixel dimensions and dates rewritten in place.

    Only values are overwritten (same types, same lengths), so every offset in the block, the
    MakerNote's included, stays valid: the result parses like the camera's own."""
    buf = bytearray(payload)
    base = 6
    order = "<" if buf[base:base + 2] == b"II" else ">"
    (ifd0,) = struct.unpack(order + "I", buf[base + 4:base + 8])

    def entries(offset: int) -> Iterable[tuple[int, int, int, int, int]]:
        (count,) = struct.unpack(order + "H", buf[base + offset:base + offset + 2])
        for i in range(count):
            at = base + offset + 2 + 12 * i
            tag, typ, n = struct.unpack(order + "HHI", buf[at:at + 8])
            yield at, tag, typ, n, struct.unpack(order + "I", buf[at + 8:at + 12])[0]

    def put_int(at: int, typ: int, value: int) -> None:
        if typ == 3:
            buf[at + 8:at + 12] = struct.pack(order + "HH", value, 0)
        elif typ == 4:
            buf[at + 8:at + 12] = struct.pack(order + "I", value)

    def put_text(typ: int, n: int, where: int) -> None:
        text = when.encode("ascii")[:19].ljust(19) + b"\0"
        if typ == 2 and n == 20:
            buf[base + where:base + where + 20] = text

    sub = None
    for at, tag, typ, n, value in list(entries(ifd0)):
        if tag == 0x8769:
            sub = value
        elif tag in (0x0100, 0x0101) and n == 1:
            put_int(at, typ, size[0] if tag == 0x0100 else size[1])
        elif tag == 0x0132:
            put_text(typ, n, value)
    if sub is not None:
        for at, tag, typ, n, value in list(entries(sub)):
            if tag in (0xA002, 0xA003) and n == 1:
                put_int(at, typ, size[0] if tag == 0xA002 else size[1])
            elif tag in (0x9003, 0x9004):
                put_text(typ, n, value)
    return bytes(buf)


def phone_picture(size: tuple[int, int], seed: int):
    """A scene (gradient and shapes) plus per-pixel luminance noise: at quality 90 a 12 MP
    frame is about 3.5 MB, what a phone's JPEG weighs, so decoding costs what it does there."""
    from PIL import Image

    from mediacheck.samples.factory import _picture

    img = _picture(size, seed)
    grain = Image.frombytes("L", size, random.Random(seed).randbytes(size[0] * size[1]))
    return Image.blend(img, Image.merge("RGB", (grain, grain, grain)), 0.10)


def redraw_preview(payload: bytes, picture) -> bytes:
    """The EXIF block with its IFD1 preview JPEG replaced by one of `picture`, at the old
    preview's pixel size and in its byte slot (zero-padded after the new EOI): a camera's
    preview shows the photo it sits in, the template's would show another one."""
    import io

    from PIL import Image

    from mediacheck.probe.exif import embedded_preview_place

    tiff = bytearray(payload[6:])
    place = embedded_preview_place(bytes(tiff))
    if place is None:
        return payload
    start, length = place
    with Image.open(io.BytesIO(bytes(tiff[start:start + length]))) as old:
        size = old.size
    small = picture.resize(size, Image.Resampling.BOX)
    for quality in (90, 80, 70, 60, 50, 40, 30, 20):
        out = io.BytesIO()
        small.save(out, "JPEG", quality=quality)
        if len(out.getvalue()) <= length:
            tiff[start:start + length] = out.getvalue().ljust(length, b"\0")
            return payload[:6] + bytes(tiff)
    return payload


def make_phone_photo(path: Path, template: str, seed: int, when: str, quality: int = 90) -> Path:
    """A 12 MP JPEG with the EXIF block (MakerNote, preview) of a real camera file, the
    preview redrawn from this photo's picture."""
    rel, size = EXIF_TEMPLATES[template]
    picture = phone_picture(size, seed)
    exif = redraw_preview(patch_exif(jpeg_app1_exif((CORPUS / rel).read_bytes()), size, when),
                          picture)
    tmp = path.with_name(path.name + ".tmp")
    picture.save(tmp, "JPEG", quality=quality, exif=exif)
    tmp.replace(path)
    return path


def pad_jpeg(path: Path, target: int) -> None:
    """Grow a JPEG to exactly `target` bytes with COM segments after its first segment (what
    some editors write): a different picture of the same size as another one."""
    data = path.read_bytes()
    extra = target - len(data)
    if extra < 4:
        raise ValueError(f"cannot pad {path.name} by {extra} bytes")
    coms = []
    while extra:
        # A segment holds at most 65533 bytes of payload; never leave fewer than 4 for the last.
        take = min(extra, 65535 + 2)
        if 0 < extra - take < 4:
            take -= 4
        coms.append(b"\xff\xfe" + struct.pack(">H", take - 2) + b"\0" * (take - 4))
        extra -= take
    seg_len = struct.unpack(">H", data[4:6])[0]
    at = 4 + seg_len  # after SOI and the first segment (APP0/APP1)
    _write_new(path, data[:at] + b"".join(coms) + data[at:])


def add_jpeg_trailer(path: Path, src: Path, trailer: Path) -> Path:
    """A JPEG with data after its end marker that nothing in the file announces (hidden or
    appended data: a reader can only find the picture's end by scanning)."""
    _write_new(path, src.read_bytes() + trailer.read_bytes())
    return path


MOTION_XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    'xmlns:GCamera="http://ns.google.com/photos/1.0/camera/" '
    'xmlns:Container="http://ns.google.com/photos/1.0/container/" '
    'xmlns:Item="http://ns.google.com/photos/1.0/container/item/" '
    'GCamera:MotionPhoto="1" GCamera:MotionPhotoVersion="1" '
    'GCamera:MotionPhotoPresentationTimestampUs="1000000"><Container:Directory><rdf:Seq>'
    '<rdf:li rdf:parseType="Resource"><Container:Item Item:Mime="image/jpeg" '
    'Item:Semantic="Primary" Item:Length="0" Item:Padding="0"/></rdf:li>'
    '<rdf:li rdf:parseType="Resource"><Container:Item Item:Mime="video/mp4" '
    'Item:Semantic="MotionPhoto" Item:Length="{length}" Item:Padding="0"/></rdf:li>'
    '</rdf:Seq></Container:Directory></rdf:Description></rdf:RDF></x:xmpmeta>')


def make_motion_photo(path: Path, src: Path, clip: Path) -> Path:
    """A motion photo as Google's camera writes it: the JPEG, its XMP container directory
    giving the video's length, and the MP4 after the end marker."""
    data, video = src.read_bytes(), clip.read_bytes()
    packet = MOTION_XMP.format(length=len(video)).encode("utf-8")
    xmp = b"http://ns.adobe.com/xap/1.0/\0" + packet
    segment = b"\xff\xe1" + struct.pack(">H", len(xmp) + 2) + xmp
    at = 4 + struct.unpack(">H", data[4:6])[0]  # after SOI and the EXIF APP1
    _write_new(path, data[:at] + segment + data[at:] + video)
    return path


def _write_new(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


# ------------------------------------------------------------------------------ videos


def make_phone_video(path: Path, seconds: float, seed: int, *, bitrate_mbit: float = 16.0,
                     make: str = "samsung", model: str = "SM-A536E") -> Path:
    """A 1080p30 H.264 High clip at ~16 Mbit/s with 48 kHz stereo AAC, `moov` at the end (the
    muxer's default, as a phone writes it), a 1 s GOP and no B-frames (Android's MediaCodec).

    The picture is a test pattern under temporal noise, so the encoder really spends the bits
    (a flat clip would be 100 KB and cost nothing to read)."""
    rate = f"{bitrate_mbit:g}M"
    video = (f"testsrc2=size=1920x1080:rate=30:duration={seconds},"
             f"hue=h={seed * 47 % 360},noise=alls=12:allf=t:all_seed={seed}")
    audio = f"anoisesrc=color=pink:amplitude=0.05:sample_rate=48000:duration={seconds}:seed={seed}"
    tmp = path.with_name(path.name + ".tmp.mp4")
    cmd = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
           "-f", "lavfi", "-i", video, "-f", "lavfi", "-i", audio,
           "-map", "0:v", "-map", "1:a", "-ac", "2",
           "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-g", "30", "-bf", "0",
           "-b:v", rate, "-maxrate", f"{bitrate_mbit * 1.06:g}M", "-bufsize", rate,
           "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "192k",
           "-metadata", "creation_time=2023-09-05T07:30:00Z",
           "-metadata", f"make={make}", "-metadata", f"model={model}",
           "-metadata", "location=+21.0285+105.8542/", "-movflags", "use_metadata_tags",
           "-fflags", "+bitexact", str(tmp)]
    subprocess.run(cmd, check=True)
    tmp.replace(path)
    return path


# A stream copy with bitexact flags drops the recording time: write it again.
KEEP_TAGS = ("-metadata", "creation_time=2023-09-05T07:30:00Z")


def faststart(src: Path, dst: Path) -> Path:
    """The same clip with `moov` moved before `mdat` (what a "web optimised" export does)."""
    tmp = dst.with_name(dst.name + ".tmp.mp4")
    subprocess.run([ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                    "-i", str(src), "-map", "0", "-c", "copy", *KEEP_TAGS, "-movflags",
                    "+faststart+use_metadata_tags", "-fflags", "+bitexact", str(tmp)], check=True)
    tmp.replace(dst)
    return dst


def concat_video(parts: Sequence[Path], dst: Path, *, fast: bool = False) -> Path:
    """One long recording from clips, stream-copied (a 2 GB phone video without encoding it)."""
    listing = dst.with_name(dst.name + ".txt")
    listing.write_text("".join(f"file '{p}'\n" for p in parts))
    tmp = dst.with_name(dst.name + ".tmp.mp4")
    flags = "+faststart+use_metadata_tags" if fast else "+use_metadata_tags"
    subprocess.run([ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "concat", "-safe", "0", "-i", str(listing), "-map", "0", "-c", "copy",
                    *KEEP_TAGS, "-movflags", flags, "-fflags", "+bitexact", str(tmp)], check=True)
    listing.unlink()
    tmp.replace(dst)
    return dst


def pad_mp4(path: Path, target: int) -> None:
    """Grow an MP4 to exactly `target` bytes with a top-level `free` box at its end."""
    extra = target - path.stat().st_size
    if extra < 8:
        raise ValueError(f"cannot pad {path.name} by {extra} bytes")
    with open(path, "ab") as fh:
        fh.write(struct.pack(">I", extra) + b"free" + b"\0" * (extra - 8))


def top_boxes(path: Path) -> list[str]:
    """The top-level box types of an MP4, in order ('ftyp', 'mdat', 'moov', ...)."""
    names, size = [], path.stat().st_size
    with open(path, "rb") as fh:
        pos = 0
        while pos + 8 <= size:
            fh.seek(pos)
            head = fh.read(16)
            length, kind = struct.unpack(">I4s", head[:8])
            if length == 1:
                length = struct.unpack(">Q", head[8:16])[0]
            elif length == 0:
                length = size - pos
            names.append(kind.decode("latin-1"))
            pos += max(length, 8)
    return names


# ------------------------------------------------------------------------------ pools

POOL_PHOTOS = 48  # 12 per EXIF template
VIDEO_SECONDS = (30, 38, 45, 52, 60, 34)  # distinct clips; two more are faststart remuxes
TWIN_PHOTOS = 4  # photos padded to the size of pool photo k: same size, other content


@dataclass
class Pool:
    photos: list[Path]
    videos: list[Path]
    photo_twins: list[tuple[Path, Path]]  # (pool photo, a different photo of its size)
    video_twin: tuple[Path, Path]


def _stamp(path: Path, index: int) -> None:
    stamp = EPOCH + 600 * index
    os.utime(path, (stamp, stamp))


def build_pool(log: Callable[[str], None] = print) -> Pool:
    """The distinct files every generated tree links to (made once, then reused)."""
    pool = WORK / "pool"
    pool.mkdir(parents=True, exist_ok=True)
    names = list(EXIF_TEMPLATES)
    photos = []
    for i in range(POOL_PHOTOS):
        path = pool / f"IMG_{i:04d}.jpg"
        if not path.exists():
            if i % 12 == 0:
                log(f"  making pool photos {i + 1}-{i + 12} of {POOL_PHOTOS} …")
            make_phone_photo(path, names[i % len(names)], 1000 + i,
                             f"2023:09:05 07:{i % 60:02d}:{(i * 7) % 60:02d}")
            _stamp(path, i)
        photos.append(path)
    twins = []
    for k in range(TWIN_PHOTOS):
        path = pool / f"IMG_TWIN_{k}.jpg"
        if not path.exists():
            tmp = pool / f"IMG_TWIN_{k}.base.jpg"
            make_phone_photo(tmp, names[k % len(names)], 5000 + k, f"2023:09:05 08:0{k}:00")
            # Shrink the quality until it is smaller than its partner, then pad to its size.
            target = photos[k].stat().st_size
            quality = 90
            while tmp.stat().st_size + 4 > target:
                quality -= 1
                make_phone_photo(tmp, names[k % len(names)], 5000 + k,
                                 f"2023:09:05 08:0{k}:00", quality=quality)
            pad_jpeg(tmp, target)
            tmp.replace(path)
            _stamp(path, 100 + k)
        twins.append((photos[k], path))
    videos = []
    for i, seconds in enumerate(VIDEO_SECONDS):
        path = pool / f"VID_{i:04d}.mp4"
        if not path.exists():
            log(f"  encoding pool video {i + 1}/{len(VIDEO_SECONDS)} ({seconds} s, 1080p, "
                "16 Mbit/s) …")
            make_phone_video(path, seconds, 2000 + i)
            _stamp(path, 200 + i)
        videos.append(path)
    for i, src in enumerate(videos[:2]):
        path = pool / f"VID_{len(VIDEO_SECONDS) + i:04d}_faststart.mp4"
        if not path.exists():
            faststart(src, path)
            _stamp(path, 300 + i)
        videos.append(path)
    twin = pool / "VID_TWIN.mp4"
    if not twin.exists():
        log("  encoding the same-size video twin …")
        tmp = pool / "VID_TWIN.base.mp4"
        make_phone_video(tmp, VIDEO_SECONDS[2] - 1, 4000)  # a second shorter: smaller
        pad_mp4(tmp, videos[2].stat().st_size)
        tmp.replace(twin)
        _stamp(twin, 400)
    return Pool(photos, videos, twins, (videos[2], twin))


# ------------------------------------------------------------------------------ trees

SCENARIOS = {
    # name: (submissions, photos per submission, videos per submission)
    "event": (50, 6, 1),
    "district": (200, 12, 3),
    "district-x10": (2000, 12, 3),
}


def _link(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system: a copy with its own mtime
        shutil.copyfile(src, dst)
        stamp = EPOCH + zlib.crc32(dst.name.encode()) % 1_000_000
        os.utime(dst, (stamp, stamp))


def _plant(base: list[Path], planted: list[Path], copies: int) -> list[Path]:
    """`base` with `planted` files in its last slots (and `copies` slots left for copies)."""
    planted = list(dict.fromkeys(planted))
    keep = max(0, len(base) - len(planted) - copies)
    return [p for p in base if p not in planted][:keep] + planted


def _submission_files(s: int, pool: Pool, per_photos: int, per_videos: int,
                      scenario: str) -> list[tuple[Path, str]]:
    """(source, name in the folder) for submission `s`: consecutive pool files, plus the
    planted cases: two different photos (or videos) of exactly one size, and real duplicates
    (the copy named as Windows names a copy). A real duplicate uses its own pool file per
    occurrence (s // period), so a cold cache cannot take its hash from another submission."""
    photos = [pool.photos[(s * per_photos + j) % len(pool.photos)] for j in range(per_photos)]
    videos = [pool.videos[(s * per_videos + j) % len(pool.videos)] for j in range(per_videos)]
    twin_every, dup_every, vtwin_every, vdup_every = (
        (5, 10, 0, 0) if scenario == "event" else (4, 10, 10, 50))
    planted: list[Path] = []
    dups: list[tuple[Path, str]] = []
    if s % twin_every == 2:
        planted += pool.photo_twins[(s // twin_every) % len(pool.photo_twins)]
    if s % dup_every == 4:
        planted.append(pool.photos[(s // dup_every) % len(pool.photos)])
        dups.append((planted[-1], f"IMG_{s:04d}_dup (1).jpg"))
    photos = _plant(photos, planted, len(dups))
    planted, vdups = [], []
    if vtwin_every and per_videos >= 2 and s % vtwin_every == 3:
        planted += pool.video_twin
    if vdup_every and per_videos >= 2 and s % vdup_every == 17:
        planted.append(pool.videos[(s // vdup_every) % len(pool.videos)])
        vdups.append((planted[-1], f"VID_{s:04d}_dup (1).mp4"))
    videos = _plant(videos, planted, len(vdups))
    named = [(p, f"IMG_{s:04d}_{j:02d}.jpg") for j, p in enumerate(photos)] + dups
    return named + [(v, f"VID_{s:04d}_{j:02d}.mp4") for j, v in enumerate(videos)] + vdups


def build_generated(scenario: str, log: Callable[[str], None] = print) -> Path:
    """The event / district / district-x10 tree of pool files, built once (staging + rename)."""
    tree = WORK / scenario
    if tree.exists():
        return tree
    pool = build_pool(log)
    count, per_photos, per_videos = SCENARIOS[scenario]
    log(f"  linking the {scenario} tree ({count} submissions) …")
    staging = WORK / f".{scenario}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    for s in range(count):
        folder = staging / f"THCS Truong {s:04d}_Khaigiang"
        folder.mkdir(parents=True)
        for src, name in _submission_files(s, pool, per_photos, per_videos, scenario):
            _link(src, folder / name)
    staging.rename(tree)
    return tree


def corpus_media() -> list[tuple[Path, str]]:
    """The real camera photos and videos the corpus inventory lists: (file, 'photo'|'video')."""
    inventory = CORPUS / "INVENTORY.tsv"
    rows = inventory.read_text(encoding="utf-8").splitlines()
    header = rows[0].split("\t")
    found = []
    for line in rows[1:]:
        row = dict(zip(header, line.split("\t"), strict=False))
        media = row.get("media_type", "")
        kind = "video" if row.get("category") == "video" else (
            "photo" if media.split()[0:1] and media.split()[0] in (
                "JPEG", "HEIC", "HEIF", "PNG") else "")
        path = CORPUS / row["file"]
        if kind and path.is_file():
            found.append((path, kind))
    return found


def build_corpus_tree(submissions: int = 100, per_photos: int = 12, per_videos: int = 3,
                      log: Callable[[str], None] = print) -> Path:
    """Submissions made of the real camera files (copied once into the work folder, never
    linked to the shared corpus itself), 12 photos + 3 videos each, rotating through them."""
    tree = WORK / f"corpus-{submissions}"
    if tree.exists():
        return tree
    media = corpus_media()
    if not media:
        raise FileNotFoundError(f"no corpus at {CORPUS}")
    src_dir = WORK / "pool-corpus"
    src_dir.mkdir(parents=True, exist_ok=True)
    local: dict[str, list[Path]] = {"photo": [], "video": []}
    for i, (path, kind) in enumerate(media):
        dst = src_dir / path.relative_to(CORPUS).as_posix().replace("/", "__").replace(" ", "_")
        if not dst.exists():
            shutil.copyfile(path, dst)
            _stamp(dst, 1000 + i)
        local[kind].append(dst)
    log(f"  linking the corpus tree ({submissions} submissions of {len(local['photo'])} real "
        f"photos and {len(local['video'])} real videos) …")
    staging = WORK / f".corpus-{submissions}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    photos, videos = local["photo"], local["video"]
    for s in range(submissions):
        folder = staging / f"THCS Truong {s:04d}_Khaigiang"
        folder.mkdir(parents=True)
        for j in range(per_photos):
            src = photos[(s * per_photos + j) % len(photos)]
            _link(src, folder / f"{j:02d}_{src.name.split('__')[-1]}")
        for j in range(per_videos):
            src = videos[(s * per_videos + j) % len(videos)]
            _link(src, folder / f"{j:02d}_{src.name.split('__')[-1]}")
    staging.rename(tree)
    return tree


def build_tree(name: str, log: Callable[[str], None] = print) -> Path:
    """A tree by name: event, district, district-x10 or corpus."""
    if name == "corpus":
        return build_corpus_tree(log=log)
    return build_generated(name, log)


def media_files(tree: Path) -> list[Path]:
    return sorted(p for p in tree.rglob("*") if p.is_file())


def describe(tree: Path) -> str:
    files = media_files(tree)
    inodes = {p.stat().st_ino for p in files}
    total = sum(p.stat().st_size for p in files)
    distinct = sum(p.stat().st_size for p in {p.stat().st_ino: p for p in files}.values())
    videos = sum(1 for p in files if p.suffix.lower() in (".mp4", ".mov", ".3gp", ".avi", ".mts"))
    return (f"{tree.name}: {len(files)} files ({len(files) - videos} photos, {videos} videos), "
            f"{total / 1e9:.2f} GB as seen, {len(inodes)} distinct files "
            f"({distinct / 1e9:.2f} GB on disk)")


def dump_json(path: Path, data: object) -> None:
    """Write results atomically next to the trees (for the report and later comparison)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    tmp.replace(path)
