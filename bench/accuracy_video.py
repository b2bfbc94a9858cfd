"""Accuracy of the video motion analysis on a labelled set: cut recall and false cuts, and the
shake classes (steady / hand-held / shaky) against the thresholds of the default profile.

The labelled set is built from real pictures and clips (`/work/shared/people`, the corpus) with
`mediacheck.samples.motion`, so the truth is known by construction:
  - cut clips: corpus clips spliced back to back (every join is a cut), some with camera
    flashes (one- and two-frame) that must not count; the real event clip
    `short_hamilton_clip.mp4` (three hard cuts, a fast pan with a focus pull that is not one);
  - no-cut clips: smooth and whip pans, zooms, hand-held and shaky clips;
  - shake clips: a virtual camera filming stills and real clips held still, panning, zooming,
    on a tripod (a faint tremor), hand-held (a slow wobble) and shaky (wobble plus jolts).

A detected cut counts as found when it is within 0.1 s of a true one; any other is a false cut.

    python bench/accuracy_video.py            # builds the clips once into bench/.work/accuracy
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from mediacheck.checks.video_steadiness import shake_class  # noqa: E402
from mediacheck.probe.facts import VideoFacts  # noqa: E402
from mediacheck.probe.motion import analyse_video  # noqa: E402
from mediacheck.samples.motion import Piece, camera_clip, splice_clips  # noqa: E402

SHARED = HERE.parents[1] / "shared"
PEOPLE, CORPUS = SHARED / "people", SHARED / "corpus"
WORK = HERE / ".work" / "accuracy"
MATCH_SECONDS = 0.1
KARMA = CORPUS / "gpmf-parser/samples/karma.mp4"
HERO = CORPUS / "gpmf-parser/samples/max-heromode.mp4"
MEI = CORPUS / "metadata-extractor-images"
HAMILTON = PEOPLE / "short_hamilton_clip.mp4"
# Cuts of the Hamilton clip, seconds from its first frame (pts 1.51, 3.58, 7.88; start 0.852).
HAMILTON_CUTS = [0.667, 2.736, 7.040]
STILLS = ["city.jpg", "two_people.jpg", "obama_and_biden.jpg", "alex_lacamoire1.jpg"]


@dataclass
class CutCase:
    name: str
    path: Path
    cuts: list[float]
    angles: int | None = None    # camera angles, where the truth is clear


@dataclass
class ShakeCase:
    name: str
    path: Path
    label: str


def splices() -> list[tuple[str, list[Piece], list[float], int | None]]:
    """(name, pieces, flash times, angles): different sources, same-source jump cuts (whose
    angle count is a matter of taste: not scored), odd sizes, a return to an earlier angle."""
    return [
        ("splice-four-cameras", [Piece(KARMA, 1, 3), Piece(HERO, 2, 2),
                                 Piece(MEI / "mp4/Issue 515 (java).mp4", 0.5, 2),
                                 Piece(MEI / "mp4/FLIR Thermal.mp4", 2, 2)], [], 4),
        ("splice-jump-cuts", [Piece(KARMA, 0, 2), Piece(KARMA, 8, 2), Piece(HERO, 0, 2),
                              Piece(HERO, 6, 2)], [], None),
        ("splice-phones", [Piece(MEI / "mov/with-gps.mov", 0, 2),
                           Piece(MEI / "mp4/ftyp3gp5.mp4", 0, 1.2),
                           Piece(MEI / "mp4/uuid540.mp4", 0, 1),
                           Piece(MEI / "mov/sample_iTunes.mov", 30, 1),
                           Piece(MEI / "mp4/sample_mpeg4.mp4", 0, 2)], [], 5),
        ("splice-flashes", [Piece(KARMA, 0, 4), Piece(HERO, 0, 3)], [1.0, 2.5, 3.2, 3.233, 5.5], 2),
        ("splice-loop", [Piece(KARMA, 9, 3), Piece(KARMA, 0, 3)], [], 1),
        ("splice-two-angles", [Piece(KARMA, 0, 1.5), Piece(HERO, 0, 1.5), Piece(KARMA, 2, 1.5),
                               Piece(HERO, 2, 1.5)], [], 2),
    ]


def build_cut_cases() -> list[CutCase]:
    cases = []
    if HAMILTON.is_file():
        cases.append(CutCase("hamilton (real)", HAMILTON, HAMILTON_CUTS, 4))
    for name, pieces, flashes, angles in splices():
        path = WORK / f"{name}.mp4"
        cuts_file = path.with_suffix(".cuts")
        if not (path.is_file() and cuts_file.is_file()):
            cuts = splice_clips(path, pieces, flash_at=flashes)
            cuts_file.write_text(" ".join(f"{c:.4f}" for c in cuts))
        cuts = [float(c) for c in cuts_file.read_text().split()]
        cases.append(CutCase(name, path, cuts, angles))
    for motion in ("pan", "whip", "ease", "zoom", "handheld", "shaky"):
        seconds = 1.5 if motion == "whip" else 4.0
        path = _camera(f"nocut-{motion}", PEOPLE / "city.jpg", motion, seconds=seconds)
        cases.append(CutCase(f"no cut: {motion} (city.jpg)", path, [], 1))
    return cases


def _camera(name: str, source: Path, motion: str, **kwargs) -> Path:
    path = WORK / f"{name}.mp4"
    if not path.is_file():
        camera_clip(path, source, motion, **kwargs)
    return path


def build_shake_cases() -> list[ShakeCase]:
    cases = []
    sources = [(s, PEOPLE / s) for s in STILLS] + [("karma.mp4", KARMA)]
    plan = [("still", None, "steady"), ("pan", None, "steady"), ("ease", None, "steady"),
            ("sway", None, "steady"), ("zoom", None, "steady"),
            ("tripod", None, "steady"), ("handheld", 0.3, "handheld"),
            ("handheld", 0.5, "handheld"), ("shaky", 1.2, "shaky"), ("shaky", 2.0, "shaky")]
    for seed, (label_src, src) in enumerate(sources):
        for motion, wobble, label in plan:
            tag = f"{motion}{'' if wobble is None else wobble}"
            name = f"shake-{Path(label_src).stem}-{tag}"
            path = _camera(name, src, motion, wobble=wobble, seed=seed)
            cases.append(ShakeCase(f"{tag} ({label_src})", path, label))
    cases.append(ShakeCase("karma.mp4 as filmed (drone gimbal)", KARMA, "steady"))
    return cases


def run_cuts(cases: list[CutCase]) -> tuple[int, int, int, int, int]:
    print(f"{'cut clip':36} {'true':>4} {'found':>5} {'false':>5} {'angles':>7}  detected (s)")
    total = found = false = angle_cases = angle_right = 0
    for case in cases:
        motion = analyse_video(case.path, VideoFacts())
        hits = [c for c in motion.cuts if any(abs(c - t) <= MATCH_SECONDS for t in case.cuts)]
        matched = sum(1 for t in case.cuts if any(abs(c - t) <= MATCH_SECONDS
                                                  for c in motion.cuts))
        wrong = len(motion.cuts) - len(hits)
        total, found, false = total + len(case.cuts), found + matched, false + wrong
        if case.angles is not None:
            angle_cases += 1
            angle_right += motion.angles == case.angles
        truth = "?" if case.angles is None else case.angles
        print(f"{case.name:36} {len(case.cuts):4} {matched:5} {wrong:5} "
              f"{f'{motion.angles}/{truth}':>7}  {', '.join(f'{c:.2f}' for c in motion.cuts)}")
    return total, found, false, angle_cases, angle_right


def run_shake(cases: list[ShakeCase], options: dict) -> dict[tuple[str, str], int]:
    print(f"\n{'shake clip':44} {'label':9} {'shake':>6}  class")
    confusion: dict[tuple[str, str], int] = {}
    for case in cases:
        motion = analyse_video(case.path, VideoFacts())
        got = shake_class(motion.shake, options)
        confusion[(case.label, got)] = confusion.get((case.label, got), 0) + 1
        mark = "" if got == case.label else "  <-- wrong"
        shake = "-" if motion.shake is None else f"{motion.shake:.3f}"
        print(f"{case.name:44} {case.label:9} {shake:>6}  {got}{mark}")
    return confusion


def main() -> int:
    from mediacheck.profile import load_profile

    if not (PEOPLE.is_dir() and CORPUS.is_dir()):
        print(f"needs the shared people photos and corpus under {SHARED}")
        return 1
    WORK.mkdir(parents=True, exist_ok=True)
    options = load_profile().checks["video-steadiness"].options
    started = time.perf_counter()
    cut_cases, shake_cases = build_cut_cases(), build_shake_cases()
    print(f"labelled set ready in {time.perf_counter() - started:.1f} s\n")
    total, found, false, angle_cases, angle_right = run_cuts(cut_cases)
    confusion = run_shake(shake_cases, options)
    classes = ("steady", "handheld", "shaky")
    print(f"\ncuts: recall {found}/{total} = {found / max(1, total):.0%}, "
          f"false cuts {false} (in {len(cut_cases)} clips)")
    print(f"camera angles counted right in {angle_right}/{angle_cases} clips")
    print("shake classes (rows: truth, columns: measured; thresholds "
          f"handheld > {options['handheld_above']}, shaky > {options['shaky_above']}):")
    print(f"{'':10}" + "".join(f"{c:>10}" for c in classes))
    for truth in classes:
        print(f"{truth:10}" + "".join(f"{confusion.get((truth, c), 0):10}" for c in classes))
    right = sum(confusion.get((c, c), 0) for c in classes)
    print(f"shake class accuracy {right}/{len(shake_cases)} = {right / len(shake_cases):.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
