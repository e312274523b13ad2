"""Checklists as search results: a guided checklist whose title or summary says what the officer
typed is offered beside the sections, so "customer wants to record the call" finds the checklist
for it without knowing which section offers it.

Words are read exactly as the search index reads them (`core.search.analysis`), so hyphens,
accents and stemming agree with the section results. The query language is not: quotes, NOT and
-word ask for something precise that a checklist's title cannot honestly be said to satisfy, so
such a query gets no checklists.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

from manualviewer.core.content.library import Library
from manualviewer.core.model import SearchHit, SearchResult, normalise_id
from manualviewer.core.procedures.loader import load_library_procedures
from manualviewer.core.procedures.model import Procedure
from manualviewer.core.search import analysis
from manualviewer.core.search.text import Matcher, snippet

CHECKLIST = "checklist"
RESULT_CHECKLISTS = 3  # more would push the sections, which hold the guidance itself, out of sight


@dataclass(frozen=True)
class _Word:
    """One meaningful query word: its stemmed forms (a hyphenated word is its joined form, or
    all of its parts)."""

    joined: str
    parts: tuple[str, ...]

    def found_in(self, terms: frozenset[str]) -> bool:
        return self.joined in terms or (len(self.parts) > 1 and all(p in terms for p in self.parts))

    def stems(self) -> tuple[str, ...]:
        return (self.joined, *self.parts)


@dataclass(frozen=True)
class _Query:
    words: tuple[_Word, ...]
    fillers: frozenset[str]  # filler words typed, only to break ties ("wants" in "customer wants to...")


@dataclass(frozen=True)
class _Entry:
    procedure: Procedure
    section: str  # the section that offers it
    manual: str
    title_terms: frozenset[str]
    terms: frozenset[str]  # title and summary
    title_words: frozenset[str]  # folded, unstemmed: for the filler tie-break
    title_size: int  # meaningful words in the title: a title that is mostly the query ranks higher


def match_checklists(library: Library, query: str, manual: str | None = None) -> list[SearchHit]:
    """The checklists whose title and summary hold at least half of the query's meaningful words
    (all of them for one or two words), best first. `score` is the share of the words matched:
    1.0 when every one did. A section ID typed to jump to gets none: nothing belongs above it."""
    exact = library.resolve(query) if query.strip() else None
    if exact is not None and normalise_id(query) == exact:
        return []
    parsed = _parse(query)
    if parsed is None or not parsed.words:
        return []
    needed = len(parsed.words) if len(parsed.words) <= 2 else math.ceil(len(parsed.words) / 2)
    ranked: list[tuple[tuple[float, ...], SearchHit]] = []
    matcher: Matcher | None = None
    for entry in _entries(library):
        if manual and entry.manual != manual:
            continue
        matched = sum(w.found_in(entry.terms) for w in parsed.words)
        if matched < needed:
            continue
        in_title = sum(w.found_in(entry.title_terms) for w in parsed.words)
        fillers = len(parsed.fillers & entry.title_words)
        key = (-matched, -in_title, -fillers, -in_title / max(entry.title_size, 1))
        if matcher is None:
            matcher = Matcher((s for w in parsed.words for s in w.stems()), (), analysis.stem)
        procedure = entry.procedure
        hit = SearchHit(entry.section, procedure.title, entry.manual, matched / len(parsed.words),
                        snippet(procedure.summary, matcher), kind=CHECKLIST, procedure=procedure.id)
        ranked.append((key, hit))
    ranked.sort(key=lambda pair: (pair[0], pair[1].title, pair[1].procedure))
    return [hit for _key, hit in ranked]


def with_checklists(result: SearchResult, library: Library, manual: str | None = None,
                    limit: int = RESULT_CHECKLISTS) -> SearchResult:
    """`result` with up to `limit` matching checklists among its hits. The best checklist leads
    when it matches every word; the others follow the best section, so the guidance itself is
    never pushed below the fold. `total` still counts sections only."""
    checklists = match_checklists(library, result.query, manual)[:limit]
    if not checklists:
        return result
    lead = checklists[:1] if checklists[0].score >= 1.0 else []
    rest = checklists[len(lead):]
    sections = list(result.hits)
    hits = [*lead, *sections[:1], *rest, *sections[1:]]
    return replace(result, hits=tuple(hits))


# --- reading the query and the checklists ----------------------------------------------------

def _parse(query: str) -> _Query | None:
    """The query's meaningful words, or None for a query that uses operators."""
    words: list[_Word] = []
    fillers: set[str] = set()
    seen: set[str] = set()
    for raw in query.split():
        if raw in ("AND", "OR"):
            continue
        if raw == "NOT" or (raw.startswith("-") and len(raw) > 1) or '"' in raw or "\u201c" in raw or "\u201d" in raw:
            return None
        found = list(analysis.tokens(raw.rstrip("*"), joined=False, keep_stops=True))
        if not found:
            continue
        if len(found) == 1:
            word = found[0].word
            if analysis.is_filler(word):
                fillers.add(word)
                continue
            form = _Word(found[0].term, ())
        else:
            parts = tuple(t.term for t in found if t.word not in analysis.STOP_WORDS)
            form = _Word(analysis.stem("".join(t.word for t in found)), parts)
        if form.joined not in seen:
            seen.add(form.joined)
            words.append(form)
    return _Query(tuple(words), frozenset(fillers))


def _terms(text: str) -> frozenset[str]:
    return frozenset(t.term for t in analysis.tokens(text))


def _entries(library: Library) -> list[_Entry]:
    """Each checklist of the library, read once per library (a reload starts afresh)."""
    entries: list[_Entry] = library.derived("checklist-search", lambda: _build_entries(library))
    return entries


def _build_entries(library: Library) -> list[_Entry]:
    procedures, _problems = load_library_procedures(library)
    offered_by = _offering_sections(library, procedures)
    entries: list[_Entry] = []
    for pid, procedure in sorted(procedures.items()):
        section_id = offered_by.get(pid)
        section = library.get(section_id) if section_id else None
        if section is None:
            continue  # nowhere to open it from: the Checklists menu still lists it
        title_tokens = list(analysis.tokens(procedure.title))
        meaningful = {t.word for t in title_tokens if not t.joined and not analysis.is_filler(t.word)}
        entries.append(_Entry(
            procedure=procedure,
            section=section.id,
            manual=section.manual,
            title_terms=frozenset(t.term for t in title_tokens),
            terms=_terms(f"{procedure.title}\n{procedure.summary}"),
            title_words=frozenset(t.word for t in analysis.tokens(procedure.title, keep_stops=True)),
            title_size=len(meaningful),
        ))
    return entries


def _offering_sections(library: Library, procedures: dict[str, Procedure]) -> dict[str, str]:
    """Procedure ID -> the section to open it from: its first cited section that offers it (lists
    it in `procedures`), else the first section that offers it, else its first cited section in
    the library."""
    offering: dict[str, list[str]] = {}
    for section in library.sections.values():
        for pid in section.procedures:
            offering.setdefault(pid, []).append(section.id)
    chosen: dict[str, str] = {}
    for pid, procedure in procedures.items():
        offers = set(offering.get(pid, ()))
        cited = [s for s in (library.resolve(c) for c in procedure.sections) if s is not None]
        choice = _first(s for s in cited if s in offers) or min(offers, default=None) or _first(cited)
        if choice:
            chosen[pid] = choice
    return chosen


def _first(items: Iterable[str]) -> str | None:
    return next(iter(items), None)
