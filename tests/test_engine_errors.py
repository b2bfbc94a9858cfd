"""A check that raises (a bug of ours, or facts nobody foresaw) becomes one error finding for the
folder, in the user's language; the other checks still run and the run goes on."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import good_photos, run_paths

from mediacheck.checks import REGISTRY


def test_a_check_that_raises_is_a_finding_not_a_crash(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(event, options):
        raise RuntimeError("boom")
        yield  # pragma: no cover - a generator, like every check

    good = tmp_path / "THCS Pu Nhi_Khaigiang"
    good_photos(good)
    (good / "Thumbs.db").write_bytes(b"junk")  # another check still has something to say
    other = tmp_path / "TH Muong Luan_Khaigiang"
    good_photos(other, seed=10)
    monkeypatch.setattr(REGISTRY["location"], "check", broken)
    for lang, words in (("vi", "Lỗi nội bộ của mediacheck"), ("en", "Internal error")):
        report = run_paths([tmp_path], lang=lang)
        assert len(report.submissions) == 2
        for sub in report.submissions:
            [internal] = [f for f in sub.findings if f.key == "internal"]
            assert (internal.check, internal.severity.value, internal.path) == (
                "location", "error", None)
            assert words in internal.message and "RuntimeError('boom')" in internal.message
            assert not sub.passed
        checks = {f.check for s in report.submissions for f in s.findings}
        # the other checks still ran (shot-kinds: generated pictures show no kind of photo)
        assert checks == {"location", "folder-contents", "shot-kinds"}
