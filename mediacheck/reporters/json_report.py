"""The JSON contract (schema_version 1): stable keys, messages in the chosen language."""

from __future__ import annotations

import json
from typing import TextIO

from mediacheck.report import Report

NEEDS_FACTS = True  # each file's metadata (sizes, EXIF, codecs...)
NEEDS_THUMBNAILS = False  # a preview of every photo and video


def render(report: Report, stream: TextIO, *, lang: str, color: bool | None = None,
           quiet: bool = False) -> None:
    data = report.to_dict()
    if quiet:
        data["submissions"] = [s for s in data["submissions"] if s["verdict"] == "fail"]
    # Indented for a person at a terminal; compact otherwise, which lets the json module use
    # its C encoder (about 10x faster on a report of thousands of files).
    indent = 2 if getattr(stream, "isatty", lambda: False)() else None
    stream.write(json.dumps(data, ensure_ascii=False, indent=indent))
    stream.write("\n")
