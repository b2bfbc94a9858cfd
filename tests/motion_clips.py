"""Labelled clips for the motion tests, built from the shared people photos and corpus clips.

The clips are small (320x180, a few seconds), built once per test session into a temporary
folder with `mediacheck.samples.motion`, so their shake class and cut times are known by
construction. Tests that need the shared files skip cleanly when they are absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
PEOPLE = SHARED / "people"
CORPUS = SHARED / "corpus"
HAMILTON = PEOPLE / "short_hamilton_clip.mp4"
CITY = PEOPLE / "city.jpg"
KARMA = CORPUS / "gpmf-parser/samples/karma.mp4"
HERO = CORPUS / "gpmf-parser/samples/max-heromode.mp4"
MEI = CORPUS / "metadata-extractor-images"
# The Hamilton clip's hard cuts, seconds from its first frame (pts 1.51, 3.58, 7.88 s with the
# stream starting at 0.852 s), and its fast pan with a focus pull (pts 2.1-2.7 s): not a cut.
HAMILTON_CUTS = (0.667, 2.736, 7.040)
HAMILTON_PAN = (2.1 - 0.852, 2.7 - 0.852)

needs_people = pytest.mark.skipif(not PEOPLE.is_dir(), reason="shared people photos absent")
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus absent")
