"""Bad input: each gives a finding on that file, never a traceback, and the run goes on.

Input files are never written, renamed, touched or deleted: sha256 and mtime are compared
before and after a run. Odd names (leading '-', ';', quotes, newlines, non-UTF-8 bytes, NFD,
very long) are read like any other.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import GOOD_SIZE, NOW, REPO, check_folder, fingerprint, good_photos, of, run_paths

from mediacheck.samples.factory import make_photo, make_video, truncate

ODD_NAMES = [
    "-rf.jpg", "--help.jpg", "a;rm -rf x.jpg", "it's \"quoted\".jpg", "new\nline.jpg",
    "tab\there.jpg", "$(echo hi).jpg", "`x`.jpg", "[bold red]rich[x].jpg", "concat:a.jpg",
    unicodedata.normalize("NFD", "ảnh khai giảng.jpg"), "x" * 251 + ".jpg",
]
NON_UTF8 = b"caf\xe9 \xff.jpg"


def cli(*args: str | bytes) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "MEDIACHECK_LANG")}
    return subprocess.run([sys.executable, "-m", "mediacheck", *args, "--now", NOW.isoformat()],
                          capture_output=True, cwd=REPO, env=env)


def damaged_event(folder: Path) -> dict[str, str]:
    """Good photos plus one of each kind of damage; returns file -> expected finding key."""
    good_photos(folder)
    truncate(make_photo(folder / "half.jpg", size=GOOD_SIZE, seed=70))
    (folder / "zero.jpg").write_bytes(b"")
    (folder / "text.jpg").write_text("Xin chào, đây không phải ảnh\n", encoding="utf-8")
    truncate(make_video(folder / "cut.mp4", width=1280, height=720, seconds=2, fps=1))
    make_photo(folder / "noexif.heic", fmt="HEIC", size=(640, 480), exif=False, seed=71)
    os.symlink("gone.jpg", folder / "broken.jpg")
    os.symlink("loop.jpg", folder / "loop.jpg")
    os.symlink(".", folder / "self")
    os.symlink("../" + folder.name, folder / "parent-loop")
    return {"half.jpg": "truncated", "zero.jpg": "empty", "text.jpg": "not-media",
            "cut.mp4": "no-moov", "noexif.heic": "no-exif", "broken.jpg": "broken-symlink",
            "loop.jpg": "symlink-loop", "self": "symlink-loop", "parent-loop": "symlink-loop"}


def test_each_bad_input_gives_a_finding_on_that_file(event_dir: Path) -> None:
    expected = damaged_event(event_dir)
    result = check_folder(event_dir)
    keys: dict[str | None, set[str]] = {}
    for finding in result.findings:
        keys.setdefault(finding.path, set()).add(finding.key)
    for name, key in expected.items():
        assert key in keys.get(name, set()), (name, keys.get(name))
    # The good photos were still checked and counted.
    assert of(result, "photo-count") == []
    assert not [f for f in result.findings if f.check == "internal" or f.key == "internal"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_and_folder(tmp_path: Path) -> None:
    event = tmp_path / "THCS A_B"
    good_photos(event)
    locked = make_photo(event / "locked.jpg", size=(640, 480))
    locked.chmod(0)
    closed = tmp_path / "THCS A_C"
    good_photos(closed)
    closed.chmod(0)
    try:
        report = run_paths([tmp_path])
        by_name = {Path(s.path).name: s for s in report.submissions}
        assert of(by_name["THCS A_B"], "file-unreadable", "permission")[0].path == "locked.jpg"
    finally:
        locked.chmod(0o644)
        closed.chmod(0o755)


def test_the_run_goes_on_and_inputs_are_untouched(tmp_path: Path) -> None:
    damaged_event(tmp_path / "THCS Pu Nhi_Tep hong")
    good_photos(tmp_path / "THCS Pu Nhi_Khaigiang", seed=40)
    odd = tmp_path / "THCS Pu Nhi_Ten la"
    good_photos(odd, seed=50)
    for i, name in enumerate(ODD_NAMES):
        make_photo(odd / name, size=(640, 480), seed=60 + i)
    before = fingerprint(tmp_path)
    os.utime(tmp_path / "THCS Pu Nhi_Khaigiang", ns=(1, 1))
    proc = cli(str(tmp_path), "--format", "json", "--lang", "en")
    assert proc.returncode == 1, proc.stderr
    assert b"Traceback" not in proc.stderr and proc.stderr == b""
    data = json.loads(proc.stdout)
    verdicts = {Path(s["path"]).name: s["verdict"] for s in data["submissions"]}
    assert verdicts == {"THCS Pu Nhi_Tep hong": "fail", "THCS Pu Nhi_Khaigiang": "pass",
                        "THCS Pu Nhi_Ten la": "fail"}
    assert fingerprint(tmp_path) == before
    assert (tmp_path / "THCS Pu Nhi_Khaigiang").stat().st_mtime_ns == 1
    for name in ("half.jpg", "zero.jpg", "text.jpg", "cut.mp4", "noexif.heic"):
        assert (tmp_path / "THCS Pu Nhi_Tep hong" / name).exists()
    proc = cli(str(tmp_path))  # the text report too
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr
    assert fingerprint(tmp_path) == before


def test_odd_names_are_read_like_any_other(event_dir: Path) -> None:
    good_photos(event_dir)
    for i, name in enumerate(ODD_NAMES):
        make_photo(event_dir / name, size=GOOD_SIZE, seed=80 + i)
    make_video(event_dir / "-v;'\"\n.mp4", width=1280, height=720, seconds=1, fps=1)
    make_video(event_dir / "concat:x.mp4", width=1280, height=720, seconds=1, fps=1, seed=1)
    result = check_folder(event_dir)
    shown = {f["path"] for f in result.files}
    for name in ODD_NAMES:
        assert unicodedata.normalize("NFC", name) in shown
    assert [f for f in result.findings if f.check in ("file-unreadable", "photo-original")
            or f.check == "internal"] == []
    videos = {f["path"]: f for f in result.files if f["kind"] == "video"}
    assert videos["-v;'\"\n.mp4"]["width"] == 1280
    assert videos["concat:x.mp4"]["video_codec"] == "h264"
    assert result.verdict == "pass"


@pytest.mark.skipif(sys.platform != "linux", reason="Linux file names are bytes")
def test_non_utf8_names(tmp_path: Path) -> None:
    folder = os.path.join(os.fsencode(tmp_path), b"THCS Pu Nhi_Khai gi\xe0ng")
    os.mkdir(folder)
    good_photos(Path(os.fsdecode(folder)))
    photo = make_photo(tmp_path / "p.jpg", size=GOOD_SIZE, seed=90)
    os.rename(os.fsencode(photo), os.path.join(folder, NON_UTF8))
    clip = make_video(tmp_path / "v.mp4", width=1280, height=720, seconds=1, fps=1)
    os.rename(os.fsencode(clip), os.path.join(folder, b"VID_\xff\xfe.mp4"))
    before = fingerprint(tmp_path)
    report = run_paths([Path(os.fsdecode(folder))])
    (result,) = report.submissions
    rows = {f["path"]: f for f in result.files}
    assert rows["caf\ufffd \ufffd.jpg"]["kind"] == "photo"
    assert rows["VID_\ufffd\ufffd.mp4"]["video_codec"] == "h264"
    assert [f for f in result.findings if f.severity.value == "error"] == []
    assert result.activity == "Khai gi\ufffdng"
    proc = cli(os.fsdecode(folder), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout.decode("utf-8")  # valid UTF-8 even though the names are not
    assert json.loads(text)["submissions"][0]["verdict"] == "pass"
    assert fingerprint(tmp_path) == before


def test_nfd_file_and_folder_names(tmp_path: Path) -> None:
    folder = tmp_path / unicodedata.normalize("NFD", "THCS Thị Trấn_Khai giảng")
    good_photos(folder)
    make_photo(folder / unicodedata.normalize("NFD", "ảnh toàn cảnh.jpg"), size=GOOD_SIZE,
               seed=95)
    result = check_folder(folder)
    assert "ảnh toàn cảnh.jpg" in {f["path"] for f in result.files}
    assert result.verdict == "pass"


def test_names_starting_with_a_dash_on_the_command_line(tmp_path: Path) -> None:
    folder = tmp_path / "-THCS A_B"
    good_photos(folder)
    proc = subprocess.run([sys.executable, "-m", "mediacheck", "--", "-THCS A_B"],
                          capture_output=True, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert b"Traceback" not in proc.stderr
    assert proc.returncode in (0, 1), proc.stderr  # folder-name may object; it was checked
    assert b"-THCS A_B" in proc.stdout


def test_long_paths(tmp_path: Path) -> None:
    """Deeper than Windows' 260 characters: still checked in full."""
    deep = tmp_path
    for i in range(6):
        deep = deep / (f"{i}" + "d" * 150)
    event = deep / ("THCS Pu Nhi_" + "Khai giang " * 20).strip()
    good_photos(event)
    make_photo(event / ("IMG_" + "9" * 240 + ".jpg"), size=GOOD_SIZE, seed=99)
    assert len(str(event)) > 1000
    report = run_paths([tmp_path])
    (result,) = report.submissions
    assert result.kind_count("photo") == 4 and result.verdict == "pass"


@pytest.mark.skipif(sys.platform != "linux", reason="uses dir_fd to go past PATH_MAX")
def test_path_longer_than_path_max_does_not_crash(tmp_path: Path) -> None:
    good_photos(tmp_path / "THCS Pu Nhi_Khaigiang")
    fd = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(20):  # 20 x 250 characters > 4096
            os.mkdir("d" * 250, dir_fd=fd)
            child = os.open("d" * 250, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = child
        os.mkdir("THCS A_B", dir_fd=fd)
        target = os.open("THCS A_B/x.jpg", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(target, (tmp_path / "THCS Pu Nhi_Khaigiang" / "IMG_20230905_073000.jpg")
                 .read_bytes())
        os.close(target)
    finally:
        os.close(fd)
    proc = cli(str(tmp_path), "--format", "json")
    assert b"Traceback" not in proc.stderr
    assert proc.returncode in (0, 1, 2)
    submissions = json.loads(proc.stdout)["submissions"]
    assert "THCS Pu Nhi_Khaigiang" in [Path(s["path"]).name for s in submissions]  # went on
    keys = [f["details"].get("key") for s in submissions for f in s["findings"]]
    assert "unreadable-folder" in keys  # the folder it could not enter is named
