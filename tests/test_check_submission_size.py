"""`submission-size`: the folder fits `max_total_gb` (one free Google Drive account: 15 GB)."""

from __future__ import annotations

from pathlib import Path

from conftest import check_folder, event_facts, good_photos, of, photo_facts, run_check

from mediacheck.checks import submission_size
from mediacheck.profile import load_profile
from mediacheck.report import Severity


def test_default_limit_is_15_gb(profile) -> None:
    assert profile.checks["submission-size"].options["max_total_gb"] == 15.0
    small = photo_facts()
    assert run_check(submission_size, event_facts([small]), profile) == []
    big = photo_facts()
    big.size = 16 * 1024**3
    (problem,) = run_check(submission_size, event_facts([small, big]), profile)
    assert problem.params == {"gb": "16.0", "max_gb": "15"}


def test_real_folder_with_a_tiny_limit(event_dir: Path, tmp_path: Path) -> None:
    good_photos(event_dir)
    assert of(check_folder(event_dir), "submission-size") == []
    rules = tmp_path / "tiny.toml"
    rules.write_text('extends = "phuluc2"\n[checks.submission-size]\nmax_total_gb = 0.0001\n')
    result = check_folder(event_dir, load_profile(rules))
    (finding,) = of(result, "submission-size")
    assert finding.path is None and finding.severity is Severity.WARNING
    assert result.verdict == "pass"
