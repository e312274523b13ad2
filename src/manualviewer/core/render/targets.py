"""What a link may point at: section IDs, procedure IDs and the allowed URL schemes.

Kept free of markdown-it so the loader, the checker and the plugins share one rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from manualviewer.core.model import SECTION_ID_RE, normalise_id

# Content is data: a link may only open a section, start a procedure, or leave for the web/mail.
ALLOWED_SCHEMES = frozenset({"section", "procedure", "http", "https", "mailto"})
SECTION_SCHEME = "section:"
PROCEDURE_SCHEME = "procedure:"
PROCEDURE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def code_key(codes: Iterable[str]) -> tuple[str, ...]:
    """Canonical, hashable form of a set of manual codes: unique, longest first, then by name."""
    return tuple(sorted({c.upper() for c in codes if c}, key=lambda c: (-len(c), c)))


@lru_cache(maxsize=32)
def link_pattern(codes: tuple[str, ...]) -> re.Pattern[str]:
    """`CODE` + digits (+ one optional capital) in prose; the same rule as Library.link_pattern.

    Defined here rather than imported from core.content so the loader can import the renderer
    without an import cycle.
    """
    alternatives = "|".join(re.escape(c) for c in code_key(codes))
    if not alternatives:
        return re.compile(r"(?!x)x")  # matches nothing
    # Not glued to letters or digits on either side: "XDMBM1" and "DMBM1x" are not links, but
    # punctuation and markers are fine: ")DMBM512940(" and "DMBM512940{withheld}" are.
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})\d+[A-Z]?(?![A-Za-z0-9])")


def section_target(href: str, codes: tuple[str, ...]) -> str | None:
    """The normalised section ID an explicit link href points at, or None if it is not one.

    `section:DMBM511200` (any case, spaces ignored) and a bare `DMBM511200` whose prefix is a
    known manual code both count.
    """
    text = href.strip()
    if text[: len(SECTION_SCHEME)].lower() == SECTION_SCHEME:
        candidate = normalise_id(text[len(SECTION_SCHEME) :])
        return candidate if SECTION_ID_RE.match(candidate) else None
    candidate = normalise_id(text)
    if not candidate or not SECTION_ID_RE.match(candidate):
        return None
    for code in code_key(codes):
        rest = candidate[len(code) :]
        if candidate.startswith(code) and any(ch.isdigit() for ch in rest):
            return candidate
    return None


def procedure_target(href: str) -> str | None:
    text = href.strip()
    if text[: len(PROCEDURE_SCHEME)].lower() != PROCEDURE_SCHEME:
        return None
    candidate = text[len(PROCEDURE_SCHEME) :].strip()
    return candidate if PROCEDURE_ID_RE.match(candidate) else None


def scheme_of(url: str) -> str | None:
    match = _SCHEME_RE.match(url.strip())
    return match.group(1).lower() if match else None


def is_allowed_url(url: str) -> bool:
    """True for the links content may carry; everything else is shown as plain text."""
    scheme = scheme_of(url)
    if scheme not in ALLOWED_SCHEMES:
        return False
    if scheme == "section":
        rest = url.strip()[len(SECTION_SCHEME) :]
        return bool(SECTION_ID_RE.match(rest))
    if scheme == "procedure":
        return procedure_target(url) is not None
    return len(url.strip()) > len(scheme) + 1
