"""`{withheld}`: the typed marker for passages withheld under the Freedom of Information Act.

Inline, anywhere in a paragraph (also glued to text: `DMBM512940{withheld}`), it becomes a
`withheld` token. A paragraph holding nothing but the marker becomes one `withheld_block` token,
drawn as a box rather than a span.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

MARKER = "{withheld}"
WITHHELD_TEXT = "This content has been withheld because of exemptions in the Freedom of Information Act 2000"
# Explicit colours on both background and text, so the notice reads the same on a dark palette.
NOTICE_BACKGROUND = "#e8e8e8"
NOTICE_TEXT = "#1b1b1b"


def withheld_plugin(md: MarkdownIt) -> None:
    # "{" is a terminator for the built-in text rule, so this rule sees every marker.
    md.inline.ruler.before("link", "withheld", _withheld_inline)
    md.core.ruler.push("withheld_block", _promote_lone_markers)
    md.add_render_rule("withheld", _render_inline)
    md.add_render_rule("withheld_block", _render_block)


def _withheld_inline(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "{" or not state.src.startswith(MARKER, state.pos):
        return False
    if not silent:
        token = state.push("withheld", "span", 0)
        token.markup = MARKER
    state.pos += len(MARKER)
    return True


def _promote_lone_markers(state: StateCore) -> None:
    tokens = state.tokens
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if (
            token.type == "paragraph_open"
            and i + 2 < len(tokens)
            and tokens[i + 2].type == "paragraph_close"
            and _only_markers(tokens[i + 1])
        ):
            block = Token("withheld_block", "table", 0, level=token.level, markup=MARKER)
            block.block = True
            block.map = token.map
            out.append(block)
            i += 3
            continue
        out.append(token)
        i += 1
    state.tokens = out


def _only_markers(inline: Token) -> bool:
    children = inline.children or []
    markers = [c for c in children if c.type == "withheld"]
    rest = [c for c in children if c.type != "withheld"]
    return bool(markers) and all(
        c.type in ("softbreak", "hardbreak") or (c.type == "text" and not c.content.strip()) for c in rest
    )


def _render_inline(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return (
        f'<span class="withheld" style="background-color: {NOTICE_BACKGROUND}; '
        f'color: {NOTICE_TEXT};">&nbsp;{escapeHtml(WITHHELD_TEXT)}&nbsp;</span>'
    )


def _render_block(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    # A one-cell table: QTextBrowser draws backgrounds and padding on cells, not on divs.
    return (
        '<table class="withheld" width="100%" cellspacing="0" cellpadding="8" border="0">'
        f'<tr><td bgcolor="{NOTICE_BACKGROUND}" style="color: {NOTICE_TEXT};">'
        f"{escapeHtml(WITHHELD_TEXT)}</td></tr></table>\n"
    )
