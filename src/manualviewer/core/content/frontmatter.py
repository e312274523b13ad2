"""Split a content file into its YAML front matter and body, with YAML errors as file:line problems."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from manualviewer.core.guarded import MAX_FRONT_MATTER_BYTES, MAX_SECTION_BYTES, ReadProblem, read_text, refuse_aliases
from manualviewer.core.problems import ContentProblem, Severity


@dataclass(frozen=True)
class Document:
    path: Path
    meta: dict[str, Any]
    body: str
    body_line: int  # 1-based line where the body starts
    key_lines: dict[str, int]  # front-matter key -> 1-based line in the file
    # Front-matter key -> the value as written, for plain scalars: IDs are read from this text,
    # so `section_id: 0041` is "0041", not the octal number 33.
    raw: dict[str, str] = field(default_factory=dict)
    # Front-matter key -> the items as written, for a list of plain scalars (`aliases: [0041]`).
    raw_items: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Front-matter key -> for a list of mappings (`change_notes`), each item's plain scalar values
    # as written: `note: 0041` is "0041".
    raw_records: dict[str, tuple[dict[str, str], ...]] = field(default_factory=dict)
    problems: tuple[ContentProblem, ...] = ()  # warnings about the front matter (a key given twice)

    def text(self, key: str) -> str:
        """A free-text field as written ("" when absent or empty): `owner: 0041` is "0041" and
        `summary: 1_000` is "1_000", not the numbers YAML makes of them."""
        value = self.meta.get(key)
        if value is None or value == "":
            return ""
        return self.raw.get(key, str(value))

    def scalar_text(self, key: str) -> str | None:
        """A required text field (a title) as written, or None when it is absent, null, or not a
        single value (a list, a mapping): `title: 1984` is "1984", `title: 0041` "0041"."""
        value = self.meta.get(key)
        if value is None or isinstance(value, list | dict):
            return None
        return self.raw.get(key, str(value))

    def texts(self, key: str) -> tuple[str, ...] | None:
        """A list of text values (or one value) exactly as written, or None when the value is
        something else (a null item, a nested list or mapping). YAML would read `0041` as 33
        (octal), `1_000` as 1000, `1:30` as 90 and `yes` as True; an ID or alias is the text."""
        value = self.meta.get(key)
        if value is None:
            return ()
        if isinstance(value, list):
            items = self.raw_items.get(key)
            return items if items is not None and None not in value else None
        if isinstance(value, dict) or key not in self.raw:
            return None
        return (self.raw[key],)


# libyaml's C parser when PyYAML has it (the wheels do): several times faster on big libraries.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A date that is not a real date (`2024-02-30`) or a number too long for Python
    (a 5,000-digit ID) stays the text it was: the fields' own checks then report it on its line,
    where PyYAML would raise ValueError out of the whole library load."""


def _text_if_invalid(base: Any) -> Any:
    def construct(loader: Any, node: yaml.ScalarNode) -> Any:
        try:
            return base(loader, node)
        except (ValueError, AttributeError, IndexError):  # an explicit `!!timestamp` or `!!int` on no text
            return str(node.value)
    return construct


_Loader.add_constructor("tag:yaml.org,2002:timestamp",
                        _text_if_invalid(yaml.constructor.SafeConstructor.construct_yaml_timestamp))
_Loader.add_constructor("tag:yaml.org,2002:int", _text_if_invalid(yaml.constructor.SafeConstructor.construct_yaml_int))


_CLOSING_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)


class FrontMatterError(Exception):
    def __init__(self, problem: ContentProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def read_document(path: Path) -> Document:
    """Raises FrontMatterError for any problem with the file (too large, unreadable, a dangling
    link, not UTF-8, bad front matter)."""
    try:
        text = read_text(path, limit=MAX_SECTION_BYTES)
    except ReadProblem as exc:
        raise FrontMatterError(exc.problem) from exc
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
    if len(yaml_text) > MAX_FRONT_MATTER_BYTES:
        raise FrontMatterError(ContentProblem(
            "too-large", path, 1, f"the front matter is {len(yaml_text):,} characters; the limit is "
            f"{MAX_FRONT_MATTER_BYTES:,}, so the file is not read"))
    body_start = close.end() + 1 if close.end() < len(text) else close.end()
    body = text[body_start:]
    body_line = text.count("\n", 0, body_start) + 1
    loader = _Loader(yaml_text)
    try:
        # One parse: the node tree gives each key's line, then the same tree gives the values.
        node = loader.get_single_node()
        if node is not None:
            refuse_aliases(node, path, line_offset=1)  # before construct: nothing is expanded
        meta = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        context = getattr(exc, "context_mark", None)
        if context is not None and (mark is None or mark.line >= yaml_text.count("\n")):
            mark = context  # ran off the end: point at what was left open, e.g. a '[' never closed
        line = mark.line + 2 if mark is not None else 1  # +1 for 1-based, +1 for the opening ---
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FrontMatterError(ContentProblem("bad-yaml", path, line, f"invalid YAML: {reason}")) from exc
    except ReadProblem as exc:
        raise FrontMatterError(exc.problem) from exc
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
        # PyYAML's constructors raise these for odd explicit tags (`!!binary` on bad base64 ...)
        raise FrontMatterError(ContentProblem("bad-yaml", path, 1, f"invalid YAML: {exc}")) from exc
    finally:
        loader.dispose()
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise FrontMatterError(
            ContentProblem("bad-front-matter", path, 2, "front matter must be a mapping of key: value")
        )
    key_lines: dict[str, int] = {}
    raw: dict[str, str] = {}
    raw_items: dict[str, tuple[str, ...]] = {}
    raw_records: dict[str, tuple[dict[str, str], ...]] = {}
    problems: list[ContentProblem] = []
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 2
            if key in key_lines:
                problems.append(ContentProblem(
                    "duplicate-key", path, line,
                    f"front-matter key '{key}' is given twice (also line {key_lines[key]}); this later one is used",
                    Severity.WARNING))
            key_lines[key] = line
            raw.pop(key, None)
            raw_items.pop(key, None)
            raw_records.pop(key, None)
            if isinstance(value_node, yaml.ScalarNode):
                raw[key] = str(value_node.value)
            elif isinstance(value_node, yaml.SequenceNode) and all(
                    isinstance(item, yaml.ScalarNode) for item in value_node.value):
                raw_items[key] = tuple(str(item.value) for item in value_node.value)
            elif isinstance(value_node, yaml.SequenceNode):
                raw_records[key] = tuple(_scalars_as_written(item) for item in value_node.value)
    return Document(path=path, meta=meta, body=body, body_line=body_line, key_lines=key_lines,
                    raw=raw, raw_items=raw_items, raw_records=raw_records, problems=tuple(problems))


def _scalars_as_written(node: yaml.Node) -> dict[str, str]:
    """A mapping's plain scalar values as written, by key (nothing for any other node)."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): str(v.value) for k, v in node.value
            if isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode)}
