"""The engine: parallel probing gives the serial result in the serial order, results stream one
submission at a time, a facts cache is consulted before probing and filled after, and only the
stages the enabled checks need are computed."""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

import pytest
from conftest import NOW, run_paths

from mediacheck.engine import RunOptions, discover, iter_results, wanted_stages
from mediacheck.probe import FileFacts, probe
from mediacheck.profile import load_profile
from mediacheck.samples.factory import make_photo, make_video
from mediacheck.scan import MediaFile

SMALL = (64, 48)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 submissions (one of them a ZIP holding two), photos and videos, some broken."""
    root = tmp_path_factory.mktemp("tree") / "Nhan"
    for i in range(10):
        folder = root / f"TH {i:02d}_Khaigiang"
        folder.mkdir(parents=True)
        for j in range(3):
            make_photo(folder / f"IMG_{j}.jpg", size=SMALL, seed=i * 10 + j)
        if i % 3 == 0:
            make_video(folder / "VID_1.mp4", width=160, height=90, seconds=1, fps=2, seed=i)
        if i == 4:
            (folder / "hong.jpg").write_bytes(b"\xff\xd8\xff\xe0 broken")
    with zipfile.ZipFile(root / "drive.zip", "w") as archive:
        for name in ("TH 00_Khaigiang/IMG_0.jpg", "TH 00_Khaigiang/VID_1.mp4"):
            archive.write(root / name, f"MN A_Tet/{name.rsplit('/', 1)[1]}")
        archive.write(root / "TH 01_Khaigiang/IMG_0.jpg", "MN B_Tet/IMG_0.jpg")
    return root


def test_parallel_result_equals_serial(tree: Path) -> None:
    serial = run_paths([tree], jobs=1, thumbnails=True)
    for jobs, threads in ((2, 1), (1, 3), (2, 5)):
        parallel = run_paths([tree], jobs=jobs, io_threads=threads, thumbnails=True)
        assert [s.to_dict() for s in parallel.submissions] == [
            s.to_dict() for s in serial.submissions]
    assert len(serial.submissions) == 12
    assert sum(1 for s in serial.submissions for f in s.files if f.get("thumbnail")) >= 30
    assert any(f["kind"] == "video" and f.get("width") == 160
               for s in serial.submissions if "drive.zip" in s.path for f in s.files)


def test_threads_really_probe_in_parallel(tree: Path) -> None:
    """With 4 jobs, probes of different files overlap (two are inside probe at once)."""
    busy, peak, lock = [0], [0], threading.Lock()
    release = threading.Event()

    def slow_probe(media: MediaFile) -> FileFacts:
        with lock:
            busy[0] += 1
            peak[0] = max(peak[0], busy[0])
            if busy[0] >= 2:
                release.set()
        release.wait(timeout=2)
        try:
            return probe(media)
        finally:
            with lock:
                busy[0] -= 1

    run_paths([tree], io_threads=4, probe_fn=slow_probe)
    assert peak[0] >= 2


def test_progress_is_called_once_per_file_in_order(tree: Path) -> None:
    seen: list[str] = []
    totals: list[int] = []
    report = run_paths([tree], io_threads=3, on_start=totals.append,
                       on_file=lambda media: seen.append(media.origin))
    events, _ = discover([tree], load_profile(), "en")
    expected = [m.origin for e in events for m in e.files]
    assert seen == expected and totals == [len(expected)]
    assert sum(len(s.files) for s in report.submissions) == len(expected)


def test_results_stream_with_a_bounded_look_ahead(tree: Path) -> None:
    """After the first result only a bounded number of files have been probed."""
    probed: list[str] = []

    def counting_probe(media: MediaFile) -> FileFacts:
        probed.append(media.rel)
        return probe(media)

    events, _ = discover([tree], load_profile(), "en")
    results = iter_results(events, load_profile(),
                           RunOptions(lang="en", now=NOW, jobs=1, probe_fn=counting_probe))
    first = next(results)
    assert first.path == events[0].path
    total = sum(len(e.files) for e in events)
    assert len(probed) < total
    rest = list(results)
    assert len(rest) == len(events) - 1 and len(probed) == total


def test_cache_hit_skips_probing_and_gives_the_same_report(tree: Path, tmp_path: Path) -> None:
    from mediacheck.cache import FactCache

    with FactCache(tmp_path / "facts.sqlite3") as cache:
        cold = run_paths([tree], io_threads=2, cache=cache, thumbnails=True)
        files = sum(len(s.files) for s in cold.submissions)
        assert (cache.hits, cache.misses) == (0, files)

    def no_probe(media: MediaFile) -> FileFacts:
        raise AssertionError(f"probed {media.rel} despite the cache")

    with FactCache(tmp_path / "facts.sqlite3") as cache:
        warm = run_paths([tree], io_threads=2, cache=cache, probe_fn=no_probe, thumbnails=True)
        assert cache.hits == files
    assert [s.to_dict() for s in warm.submissions] == [s.to_dict() for s in cold.submissions]


def test_adding_a_stage_reads_no_header_again(tree: Path, tmp_path: Path) -> None:
    """A metadata-only run fills the cache; a later HTML run computes previews only."""
    from mediacheck.cache import FactCache

    with FactCache(tmp_path / "facts.sqlite3") as cache:
        run_paths([tree], cache=cache)

    def no_probe(media: MediaFile) -> FileFacts:
        raise AssertionError(f"headers of {media.rel} read again")

    with FactCache(tmp_path / "facts.sqlite3") as cache:
        report = run_paths([tree], cache=cache, probe_fn=no_probe, thumbnails=True)
    assert any(f.get("thumbnail") for s in report.submissions for f in s.files)


def test_hashes_computed_for_a_cached_file_are_written_back(tmp_path: Path) -> None:
    from conftest import EVENT, good_photos

    from mediacheck.cache import FactCache

    folder = tmp_path / EVENT
    first, *_ = good_photos(folder)
    with FactCache(tmp_path / "facts.sqlite3") as cache:
        run_paths([folder], cache=cache)
    copy = folder / f"{first.stem} - Copy.jpg"
    copy.write_bytes(first.read_bytes())
    with FactCache(tmp_path / "facts.sqlite3") as cache:
        report = run_paths([folder], cache=cache)
    assert [f.path for f in report.submissions[0].findings if f.check == "duplicate"] == [
        copy.name]
    (event,), _ = discover([folder], load_profile(), "en")
    with FactCache(tmp_path / "facts.sqlite3") as cache:
        stored = {m.rel: cache.get(m, stages=("meta", "sha256")) for m in event.files}
    assert stored[first.name].sha256 == stored[copy.name].sha256 is not None


def test_stages_follow_the_enabled_checks_and_reports(profile) -> None:
    assert wanted_stages(profile, RunOptions()) [:2] == ("meta", "sha256")
    assert "thumbnail" in wanted_stages(profile, RunOptions(thumbnails=True))
    assert "thumbnail" not in wanted_stages(profile, RunOptions())
    import dataclasses

    checks = {**profile.checks, "duplicate": dataclasses.replace(profile.checks["duplicate"],
                                                                 enabled=False)}
    no_duplicates = dataclasses.replace(profile, checks=checks)
    assert "sha256" not in wanted_stages(no_duplicates, RunOptions())


def test_a_file_that_kills_its_worker_costs_only_that_file(tree: Path, monkeypatch) -> None:
    """A decoder crash (here: a stage that kills its process on one file) is retried alone and
    then reported as a stage error for that file; every other file gets its facts."""
    import dataclasses
    import os
    import signal

    from mediacheck import pipeline
    from mediacheck.pipeline import Prober, ProbeSettings
    from mediacheck.probe.stages import STAGES

    def deadly(ref, facts, ctx):  # noqa: ANN001 - a stage's run function
        if ref.rel == "IMG_1.jpg":
            os.kill(os.getpid(), signal.SIGKILL)
        facts.thumbnail = "ok"

    stage = dataclasses.replace(STAGES["thumbnail"], name="deadly", run=deadly)
    monkeypatch.setitem(STAGES.stages, "deadly", stage)
    monkeypatch.setattr(pipeline, "MP_CONTEXT", "fork")  # workers inherit the patched registry
    events, _ = discover([tree / "TH 01_Khaigiang", tree / "TH 02_Khaigiang"], load_profile(),
                         "en")
    with Prober(ProbeSettings(stages=("meta", "deadly"), jobs=2)) as prober:
        got = [(f.path, f.stage_errors.get("deadly"), f.thumbnail)
               for _event, facts in prober.probed(events) for f in facts]
        assert prober.crashes == 2
    assert [g for g in got if g[0] == "IMG_1.jpg"] == [("IMG_1.jpg", "crashed", None)] * 2
    assert all(error is None and thumb == "ok" for path, error, thumb in got
               if path != "IMG_1.jpg")


def test_archives_are_closed_when_done_or_abandoned(tree: Path) -> None:
    events, _ = discover([tree / "drive.zip"], load_profile(), "en")
    (archive,) = {id(a): a for e in events for a in e.archives}.values()
    assert len(events) == 2 and archive.users == 2
    results = iter_results(events, load_profile(), RunOptions(lang="en", now=NOW, io_threads=2))
    next(results)
    assert archive._zip is not None  # the second submission still reads it
    results.close()
    assert archive._zip is None and archive.users == 0
    events, _ = discover([tree / "drive.zip"], load_profile(), "en")
    assert len(list(iter_results(events, load_profile(), RunOptions(lang="en", now=NOW)))) == 2
    assert all(not e.archives for e in events)


def test_without_facts_a_result_keeps_only_what_the_summary_needs(tmp_path: Path) -> None:
    from conftest import EVENT, good_photos

    from mediacheck.engine import run as run_engine
    from mediacheck.profile import load_profile

    good_photos(tmp_path / EVENT)
    full = run_engine([tmp_path], load_profile(), RunOptions(lang="en")).submissions[0]
    lean = run_engine([tmp_path], load_profile(),
                      RunOptions(lang="en", keep_facts=False)).submissions[0]
    # path, kind, role and size, and what a check concludes about the file (its shot kind,
    # whether its sharpness could be judged)
    annotations = {"shot", "shot_confidence", "shot_why", "sharpness_judged"}
    assert all(set(row) - annotations == {"path", "kind", "role", "size"} for row in lean.files)
    assert "make" in full.files[0]
    assert lean.kind_count("photo") == full.kind_count("photo") == 3
    assert lean.total_bytes == full.total_bytes
    assert [f.to_dict() for f in lean.findings] == [f.to_dict() for f in full.findings]


def test_an_interrupted_run_keeps_what_finished(tree: Path, tmp_path: Path,
                                                monkeypatch) -> None:
    """Ctrl-C part-way: every file whose stages finished (handed out or still in the
    look-ahead) is in the cache, so the rerun computes only what is left, nothing twice."""
    from mediacheck import thumbnails
    from mediacheck.cache import FactCache

    computed: list[str] = []
    real = thumbnails.thumbnail_data_uri

    def counting(media, facts, ctx=None, size=240):  # noqa: ANN001, ANN202
        computed.append(media.origin)
        return real(media, facts, ctx, size)

    monkeypatch.setattr(thumbnails, "thumbnail_data_uri", counting)
    seen: list[str] = []

    def stop_after_three(media: MediaFile) -> None:
        seen.append(media.origin)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with FactCache(tmp_path / "facts.sqlite3") as cache, pytest.raises(KeyboardInterrupt):
        run_paths([tree], jobs=1, cache=cache, thumbnails=True, on_file=stop_after_three)
    first = list(computed)
    assert 3 < len(first) < 40  # the look-ahead went on, the whole tree did not
    computed.clear()
    with FactCache(tmp_path / "facts.sqlite3") as cache:
        report = run_paths([tree], jobs=1, cache=cache, thumbnails=True)
    media = [f for s in report.submissions for f in s.files if f["kind"] in ("photo", "video")]
    assert not set(first) & set(computed)
    assert len(first) + len(computed) == len([f for f in media if not f.get("unreadable")])


def test_worker_processes_that_cannot_start_leave_the_work_to_this_one(tree: Path,
                                                                       monkeypatch) -> None:
    """A machine where no worker process can start (a sandbox, a script read from standard
    input) gets the same results, done here, with a note; no file is blamed for it."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    from mediacheck import pipeline

    def dead_pool(workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=os._exit, initargs=(3,))

    inline = run_paths([tree], jobs=1, thumbnails=True)
    monkeypatch.setattr(pipeline, "process_pool", dead_pool)
    report = run_paths([tree], jobs=2, thumbnails=True)
    assert [s.to_dict() for s in report.submissions] == [s.to_dict() for s in inline.submissions]
    assert [p.key for p in report.problems] == ["pool_unavailable"]


def test_a_turned_photo_is_shown_at_its_display_size(tmp_path: Path) -> None:
    """EXIF Orientation 6 (a phone held upright): the facts say how a viewer shows it, so no
    reporter has to work it out again."""
    from conftest import EVENT, check_folder, good_photos

    folder = tmp_path / EVENT
    good_photos(folder)
    make_photo(folder / "IMG_9.jpg", size=(1800, 1200), orientation=6, seed=9)
    rows = {r["path"]: r for r in check_folder(folder).files}
    turned = rows["IMG_9.jpg"]
    assert (turned["width"], turned["height"]) == (1800, 1200)
    assert (turned["display_width"], turned["display_height"]) == (1200, 1800)


def test_a_warm_rerun_decodes_no_picture(tree: Path, tmp_path: Path, monkeypatch) -> None:
    """The pixel and motion stages of unchanged files come from the cache: no photo or video
    is decoded again (and --quick after a full run needs nothing either)."""
    import dataclasses

    from mediacheck.cache import FactCache
    from mediacheck.probe.stages import STAGES

    with FactCache(tmp_path / "facts.sqlite3") as cache:
        cold = run_paths([tree], jobs=1, cache=cache, thumbnails=True)
    decoded: list[str] = []

    def refuse(ref, facts, ctx):  # noqa: ANN001 - a stage's run function
        decoded.append(ref.rel)

    for name in ("pixels", "motion", "thumbnail"):
        monkeypatch.setitem(STAGES.stages, name, dataclasses.replace(STAGES[name], run=refuse))
    with FactCache(tmp_path / "facts.sqlite3") as cache:
        warm = run_paths([tree], jobs=1, cache=cache, thumbnails=True)
        quick = run_paths([tree], jobs=1, cache=cache, pixels=False)
    assert decoded == []
    assert [s.to_dict() for s in warm.submissions] == [s.to_dict() for s in cold.submissions]
    assert any(f.get("scenes") for s in warm.submissions for f in s.files)
    assert not any("scenes" in f for s in quick.submissions for f in s.files)


def test_a_warm_rerun_samples_no_file_of_a_shared_size(tmp_path: Path, monkeypatch) -> None:
    """Two different photos of one size are told apart by a sampled fingerprint; the cache
    keeps it, so the next run reads neither file (and still hashes no file in full)."""
    from conftest import EVENT, good_photos

    from mediacheck import pipeline
    from mediacheck.cache import FactCache

    folder = tmp_path / EVENT
    first, second, *_ = good_photos(folder)
    small, big = sorted((first, second), key=lambda p: p.stat().st_size)
    data = small.read_bytes()
    pad = big.stat().st_size - len(data) - 4   # a COM segment right after SOI
    small.write_bytes(data[:2] + b"\xff\xfe" + (pad + 2).to_bytes(2, "big") + b"\0" * pad
                      + data[2:])
    assert small.stat().st_size == big.stat().st_size
    read: list[str] = []
    real = pipeline.sampled_fingerprint
    monkeypatch.setattr(pipeline, "sampled_fingerprint",
                        lambda media: read.append(media.rel) or real(media))
    with FactCache(tmp_path / "facts.sqlite3") as cache:
        cold = run_paths([folder], cache=cache)
    assert sorted(read) == sorted([small.name, big.name])
    read.clear()
    with FactCache(tmp_path / "facts.sqlite3") as cache:
        warm = run_paths([folder], cache=cache)
    assert read == []
    assert not [f for f in warm.submissions[0].findings if f.check == "duplicate"]
    assert [s.to_dict() for s in warm.submissions] == [s.to_dict() for s in cold.submissions]
