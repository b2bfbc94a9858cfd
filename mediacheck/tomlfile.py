"""The one TOML reader: rules profiles, config files and the message catalog all load through
`read_toml`, and every way a file can be wrong becomes a `TomlFileError` with a code.

The parser's own English ("Expected '=' after a key in a key/value pair (at line 3, column 5)")
never reaches a Vietnamese sentence: `TomlFileError.localized` says what is wrong in our words,
with the line and column the parser gave.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

POSITION = re.compile(r"\(at line (?P<line>\d+), column (?P<column>\d+)\)")
# The parser's messages we can say in our own words (prefix -> catalog id suffix).
PARSER_PROBLEMS = {
    "Invalid value": "value",
    "Cannot overwrite a value": "twice",
    "Cannot declare": "twice",
    "Unterminated string": "string",
    "Illegal character": "character",
    "Expected '=' after a key": "equals",
    "Expected ']' at the end of a table": "bracket",
    "Invalid statement": "statement",
    "Invalid initial character for a key part": "key",
}


class TomlFileError(Exception):
    """A TOML file that cannot be used. `code`: no-file, is-folder, unreadable, bad-toml or
    not-utf8; `params` fill the catalog's `toml_<code>` text (line, column, problem, detail)."""

    def __init__(self, path: Path | str, code: str, **params: Any) -> None:
        super().__init__(f"{path}: {code} {params}")
        self.path = str(path)
        self.code = code
        self.params = params

    def localized(self, lang: str) -> str:
        """The reason in `lang`, e.g. "không đúng cú pháp TOML ở dòng 3, cột 5 (thiếu dấu “=”)"."""
        from mediacheck.errors import os_reason
        from mediacheck.i18n import t

        params = dict(self.params)
        if "reason" in params:
            params["reason"] = os_reason(params["reason"], lang)
        if self.code == "bad-toml":
            problem = params.get("problem")
            params["problem"] = t(f"toml_problem_{problem}", lang) if problem else ""
            where = "toml_at_line" if params.get("line") else "toml_at_end"
            params["where"] = t(where, lang, line=params.get("line"), column=params.get("column"))
            key = "toml_bad_toml_problem" if problem else "toml_bad_toml"
            return t(key, lang, **params)
        return t(f"toml_{self.code.replace('-', '_')}", lang, **params)


def read_toml(path: Path | str) -> dict[str, Any]:
    """The parsed file; raises TomlFileError for a missing, unreadable or invalid one."""
    from mediacheck.errors import os_code

    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise TomlFileError(path, "no-file") from exc
    except IsADirectoryError as exc:
        raise TomlFileError(path, "is-folder") from exc
    except OSError as exc:
        raise TomlFileError(path, "unreadable", reason=os_code(exc)) from exc
    except UnicodeDecodeError as exc:
        raise TomlFileError(path, "not-utf8") from exc
    except tomllib.TOMLDecodeError as exc:
        raise TomlFileError(path, "bad-toml", **parser_problem(str(exc))) from exc


def parser_problem(message: str) -> dict[str, Any]:
    """Line, column and what is wrong, from the parser's English message (kept as `detail`)."""
    found = POSITION.search(message)
    problem = next((code for prefix, code in PARSER_PROBLEMS.items()
                    if message.startswith(prefix)), None)
    return {"line": int(found["line"]) if found else None,
            "column": int(found["column"]) if found else None,
            "problem": problem, "detail": message}
