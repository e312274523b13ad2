"""Split a content file into its YAML front matter and body, with YAML errors as file:line problems."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from manualviewer.core.problems import ContentProblem


@dataclass(frozen=True)
class Document:
    path: Path
    meta: dict[str, Any]
    body: str
    body_line: int  # 1-based line where the body starts
    key_lines: dict[str, int]  # front-matter key -> 1-based line in the file


# libyaml's C parser when PyYAML has it (the wheels do): several times faster on big libraries.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_CLOSING_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)


class FrontMatterError(Exception):
    def __init__(self, problem: ContentProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def read_document(path: Path) -> Document:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise FrontMatterError(
            ContentProblem("bad-encoding", path, 0, f"not UTF-8 text ({exc.reason})")
        ) from exc
    return parse_document(path, text)


def parse_document(path: Path, text: str) -> Document:
    text = text.removeprefix("\ufeff")
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if first.strip() != "---":
        raise FrontMatterError(
            ContentProblem("missing-front-matter", path, 1, "the file must start with a '---' front-matter block")
        )
    # Searching for the closing fence instead of splitting every line: bodies are most of a file.
    close = _CLOSING_FENCE.search(text, first_end + 1) if first_end >= 0 else None
    if close is None:
        raise FrontMatterError(
            ContentProblem("bad-front-matter", path, 1, "the front-matter block opened here is never closed with '---'")
        )
    yaml_text = text[first_end + 1 : close.start()]
    body_start = close.end() + 1 if close.end() < len(text) else close.end()
    body = text[body_start:]
    body_line = text.count("\n", 0, body_start) + 1
    loader = _Loader(yaml_text)
    try:
        # One parse: the node tree gives each key's line, then the same tree gives the values.
        node = loader.get_single_node()
        meta = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        context = getattr(exc, "context_mark", None)
        if context is not None and (mark is None or mark.line >= yaml_text.count("\n")):
            mark = context  # ran off the end: point at what was left open, e.g. a '[' never closed
        line = mark.line + 2 if mark is not None else 1  # +1 for 1-based, +1 for the opening ---
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FrontMatterError(ContentProblem("bad-yaml", path, line, f"invalid YAML: {reason}")) from exc
    finally:
        loader.dispose()
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise FrontMatterError(
            ContentProblem("bad-front-matter", path, 2, "front matter must be a mapping of key: value")
        )
    key_lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            key_lines[str(key_node.value)] = key_node.start_mark.line + 2
    return Document(path=path, meta=meta, body=body, body_line=body_line, key_lines=key_lines)
