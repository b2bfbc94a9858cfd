"""Hand labels for the photo benchmarks (bench_faces.py, accuracy_photo.py).

Labelled by looking at each photo. `faces` are face centres as fractions of the (oriented) frame;
`maybe` are faces a detector may find or miss without being wrong (tiny, turned away, in shadow,
a reflection). `shot` is the Phụ lục 2 kind a person would give the photo, or None when it is
none of the three (a landscape, a sign, a flower). Paths are relative to ../shared.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Label:
    path: str
    faces: tuple[tuple[float, float], ...] = ()
    maybe: tuple[tuple[float, float], ...] = ()
    shot: str | None = None


def _px(size: tuple[int, int], *points: tuple[int, int]) -> tuple[tuple[float, float], ...]:
    return tuple((round(x / size[0], 4), round(y / size[1], 4)) for x, y in points)


CITY = (800, 564)
PEOPLE = [
    Label("people/alex_lacamoire1.jpg", _px((800, 529), (410, 185)), shot="closeup"),
    Label("people/biden.jpg", _px((352, 800), (205, 125)), shot="closeup"),
    Label("people/obama.jpg", _px((640, 800), (345, 170)), shot="closeup"),
    Label("people/obama_partial_face.jpg", _px((345, 800), (60, 135)), shot="closeup"),
    Label("people/johnsnow_test1.jpg", _px((532, 800), (232, 150)), shot="closeup"),
    Label("people/kit_with_rose.jpg", _px((501, 700), (115, 150), (305, 140)), shot="closeup"),
    Label("people/two_people.jpg", _px((800, 470), (215, 85), (610, 95)), shot="closeup"),
    Label("people/obama_and_biden.jpg", _px((800, 571), (340, 190), (492, 185)),
          maybe=_px((800, 571), (700, 452)), shot="closeup"),
    Label("people/city.jpg",
          _px(CITY, (70, 145), (118, 145), (193, 127), (238, 122), (350, 145), (437, 152),
              (490, 165), (537, 148), (592, 112), (608, 130), (622, 165), (773, 128)),
          maybe=_px(CITY, (312, 150), (383, 137), (570, 178), (655, 168), (663, 140),
                    (685, 155), (265, 140)),
          shot="wide"),
]
MD = "corpus/metadata-extractor-images/jpg/"
CORPUS_PEOPLE = [
    Label(MD + "Canon EOS 7D.jpg", _px((600, 900), (300, 215)), shot="closeup"),
    Label(MD + "Canon IXUS 300.jpg", _px((800, 600), (282, 182), (418, 210), (528, 155)),
          shot="closeup"),
    Label(MD + "Canon EOS REBEL T3i.jpg", _px((800, 533), (325, 185)), shot=None),
    # a man at a train window, and his reflection in it
    Label(MD + "Samsung GT-I9000 (Galaxy S).jpg", _px((480, 640), (150, 195)),
          maybe=_px((480, 640), (275, 160)), shot="closeup"),
]
NO_PEOPLE = [
    "corpus/exif-samples/heic/mobile/HMD_Nokia_8.3_5G_hdr.heif",
    "corpus/exif-samples/jpg/gps/DSCN0010.jpg",
    "corpus/exif-samples/jpg/gps/DSCN0012.jpg",
    "corpus/exif-samples/jpg/gps/DSCN0021.jpg",
    "corpus/exif-samples/jpg/hdr/canon_hdr_NO.jpg",
    "corpus/exif-samples/jpg/hdr/iphone_hdr_NO.jpg",
    "corpus/exif-samples/jpg/mobile/jolla.jpg",
    "corpus/exif-samples/jpg/tests/45-gps_ifd.jpg",
    "corpus/metadata-extractor-images/heic/IMG_1034.heic",
    "corpus/metadata-extractor-images/heic/IMG_2927.HEIC",
    MD + "Apple iPhone 4.jpg",
    MD + "Canon PowerShot G11.jpg",
    MD + "FLIR Vue Pro 640.jpg",
    MD + "FujiFilm FinePix F40fd.jpg",
    MD + "HTC Desire.jpg",
    MD + "HTC One.jpg",
    MD + "Motorola XT1068 (Moto G).jpg",
    MD + "Nikon D5000.jpg",
    MD + "Nokia Lumia 800.jpg",
    MD + "Olympus PEN E-P3.jpg",
    MD + "Oppo R7 Plus.jpg",
    MD + "Panasonic DMC-LC40.jpg",
    MD + "Samsung GT-I9505 (Galaxy S4).jpg",
    MD + "Samsung SM-J327T1.jpg",
    MD + "Sony DSC-HX5V (2).jpg",
]
LABELS: list[Label] = PEOPLE + CORPUS_PEOPLE + [Label(p) for p in NO_PEOPLE]
