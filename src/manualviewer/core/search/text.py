"""Readable text for snippets, and the snippet highlighter.

Whoosh's own highlighter re-analyses the whole body of every hit, which cost more than the
search itself; this one finds candidate words with one C-level regex over a stored plain text
and stems only those.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable

# Same token shape as whoosh's default RegexTokenizer, so a highlighted word is a word the
# index saw.
WORD_RE = re.compile(r"\w+(?:\.?\w+)*")

MATCH_OPEN = '<b class="match">'
MATCH_CLOSE = "</b>"
SNIPPET_CHARS = 200
MAX_SPANS = 64  # enough to find a good window; a common word can match hundreds of times
STORED_TEXT_CHARS = 60_000  # longer bodies are cut for snippets and phrase checks (the index has all)

_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_PROCEDURE_RE = re.compile(r"^\s*\{procedure:[^}]*\}\s*$", re.MULTILINE)
_CALLOUT_RE = re.compile(r"^\s*:::.*$", re.MULTILINE)
_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s*", re.MULTILINE)
_LIST_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.MULTILINE)
_QUOTE_RE = re.compile(r"^\s*>\s?", re.MULTILINE)
_MARKUP_RE = re.compile(r"[*_`~|]+")
# Any HTML tag or comment left in a body: a snippet shows text, never markup. Inline tags go
# without a space ("6<sup>th</sup>" is "6th"), others part words ("<td>a</td><td>b</td>").
_TAG_RE = re.compile(r"<!--.*?-->|</?([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>", re.DOTALL)
_INLINE_TAGS = frozenset("a abbr b cite code em font i mark s small span strong sub sup u".split())


def plain_text(markdown: str) -> str:
    """The prose of a Markdown body on one line: no markup, link texts kept, markers spelt out."""
    # Each pattern only where the text has the character it needs (a C-level `in`): a
    # pattern anchored at line starts is tried at every line of a long body.
    text = _PROCEDURE_RE.sub(" ", markdown) if "{procedure:" in markdown else markdown
    text = _CALLOUT_RE.sub(" ", text) if ":::" in text else text
    text = text.replace("{withheld}", "[withheld]")
    text = _LINK_RE.sub(r"\1", text) if "](" in text else text
    text = _HEADING_RE.sub("", text) if "#" in text else text
    text = _LIST_RE.sub("", text)
    text = _QUOTE_RE.sub("", text) if ">" in text else text
    text = _MARKUP_RE.sub("", text)
    if "<" in text:
        text = _TAG_RE.sub(lambda m: "" if (m.group(1) or "").lower() in _INLINE_TAGS else " ", text)
    if "&" in text:
        # After the tags are gone, so an escaped `&lt;td&gt;` is the text the reader sees.
        text = html.unescape(text)
    # Runs of whitespace as one space: str.split() splits on exactly the characters a regex `\s`
    # matches (test_plain_text.py checks every code point), in a third of the time of re.sub.
    return " ".join(text.split())[:STORED_TEXT_CHARS]


class Matcher:
    """Which words of a text count as matches: their stem is a query term, or they start with
    one of the query's prefixes (from `word*`)."""

    def __init__(self, stems: Iterable[str], prefixes: Iterable[str], stem: Callable[[str], str]) -> None:
        self.stems = frozenset(s.lower() for s in stems if s)
        self.prefixes = tuple(sorted({p.lower() for p in prefixes if p}))
        self.stem = stem
        # Pre-filter with one regex: Porter stems are (almost) prefixes of their words, less a
        # final letter ("appli" <- "applying"); the candidates are then checked by stemming.
        heads = {s[:-1] if len(s) > 3 else s for s in self.stems} | set(self.prefixes)
        self._pattern: re.Pattern[str] | None = None
        if heads:
            alternatives = "|".join(re.escape(h) for h in sorted(heads, key=len, reverse=True))
            self._pattern = re.compile(rf"\b(?:{alternatives})\w*(?:\.?\w+)*", re.IGNORECASE)

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, key) of every matching word; key tells distinct terms apart."""
        pattern = self._pattern
        if pattern is None:
            return []
        out: list[tuple[int, int, str]] = []
        for m in pattern.finditer(text):
            word = m.group().lower()
            stemmed = self.stem(word)
            if stemmed in self.stems:
                out.append((m.start(), m.end(), stemmed))
            else:
                for prefix in self.prefixes:
                    if word.startswith(prefix):
                        out.append((m.start(), m.end(), prefix))
                        break
            if len(out) >= MAX_SPANS:
                break
        return out


def snippet(text: str, matcher: Matcher, width: int = SNIPPET_CHARS) -> str:
    """About `width` characters of `text` around the densest group of matches, HTML-escaped,
    matches wrapped in <b class="match">; the start of the text when nothing matches."""
    if not text:
        return ""
    spans = matcher.spans(text)
    if not spans:
        return _cut(text, 0, width, [])
    # The window holding the most distinct terms (then the most matches) wins.
    best = (0, 0, 0)  # (distinct, count, index of first span)
    for i, (start, _, _) in enumerate(spans):
        keys: set[str] = set()
        count = 0
        for _s, e, key in spans[i:]:
            if e - start > width:
                break
            keys.add(key)
            count += 1
        if (len(keys), count) > best[:2]:
            best = (len(keys), count, i)
    first = spans[best[2]][0]
    # Some context before the first match, starting on a word.
    lead = min(40, width // 4)
    begin = 0 if first <= lead else text.find(" ", first - lead, first) + 1 or first
    return _cut(text, begin, width, spans)


def _cut(text: str, begin: int, width: int, spans: list[tuple[int, int, str]]) -> str:
    end = begin + width
    if end < len(text):
        space = text.rfind(" ", begin + width // 2, end)
        end = space if space > 0 else end
    else:
        end = len(text)
    out: list[str] = ["…"] if begin > 0 else []
    pos = begin
    for s, e, _ in spans:
        if s < begin or e > end:
            continue
        out.append(html.escape(text[pos:s], quote=False))
        out.append(MATCH_OPEN + html.escape(text[s:e], quote=False) + MATCH_CLOSE)
        pos = e
    out.append(html.escape(text[pos:end], quote=False))
    if end < len(text):
        out.append("…")
    return "".join(out)


def strip_tags(snippet_html: str) -> str:
    """A snippet as plain text (for terminals)."""
    return html.unescape(snippet_html.replace(MATCH_OPEN, "").replace(MATCH_CLOSE, ""))
