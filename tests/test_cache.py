"""The fact cache: an unchanged file is answered without a read, any change is a miss, a broken
cache file never stops a run, and two runs sharing one cache file leave it intact."""

from __future__ import annotations

import dataclasses
import io
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import EVENT, REPO

from mediacheck.cache import FactCache
from mediacheck.probe import FileFacts, probe
from mediacheck.probe.stages import STAGES
from mediacheck.samples.factory import make_photo
from mediacheck.scan import MediaFile

SMALL = (320, 240)


def scanned(folder: Path) -> list[MediaFile]:
    """The photos of `folder` as scanning records them: one stat each, nothing read.

    Built here rather than by `find_submissions` so these tests do not depend on the profile."""
    return [media_file(path) for path in sorted(folder.glob("*.jpg"))]


def media_file(path: Path) -> MediaFile:
    st = path.stat()
    return MediaFile(path.name, "photo", st.st_size, st.st_mtime,
                     lambda: open(path, "rb"), path)  # noqa: SIM115 - the caller closes it


def count_reads(files: list[MediaFile]) -> list[str]:
    """Make every open of these files logged: the list grows by the file's rel on each open."""
    opened: list[str] = []
    for media in files:
        def opener(media: MediaFile = media, real=media.opener) -> io.BufferedReader:
            opened.append(media.rel)
            return real()
        media.opener = opener
    return opened


def meta_of(facts: FileFacts) -> dict:
    """A file's meta facts as the cache stores them."""
    return STAGES["meta"].dump(facts)


def facts_of(files: list[MediaFile]) -> dict[str, dict]:
    return {m.rel: meta_of(probe(m)) for m in files}


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / EVENT
    for i in range(3):
        make_photo(folder / f"IMG_{i}.jpg", size=SMALL, seed=i)
    return folder


@pytest.fixture
def cache_path(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "facts.sqlite3"


def fill(cache_path: Path, files: list[MediaFile]) -> None:
    with FactCache(cache_path) as cache:
        for media in files:
            cache.put(media, probe(media))


def test_unchanged_files_are_answered_without_reading_them(photos, cache_path):
    files = scanned(photos)
    expected = facts_of(files)
    fill(cache_path, files)

    again = scanned(photos)
    opened = count_reads(again)
    with FactCache(cache_path) as cache:
        got = {m.rel: cache.get(m) for m in again}
        assert (cache.hits, cache.misses) == (3, 0)
    assert opened == []
    assert {rel: meta_of(f) for rel, f in got.items() if f} == expected
    assert expected["IMG_0.jpg"]["photo"]["width"] == SMALL[0]


def test_touched_file_is_a_miss(photos, cache_path):
    fill(cache_path, scanned(photos))
    target = photos / "IMG_1.jpg"
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))

    with FactCache(cache_path) as cache:
        got = {m.rel: cache.get(m) for m in scanned(photos)}
    assert got["IMG_1.jpg"] is None
    assert got["IMG_0.jpg"] is not None and got["IMG_2.jpg"] is not None


def test_size_change_is_a_miss_even_with_the_old_time(photos, cache_path):
    fill(cache_path, scanned(photos))
    target = photos / "IMG_2.jpg"
    st = target.stat()
    with open(target, "ab") as fh:
        fh.write(b"\0" * 10)
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))

    with FactCache(cache_path) as cache:
        media = next(m for m in scanned(photos) if m.rel == "IMG_2.jpg")
        assert cache.get(media) is None


def test_a_stage_whose_version_changed_is_a_miss(photos, cache_path, monkeypatch):
    files = scanned(photos)
    fill(cache_path, files)
    meta = STAGES["meta"]
    monkeypatch.setitem(STAGES.stages, "meta", dataclasses.replace(meta, version=meta.version + 1))
    with FactCache(cache_path) as cache:
        assert [cache.get(m) for m in files] == [None, None, None]
        cache.put(files[0], probe(files[0]))  # the new version replaces the old entry
    with FactCache(cache_path) as cache:
        assert cache.get(files[0]) is not None


def test_a_stage_version_follows_its_source_code():
    """Editing a stage's code changes its tag (so its cache entries stop matching) without a
    version bump; the other stages keep theirs."""
    meta = STAGES["meta"]
    edited = dataclasses.replace(meta, modules=(*meta.modules, "mediacheck.thumbnails"))
    assert edited.version_tag() != meta.version_tag()
    assert edited.version_tag().split(".")[0] == meta.version_tag().split(".")[0]
    assert STAGES["sha256"].version_tag() == STAGES["sha256"].version_tag()


def test_other_kind_is_a_miss(photos, cache_path):
    files = scanned(photos)
    fill(cache_path, files)
    files[0].kind = "other"  # a profile that classifies the extension differently
    with FactCache(cache_path) as cache:
        assert cache.get(files[0]) is None
        assert cache.get(files[1]) is not None


def test_transient_failures_and_scan_problems_are_not_cached(photos, cache_path):
    files = scanned(photos)
    with FactCache(cache_path) as cache:
        for media, reason in zip(files, ("permission", "os-error"), strict=False):
            facts = probe(media)
            facts.unreadable = reason
            cache.put(media, facts)
        broken = files[2]
        broken.problem = "broken-symlink"
        cache.put(broken, probe(broken))
    with FactCache(cache_path) as cache:
        assert [cache.get(m) for m in files] == [None, None, None]


def test_corrupt_facts_are_kept_until_the_file_changes(tmp_path, cache_path):
    """A file that is really broken stays broken until it changes: cache it like any other."""
    folder = tmp_path / EVENT
    (folder / "IMG_9.jpg").parent.mkdir()
    (folder / "IMG_9.jpg").write_bytes(b"this is not a photo at all" * 100)
    files = scanned(folder)
    fill(cache_path, files)
    with FactCache(cache_path) as cache:
        facts = cache.get(files[0])
    assert facts is not None and facts.unreadable == "not-media"


def test_moved_folder_keeps_its_expensive_stages(photos, cache_path, tmp_path):
    """A renamed or moved folder keeps modification times: its headers are read again (cheap),
    and the stages that decode pictures are taken over from the old path."""
    files = scanned(photos)
    with FactCache(cache_path) as cache:
        for media in files:
            facts = probe(media)
            facts.thumbnail = f"preview of {media.rel}"
            facts.stages.add("thumbnail")
            cache.put(media, facts)
    moved = tmp_path / "archive" / "2023" / EVENT
    moved.parent.mkdir(parents=True)
    photos.rename(moved)

    files = scanned(moved)
    with FactCache(cache_path) as cache:
        assert all(cache.get(m, stages=("meta", "thumbnail")) is None for m in files)
        adopted = {}
        for media in files:
            facts = probe(media)
            assert cache.adopt_moved(media, facts, stages=("meta", "thumbnail")) == {"thumbnail"}
            adopted[media.rel] = facts.thumbnail
    assert adopted == {m.rel: f"preview of {m.rel}" for m in files}

    opened = count_reads(files := scanned(moved))  # remembered under the new path too
    with FactCache(cache_path) as cache:
        got = [cache.get(m, stages=("meta", "thumbnail")) for m in files]
    assert opened == [] and all(g is not None and g.stages == {"meta", "thumbnail"} for g in got)


def test_a_metadata_run_is_not_served_missing_pixel_facts(photos, cache_path):
    """Asking for more stages than were stored gives what is stored, and says which."""
    files = scanned(photos)
    fill(cache_path, files)
    with FactCache(cache_path) as cache:
        got = cache.get(files[0], stages=("meta", "thumbnail"))
    assert got is not None and got.stages == {"meta"} and got.thumbnail is None


def test_same_size_and_time_with_other_content_is_a_miss(tmp_path, cache_path):
    first = make_photo(tmp_path / "a" / EVENT / "IMG_1.jpg", size=SMALL, seed=1)
    second = tmp_path / "b" / EVENT / "IMG_1.jpg"
    second.parent.mkdir(parents=True)
    data = bytearray(first.read_bytes())
    data[len(data) // 2] ^= 0xFF
    second.write_bytes(bytes(data))
    st = first.stat()
    os.utime(second, ns=(st.st_atime_ns, st.st_mtime_ns))

    fill(cache_path, scanned(first.parent))
    with FactCache(cache_path) as cache:
        assert cache.get(scanned(second.parent)[0]) is None


def zip_member(data: bytes, rel: str = "IMG_1.jpg", mtime: float = 1693900000.0) -> MediaFile:
    return MediaFile(rel, "photo", len(data), mtime, lambda: io.BytesIO(data))


def test_zip_members_are_cached_only_under_an_explicit_key(photos, cache_path):
    data = (photos / "IMG_0.jpg").read_bytes()
    member = zip_member(data)
    facts = probe(member)
    assert facts.photo is not None
    with FactCache(cache_path) as cache:
        cache.put(member, facts)
        cache.put(member, facts, key="/drive/a.zip!Truong/IMG_1.jpg")
    with FactCache(cache_path) as cache:
        assert cache.get(member) is None
        assert cache.get(zip_member(data), key="/drive/b.zip!Truong/IMG_1.jpg") is None
        hit = cache.get(zip_member(data), key="/drive/a.zip!Truong/IMG_1.jpg")
        assert hit is not None and meta_of(hit) == meta_of(facts)
        later = zip_member(data, mtime=1693900002.0)
        assert cache.get(later, key="/drive/a.zip!Truong/IMG_1.jpg") is None


def test_puts_are_written_in_batches(photos, cache_path):
    files = scanned(photos)
    writer = FactCache(cache_path, batch_size=2)
    for media in files:
        writer.put(media, probe(media))
    with FactCache(cache_path) as reader:
        assert [reader.get(m) is not None for m in files] == [True, True, False]
    writer.close()
    writer.close()
    with FactCache(cache_path) as reader:
        assert all(reader.get(m) is not None for m in files)


def test_corrupt_cache_file_is_reported_and_left_alone(photos, cache_path):
    garbage = b"this was never a database " * 200
    cache_path.parent.mkdir(parents=True)
    cache_path.write_bytes(garbage)
    files = scanned(photos)
    with FactCache(cache_path) as cache:
        assert cache.get(files[0]) is None
        for media in files:
            cache.put(media, probe(media))
        assert cache.problem == "corrupt"
    assert cache_path.read_bytes() == garbage


def test_damaged_pages_do_not_stop_a_run(photos, cache_path):
    files = scanned(photos)
    with FactCache(cache_path, batch_size=1) as cache:
        for i in range(300):  # enough entries for many pages
            cache.put(zip_member(bytes([i % 256]) * 100), probe(files[0]), key=f"k{i}")
    data = bytearray(cache_path.read_bytes())
    data[4096:] = b"\xa5" * (len(data) - 4096)
    cache_path.write_bytes(bytes(data))

    with FactCache(cache_path) as cache:
        for i in range(300):
            cache.get(zip_member(bytes([i % 256]) * 100), key=f"k{i}")
        cache.put(files[0], probe(files[0]))
        assert cache.problem == "corrupt"


def test_unwritable_cache_location_is_reported(photos, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    files = scanned(photos)
    with FactCache(blocker / "facts.sqlite3") as cache:
        assert cache.get(files[0]) is None
        cache.put(files[0], probe(files[0]))
        assert cache.problem == "unwritable"


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_CACHE_HOME is how Linux says it")
def test_default_cache_lives_in_the_user_cache_folder(photos, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    fill(None, scanned(photos))
    assert (tmp_path / "xdg" / "mediacheck" / "facts.sqlite3").is_file()


WORKER = textwrap.dedent("""
    import sys
    from pathlib import Path

    from mediacheck.cache import FactCache
    from mediacheck.probe import probe
    from mediacheck.scan import MediaFile

    def media_file(path):
        st = path.stat()
        return MediaFile(path.name, "photo", st.st_size, st.st_mtime,
                         lambda: open(path, "rb"), path)

    folder, cache_path, order = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    files = [media_file(p) for p in sorted(folder.glob("*.jpg"), reverse=order == "reverse")]
    facts = [probe(m) for m in files]
    for _round in range(4):
        with FactCache(cache_path, batch_size=7) as cache:
            for media, fact in zip(files, facts):
                cache.get(media)
                cache.put(media, fact)
        if cache.problem:
            sys.exit(f"{cache.problem}: {cache.problem_detail}")
""")


def test_two_processes_share_one_cache_without_corrupting_it(photos, cache_path):
    for i in range(250):  # plus the 3 photos: many small transactions from both sides
        (photos / f"IMG_{i:04d}.jpg").write_bytes(i.to_bytes(2, "big") * 300)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get(
        "PYTHONPATH", "")])}
    runs = [subprocess.Popen([sys.executable, "-c", WORKER, str(photos), str(cache_path), order],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for order in ("forward", "reverse")]
    for run in runs:
        _out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err.decode(errors="replace")

    with sqlite3.connect(cache_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("SELECT count(*) FROM files_v2").fetchone() == (253,)
    files = scanned(photos)
    expected = facts_of(files)
    with FactCache(cache_path) as cache:
        got: dict[str, FileFacts | None] = {m.rel: cache.get(m) for m in files}
    assert {rel: meta_of(f) for rel, f in got.items() if f} == expected
