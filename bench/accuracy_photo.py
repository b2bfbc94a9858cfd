"""Recall and false flags of the four photo pixel checks on our labelled photos.

The photos are the labelled set of photo_labels.py (people photos, corpus photos with and
without people). Each check is run as mediacheck runs it (real pixel facts, the default profile)
on the originals and on versions made here, the way a bad submission would look:
- photo-sharpness: Gaussian blurs of sigma 1.5, 2 and 3 pixels at the analysis size;
- photo-exposure: 2.5 EV over, 2 and 3 EV under, and each photo with faces as if before a
  bright window (the people 2.5 EV darker, the rest 2 EV brighter);
- shot-kinds: the labels, plus a speaker before a text backdrop composed from each portrait
  (red and blue backdrops); a photo labelled none of the kinds counts as a false flag when a
  kind is claimed for it;
- near-duplicate: a three-frame burst made from every photo (the camera moved 1 % and 2 %,
  the light changed), one second apart, and all the distinct originals taken at the same
  second (any group among them is a false flag).

    python bench/accuracy_photo.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import copy
import io
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

import pixel_fixtures as px  # noqa: E402
from photo_labels import LABELS  # noqa: E402
from PIL import Image, ImageEnhance  # noqa: E402

from mediacheck.checks import (  # noqa: E402
    EventFacts,
    near_duplicate,
    photo_exposure,
    photo_sharpness,
    shot_kinds,
)
from mediacheck.probe.facts import FileFacts, PhotoFacts  # noqa: E402
from mediacheck.probe.pixels import analyse_photo, decode_for_analysis  # noqa: E402
from mediacheck.profile import load_profile  # noqa: E402

PROFILE = load_profile()
LIT_BACKGROUND = 120  # the synthetic window only brightens what was lit: night stays night


def facts(image: Image.Image, name: str, time: str | None = None) -> FileFacts:
    """Facts of `image` as a camera JPEG: encoded, decoded and analysed as a submission is."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    pixels = analyse_photo(decode_for_analysis(buffer, "jpeg", None))
    return FileFacts(path=name, kind="photo", size=len(buffer.getvalue()), content="jpeg",
                     photo=PhotoFacts(format="JPEG", width=image.width, height=image.height,
                                      datetime_original=time), pixels=pixels)


def keys(check: Callable, options: dict, *files: FileFacts) -> list[str]:
    return [p.key for p in check(EventFacts(name="THCS A_B", files=list(files)), options)]


def row(name: str, hits: int, total: int, note: str = "") -> None:
    share = f"{hits / total:.0%}" if total else "-"
    print(f"  {name:58} {hits:>4}/{total:<4} {share:>5}  {note}")


def sharpness(originals: dict[str, Image.Image]) -> None:
    options = PROFILE.checks["photo-sharpness"].options
    check = photo_sharpness.check
    print("photo-sharpness")
    flagged = [n for n, im in originals.items() if keys(check, options, facts(im, n))]
    row("false flags on the originals (soft or blurred)", len(flagged), len(originals),
        ", ".join(Path(n).name for n in flagged))
    for sigma, wanted in ((1.5, {"soft", "blurred"}), (2.0, {"blurred"}), (3.0, {"blurred"})):
        hits = sum(bool(set(keys(check, options, facts(px.blurred(im, sigma), n))) & wanted)
                   for n, im in originals.items())
        row(f"blur sigma {sigma:g} px flagged {' or '.join(sorted(wanted))}", hits,
            len(originals))


def exposure(originals: dict[str, Image.Image], with_faces: list[str]) -> None:
    options = PROFILE.checks["photo-exposure"].options
    check = photo_exposure.check
    print("photo-exposure")
    flagged = [(n, k) for n, im in originals.items() for k in keys(check, options, facts(im, n))]
    row("false flags on the originals", len(flagged), len(originals),
        ", ".join(f"{Path(n).name}: {k}" for n, k in flagged))
    for stops, wanted in ((2.5, "over-exposed"), (1.5, "over-exposed"), (-2, "under-exposed"),
                          (-3, "under-exposed")):
        hits = sum(wanted in keys(check, options, facts(px.exposure(im, stops), n))
                   for n, im in originals.items())
        row(f"{stops:+g} EV flagged {wanted}", hits, len(originals))
    lit = [n for n in with_faces
           if (facts(originals[n], n).pixels.background_luma or 0) >= LIT_BACKGROUND]
    hits = {n for n in with_faces
            if "backlit" in keys(check, options, facts(px.backlit(originals[n]), n))}
    row("people before a bright window flagged backlit", len(hits), len(with_faces))
    row(f"  of them with a lit background (luma {LIT_BACKGROUND}+ behind the heads)",
        len(hits & set(lit)), len(lit))


def kinds(originals: dict[str, Image.Image]) -> None:
    options = PROFILE.checks["shot-kinds"].options
    print("shot-kinds (estimate from the picture; a kind in the file name always wins)")
    labelled = [(lb.shot, facts(originals[lb.path], "IMG.jpg")) for lb in LABELS]
    for source in ("obama.jpg", "alex_lacamoire1.jpg", "biden.jpg", "two_people.jpg",
                   "kit_with_rose.jpg", "johnsnow_test1.jpg"):
        portrait = px.load(px.PEOPLE / source, 1000)
        for colour in ((190, 20, 30), (20, 60, 170)):
            scene = px.speaker_before_banner(portrait, colour=colour)
            labelled.append(("speaker", facts(scene, "IMG.jpg")))
    confusion: Counter[tuple[str, str]] = Counter()
    for label, f in labelled:
        guess = shot_kinds.classify_shot(f.pixels, f.path, options).kind
        confusion[(label or "none", guess)] += 1
    for kind in ("wide", "speaker", "closeup"):
        total = sum(n for (label, _g), n in confusion.items() if label == kind)
        wrong = {g: n for (label, g), n in confusion.items() if label == kind and g != kind}
        row(f"{kind}: found", confusion[(kind, kind)], total,
            ", ".join(f"as {g}: {n}" for g, n in sorted(wrong.items())))
    for kind in ("wide", "speaker", "closeup"):
        false = sum(n for (label, g), n in confusion.items() if g == kind and label != kind)
        claimed = sum(n for (_label, g), n in confusion.items() if g == kind)
        row(f"{kind}: claimed for another kind or none (false flags)", false, claimed)


def burst_frame(image: Image.Image, shift: float, light: float) -> Image.Image:
    width, height = image.size
    dx = int(width * shift)
    moved = image.crop((dx, 0, width - int(width * 0.03) + dx, height)).resize(image.size)
    return ImageEnhance.Brightness(moved).enhance(light)


def duplicates(originals: dict[str, Image.Image]) -> None:
    options = PROFILE.checks["near-duplicate"].options
    check = near_duplicate.check
    print("near-duplicate")
    found = 0
    originals_facts = []
    for index, image in enumerate(originals.values()):
        first = facts(image, f"{index}_a.jpg", "2023-09-05T07:30:00")
        originals_facts.append(first)
        frames = [first, facts(burst_frame(image, 0.01, 1.0), f"{index}_b.jpg",
                               "2023-09-05T07:30:01"),
                  facts(burst_frame(image, 0.02, 1.08), f"{index}_c.jpg", "2023-09-05T07:30:02")]
        found += len(keys(check, options, *frames))
    row("burst frames named (2 of each 3-frame burst)", found, 2 * len(originals))
    false = keys(check, options, *[copy.copy(f) for f in originals_facts])
    row("distinct photos taken at the same second, flagged", len(false), len(originals_facts))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=HERE.parents[1] / "shared")
    args = parser.parse_args()
    if not (args.shared / "people").is_dir():
        print(f"no labelled photos under {args.shared}", file=sys.stderr)
        return 2
    import pillow_heif

    pillow_heif.register_heif_opener()
    originals = {lb.path: px.load(args.shared / lb.path, 1600) for lb in LABELS}
    with_faces = [lb.path for lb in LABELS if lb.faces]
    print(f"{len(originals)} labelled photos ({len(with_faces)} with people)")
    sharpness(originals)
    exposure(originals, with_faces)
    kinds(originals)
    duplicates(originals)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
