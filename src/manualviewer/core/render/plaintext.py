"""Tokens -> plain text, for `manualviewer show` and anything else without a browser.

Same token stream as the HTML, so cross-links, withheld notices and procedure embeds read the
same way in a terminal: missing targets say "(not in this library)".
"""

from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from manualviewer.core.render.callout import callout_title
from manualviewer.core.render.targets import PROCEDURE_SCHEME, SECTION_SCHEME
from manualviewer.core.render.withheld import WITHHELD_TEXT
from manualviewer.core.render.xref import MISSING_NOTE

Lookup = Callable[[str], str | None]


class PlainTextRenderer:
    def __init__(self, resolve: Lookup | None = None, procedure_title: Lookup | None = None):
        self._resolve = resolve
        self._procedure_title = procedure_title

    def render(self, md: MarkdownIt, text: str) -> str:
        root = SyntaxTreeNode(md.parse(text))
        lines = self._blocks(root.children)
        return "\n".join(lines).strip("\n")

    # --- blocks -------------------------------------------------------------------------
    def _blocks(self, nodes: list[SyntaxTreeNode]) -> list[str]:
        out: list[str] = []
        tight = False  # the previous block was a paragraph of a tight list item
        for node in nodes:
            lines = self._block(node)
            if not lines:
                continue
            hidden = node.type == "paragraph" and node.hidden
            if out and out[-1] != "" and not hidden and not tight:
                out.append("")
            out.extend(lines)
            tight = hidden
        return out

    def _block(self, node: SyntaxTreeNode) -> list[str]:
        kind = node.type
        if kind == "paragraph":
            return self._inline_of(node).split("\n")
        if kind == "heading":
            text = self._inline_of(node)
            return [text, ("=" if node.tag in ("h1", "h2") else "-") * min(len(text), 72)]
        if kind in ("bullet_list", "ordered_list"):
            return self._list(node)
        if kind == "blockquote":
            return ["> " + line if line else ">" for line in self._blocks(node.children)]
        if kind in ("code_block", "fence"):
            return ["    " + line for line in node.content.rstrip("\n").split("\n")]
        if kind == "hr":
            return ["* * *"]
        if kind == "table":
            return self._table(node)
        if kind.startswith("container_"):
            title = callout_title(kind[len("container_") :], node.info)
            return [title, *("| " + line if line else "|" for line in self._blocks(node.children))]
        if kind == "withheld_block":
            return [f"[{WITHHELD_TEXT}]"]
        if kind == "procedure_embed":
            procedure_id = str(node.meta["id"])
            title = (self._procedure_title(procedure_id) if self._procedure_title else None) or procedure_id
            return [f">> Start checklist: {title} [{PROCEDURE_SCHEME}{procedure_id}]"]
        return []  # front matter; raw HTML is off

    def _list(self, node: SyntaxTreeNode) -> list[str]:
        out: list[str] = []
        number = int(node.attrs.get("start", 1) or 1)
        loose = any(not p.hidden for item in node.children for p in item.children if p.type == "paragraph")
        for item in node.children:
            marker = f"{number}. " if node.type == "ordered_list" else "- "
            number += 1
            body = self._blocks(item.children) or [""]
            if loose and out:
                out.append("")
            out.append(marker + body[0])
            out.extend((" " * len(marker) + line) if line else "" for line in body[1:])
        return out

    def _table(self, node: SyntaxTreeNode) -> list[str]:
        rows: list[str] = []
        for section in node.children:  # thead, tbody
            for row in section.children:
                rows.append(" | ".join(self._inline_of(cell) for cell in row.children))
            if section.type == "thead":
                rows.append("-" * max(len(r) for r in rows))
        return rows

    # --- inline -------------------------------------------------------------------------
    def _inline_of(self, node: SyntaxTreeNode) -> str:
        return "".join(self._inline(child) for child in node.children)

    def _inline(self, node: SyntaxTreeNode) -> str:
        kind = node.type
        if kind == "inline":
            return self._inline_of(node)
        if kind in ("text", "code_inline"):
            return node.content
        if kind in ("softbreak", "hardbreak"):
            return "\n"
        if kind == "withheld":
            return f"[{WITHHELD_TEXT}]"
        if kind == "image":
            alt = "".join(c.content for c in node.children if c.type in ("text", "code_inline"))
            return f"[Image: {alt or 'no description'}]"
        if kind == "link":
            return self._link(node)
        return self._inline_of(node)  # em, strong and the like

    def _link(self, node: SyntaxTreeNode) -> str:
        text = self._inline_of(node)
        href = str(node.attrs.get("href", ""))
        section_id = node.meta.get("section_id")
        if section_id:
            target = self._resolve(section_id) if self._resolve else section_id
            if target is None:
                return text + MISSING_NOTE
            return text if text.strip().upper() == section_id else f"{text} [{target}]"
        if href.startswith(SECTION_SCHEME) or text == href or f"mailto:{text}" == href:
            return text
        return f"{text} <{href}>"
