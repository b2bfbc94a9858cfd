"""ZIP archives read in place: names decoded right, Drive parts merged, unsafe archives refused."""

from __future__ import annotations

import struct
import unicodedata
import zipfile
from pathlib import Path

import pytest
from conftest import NOW, fingerprint, of, run_paths

from mediacheck.probe import probe
from mediacheck.profile import load_profile
from mediacheck.samples.factory import make_photo, make_video
from mediacheck.scan import find_submissions
from mediacheck.ziparchive import decode_name, drive_download

SMALL = (64, 48)


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A few real photos and a tiny video, as bytes to put in archives."""
    folder = tmp_path_factory.mktemp("media")
    out = {f"IMG_{i}.jpg": make_photo(folder / f"IMG_{i}.jpg", size=SMALL, seed=i).read_bytes()
           for i in range(1, 5)}
    video = make_video(folder / "VID_1.mp4", width=160, height=90, seconds=1, fps=2)
    out["VID_1.mp4"] = video.read_bytes()
    return out


def write_zip(path: Path, members: dict[str, bytes],
              compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def raw_name_zip(path: Path, members: dict[bytes, bytes]) -> Path:
    """A stored ZIP whose names are the given bytes without the UTF-8 flag, as old Windows
    tools write them (zipfile always sets the flag for non-ASCII names, so build it by hand)."""
    out, central = bytearray(), bytearray()
    for name, data in members.items():
        offset, crc = len(out), zipfile.crc32(data)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, crc, len(data),
                           len(data), len(name), 0) + name + data
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, crc,
                               len(data), len(data), len(name), 0, 0, 0, 0, 0, offset) + name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members),
                      len(central), len(out), 0)
    path.write_bytes(bytes(out + central + end))
    return path


# --------------------------------------------------------------------------- discovery


def test_zip_with_media_at_top_is_one_submission_named_after_it(
        tmp_path: Path, media: dict[str, bytes]) -> None:
    archive = write_zip(tmp_path / "THCS Pu Nhi_Khaigiang-20231005T123456Z-001.zip",
                        {n: media[n] for n in ("IMG_1.jpg", "IMG_2.jpg", "VID_1.mp4")})
    report = run_paths([archive])
    assert not report.problems
    (sub,) = report.submissions
    assert (sub.unit, sub.activity) == ("THCS Pu Nhi", "Khaigiang")
    assert sub.path == str(archive)
    assert [f["path"] for f in sub.files] == ["IMG_1.jpg", "IMG_2.jpg", "VID_1.mp4"]
    assert all("unreadable" not in f for f in sub.files)


def test_zip_with_many_event_folders(tmp_path: Path, media: dict[str, bytes]) -> None:
    archive = write_zip(tmp_path / "drive-download.zip", {
        "Nhan/THCS A_Khaigiang/IMG_1.jpg": media["IMG_1.jpg"],
        "Nhan/THCS A_Khaigiang/Cu/IMG_2.jpg": media["IMG_2.jpg"],
        "Nhan/TH B_Khaigiang/IMG_3.jpg": media["IMG_3.jpg"],
        "Nhan/readme.txt": b"not a submission",
        "__MACOSX/Nhan/TH B_Khaigiang/._IMG_3.jpg": b"\0\5\26\7",
    })
    report = run_paths([archive])
    names = [(s.unit, s.path) for s in report.submissions]
    assert names == [("TH B", f"{archive}/Nhan/TH B_Khaigiang"),
                     ("THCS A", f"{archive}/Nhan/THCS A_Khaigiang")]
    nested = report.submissions[1]
    assert [f["path"] for f in nested.files] == ["IMG_1.jpg"]
    assert [f.path for f in of(nested, "folder-contents", "nested-folder")] == ["Cu"]


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_members_are_probed_in_place_like_files_on_disk(
        tmp_path: Path, media: dict[str, bytes], compression: int) -> None:
    folder = tmp_path / "disk" / "THCS A_Khaigiang"
    folder.mkdir(parents=True)
    for name in ("IMG_1.jpg", "VID_1.mp4"):
        (folder / name).write_bytes(media[name])
    archive = write_zip(tmp_path / "THCS A_Khaigiang.zip",
                        {n: media[n] for n in ("IMG_1.jpg", "VID_1.mp4")}, compression)
    before = fingerprint(tmp_path)
    prof = load_profile()
    (on_disk,), _ = find_submissions([folder], prof)
    (in_zip,), _ = find_submissions([archive], prof)
    for disk_file, zip_file in zip(on_disk.files, in_zip.files, strict=True):
        assert zip_file.fs_path is None and "!" in zip_file.origin
        disk_facts, zip_facts = probe(disk_file), probe(zip_file)
        assert zip_facts.unreadable is None
        assert zip_facts.to_dict() == disk_facts.to_dict()
    assert zip_facts.video is not None and zip_facts.video.width == 160
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        ["IMG_1.jpg", "VID_1.mp4", "THCS A_Khaigiang.zip"])
    assert fingerprint(tmp_path) == before


def test_split_drive_download_parts_are_merged(tmp_path: Path, media: dict[str, bytes]) -> None:
    stamp = "drive-download-20231005T123456Z"
    part1 = write_zip(tmp_path / f"{stamp}-001.zip", {
        "THCS A_Khaigiang/IMG_1.jpg": media["IMG_1.jpg"],
        "THCS A_Khaigiang/IMG_2.jpg": media["IMG_2.jpg"]})
    part2 = write_zip(tmp_path / f"{stamp}-002.zip", {
        "THCS A_Khaigiang/IMG_3.jpg": media["IMG_3.jpg"],
        "TH B_Khaigiang/IMG_4.jpg": media["IMG_4.jpg"]})
    other = write_zip(tmp_path / "drive-download-20231006T080000Z-001.zip",
                      {"THCS A_Khaigiang/IMG_4.jpg": media["IMG_4.jpg"]})
    report = run_paths([part2, other, part1])
    assert not report.problems
    rows = [(s.path, [f["path"] for f in s.files]) for s in report.submissions]
    merged = f"{tmp_path}/{stamp}-001+002.zip"
    assert rows == [
        (f"{merged}/TH B_Khaigiang", ["IMG_4.jpg"]),
        (f"{merged}/THCS A_Khaigiang", ["IMG_1.jpg", "IMG_2.jpg", "IMG_3.jpg"]),
        (f"{other}/THCS A_Khaigiang", ["IMG_4.jpg"]),
    ]


def test_drive_suffix() -> None:
    assert drive_download(Path("THCS A_Khaigiang-20231005T123456Z-002.zip")) == (
        "THCS A_Khaigiang", "002")
    assert drive_download(Path("THCS A_Khaigiang.zip")) == ("THCS A_Khaigiang", None)


# --------------------------------------------------------------------------- names


def test_utf8_flagged_names(tmp_path: Path, media: dict[str, bytes]) -> None:
    archive = write_zip(tmp_path / "x.zip",
                        {"THCS Pú Nhi_Khai giảng/Ảnh 1.jpg": media["IMG_1.jpg"]})
    with zipfile.ZipFile(archive) as zf:
        assert zf.infolist()[0].flag_bits & 0x800
    (sub,) = run_paths([archive]).submissions
    assert (sub.unit, sub.activity) == ("THCS Pú Nhi", "Khai giảng")
    assert sub.files[0]["path"] == "Ảnh 1.jpg"


def test_cp1258_cp437_and_unflagged_utf8_names(tmp_path: Path, media: dict[str, bytes]) -> None:
    folder = "THCS Pú Nhi_Khai giảng"
    archive = raw_name_zip(tmp_path / "old-windows.zip", {
        _cp1258(f"{folder}/Ảnh cp1258.jpg"): media["IMG_1.jpg"],
        f"{folder}/Ảnh utf8.jpg".encode(): media["IMG_2.jpg"],
        "TH B_Khaigiang\\Café ñ.jpg".encode("cp437"): media["IMG_3.jpg"],
    })
    with zipfile.ZipFile(archive) as zf:
        assert not any(i.flag_bits & 0x800 for i in zf.infolist())
        assert [decode_name(i) for i in zf.infolist()] == [
            f"{folder}/Ảnh cp1258.jpg", f"{folder}/Ảnh utf8.jpg", "TH B_Khaigiang/Café ñ.jpg"]
    report = run_paths([archive])
    assert [(s.unit, s.activity) for s in report.submissions] == [
        ("TH B", "Khaigiang"), ("THCS Pú Nhi", "Khai giảng")]
    assert [[f["path"] for f in s.files] for s in report.submissions] == [
        ["Café ñ.jpg"], ["Ảnh cp1258.jpg", "Ảnh utf8.jpg"]]
    assert all("unreadable" not in f for s in report.submissions for f in s.files)


def _cp1258(text: str) -> bytes:
    """How Vietnamese Windows stores a name: base letters + combining tone marks."""
    return unicodedata.normalize("NFD", text).encode("cp1258")


# --------------------------------------------------------------------------- safety


def test_zip_slip_members_are_refused_with_a_finding(tmp_path: Path,
                                                     media: dict[str, bytes]) -> None:
    archive = write_zip(tmp_path / "THCS A_Khaigiang.zip", {
        "IMG_1.jpg": media["IMG_1.jpg"],
        "../../evil.jpg": media["IMG_2.jpg"],
        "/etc/evil.jpg": media["IMG_3.jpg"],
    })
    report = run_paths([archive])
    (sub,) = report.submissions
    assert [f["path"] for f in sub.files] == ["IMG_1.jpg"]
    refused = of(sub, "folder-contents", "unsafe-path")
    assert sorted(f.details["detail"].split(": ", 1)[1] for f in refused) == [
        "../../evil.jpg", "/etc/evil.jpg"]
    assert all(f.severity.value == "error" for f in refused)
    assert not (tmp_path.parent / "evil.jpg").exists()


def test_zip_slip_is_named_where_it_starts(tmp_path: Path, media: dict[str, bytes]) -> None:
    """In an archive of several event folders, an entry is blamed on the folder it starts in;
    one that starts outside all of them is a run-level problem, never another school's."""
    archive = write_zip(tmp_path / "drive.zip", {
        "THCS A_Khaigiang/IMG_1.jpg": media["IMG_1.jpg"],
        "TH B_Khaigiang/IMG_2.jpg": media["IMG_2.jpg"],
        "THCS A_Khaigiang/../../a.jpg": media["IMG_3.jpg"],
        "../evil.jpg": media["IMG_4.jpg"],
    })
    report = run_paths([archive], lang="vi")
    by_unit = {s.unit: s for s in report.submissions}
    assert of(by_unit["TH B"], "folder-contents", "unsafe-path") == []
    (blamed,) = of(by_unit["THCS A"], "folder-contents", "unsafe-path")
    assert blamed.details["detail"].endswith("THCS A_Khaigiang/../../a.jpg")
    (problem,) = report.problems
    assert problem.key == "unsafe-path" and "../evil.jpg" in problem.message
    assert "không an toàn" in problem.message and problem.severity.value == "error"


def test_member_expanding_too_much_is_refused(tmp_path: Path, media: dict[str, bytes]) -> None:
    archive = write_zip(tmp_path / "THCS A_Khaigiang.zip", {
        "IMG_1.jpg": media["IMG_1.jpg"], "IMG_2.jpg": b"\0" * 2_000_000})
    (sub,) = run_paths([archive]).submissions
    (finding,) = of(sub, "file-unreadable", "zip-bomb")
    assert finding.path == "IMG_2.jpg" and finding.severity.value == "error"
    assert int(finding.details["detail"]) > 200


def test_archive_too_big_or_too_many_members_is_refused(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "many.zip", {f"A_B/{i}.jpg": b"x" for i in range(30)})
    prof = load_profile()
    tight = type(prof)(**{**prof.__dict__, "zip": {**prof.zip, "max_members": 10}})
    report = run_paths([archive], tight)
    assert [(p.key, p.severity.value) for p in report.problems] == [("zip-too-many", "error")]
    small = type(prof)(**{**prof.__dict__, "zip": {**prof.zip, "max_total_gb": 1e-8}})
    report = run_paths([archive], small)
    assert [p.key for p in report.problems] == ["zip-too-big"]
    assert report.submissions == []


def test_lying_declared_size_bounds_the_read(tmp_path: Path) -> None:
    """An archive that declares 100 bytes but holds 1 MB never yields more than 100 bytes."""
    archive = write_zip(tmp_path / "THCS A_Khaigiang.zip", {"IMG_1.jpg": b"\xff" * 1_000_000})
    data = bytearray(archive.read_bytes())
    central = data.rindex(b"PK\x01\x02")
    struct.pack_into("<L", data, central + 24, 100)  # uncompressed size in the central header
    archive.write_bytes(bytes(data))
    (event,), _ = find_submissions([archive], load_profile())
    (member,) = event.files
    assert member.size == 100
    with pytest.raises(zipfile.BadZipFile), member.open() as fh:
        assert len(fh.read()) <= 100
    facts = probe(member)
    assert facts.unreadable in ("corrupt", "not-media", "truncated")


def test_encrypted_member_is_a_finding(tmp_path: Path, media: dict[str, bytes]) -> None:
    archive = write_zip(tmp_path / "THCS A_Khaigiang.zip",
                        {"IMG_1.jpg": media["IMG_1.jpg"], "IMG_2.jpg": media["IMG_2.jpg"]},
                        zipfile.ZIP_STORED)
    data = bytearray(archive.read_bytes())
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.rindex(signature)  # the last member: IMG_2.jpg
        struct.pack_into("<H", data, start + flag_at, 0x1)
    archive.write_bytes(bytes(data))
    report = run_paths([archive])
    (sub,) = report.submissions
    (finding,) = of(sub, "file-unreadable", "encrypted")
    assert finding.path == "IMG_2.jpg" and "password" in finding.message
    assert not of(sub, "file-unreadable", "corrupt")


def test_corrupt_and_truncated_archives_are_run_problems(tmp_path: Path,
                                                         media: dict[str, bytes]) -> None:
    garbage = tmp_path / "THCS A_Khaigiang.zip"
    garbage.write_bytes(b"this is not a zip file at all" * 10)
    whole = write_zip(tmp_path / "TH B_Khaigiang.zip", {"IMG_1.jpg": media["IMG_1.jpg"]})
    cut = tmp_path / "TH C_Khaigiang.zip"
    cut.write_bytes(whole.read_bytes()[: len(whole.read_bytes()) // 2])
    report = run_paths([garbage, cut, whole], now=NOW)
    assert [(p.key, p.path) for p in report.problems] == [
        ("zip-corrupt", str(garbage)), ("zip-corrupt", str(cut))]
    assert all(p.hint for p in report.problems)
    assert [s.unit for s in report.submissions] == ["TH B"]


def test_damaged_member_is_a_file_finding(tmp_path: Path, media: dict[str, bytes]) -> None:
    archive = write_zip(tmp_path / "THCS A_Khaigiang.zip", {"IMG_1.jpg": media["IMG_1.jpg"]},
                        zipfile.ZIP_STORED)
    data = bytearray(archive.read_bytes())
    middle = len(media["IMG_1.jpg"]) // 2 + 40
    data[middle:middle + 64] = b"\0" * 64
    archive.write_bytes(bytes(data))
    (sub,) = run_paths([archive]).submissions
    assert [f.key for f in of(sub, "file-unreadable")] == ["corrupt"]


# --------------------------------------------------------------------------- Drive downloads


@pytest.mark.parametrize(("first", "second"), [
    ("drive-download-20231005T0930Z-001", "drive-download-20231005T0930Z-002"),  # README
    ("drive-download-20231005T093012Z-001", "drive-download-20231005T093012Z-002"),  # Drive
    ("Khaigiang-20231005t0930z-1", "Khaigiang-20231005T0930Z-002"),  # retyped
    ("drive-download-20231005T0930-001", "drive-download-20231005T0930Z-002"),  # no Z
])
def test_parts_of_one_download_are_merged_whatever_the_stamp_spelling(
        tmp_path: Path, media: dict[str, bytes], first: str, second: str) -> None:
    one = write_zip(tmp_path / f"{first}.zip", {"THCS A_Khaigiang/IMG_1.jpg": media["IMG_1.jpg"],
                                                "THCS A_Khaigiang/IMG_2.jpg": media["IMG_2.jpg"]})
    two = write_zip(tmp_path / f"{second}.zip", {"THCS A_Khaigiang/IMG_3.jpg": media["IMG_3.jpg"]})
    report = run_paths([two, one])
    assert not report.problems
    [submission] = report.submissions
    assert [f["path"] for f in submission.files] == ["IMG_1.jpg", "IMG_2.jpg", "IMG_3.jpg"]
    assert "+002.zip/THCS A_Khaigiang" in submission.path


def test_a_missing_part_is_reported(tmp_path: Path, media: dict[str, bytes]) -> None:
    stamp = "drive-download-20231005T0930Z"
    one = write_zip(tmp_path / f"{stamp}-001.zip", {"THCS A_Khaigiang/IMG_1.jpg":
                                                    media["IMG_1.jpg"]})
    three = write_zip(tmp_path / f"{stamp}-003.zip", {"THCS A_Khaigiang/IMG_2.jpg":
                                                      media["IMG_2.jpg"]})
    report = run_paths([one, three], lang="vi")
    [problem] = report.problems
    assert (problem.check, problem.details["reason"], problem.severity.value) == (
        "path", "zip-missing-parts", "error")
    assert "thiếu phần 002" in problem.message and f"{stamp}-001+003.zip" in problem.message
    assert len(report.submissions) == 1  # what is there is still checked
    alone = run_paths([one])  # a download in one part is named -001 too
    assert not alone.problems


@pytest.mark.parametrize(("members", "reason"), [
    ({}, "nothing-found"),
    ({"readme.txt": b"hello"}, "nothing-found"),
    ({"inner-1.zip": b"PK\x05\x06" + b"\0" * 18, "inner-2.zip": b"x"}, "zip-nested"),
])
def test_an_archive_with_nothing_to_check_is_not_a_pass(
        tmp_path: Path, members: dict[str, bytes], reason: str) -> None:
    archive = write_zip(tmp_path / "Tai ve.zip", members)
    report = run_paths([archive])
    assert report.submissions == []
    assert [p.details["reason"] for p in report.problems] == [reason]
    assert report.problems[0].severity.value == "error"
