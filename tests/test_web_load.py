"""The intake load test, scaled down for CI (bench/bench_intake.py runs the full one: 50 schools
x 20 files x 100 MB): 8 schools upload a 5-file, 5 MB submission at once over loopback and the
server is killed (kill -9) and restarted in the middle. Every accepted byte must be there, every
verdict right, nothing half-received kept."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
import bench_intake  # noqa: E402


def test_eight_schools_at_once_with_a_restart(tmp_path: Path) -> None:
    result = bench_intake.run(schools=8, files=5, total_mb=5.0, restart=True, work=tmp_path)
    print(bench_intake.summary(result))
    assert result["restarted_after_bytes"], "the server was not restarted"
    assert result["wrong_verdicts"] == []
    assert result["lost"] == [] and result["corrupt"] == []
    assert result["staging_left"] == []
    assert result["rows_without_folder"] == [] and result["folders_without_row"] == []
    assert len(result["latencies"]) >= 1
    # The server with its worker processes, each holding OpenCV and the face model (about
    # 150 MiB a worker on this machine): bounded, not growing with the bytes received.
    assert result["peak_rss_mib"] < 200 + 150 * (os.cpu_count() or 1) * 1.5
