"""Is a scenario's reason the guidance's own wording? A reason is one or more verbatim excerpts
of the cited section, joined by an ellipsis; each excerpt must be found in the section's text.

Matching ignores what Markdown and typography change without changing the words: emphasis,
escapes, link targets, list bullets, curly quotes, line breaks, letter case."""

from __future__ import annotations

import re

_MARKER_RE = re.compile(r"\{[a-z]+(?::[^{}]*)?\}")  # {withheld}, {procedure:id}
_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_BULLET_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.MULTILINE)
_HEADING_RE = re.compile(r"^\s*#+\s*", re.MULTILINE)
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})
_SPLIT_RE = re.compile(r"\s*(?:…|\.\.\.)\s*")
_EDGE = " .,;:"


def plain_text(markdown: str) -> str:
    """The words of a section body, for matching."""
    text = _MARKER_RE.sub(" ", markdown)
    text = _LINK_RE.sub(r"\1", text)
    text = _BULLET_RE.sub(" ", text)
    text = _HEADING_RE.sub(" ", text)
    return _squeeze(text.replace("\\", "").replace("*", ""))


def excerpts(reason: str) -> list[str]:
    """The excerpts a reason is made of (split at "…" or "...")."""
    return [part for part in (p.strip(_EDGE) for p in _SPLIT_RE.split(reason)) if part]


def missing_excerpts(reason: str, section_body: str) -> list[str]:
    """The excerpts of `reason` that are not in the section's words."""
    words = plain_text(section_body)
    return [part for part in excerpts(reason) if plain_text(part).strip(_EDGE) not in words]


def _squeeze(text: str) -> str:
    return " ".join(text.translate(_QUOTES).split()).casefold()
