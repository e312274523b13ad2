"""A last look at a note before it is saved: words to avoid and unexplained abbreviations.

Warnings only; the officer can still save. Notes are read later by people who were not on the
call (and sometimes by the customer, through a subject access request)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from manualviewer.core.content.notewords import bundled_note_words

# All-caps words of 2 to 6 letters, not glued to letters or digits: "DMBM511015" is a section
# ID, not an abbreviation, and never matches.
_ABBREVIATION_RE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2,6}(?![A-Za-z0-9])")
_SPACED_ID_RE = re.compile(r"\s?\d")  # "DMBM 511015", typed with a space


@dataclass(frozen=True)
class NoteWarning:
    kind: str  # "listed-word", "abbreviation" or "informal"
    token: str  # as written in the note
    start: int  # character offsets in the note, for highlighting
    end: int
    line: int  # 1-based
    message: str


def check_note(
    text: str,
    words: Iterable[str],
    known_abbreviations: Iterable[str],
    expansions: Mapping[str, str] | None = None,
    *,
    informal: Mapping[str, str] | None = None,
    typed: Iterable[str] = (),
) -> list[NoteWarning]:
    """`expansions` (abbreviation -> what it stands for, from the manuals' glossaries) only
    improves the advice: a manual's own abbreviation is still jargon to the reader of the note.
    `informal` (text-speak -> what to write instead; the bundled list when None) is flagged in
    any case. `typed` are values the officer typed into the checklist's fields (a customer
    reference such as "AB123456C" or "JSMITH"): they are facts, never flagged."""
    if informal is None:
        informal = bundled_note_words().informal_map
    spans = _typed_spans(text, typed)
    warnings = [
        w
        for w in [
            *_listed_words(text, words),
            *_abbreviations(text, known_abbreviations, expansions or {}),
            *_informal(text, informal),
        ]
        if not any(start <= w.start and w.end <= end for start, end in spans)
    ]
    return sorted(warnings, key=lambda w: (w.start, w.kind))


def _typed_spans(text: str, typed: Iterable[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for value in {t.strip() for t in typed if t and t.strip()}:
        spans.extend((m.start(), m.end()) for m in re.finditer(re.escape(value), text, re.IGNORECASE))
    return spans


def _informal(text: str, informal: Mapping[str, str]) -> list[NoteWarning]:
    found: list[NoteWarning] = []
    for short, instead in informal.items():
        for match in re.finditer(rf"(?<![\w.]){re.escape(short.strip())}(?![\w])", text, re.IGNORECASE):
            if match.group(0).isupper() and len(match.group(0)) > 1:
                continue  # capitals: an abbreviation, checked (and explained) as one
            found.append(_warning("informal", text, match, f"{match.group(0)!r} is shorthand; write {instead!r}"))
    return found


def _listed_words(text: str, words: Iterable[str]) -> list[NoteWarning]:
    found: list[NoteWarning] = []
    for word in dict.fromkeys(w.strip() for w in words if w.strip()):
        # Whole words only ("hostile" does not flag "hostilities"); any spacing in a phrase.
        body = r"\s+".join(re.escape(part) for part in word.split())
        for match in re.finditer(rf"(?<!\w){body}(?!\w)", text, re.IGNORECASE):
            found.append(_warning("listed-word", text, match, f"{match.group(0)!r} is on the list of words to avoid"))
    return found


def _abbreviations(text: str, known: Iterable[str], expansions: Mapping[str, str]) -> list[NoteWarning]:
    known_set = {k.strip().upper() for k in known}
    written_out = {k.strip().upper(): v for k, v in expansions.items()}
    explained: dict[str, bool] = {}
    found: list[NoteWarning] = []
    for match in _ABBREVIATION_RE.finditer(text):
        token = match.group(0)
        if token in known_set or _SPACED_ID_RE.match(text, match.end()):
            continue
        if token not in explained:
            explained[token] = _explained(token, text)
        if not explained[token]:
            advice = f"write it out once: {written_out[token]} ({token})" if token in written_out else \
                f"write it out, then ({token}), once"
            found.append(_warning("abbreviation", text, match, f"{token} is not explained; {advice}"))
    return found


def _explained(token: str, text: str) -> bool:
    """Written out once in brackets: "Internet Service Provider (ISP)" or "ISP (Internet
    Service Provider)"."""
    escaped = re.escape(token)
    if re.search(rf"\w\s*\(\s*{escaped}\s*\)", text):
        return True
    return re.search(rf"(?<![A-Za-z0-9]){escaped}\s*\([^)]*[a-z][^)]*\)", text) is not None


def _warning(kind: str, text: str, match: re.Match[str], message: str) -> NoteWarning:
    line = text.count("\n", 0, match.start()) + 1
    return NoteWarning(kind, match.group(0), match.start(), match.end(), line, message)
