"""Probe stages: every fact about a file comes from one stage, and each stage is cached alone.

A stage reads one kind of fact once per file:

- `meta`: what the file really is, its headers and camera metadata (cheap; serial or threads);
- `fingerprint`: a sampled hash of four small windows, asked for when two files have one size.
- `sha256`: the content hash behind the exact-duplicate check, computed only for files whose
  size another file of the same submission shares (`on_demand`);
- `pixels`: a photo's picture (sharpness, exposure, faces, shot kind features, perceptual hash);
- `motion`: a video's frames (cuts, scenes, shake, camera angles);
- `thumbnail`: the preview the HTML contact sheet shows.

A check declares the stages it reads (`NEEDS`); the engine runs the union over the enabled
checks and the chosen report. CPU-bound stages run in a process pool (or on a cluster), so what a
worker receives is a `FileRef` (a path, or a ZIP and a member name: never bytes) and what it
sends back is each stage's facts as plain JSON-able dicts, the same dicts the cache stores.

A stage's cache entries carry its `version_tag()`: the declared version plus a digest of the
source of the modules that compute it, so a stage whose code changed is recomputed alone and the
others are still served from the cache.
"""

from __future__ import annotations

import errno
import hashlib
import importlib.util
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, BinaryIO

from mediacheck.probe import pixels as _pixels
from mediacheck.probe.facts import FileFacts

# What a stage's run function gets: the file, its facts so far (meta first), a per-file scratch
# space shared by the stages run together (a decoded picture reused by pixels and thumbnail).
StageRun = Callable[["FileRef", FileFacts, dict[str, Any]], None]
MEDIA_KINDS = frozenset({"photo", "video"})


@dataclass(frozen=True)
class FileRef:
    """Where a file's bytes are, in a form another process or machine can open: a path on a
    (shared) disk, or a ZIP archive's path and the member's name inside it."""

    rel: str
    kind: str
    size: int
    path: str | None = None
    zip_path: str | None = None
    member: str | None = None
    problem: str | None = None
    problem_detail: str = ""

    def open(self) -> BinaryIO:
        if self.path is not None:
            return open(self.path, "rb")  # noqa: SIM115 - the caller closes it
        if self.zip_path is not None and self.member is not None:
            return _open_member(self.zip_path, self.member)
        raise OSError(errno.ENOENT, "no path for this file")

    @property
    def fs_path(self) -> str | None:
        return self.path

    def mapped(self, path_map: Iterable[tuple[str, str]]) -> FileRef:
        """The same file as seen from a worker whose shared drive is mounted elsewhere."""
        def swap(value: str | None) -> str | None:
            if value is None:
                return None
            for client, worker in path_map:
                prefix = client.rstrip("/\\")
                if value != prefix and not value.startswith((prefix + "/", prefix + "\\")):
                    continue
                rest = value[len(prefix):]
                if "/" in worker and "\\" not in worker:  # a Windows client, POSIX workers
                    rest = rest.replace("\\", "/")
                elif "\\" in worker and "/" not in worker:
                    rest = rest.replace("/", "\\")
                return worker.rstrip("/\\") + rest
            return value
        return FileRef(self.rel, self.kind, self.size, swap(self.path), swap(self.zip_path),
                       self.member, self.problem, self.problem_detail)


def _open_member(zip_path: str, member: str) -> BinaryIO:
    """A member opened from an archive kept open for this process (ZIP members of one
    submission are read one after another, so the central directory is read once)."""
    return _archive(zip_path).open(member)  # type: ignore[return-value]


@lru_cache(maxsize=4)
def _archive(zip_path: str) -> zipfile.ZipFile:
    return zipfile.ZipFile(zip_path)


@dataclass(frozen=True)
class Stage:
    """One kind of fact: how to compute it, for which files, and how it is stored."""

    name: str
    version: int
    kinds: frozenset[str]
    run: StageRun
    dump: Callable[[FileFacts], dict[str, Any]]
    load: Callable[[FileFacts, dict[str, Any]], None]
    cpu_bound: bool = False
    on_demand: bool = False
    pixel: bool = False  # skipped by --quick / [analysis] pixels = false
    modules: tuple[str, ...] = ()

    def applies(self, facts: FileFacts) -> bool:
        """Only readable photos and videos have pixels, hashes or previews to compute."""
        if self.name == "meta":
            return True
        return facts.kind in self.kinds and not facts.unreadable

    def version_tag(self) -> str:
        return f"{self.version}.{_source_digest(self.modules)}"


@cache
def _source_digest(modules: tuple[str, ...]) -> str:
    """A short digest of the stage's own source: editing it invalidates that stage's cache."""
    digest = hashlib.sha256()
    for name in modules:
        spec = importlib.util.find_spec(name)
        origin = getattr(spec, "origin", None) if spec else None
        try:
            with open(origin or "", "rb") as fh:
                digest.update(fh.read())
        except OSError:
            from mediacheck import __version__

            digest.update(f"{name}:{__version__}".encode())
    return digest.hexdigest()[:12]


# ---------------------------------------------------------------------------------- meta

def _run_meta(ref: FileRef, facts: FileFacts, _ctx: dict[str, Any]) -> None:
    from mediacheck.probe import probe

    found = probe(ref)
    for name in META_FIELDS:
        setattr(facts, name, getattr(found, name))


META_FIELDS = ("content", "unreadable", "unreadable_detail", "photo", "video")


def _dump_meta(facts: FileFacts) -> dict[str, Any]:
    from dataclasses import asdict

    return {"content": facts.content, "unreadable": facts.unreadable,
            "unreadable_detail": facts.unreadable_detail,
            "photo": asdict(facts.photo) if facts.photo else None,
            "video": asdict(facts.video) if facts.video else None}


def _load_meta(facts: FileFacts, data: dict[str, Any]) -> None:
    from mediacheck.probe.facts import PhotoFacts, VideoFacts

    facts.content = data.get("content")
    facts.unreadable = data.get("unreadable")
    facts.unreadable_detail = data.get("unreadable_detail") or ""
    facts.photo = PhotoFacts(**data["photo"]) if data.get("photo") else None
    facts.video = VideoFacts(**data["video"]) if data.get("video") else None


# ---------------------------------------------------------------------------------- sha256

def _run_sha256(ref: FileRef, facts: FileFacts, _ctx: dict[str, Any]) -> None:
    from mediacheck.probe.hashing import sha256_of

    facts.sha256 = sha256_of(ref)


def _run_fingerprint(ref: FileRef, facts: FileFacts, _ctx: dict[str, Any]) -> None:
    from mediacheck.probe.hashing import sampled_fingerprint

    facts.fingerprint = sampled_fingerprint(ref)


def _dump_fingerprint(facts: FileFacts) -> dict[str, Any]:
    return {"fingerprint": facts.fingerprint}


def _load_fingerprint(facts: FileFacts, data: dict[str, Any]) -> None:
    facts.fingerprint = data.get("fingerprint")


def _dump_sha256(facts: FileFacts) -> dict[str, Any]:
    return {"sha256": facts.sha256}


def _load_sha256(facts: FileFacts, data: dict[str, Any]) -> None:
    facts.sha256 = data.get("sha256")


# ---------------------------------------------------------------------------------- thumbnail

def _run_thumbnail(ref: FileRef, facts: FileFacts, ctx: dict[str, Any]) -> None:
    from mediacheck.thumbnails import thumbnail_data_uri

    facts.thumbnail = thumbnail_data_uri(ref, facts, ctx)


def _dump_thumbnail(facts: FileFacts) -> dict[str, Any]:
    return {"thumbnail": facts.thumbnail}


def _load_thumbnail(facts: FileFacts, data: dict[str, Any]) -> None:
    facts.thumbnail = data.get("thumbnail")


# ---------------------------------------------------------------------------------- motion

def _run_motion(ref: FileRef, facts: FileFacts, _ctx: dict[str, Any]) -> None:
    """The video's one decoding pass (probe/motion.py): by path when there is one (FFmpeg
    reads the file itself), else through the open ZIP member."""
    from mediacheck.probe.motion import analyse_video

    if facts.video is None:
        return
    threads = _decode_threads()
    if ref.fs_path is not None:
        facts.motion = analyse_video(ref.fs_path, facts.video, threads=threads)
        return
    with ref.open() as fh:
        facts.motion = analyse_video(fh, facts.video, threads=threads)


def _decode_threads() -> int:
    """One decoding thread in a worker process (a pool or a cluster runs one file per core, and
    more threads would only fight over the cores); all cores when run inline (`--jobs 1`)."""
    import multiprocessing

    return 1 if multiprocessing.parent_process() is not None else 0


def _dump_motion(facts: FileFacts) -> dict[str, Any]:
    return {"motion": facts.motion.to_dict() if facts.motion is not None else None}


def _load_motion(facts: FileFacts, data: dict[str, Any]) -> None:
    from mediacheck.probe.motion import VideoMotion

    facts.motion = VideoMotion.from_dict(data["motion"]) if data.get("motion") else None


@dataclass
class Registry:
    """The stages in the order they run for a file (meta first: the others read its facts)."""

    stages: dict[str, Stage] = field(default_factory=dict)

    def add(self, stage: Stage) -> None:
        self.stages[stage.name] = stage

    def __getitem__(self, name: str) -> Stage:
        return self.stages[name]

    def __contains__(self, name: object) -> bool:
        return name in self.stages

    def ordered(self, names: Iterable[str]) -> list[Stage]:
        wanted = set(names)
        return [s for n, s in self.stages.items() if n in wanted]


STAGES = Registry()
STAGES.add(Stage("meta", 1, frozenset({"photo", "video", "sidecar", "junk", "other"}),
                 _run_meta, _dump_meta, _load_meta,
                 modules=("mediacheck.probe", "mediacheck.probe.photo", "mediacheck.probe.video",
                          "mediacheck.probe.bmff", "mediacheck.probe.sniff",
                          "mediacheck.probe.facts")))
STAGES.add(Stage("sha256", 1, MEDIA_KINDS, _run_sha256, _dump_sha256, _load_sha256,
                 on_demand=True, modules=("mediacheck.probe.hashing",)))
STAGES.add(Stage("fingerprint", 1, MEDIA_KINDS, _run_fingerprint, _dump_fingerprint,
                 _load_fingerprint, on_demand=True, modules=("mediacheck.probe.hashing",)))
STAGES.add(Stage("pixels", _pixels.STAGE_VERSION, frozenset({"photo"}), _pixels.run_stage,
                 _pixels.dump_stage, _pixels.load_stage, cpu_bound=True, pixel=True,
                 modules=("mediacheck.probe.pixels",)))  # before thumbnail: it reuses the image
# The version is motion.STAGE_VERSION, written here so that registering the stage does not import
# numpy and OpenCV (a metadata-only run never loads them); a test keeps the two equal.
STAGES.add(Stage("motion", 1, frozenset({"video"}), _run_motion, _dump_motion, _load_motion,
                 cpu_bound=True, pixel=True, modules=("mediacheck.probe.motion",)))
STAGES.add(Stage("thumbnail", 1, MEDIA_KINDS, _run_thumbnail, _dump_thumbnail,
                 _load_thumbnail, cpu_bound=True, modules=("mediacheck.thumbnails",)))


def run_stages(ref: FileRef, meta: dict[str, Any] | None, names: tuple[str, ...],
               ) -> dict[str, dict[str, Any]]:
    """Compute `names` for one file and return each stage's facts as stored (a worker's task).

    `meta` is the file's meta facts when already known. A stage that fails records its error
    in its facts (`stage_error`), so one undecodable file never costs the run, and a file that
    breaks a decoder is reported as such instead of being retried forever."""
    facts = FileFacts(path=ref.rel, kind=ref.kind, size=ref.size)
    if meta is not None:
        STAGES["meta"].load(facts, meta)
    ctx: dict[str, Any] = {}
    out: dict[str, dict[str, Any]] = {}
    for stage in STAGES.ordered(names):
        try:
            stage.run(ref, facts, ctx)
            out[stage.name] = stage.dump(facts)
        except OSError as exc:
            out[stage.name] = {"stage_error": f"{exc.strerror or exc}"[:200], "transient": True}
        except Exception as exc:  # noqa: BLE001 - a stage must never stop the run
            out[stage.name] = {"stage_error": f"{type(exc).__name__}: {exc}"[:200]}
    return out


def load_stage(facts: FileFacts, name: str, data: dict[str, Any]) -> None:
    """Put one stage's stored facts onto `facts` (an error stays an error, not empty facts)."""
    if "stage_error" in data:
        facts.stage_errors[name] = data["stage_error"]
    else:
        STAGES[name].load(facts, data)
    facts.stages.add(name)
