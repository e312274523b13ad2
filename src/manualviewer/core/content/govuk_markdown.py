"""Body text from GOV.UK into our Markdown: HTML converted with markdownify, HTML entities
decoded, withheld sentences replaced by the typed `{withheld}` marker."""

from __future__ import annotations

import html
import re
from typing import Any

from bs4 import BeautifulSoup
from markdownify import MarkdownConverter

WITHHELD_MARKER = "{withheld}"

# "(This content has been withheld because of exemptions in the Freedom of Information Act 2000)"
# and the variants seen in HMRC manuals: "text"/"information" for "content", no or square
# brackets, emphasis around it, markdownify's escaped brackets, glued to the next section ID.
_WITHHELD_RE = re.compile(
    r"(?:\*\*|__|\*|_)?(?:\\?[(\[][ \t]*)?(?:\*\*|__|\*|_)?"
    r"This\s+(?:(?:content|text|information|section|page|paragraph|guidance)\s+)?"
    r"(?:has\s+been|is|was)\s+withheld\s+"
    r"(?:(?:because|as\s+a\s+result)\s+of|due\s+to|under)\s+"
    r"(?:the\s+)?(?:exemptions?\s+(?:in|under)\s+the\s+)?"
    r"Freedom\s+of\s+Information\s+Act(?:\s*\(?FOIA?\)?)?(?:\s*2000)?\s*\.?"
    r"(?:\*\*|__|\*|_)?(?:\\?[)\]])?\.?(?:\*\*|__|\*|_)?",
    re.IGNORECASE,
)

# Entities that would change Markdown structure if decoded are left as entities.
_KEEP_ENCODED = set("\\`*_{}[]()<>#+-.!|~&")
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


class _Converter(MarkdownConverter):
    def convert_a(self, el: Any, text: str, parent_tags: set[str]) -> str:
        href = el.get("href")
        if href and re.search(r"[\s()<>]", href):
            # An address with spaces or brackets breaks `(...)`; `<...>` keeps it whole.
            el["href"] = "<" + re.sub(r"[\s<>]", lambda m: f"%{ord(m.group(0)):02X}", href.strip()) + ">"
        if el.get("title"):
            del el["title"]
        result: str = super().convert_a(el, text, parent_tags)  # type: ignore[misc]  # not in the stub
        return result

    def convert_td(self, el: Any, text: str, parent_tags: set[str]) -> str:
        result: str = super().convert_td(el, text.replace("|", r"\|"), parent_tags)  # type: ignore[misc]
        return result

    def convert_th(self, el: Any, text: str, parent_tags: set[str]) -> str:
        result: str = super().convert_th(el, text.replace("|", r"\|"), parent_tags)  # type: ignore[misc]
        return result


def html_to_markdown(body: str) -> str:
    soup = BeautifulSoup(body, "html.parser")
    # Page furniture and active content carry no guidance text: drop them with their contents.
    for tag in soup.find_all(["script", "style", "template", "iframe", "object", "form", "nav", "button"]):
        tag.decompose()
    converter = _Converter(heading_style="ATX", bullets="-", newline_style="backslash", autolinks=False)
    text: str = converter.convert_soup(soup)
    return tidy(text)


def decode_entities(markdown: str) -> str:
    """Turn `&#x201C;` and friends into characters, except where the character is Markdown syntax."""

    def one(match: re.Match[str]) -> str:
        char = html.unescape(match.group(0))
        if char == match.group(0) or char in _KEEP_ENCODED:
            return match.group(0)
        return " " if char == "\u00a0" else char

    return _ENTITY_RE.sub(one, markdown)


def replace_withheld(markdown: str) -> tuple[str, int]:
    """The body with every withheld sentence as `{withheld}`, and how many were replaced."""
    count = 0

    def one(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        start, end = match.span()
        before = markdown[start - 1] if start > 0 else ""
        after = markdown[end] if end < len(markdown) else ""
        left = " " if before and (before.isalnum() or before in ")]") else ""
        right = " " if after and (after.isalnum() or after in "([") else ""
        return f"{left}{WITHHELD_MARKER}{right}"

    return _WITHHELD_RE.sub(one, markdown), count


def tidy(markdown: str) -> str:
    """Trailing spaces off, at most one blank line in a row, one final newline."""
    raw = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines: list[str] = []
    for number, line in enumerate(raw):
        stripped = line.rstrip()
        following = raw[number + 1] if number + 1 < len(raw) else ""
        # Two trailing spaces are a hard line break; keep it in a form that survives editors.
        if line.endswith("  ") and stripped and following.strip() and not stripped.startswith(("#", "|")):
            stripped += "\\"
        lines.append(stripped)
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return text + "\n" if text else ""
