"""Structure read from the token stream: cross-links, procedure references, headings.

The loader calls extract_refs for every section at load time, so parsers are shared per set of
manual codes (structure_parser) and nothing here renders HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from markdown_it.token import Token

from manualviewer.core.render.parser import structure_parser
from manualviewer.core.render.targets import PROCEDURE_SCHEME, code_key, link_pattern


def extract_refs(body: str, codes: Iterable[str]) -> list[tuple[str, int]]:
    """(normalised target ID, 1-based line within body) for every section link, in order.

    Counts IDs in prose and explicit section links (`section:ID` or a bare known-code ID);
    not IDs in code, nor the text of a link that already points elsewhere.
    """
    key = code_key(codes)
    if not _may_link(key, body):
        return []  # most of the load-time cost is parsing: skip bodies that cannot link
    if _is_plain_prose(body):
        return _prose_refs(body, key)
    tokens = structure_parser(key).parse(body)
    return [
        (str(t.meta["section_id"]), int(t.meta.get("line", 0)) + 1)
        for t in _inline_tokens(tokens)
        if t.type == "link_open" and "section_id" in t.meta
    ]


def extract_procedures(body: str, codes: Iterable[str] = ()) -> list[tuple[str, int]]:
    """(procedure ID, 1-based line) for every `{procedure:ID}` embed and `procedure:` link."""
    if "procedure:" not in body.lower():
        return []
    found: list[tuple[str, int]] = []
    for token, line in _with_lines(structure_parser(code_key(codes)).parse(body)):
        if token.type == "procedure_embed":
            found.append((str(token.meta["id"]), line + 1))
        elif token.type == "link_open":
            href = str(token.attrGet("href") or "")
            if href.startswith(PROCEDURE_SCHEME):
                found.append((href[len(PROCEDURE_SCHEME) :], line + 1))
    return found


def headings(body: str, codes: Iterable[str] = ()) -> list[tuple[int, str, str]]:
    """(level, plain text, anchor) for every heading; the anchor is the id the HTML carries."""
    tokens = structure_parser(code_key(codes)).parse(body)
    found: list[tuple[int, str, str]] = []
    for i, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[i + 1]
        text = "".join(c.content for c in inline.children or () if c.type in ("text", "code_inline"))
        found.append((int(token.tag[1:]), text.strip(), str(token.attrGet("id") or "")))
    return found


# Anything that can make an ID in the source not a prose link, or a link not spelled as an ID:
# code (backticks, fences, indented blocks, tabs), explicit links and reference definitions,
# escapes, entities, angle brackets, and the section: scheme. A body with none of these reads
# the same to the parser as to the link pattern, so parsing it is skipped: at 100,000 sections
# parsing is most of the load time (0.6-1.7 ms a section). Substring tests, not one big regex:
# they are several times faster.
_BLOCKERS = ("`", "~~~", "\t", "](", "]:", "\\", "&", "<")


def _is_plain_prose(body: str) -> bool:
    if any(b in body for b in _BLOCKERS):
        return False
    if body.startswith("    ") or "\n    " in body:
        return False
    return "section:" not in body.lower()


# One character-class scan finds every candidate; a set lookup keeps the known codes. Several
# times faster than an alternation of all codes, and the same matches as link_pattern (tested).
_CANDIDATE = re.compile(r"(?<![A-Za-z0-9])([A-Z]+)\d+[A-Z]?(?![A-Za-z0-9])")


def _prose_refs(body: str, codes: tuple[str, ...]) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    line, last = 1, 0
    if all(code.isalpha() for code in codes):
        known = frozenset(codes)
        matches: Iterator[re.Match[str]] = (m for m in _CANDIDATE.finditer(body) if m.group(1) in known)
    else:  # a code with digits in it: the general pattern
        matches = link_pattern(codes).finditer(body)
    for match in matches:
        line += body.count("\n", last, match.start())
        last = match.start()
        found.append((match.group(0), line))
    return found


def _may_link(codes: tuple[str, ...], body: str) -> bool:
    """Text any section link needs: a code (any case: bare hrefs), `section:`, or an entity
    (`&#68;MBM1` decodes to a prose ID)."""
    if "&#" in body:
        return True
    upper = body.upper()
    return "SECTION:" in upper or any(code in upper for code in codes)


def _inline_tokens(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        if token.type == "inline" and token.children:
            yield from token.children


def _with_lines(tokens: list[Token]) -> Iterator[tuple[Token, int]]:
    """Every block token and inline child with its 0-based source line."""
    for token in tokens:
        start = token.map[0] if token.map else 0
        yield token, start
        if token.type == "inline" and token.children:
            line = start
            for child in token.children:
                if child.type in ("softbreak", "hardbreak"):
                    line += 1
                yield child, line
