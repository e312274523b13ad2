"""Section IDs of GOV.UK manuals: the manual code they share, and moves told in change notes."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_LEADING_LETTERS = re.compile(r"[A-Z]+")


def _id(name: str) -> str:
    return rf"(?P<{name}>[A-Za-z][A-Za-z0-9-]*\d[A-Za-z0-9]*)"


# A note on a page that went away, naming where its text went: "Page archived; content merged
# with CG56344", "merged into X", "content now at X", "renumbered to X", "moved to X".
_MOVED_TO = re.compile(
    r"\b(?:merged|merger|moved|renumbered|incorporated|transferred|relocated|replaced)"
    r"\s+(?:in)?(?:to|with|by)\s+(?:section\s+)?" + _id("a")
    + r"|\b(?:content|contents|information|text|guidance)\s+(?:is\s+)?now\s+(?:at|in|covered\s+in)\s+"
    + _id("b"),
    re.IGNORECASE,
)
# A note on the new page naming the old one: "moved from X", "formerly X", "replaces X".
_MOVED_FROM = re.compile(
    r"\b(?:moved|transferred|renumbered|relocated)\s+from\s+(?:section\s+)?" + _id("a")
    + r"|\b(?:formerly|previously)\s+(?:section\s+)?" + _id("b")
    + r"|\breplaces\s+(?:section\s+)?" + _id("c"),
    re.IGNORECASE,
)


def manual_code(section_ids: Iterable[str], fallback: str = "") -> str:
    """The alphabetic prefix a manual's section IDs share: VATGPB for VATGPB1000 and
    VATGPBUPDATE001, CG for CG10100 and CG-APP18, EIM for EIM00100 and EIM32730A.

    Every ID's leading letters are a candidate; the winner is the candidate that starts the
    most IDs, and of those the longest (so VATGPB, which starts both, beats VATGPBUPDATE, and
    a stray ADML1100 in a change note loses to the manual's EIM).
    `fallback` (the manual's title or slug) gives initials when there are no IDs at all.
    """
    ids = [i.strip().upper() for i in section_ids if i and i.strip()]
    candidates: Counter[str] = Counter()
    for section_id in ids:
        match = _LEADING_LETTERS.match(section_id)
        if match:
            candidates[match.group(0)] += 1
    if candidates:
        starts = {p: sum(n for c, n in candidates.items() if c.startswith(p)) for p in candidates}
        return max(candidates, key=lambda p: (starts[p], len(p), p))
    words = re.findall(r"[A-Za-z]+", fallback)
    initials = "".join(w[0] for w in words if w.lower() not in ("and", "of", "the", "manual"))
    return (initials or "GOVUK").upper()


def moved_to(note: str) -> str | None:
    """The section a change note on a removed page says its text went to."""
    return _first_group(_MOVED_TO.search(note))


def moved_from(note: str) -> str | None:
    """The old section a change note on a page says it took text from."""
    return _first_group(_MOVED_FROM.search(note))


def _first_group(match: re.Match[str] | None) -> str | None:
    if match is None:
        return None
    return next((g for g in match.groups() if g), None)
