"""`duplicate`: the same file content twice in one event; sizes first, hashes only on a tie."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import check_folder, good_photos, of

from mediacheck.probe import probe
from mediacheck.probe.hashing import needing_full_hash, sampled_fingerprint
from mediacheck.report import Severity
from mediacheck.samples.factory import make_video
from mediacheck.scan import find_submissions


def test_distinct_files_pass(event_dir: Path) -> None:
    good_photos(event_dir, 4)
    assert of(check_folder(event_dir), "duplicate") == []


def test_copy_is_named_and_original_kept(event_dir: Path) -> None:
    first, *_ = good_photos(event_dir)
    shutil.copyfile(first, event_dir / (first.stem + " - Copy.jpg"))
    shutil.copyfile(first, event_dir / (first.stem + " (1).jpg"))
    found = of(check_folder(event_dir), "duplicate")
    assert {f.path for f in found} == {first.stem + " - Copy.jpg", first.stem + " (1).jpg"}
    assert all(f.details["original"] == first.name for f in found)
    assert all(f.severity is Severity.WARNING for f in found)


def test_duplicate_videos(event_dir: Path) -> None:
    good_photos(event_dir)
    clip = make_video(event_dir / "VID_1.mp4", width=1280, height=720, seconds=1, fps=1)
    shutil.copyfile(clip, event_dir / "VID_1_copy.mp4")
    (finding,) = of(check_folder(event_dir), "duplicate")
    assert finding.path == "VID_1_copy.mp4"


def test_same_size_different_content_is_not_a_duplicate(event_dir: Path) -> None:
    first, *_ = good_photos(event_dir)
    data = bytearray(first.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit inside the picture data
    (event_dir / "other.jpg").write_bytes(bytes(data))
    assert of(check_folder(event_dir), "duplicate") == []


def test_only_equal_sizes_with_equal_samples_are_hashed(event_dir: Path, profile) -> None:
    first, second, _third = good_photos(event_dir)
    shutil.copyfile(first, event_dir / "copy.jpg")
    data = bytearray(first.read_bytes())
    data[-100] ^= 0x01  # same size, different bytes near the end: the sample tells them apart
    (event_dir / "other.jpg").write_bytes(bytes(data))
    (event,), _ = find_submissions([event_dir], profile)
    facts = [probe(m) for m in event.files]
    wanted = needing_full_hash(facts, lambda i: sampled_fingerprint(event.files[i]))
    assert {facts[i].path for i in wanted} == {first.name, "copy.jpg"}
    assert second.stat().st_size != first.stat().st_size


def test_a_big_file_of_a_shared_size_is_sampled_not_read_whole(event_dir: Path) -> None:
    """Two different videos of one size cost a few windows each, not a full read."""
    good_photos(event_dir)
    size = 3_000_000
    for name, fill in (("VID_A.mp4", 1), ("VID_B.mp4", 2)):
        (event_dir / name).write_bytes(bytes([fill]) * size)
    from mediacheck.probe.hashing import SAMPLE_BYTES, SAMPLE_WINDOWS
    from mediacheck.scan import MediaFile

    reads: list[int] = []

    class Counting(MediaFile):
        def open(self):  # type: ignore[override]
            fh = super().open()
            real = fh.read

            def read(n: int = -1) -> bytes:
                data = real(n)
                reads.append(len(data))
                return data
            fh.read = read  # type: ignore[method-assign]
            return fh

    media = [Counting(p.name, "video", size, 0.0, lambda p=p: p.open("rb"), p)
             for p in sorted(event_dir.glob("VID_*.mp4"))]
    assert sampled_fingerprint(media[0]) != sampled_fingerprint(media[1])
    assert sum(reads) == 2 * SAMPLE_BYTES * SAMPLE_WINDOWS
