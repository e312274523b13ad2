"""Read GOV.UK manual JSON as HMRC actually sends it: `//` and `/* */` comments, a stray
trailing comma, a byte-order mark. Errors come back as ContentProblems with the line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from manualviewer.core.json_limits import JsonTooDeep, loads_bounded
from manualviewer.core.problems import ContentProblem


def strip_comments(text: str) -> str:
    """Remove comments and trailing commas outside JSON strings.

    Comments are replaced by nothing but their newlines, and a dropped comma by a space, so
    line (and mostly column) numbers in JSON errors still point into the original file.
    """
    out: list[str] = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        ch = text[i]
        if in_string:
            out.append(ch)
            if ch == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if ch == '"':
                in_string = False
            i += 1
            continue
        if ch == '"':
            in_string = True
            out.append(ch)
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end  # the newline itself is kept
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            stop = n if end < 0 else end + 2
            out.append("\n" * text.count("\n", i, stop))
            i = stop
        elif ch in "}]":
            _drop_trailing_comma(out)
            out.append(ch)
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _drop_trailing_comma(out: list[str]) -> None:
    for k in range(len(out) - 1, -1, -1):
        piece = out[k]
        if piece.isspace() or piece == "":
            continue
        if piece == ",":
            out[k] = " "
        return


def decode(data: bytes, path: Path) -> str | ContentProblem:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return ContentProblem("bad-encoding", path, 0, f"not UTF-8 text ({exc.reason})")


def parse_json(text: str, path: Path) -> Any | ContentProblem:
    """The parsed value, or a `bad-json` problem at the line the parser stopped.

    Read with the depth limit of core/json_limits: no GOV.UK document nests more than a few
    levels, and a 100,000-deep file is one problem, never a RecursionError."""
    try:
        return loads_bounded(strip_comments(text.removeprefix("\ufeff")))
    except json.JSONDecodeError as exc:
        return ContentProblem("bad-json", path, exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno})")
    except JsonTooDeep as exc:
        return ContentProblem("bad-json", path, 0, f"the file is nested too deeply to be a GOV.UK document: {exc}")
