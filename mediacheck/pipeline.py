"""From files to facts: run the probe stages each file needs, from the cache when it can, in the
pool that suits each stage, and hand back one submission's facts at a time, in order.

- `meta` (headers) runs inline by default, or on `io_threads` threads (a network drive): on a
  local disk the serial loop measured fastest, since EXIF parsing holds the GIL;
- `sha256` runs only for files whose size and sampled fingerprint another file shares;
- CPU-bound stages (pixels, motion, previews) run in a process pool of `jobs` workers (default:
  every core), or inline with `jobs=1`, or on any executor given (a Dask cluster).

Submissions are taken in order with a bounded look-ahead (in files), so the pool stays busy over
small submissions while memory stays flat in the number of submissions. The cache is read before
anything is computed and written after, from this thread only, and only with the stages computed
in this run. A worker process that dies (a decoder crash on a hostile file) costs only that file:
its task is retried alone and, if it kills a worker again, the file gets a stage error.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as WaitTimeout
from concurrent.futures.process import BrokenProcessPool, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from mediacheck.checks.file_unreadable import CRASHED
from mediacheck.probe.facts import FileFacts
from mediacheck.probe.hashing import needing_full_hash, sampled_fingerprint, sha256_of
from mediacheck.probe.stages import STAGES, FileRef, load_stage, run_stages
from mediacheck.scan import EventFolder, MediaFile

HASH_THREADS = 4  # full hashes run side by side, at most this many (and one per core)

# The start method of worker processes; None: forkserver on Linux, spawn elsewhere.
MP_CONTEXT: str | None = None
ProbeFn = Callable[[MediaFile], FileFacts]
OnFile = Callable[[MediaFile], None]


class Cache(Protocol):
    """What the pipeline needs of a facts cache (mediacheck.cache.FactCache)."""

    def get(self, media: MediaFile, key: str | None = None,
            stages: Iterable[str] = ...) -> FileFacts | None: ...

    def put(self, media: MediaFile, facts: FileFacts, key: str | None = None,
            stages: Iterable[str] | None = None) -> None: ...

    def adopt_moved(self, media: MediaFile, facts: FileFacts, key: str | None = None,
                    stages: Iterable[str] = ()) -> set[str]: ...


@dataclass
class ProbeSettings:
    """What to compute and where: the stages wanted, the pools, the cache, progress."""

    stages: tuple[str, ...] = ("meta",)
    jobs: int | None = None
    io_threads: int = 1
    cache: Cache | None = None
    probe_fn: ProbeFn | None = None
    on_file: OnFile | None = None
    executor: Executor | None = None  # CPU stages elsewhere (a cluster's executor)
    scheduler: str | None = None  # a Dask scheduler's address: connect to it for CPU stages
    path_map: tuple[tuple[str, str], ...] = ()
    on_note: Callable[[str, dict[str, Any]], None] | None = None
    # (photos, videos) the run will meet, when known: a few photos are analysed faster here
    # than a pool of processes starts.
    expected: tuple[int, int] | None = None


CLUSTER_POLL_S = 1.0
# Below this many photos (and no video), CPU stages run inline: starting worker processes
# costs more than they would save.
POOL_MIN_PHOTOS = 12


def default_jobs() -> int:
    """Every core, for the CPU-bound stages."""
    return max(1, os.cpu_count() or 1)


def cache_key(media: MediaFile) -> str | None:
    """A ZIP member has no path of its own: the cache names it by `archive.zip!member`."""
    return media.origin if media.fs_path is None and media.origin else None


def file_ref(media: MediaFile) -> FileRef:
    """What a worker process needs to open this file itself: a path, never the bytes."""
    path = os.fspath(media.fs_path) if media.fs_path is not None else None
    zip_path = os.fspath(media.zip_path) if media.zip_path is not None else None
    return FileRef(media.rel, media.kind, media.size, path, zip_path, media.member,
                   media.problem, media.problem_detail)


@dataclass
class _FileJob:
    media: MediaFile
    facts: FileFacts
    computed: set[str] = field(default_factory=set)
    cpu_names: tuple[str, ...] = ()
    cpu: Future | None = None
    stored: bool = False


class Prober:
    """Runs the wanted stages over submissions; use as a context manager (it owns pools)."""

    def __init__(self, settings: ProbeSettings) -> None:
        self.settings = settings
        # The duplicate check's full hash is asked for only where a sampled fingerprint agrees.
        extra = {"fingerprint"} if "sha256" in settings.stages else set()
        self.wanted = tuple(s.name for s in STAGES.ordered({"meta", *settings.stages, *extra}))
        self.cpu_stages = tuple(n for n in self.wanted if STAGES[n].cpu_bound)
        self.workers = settings.jobs or default_jobs()
        if settings.jobs is None and settings.expected is not None:
            photos, videos = settings.expected
            if not videos and photos < POOL_MIN_PHOTOS:
                self.workers = 1
        self._io = ThreadPoolExecutor(settings.io_threads, thread_name_prefix="probe") if (
            settings.io_threads > 1) else None
        self._cpu: Executor | None = settings.executor
        self._owns_cpu = settings.executor is None
        self._in_flight: dict[int, _FileJob] = {}
        self._pool_worked = False
        self.crashes = 0
        if settings.scheduler and self._cpu is None and self.cpu_stages:
            self._connect(settings.scheduler)

    def __enter__(self) -> Prober:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close(cancel=exc[0] is not None)

    def close(self, cancel: bool = False) -> None:
        if self._io is not None:
            self._io.shutdown(wait=True, cancel_futures=cancel)
        if self._cpu is not None and self._owns_cpu:
            if isinstance(self._cpu, ProcessPoolExecutor):
                stop_pool(self._cpu, cancel)
            else:
                self._cpu.shutdown(wait=False, cancel_futures=True)
        self._cpu = None if self._owns_cpu else self._cpu

    def _note(self, key: str, **params: Any) -> None:
        if self.settings.on_note is not None:
            self.settings.on_note(key, params)

    def _connect(self, address: str) -> None:
        """Send CPU stages to the cluster at `address`; without one, go on locally (a note)."""
        from mediacheck.cluster import ClusterUnavailable, connect

        try:
            self._cpu = connect(address)
        except ClusterUnavailable as exc:
            self._note(f"cluster_{exc.reason.replace('-', '_')}", address=address,
                       detail=exc.detail)
            return
        self._owns_cpu = True
        self.workers = max(self.workers, _cluster_threads(self._cpu))
        if trimming := self._cpu.trimming_workers():
            self._note("cluster_trimming", address=address, workers=trimming)

    # ------------------------------------------------------------------ public

    def probed(self, submissions: Iterable[EventFolder]
               ) -> Iterator[tuple[EventFolder, list[FileFacts]]]:
        """(submission, facts of its files) in order; later submissions are probed meanwhile.

        Abandoning the iterator releases the archives of submissions not yet handed out."""
        ahead = max(16, self.workers * 8)
        pending: deque[tuple[EventFolder, list[_FileJob]]] = deque()
        in_flight = 0
        events = iter(submissions)
        try:
            while True:
                while in_flight < ahead and (event := next(events, None)) is not None:
                    jobs = self._enter(event)
                    pending.append((event, jobs))
                    in_flight += len(jobs) or 1
                if not pending:
                    return
                event, jobs = pending[0]
                facts = self._collect(jobs)
                pending.popleft()
                in_flight -= len(jobs) or 1
                yield event, facts
        finally:
            for event, jobs in pending:
                self._harvest(jobs)
                event.release()

    def _harvest(self, jobs: list[_FileJob]) -> None:
        """On an interruption, keep in the cache what already finished; cancel the rest."""
        for job in jobs:
            future = job.cpu
            if future is not None and _succeeded(future):
                job.cpu = None
                self._load(job, future.result())
            elif future is not None:
                future.cancel()
            self._in_flight.pop(id(job), None)
            if job.cpu is None:
                self._remember(job)

    def _remember(self, job: _FileJob) -> None:
        """Put the stages computed in this run into the cache, once per file."""
        cache = self.settings.cache
        if cache is not None and job.computed and not job.stored:
            cache.put(job.media, job.facts, cache_key(job.media), job.computed)
        job.stored = True

    # ------------------------------------------------------------------ stages

    def _enter(self, event: EventFolder) -> list[_FileJob]:
        """Cached facts, then meta and hashes now (cheap), then CPU stages sent to the pool."""
        jobs = [self._from_cache(media) for media in event.files]
        self._run_meta([j for j in jobs if "meta" not in j.facts.stages])
        if "sha256" in self.wanted:
            self._run_hashes(jobs)
        for job in jobs:
            self._send_cpu(job)
        return jobs

    def _from_cache(self, media: MediaFile) -> _FileJob:
        cache = self.settings.cache
        facts = cache.get(media, cache_key(media), self.wanted) if cache is not None else None
        if facts is None:
            facts = FileFacts(path=media.rel, kind=media.kind, size=media.size)
        facts.path = media.rel
        return _FileJob(media, facts)

    def _run_meta(self, jobs: list[_FileJob]) -> None:
        probe = self.settings.probe_fn or _probe
        if self._io is None:
            found = [probe(job.media) for job in jobs]
        else:
            found = [f.result() for f in [self._io.submit(probe, j.media) for j in jobs]]
        cache = self.settings.cache
        for job, meta in zip(jobs, found, strict=True):
            for name in ("content", "unreadable", "unreadable_detail", "photo", "video"):
                setattr(job.facts, name, getattr(meta, name))
            job.facts.stages.add("meta")
            job.computed.add("meta")
            if cache is not None:
                job.facts.stages |= cache.adopt_moved(job.media, job.facts,
                                                      cache_key(job.media), self.wanted)

    @staticmethod
    def _fingerprint(job: _FileJob) -> str | None:
        """The sampled fingerprint, from the cache when an earlier run read it."""
        if "fingerprint" not in job.facts.stages:
            job.facts.fingerprint = sampled_fingerprint(job.media)
            if job.facts.fingerprint is not None:
                job.facts.stages.add("fingerprint")
                job.computed.add("fingerprint")
        return job.facts.fingerprint

    def _run_hashes(self, jobs: list[_FileJob]) -> None:
        """Full hashes only where size and a sampled fingerprint say two files may be one."""
        facts = [j.facts for j in jobs]
        wanted = needing_full_hash(facts, lambda i: self._fingerprint(jobs[i]))
        if len(wanted) < 2:
            digests = [sha256_of(jobs[i].media) for i in wanted]
        elif self._io is not None:
            digests = list(self._io.map(sha256_of, [jobs[i].media for i in wanted]))
        else:
            # Reading and SHA-256 both release the GIL: the copies of a pair are hashed side by
            # side (one core each), which halves the wait for a pair of large videos.
            with ThreadPoolExecutor(min(len(wanted), os.cpu_count() or 1, HASH_THREADS),
                                    thread_name_prefix="hash") as threads:
                digests = list(threads.map(sha256_of, [jobs[i].media for i in wanted]))
        for index, digest in zip(wanted, digests, strict=True):
            jobs[index].facts.sha256 = digest
            jobs[index].facts.stages.add("sha256")
            jobs[index].computed.add("sha256")

    def _send_cpu(self, job: _FileJob) -> None:
        names = tuple(n for n in self.cpu_stages
                      if n not in job.facts.stages and STAGES[n].applies(job.facts))
        if not names:
            return
        job.cpu_names = names
        meta = STAGES["meta"].dump(job.facts)
        if self._inline:
            job.cpu = _done(run_stages(job.media, meta, names))  # type: ignore[arg-type]
            return
        job.cpu = self._submit(self._ref(job), meta, names)
        self._in_flight[id(job)] = job

    def _ref(self, job: _FileJob) -> FileRef:
        return file_ref(job.media).mapped(self.settings.path_map)

    @property
    def _inline(self) -> bool:
        return self._cpu is None and self.workers == 1

    def _submit(self, ref: FileRef, meta: dict[str, Any], names: tuple[str, ...]) -> Future:
        for _attempt in range(2):
            try:
                return self._pool().submit(run_stages, ref, meta, names)
            except BrokenProcessPool:
                self._replace_pool()
        return _done(_crashed(names))

    def _pool(self) -> Executor:
        if self._cpu is None:
            self._cpu = process_pool(self.workers)
            self._owns_cpu = True
        return self._cpu

    def _replace_pool(self) -> None:
        """A pool broken by a dying worker is replaced, if it is ours to replace."""
        if self._owns_cpu and isinstance(self._cpu, ProcessPoolExecutor):
            stop_pool(self._cpu, cancel=True)
            self._cpu = None

    def _lose_cluster(self, exc: BaseException) -> None:
        """The scheduler went away: finish locally, and send what was in flight again."""
        address = getattr(self._cpu, "address", "")
        if self._cpu is not None:
            self._cpu.shutdown(wait=False, cancel_futures=True)
        self._cpu, self._owns_cpu = None, True
        self.workers = self.settings.jobs or default_jobs()
        self._note("cluster_lost", address=address, detail=f"{type(exc).__name__}: {exc}"[:200])
        for job in list(self._in_flight.values()):
            if job.cpu is not None and not _succeeded(job.cpu):
                job.cpu = self._resubmit(job)

    def _collect(self, jobs: list[_FileJob]) -> list[FileFacts]:
        """Each file's facts, in order: its CPU stages' results, into the cache (before the
        progress callback, so an interruption there loses nothing), then progress."""
        on_file = self.settings.on_file
        for job in jobs:
            if job.cpu is not None:
                self._take_cpu(job)
            self._remember(job)
            if on_file is not None:
                on_file(job.media)
        return [job.facts for job in jobs]

    def _resubmit(self, job: _FileJob) -> Future:
        meta = STAGES["meta"].dump(job.facts)
        if self._inline:
            return _done(run_stages(job.media, meta, job.cpu_names))  # type: ignore[arg-type]
        return self._submit(self._ref(job), meta, job.cpu_names)

    def _take_cpu(self, job: _FileJob) -> None:
        from mediacheck.cluster import is_killed_task

        assert job.cpu is not None
        try:
            results = self._result(job.cpu)
        except BrokenProcessPool:
            self._replace_pool()
            results = self._alone(job)
        except Exception as exc:  # noqa: BLE001 - what a cluster's future may raise
            if isinstance(self._cpu, ProcessPoolExecutor) or self._cpu is None:
                raise
            if is_killed_task(exc):  # it killed worker after worker: a hostile file
                self.crashes += 1
                results = _crashed(job.cpu_names)
            else:
                self._lose_cluster(exc)
                self._take_cpu(job)
                return
        if isinstance(self._cpu, ProcessPoolExecutor):
            self._pool_worked = True
        job.cpu = None
        self._in_flight.pop(id(job), None)
        self._load(job, results)

    def _result(self, future: Future) -> Any:
        """A task's result; on a cluster, waiting ends when the cluster is gone (a scheduler
        that went away may leave its futures pending for ever)."""
        lost = getattr(self._cpu, "lost", None)
        if lost is None:
            return future.result()
        while True:
            try:
                return future.result(timeout=CLUSTER_POLL_S)
            except WaitTimeout:
                if lost():
                    from mediacheck.cluster import ClusterUnavailable

                    raise ClusterUnavailable("lost", "the scheduler does not answer") from None

    @staticmethod
    def _load(job: _FileJob, results: dict[str, dict[str, Any]]) -> None:
        for name, data in results.items():
            load_stage(job.facts, name, data)
            if not data.get("transient"):
                job.computed.add(name)

    def _alone(self, job: _FileJob) -> dict[str, dict[str, Any]]:
        """Retry a task whose pool broke in a process of its own: if it breaks that one too,
        this file is what kills the decoder."""
        ref = self._ref(job)
        meta = STAGES["meta"].dump(job.facts)
        solo = process_pool(1)
        try:
            results = solo.submit(run_stages, ref, meta, job.cpu_names).result()
        except BrokenProcessPool:
            if not self._pool_worked:
                return self._without_pool(job, meta)
            self.crashes += 1
            return _crashed(job.cpu_names)
        finally:
            stop_pool(solo, cancel=True)
        self._pool_worked = True
        return results

    def _without_pool(self, job: _FileJob, meta: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """No worker process ever finished a task (they cannot start here: a program run from
        standard input, a sandbox without fork): the rest of the run is done in this process,
        with a note, rather than every file reported as crashing its decoder."""
        self.workers, self._cpu, self._owns_cpu = 1, None, True
        self._note("pool_unavailable")
        for other in list(self._in_flight.values()):
            if other is not job and other.cpu is not None and not _succeeded(other.cpu):
                other.cpu = _done(run_stages(other.media, STAGES["meta"].dump(other.facts),
                                             other.cpu_names))  # type: ignore[arg-type]
        return run_stages(job.media, meta, job.cpu_names)  # type: ignore[arg-type]


def _probe(media: MediaFile) -> FileFacts:
    from mediacheck.probe import probe

    return probe(media)


def _succeeded(future: Future) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


def _cluster_threads(executor: Any) -> int:
    """How many tasks the cluster runs at once, to size the look-ahead."""
    try:
        info = executor.client.scheduler_info()
        return sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values()) or 1
    except Exception:  # noqa: BLE001 - only a sizing hint
        return 1


def _crashed(names: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    return {name: {"stage_error": CRASHED} for name in names}


def _done(value: Any) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future


def process_pool(workers: int) -> ProcessPoolExecutor:
    """Workers that start clean: forkserver on Linux (no inherited threads or locks, modules
    preloaded once), spawn elsewhere; Ctrl-C is the parent's to handle."""
    method = MP_CONTEXT or ("forkserver" if sys.platform.startswith("linux") else "spawn")
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["mediacheck.probe.stages"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_worker_init)


def _worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def stop_pool(pool: ProcessPoolExecutor, cancel: bool) -> None:
    """Shut a pool down; on cancel (Ctrl-C, a broken pool) its workers are ended at once."""
    if cancel:
        for process in list(getattr(pool, "_processes", {}).values()):
            if process.is_alive():
                process.terminate()
    pool.shutdown(wait=True, cancel_futures=cancel)
