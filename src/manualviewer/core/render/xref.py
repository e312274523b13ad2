"""Cross-links: a known manual code + digits in prose becomes a link to that section.

Also marks explicit section links (`[text](section:ID)`, `[text](ID)`) so both kinds render,
and are extracted, the same way. Each section link token carries in `meta`:
`section_id` (normalised target) and `line` (0-based line in the source).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from manualviewer.core.render.targets import (
    PROCEDURE_SCHEME,
    SECTION_SCHEME,
    code_key,
    link_pattern,
    scheme_of,
)

MISSING_TITLE = "not in this library"
MISSING_NOTE = " (not in this library)"
# Glued to the link by a no-break space, so the note never starts a line on its own.
MISSING_NOTE_HTML = "&nbsp;(not in this library)"

Resolver = Callable[[str], str | None]
TitleLookup = Callable[[str], str | None]


def xref_plugin(
    md: MarkdownIt,
    codes: Iterable[str] = (),
    resolve: Resolver | None = None,
    section_title: TitleLookup | None = None,
) -> None:
    """Register the cross-link rule and the link renderer.

    resolve: maps a linked ID to the current ID, or None when it is not in the library. Without
    it every section link is drawn as resolved (e.g. when rendering with no library at hand).
    section_title: tooltip text for a resolved link.
    """
    pattern = link_pattern(code_key(codes))

    def xref_rule(state: StateCore) -> None:
        for token in state.tokens:
            if token.type == "inline" and token.children:
                base = token.map[0] if token.map else 0
                token.children = _link_children(token.children, pattern, base)

    # After text_join (the last built-in core rule), so escaped characters are already merged
    # into plain text tokens and an ID split by them is still seen whole.
    md.core.ruler.push("xref", xref_rule)

    def render_link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        href = str(token.attrGet("href") or "")
        attrs: list[tuple[str, str]] = []
        section_id = token.meta.get("section_id")
        if section_id:
            target = resolve(section_id) if resolve else section_id
            if target is None:
                attrs = [("href", SECTION_SCHEME + section_id), ("class", "xref missing")]
                attrs.append(("title", MISSING_TITLE))
            else:
                attrs = [("href", SECTION_SCHEME + target), ("class", "xref")]
                title = section_title(target) if section_title else None
                if title:
                    attrs.append(("title", f"{target}: {title}"))
        else:
            scheme = scheme_of(href)
            css = "procedure" if href.startswith(PROCEDURE_SCHEME) else "external"
            attrs = [("href", href), ("class", css)]
            if scheme in ("http", "https", "mailto"):
                attrs.append(("title", str(token.attrGet("title") or href)))
            elif token.attrGet("title"):
                attrs.append(("title", str(token.attrGet("title"))))
        return "<a" + "".join(f' {k}="{escapeHtml(v)}"' for k, v in attrs) + ">"

    def render_link_close(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        section_id = tokens[idx].meta.get("section_id")
        if section_id and resolve and resolve(section_id) is None:
            # Not colour alone: the words say it too.
            return f'</a><span class="missing-note">{MISSING_NOTE_HTML}</span>'
        return "</a>"

    md.add_render_rule("link_open", render_link_open)
    md.add_render_rule("link_close", render_link_close)


def _link_children(children: list[Token], pattern: Any, base_line: int) -> list[Token]:
    out: list[Token] = []
    line = base_line
    open_links: list[Token] = []
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "link_open":
            href = str(child.attrGet("href") or "")
            if href.startswith(SECTION_SCHEME):
                child.meta["section_id"] = href[len(SECTION_SCHEME) :]
                child.meta["line"] = line
            open_links.append(child)
        elif child.type == "link_close":
            if open_links:
                opener = open_links.pop()
                if "section_id" in opener.meta:
                    child.meta["section_id"] = opener.meta["section_id"]
        elif child.type == "text" and not open_links and pattern.search(child.content):
            out.extend(_split_text(child, pattern, line))
            continue
        out.append(child)
    return out


def _split_text(token: Token, pattern: Any, line: int) -> list[Token]:
    pieces: list[Token] = []
    text = token.content
    pos = 0
    for match in pattern.finditer(text):
        if match.start() > pos:
            pieces.append(_text(text[pos : match.start()], token.level))
        section_id = match.group(0)
        opener = Token("link_open", "a", 1, level=token.level, markup="xref", info="auto")
        opener.attrSet("href", SECTION_SCHEME + section_id)
        opener.meta = {"section_id": section_id, "line": line}
        closer = Token("link_close", "a", -1, level=token.level, markup="xref", info="auto")
        closer.meta = {"section_id": section_id}
        pieces.extend([opener, _text(section_id, token.level + 1), closer])
        pos = match.end()
    if pos < len(text):
        pieces.append(_text(text[pos:], token.level))
    return pieces


def _text(content: str, level: int) -> Token:
    return Token("text", "", 0, content=content, level=level)
