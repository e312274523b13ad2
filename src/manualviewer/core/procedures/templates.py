"""Text templates with {name} placeholders, shared by notes, escalations and documents.

Our own tiny syntax rather than str.format: a template is content, so it must not reach
attributes or indexes (`{x.__class__}`), and every placeholder must be findable with its line
for validation. `{{` and `}}` stand for literal braces."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

_TOKEN_RE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


@dataclass(frozen=True)
class TextBlock:
    """Text from a procedure file, with where it starts for problem reports."""

    text: str
    line: int = 0  # 1-based line of the text's first line; 0 if unknown
    literal: bool = False  # a `|` block: line breaks in `text` are the file's line breaks

    def line_of(self, offset: int) -> int:
        """The file line of a character of `text`; exact for literal blocks, else the start."""
        if not self.line:
            return 0
        return self.line + (self.text.count("\n", 0, offset) if self.literal else 0)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Placeholder:
    name: str
    offset: int


def placeholders(text: str) -> Iterator[Placeholder]:
    for match in _TOKEN_RE.finditer(text):
        if match.group(1) is not None:
            yield Placeholder(match.group(1).strip(), match.start())


def render(text: str, resolve: Callable[[str], str]) -> str:
    """Replace every placeholder by resolve(name); resolve raises KeyError for unknown names."""

    def substitute(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        return resolve(match.group(1).strip())

    return _TOKEN_RE.sub(substitute, text)


def bullet_list(items: list[str] | tuple[str, ...], empty: str = "None") -> str:
    """Lines for a note: "- item" each (continuation lines indented), or `empty` if none."""
    return "\n".join("- " + item.strip().replace("\n", "\n  ") for item in items) if items else empty
