"""`shot-kinds`: the three Phụ lục 2 kinds from file names and from real pictures."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pixel_fixtures as px
import pytest

from mediacheck.checks import shot_kinds
from mediacheck.profile import load_profile

OPTIONS = load_profile().checks["shot-kinds"].options


@pytest.mark.parametrize(("name", "kind"), [
    ("Toàn cảnh 1.jpg", "wide"), ("toan canh.JPG", "wide"), ("TOANCANH_02.jpg", "wide"),
    (unicodedata.normalize("NFD", "Toàn cảnh sân trường.jpg"), "wide"),
    ("IMG_01_phatbieu.jpg", "speaker"), ("Phát biểu khai mạc.heic", "speaker"),
    ("phat-bieu.jpg", "speaker"), ("Cận cảnh học sinh.jpg", "closeup"),
    ("can canh 3.jpg", "closeup"), ("zalo/IMG_Cancanh.jpg", "closeup"),
])
def test_the_file_name_states_the_kind(name: str, kind: str) -> None:
    shot = shot_kinds.classify_shot(None, name, OPTIONS)
    assert (shot.kind, shot.confidence, shot.why_key) == (kind, 1.0, "name")


def test_a_plain_name_without_pixels_is_unknown() -> None:
    assert shot_kinds.classify_shot(None, "IMG_20230905_0730.jpg", OPTIONS).kind == "unknown"


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    px.need_shared()
    folder = tmp_path_factory.mktemp("kinds")
    speaker = px.speaker_before_banner(px.load(px.PEOPLE / "obama.jpg", 1000))
    return {
        "wide": px.facts_for(px.PEOPLE / "city.jpg", "IMG_0001.jpg"),
        "closeup": px.facts_for(px.PEOPLE / "obama_and_biden.jpg", "IMG_0002.jpg"),
        "speaker": px.facts_for(px.save(speaker, folder / "IMG_0003.jpg"), "IMG_0003.jpg"),
        "portrait": px.facts_for(px.PEOPLE / "alex_lacamoire1.jpg", "IMG_0004.jpg"),
    }


@pytest.mark.parametrize(("photo", "kind", "why"), [
    ("wide", "wide", "many-faces"), ("closeup", "closeup", "large-face"),
    ("speaker", "speaker", "banner-face"), ("portrait", "closeup", "large-face")])
def test_kinds_estimated_from_real_pictures(people: dict, photo: str, kind: str,
                                            why: str) -> None:
    facts = people[photo]
    shot = shot_kinds.classify_shot(facts.pixels, facts.path, OPTIONS)
    assert (shot.kind, shot.why_key) == (kind, why)
    assert 0 < shot.confidence < 1


def test_the_name_wins_over_the_picture(people: dict) -> None:
    shot = shot_kinds.classify_shot(people["closeup"].pixels, "Toan canh 2.jpg", OPTIONS)
    assert shot.kind == "wide" and shot.why_key == "name"


def test_an_event_gets_one_warning_per_missing_kind(people: dict) -> None:
    event = px.event_of(people["wide"], people["closeup"])
    problems = list(shot_kinds.check(event, OPTIONS))
    assert [(p.key, p.path) for p in problems] == [("missing-speaker", None)]
    assert problems[0].params["photos"] == 2


def test_all_three_kinds_no_warning(people: dict) -> None:
    event = px.event_of(people["wide"], people["closeup"], people["speaker"])
    assert list(shot_kinds.check(event, OPTIONS)) == []


def test_names_fill_in_what_the_pictures_lack(people: dict) -> None:
    import copy

    named = copy.copy(people["portrait"])
    named.path = "Phat bieu.jpg"
    assert list(shot_kinds.check(px.event_of(people["wide"], named, people["closeup"]),
                                 OPTIONS)) == []


def test_no_judgement_possible_no_warning(people: dict) -> None:
    import copy

    blind = [copy.copy(people[k]) for k in ("wide", "closeup")]
    for facts in blind:
        facts.pixels = None
    assert list(shot_kinds.check(px.event_of(*blind), OPTIONS)) == []


def test_annotate_gives_each_photo_its_kind_for_the_report(people: dict) -> None:
    rows = shot_kinds.annotate(px.event_of(people["wide"], people["speaker"]), OPTIONS)
    assert rows["IMG_0001.jpg"]["shot"] == "wide"
    assert rows["IMG_0003.jpg"]["shot"] == "speaker"
    why = rows["IMG_0003.jpg"]["shot_why"]
    assert why["key"] == "banner-face" and why["lines"] >= 2
    assert "phông" in shot_kinds.why_text(why, "vi") and "backdrop" in shot_kinds.why_text(
        why, "en")


def test_the_summary_line_in_both_languages(people: dict) -> None:
    event = px.event_of(people["wide"], people["closeup"])
    assert shot_kinds.summary(event, OPTIONS, "vi") == (
        "Có: toàn cảnh, cận cảnh — Thiếu: ảnh phát biểu trước phông")
    assert shot_kinds.summary(event, OPTIONS, "en") == (
        "Has: wide shot, close-up — Missing: the speaker before the backdrop")
    assert shot_kinds.label("speaker", "vi") == "Phát biểu"
    assert shot_kinds.label("unknown", "vi") == "Chưa rõ"


def test_no_face_detector_means_no_face_verdicts(people: dict, tmp_path: Path) -> None:
    """Faces unknown (the model missing) is not "no faces": no close-up is claimed."""
    import copy

    facts = copy.deepcopy(people["portrait"])
    facts.pixels.face_detector, facts.pixels.faces = "", []
    facts.pixels.face_count, facts.pixels.largest_face = 0, 0.0
    shot = shot_kinds.classify_shot(facts.pixels, facts.path, OPTIONS)
    assert (shot.kind, shot.why_key) == ("unknown", "no-detector")
    assert list(shot_kinds.check(px.event_of(facts), OPTIONS)) == []


def test_nothing_recognised_is_one_note_not_three_warnings(tmp_path: Path) -> None:
    """Pictures the estimate has nothing to say about (a plain wall, a sign)."""
    px.need_shared()
    plain = [px.facts_for(px.CORPUS / "metadata-extractor-images" / "jpg" / name, f"IMG_{i}.jpg")
             for i, name in enumerate(("Nokia Lumia 800.jpg", "Canon PowerShot G11.jpg"))]
    assert {shot_kinds.classify_shot(f.pixels, f.path, OPTIONS).kind for f in plain} == {
        "unknown"}
    (problem,) = shot_kinds.check(px.event_of(*plain), OPTIONS)
    assert (problem.key, problem.path, problem.params["photos"]) == ("none-recognised", None, 2)
