"""The JSON contract (schema_version 1): stable keys, messages in the chosen language."""

from __future__ import annotations

import json
from typing import TextIO

from mediacheck.report import Report


def render(report: Report, stream: TextIO, *, lang: str, color: bool | None = None,
           quiet: bool = False) -> None:
    data = report.to_dict()
    if quiet:
        data["submissions"] = [s for s in data["submissions"] if s["verdict"] == "fail"]
    json.dump(data, stream, ensure_ascii=False, indent=2)
    stream.write("\n")
