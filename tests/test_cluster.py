"""The CPU-bound stages on a Dask cluster (a real `LocalCluster` with worker processes): the same
findings as a local run, and a run that survives a killed worker, a late worker, a scheduler
that goes away, a drive mounted elsewhere on the workers, and a missing extra."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NOW, REPO, run_paths

from mediacheck.samples.factory import make_photo, make_video

distributed = pytest.importorskip("distributed")

SMALL = (96, 72)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """8 submissions of photos and a video each."""
    root = tmp_path_factory.mktemp("cluster") / "Nhan"
    for i in range(8):
        folder = root / f"TH {i:02d}_Khaigiang"
        folder.mkdir(parents=True)
        for j in range(4):
            make_photo(folder / f"IMG_{j}.jpg", size=SMALL, seed=i * 10 + j)
        make_video(folder / "VID_1.mp4", width=160, height=90, seconds=1, fps=2, seed=i)
    return root


@pytest.fixture(scope="module")
def local(tree: Path) -> list[dict]:
    return [s.to_dict() for s in run_paths([tree], jobs=1, thumbnails=True).submissions]


TRIM = "MALLOC_TRIM_THRESHOLD_"


@pytest.fixture(scope="module", autouse=True)
def workers_as_readme_says():
    """Every cluster of this module starts its workers as README says: without Dask's malloc
    trimming. A nanny also sets its variables in this process's environment, where later workers
    would inherit them, so it is cleared before and after."""
    import dask

    os.environ.pop(TRIM, None)
    with dask.config.set({f"distributed.nanny.pre-spawn-environ.{TRIM}": None}):
        yield
    os.environ.pop(TRIM, None)


def new_cluster(workers: int = 2) -> distributed.LocalCluster:
    return distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                    dashboard_address=":0", silence_logs=50)


@pytest.fixture(scope="module")
def cluster() -> distributed.LocalCluster:
    with new_cluster() as running:
        yield running


def previews(report) -> int:
    return sum(1 for s in report.submissions for f in s.files if f.get("thumbnail"))


def test_same_findings_as_the_local_run(tree: Path, local: list[dict], cluster) -> None:
    report = run_paths([tree], thumbnails=True, scheduler=cluster.scheduler_address)
    assert [s.to_dict() for s in report.submissions] == local
    assert previews(report) == 40 and report.problems == []


def test_a_worker_killed_mid_run_loses_nothing(tree: Path, local: list[dict]) -> None:
    seen: list[str] = []
    with new_cluster() as cluster:
        def kill_once(media) -> None:  # noqa: ANN001 - on_file gets the MediaFile
            seen.append(media.origin)
            if len(seen) == 1:
                nanny = next(iter(cluster.workers.values()))
                os.kill(nanny.process.pid, signal.SIGKILL)

        report = run_paths([tree], thumbnails=True, scheduler=cluster.scheduler_address,
                           on_file=kill_once)
    assert [s.to_dict() for s in report.submissions] == local
    assert len(seen) == len(set(seen)) == 40  # every file once, none twice


def test_a_worker_that_joins_late_takes_work(tree: Path, local: list[dict]) -> None:
    with new_cluster(workers=1) as cluster:
        def grow(media) -> None:  # noqa: ANN001
            if len(cluster.workers) == 1:
                cluster.scale(2)

        report = run_paths([tree], thumbnails=True, scheduler=cluster.scheduler_address,
                           on_file=grow)
    assert [s.to_dict() for s in report.submissions] == local


def test_the_scheduler_going_away_finishes_locally_with_a_note(tree: Path,
                                                              local: list[dict]) -> None:
    with new_cluster() as cluster:
        address = cluster.scheduler_address

        def close_once(media) -> None:  # noqa: ANN001
            if cluster.status.name == "running":
                cluster.close(timeout=5)

        report = run_paths([tree], thumbnails=True, scheduler=address, on_file=close_once)
    assert [s.to_dict() for s in report.submissions] == local
    (note,) = report.problems
    assert note.key == "cluster_lost" and note.severity.value == "warning"
    assert address in note.message


def test_path_mapped_workers_open_the_files_there(tree: Path, local: list[dict], cluster,
                                                 tmp_path: Path) -> None:
    alias = tmp_path / "mounted-elsewhere"
    alias.symlink_to(tree.parent, target_is_directory=True)
    mapped = run_paths([tree], thumbnails=True, scheduler=cluster.scheduler_address,
                       path_map=((str(tree.parent), str(alias)),))
    assert [s.to_dict() for s in mapped.submissions] == local


def test_a_worker_that_cannot_read_a_file_reports_it_for_that_file(tree: Path, cluster,
                                                                  tmp_path: Path) -> None:
    nowhere = tmp_path / "not-mounted"
    report = run_paths([tree / "TH 00_Khaigiang"], thumbnails=True,
                       scheduler=cluster.scheduler_address,
                       path_map=((str(tree.parent), str(nowhere)),))
    (sub,) = report.submissions
    failed = [f for f in sub.findings if f.key == "analysis-failed"]
    assert {f.path for f in failed} == {"IMG_0.jpg", "IMG_1.jpg", "IMG_2.jpg", "IMG_3.jpg",
                                        "VID_1.mp4"}
    assert all("No such file" in f.details["detail"] for f in failed)
    assert report.problems == []


def test_an_unreachable_scheduler_runs_locally_with_a_note(tree: Path, local: list[dict],
                                                          monkeypatch) -> None:
    from mediacheck import cluster as cluster_mod

    monkeypatch.setattr(cluster_mod, "CONNECT_TIMEOUT_S", 1.0)
    report = run_paths([tree], thumbnails=True, scheduler="tcp://127.0.0.1:9")
    assert [s.to_dict() for s in report.submissions] == local
    assert [p.key for p in report.problems] == ["cluster_unreachable"]


def test_the_missing_extra_is_named_with_the_command_to_install_it(tree: Path,
                                                                  tmp_path: Path) -> None:
    code = ("import sys; sys.modules['distributed'] = None; from mediacheck.cli import main; "
            "sys.exit(main(sys.argv[1:]))")
    env = {**os.environ, "PYTHONPATH": str(REPO), "MEDIACHECK_LANG": "vi"}
    proc = subprocess.run([sys.executable, "-c", code, str(tree / "TH 00_Khaigiang"),
                           "--format", "html", "-o", str(tmp_path / "r.html"), "--no-cache",
                           "--scheduler", "tcp://127.0.0.1:8786", "--now", NOW.isoformat()],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Chưa cài phần chạy trên cụm máy" in page
    assert "pip install &quot;mediacheck[cluster]&quot;" in page


def test_workers_left_with_dask_trimming_are_named_in_a_note(tree: Path,
                                                             local: list[dict]) -> None:
    """Dask's nanny sets MALLOC_TRIM_THRESHOLD_ by default, which slows the video pass: the run
    says so (a warning with the fix), and its results are the same."""
    import dask

    try:
        with dask.config.set({f"distributed.nanny.pre-spawn-environ.{TRIM}": 65536}), \
                new_cluster() as cluster:
            report = run_paths([tree], thumbnails=True, scheduler=cluster.scheduler_address)
    finally:
        os.environ.pop(TRIM, None)
    assert [s.to_dict() for s in report.submissions] == local
    (note,) = report.problems
    assert note.key == "cluster_trimming" and note.details["workers"] == 2
    assert "mediacheck.yaml" in note.hint
