"""Runs a ParsedQuery on a PostingsSource with numpy arrays: best-match ranking.

Ranking, best first:
1. sections that match every clause of the query (all the words);
2. within that, and for the rest: a title that is (nearly) the query, then BM25 (as Whoosh's
   BM25F computes it, title and headings boosted) times the share of the query the section
   covers (Lucene's coordination factor);
3. sections that match too little of a long query are left out (minimum-should-match: half of
   the clauses, once some section has that many), so "can I text the customer back" does not
   list every section that says "back".
An explicit "phrase" is required; a clause's phrase forms (`mid-day` read as `mid day`, a
glossary expansion) only count once the text is checked.

Why numpy: at 100,000 sections one common word is in most sections; each posting list is a pair
of arrays, a clause's documents a boolean mask over all document numbers, BM25 is computed for
whole lists at once, and only the best candidates are sorted. Phrases are checked in the stored
text of the best candidates only, until there are enough hits or MAX_PHRASE_CHECKS were checked.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from manualviewer.core.search import analysis
from manualviewer.core.search.query import FIELD_BOOSTS, Clause, Form, ParsedQuery
from manualviewer.core.search.source import DocNums, Freqs, Mask, PostingsSource

K1 = 1.2
B = 0.75
MAX_PREFIX_TERMS = 64
MAX_PHRASE_CHECKS = 200  # candidates whose stored text is checked for a phrase, best first
# Posting lists kept between queries (typing a query repeats its terms), bounded by postings:
# 12 bytes each, so ~24 MB at most.
CACHED_POSTINGS = 2_000_000
ALL_WORDS = 1e6  # a section with every clause outranks any without
TITLE = 1e5  # then a title that is the query
MAX_EXACT_TITLE_CHECKS = 50
MIN_TITLE_SHARE = 0.34  # of a title's words that the query must have for the title bonus
MIN_SHOULD_MATCH = 0.5
MAX_STOPS_BETWEEN = 3  # stop words allowed between two words of a phrase

ScoringTerm = tuple[str, str, float]  # (field, term, boost)
Scores = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Postings:
    docs: DocNums  # document numbers, ascending
    freqs: Freqs  # the term's frequency in each


@dataclass
class _Clause:
    """A clause's documents: `docs` by the index, `sure` those that need no check of the text."""

    clause: Clause
    docs: Mask
    sure: Mask
    terms: list[ScoringTerm]
    title: Mask  # documents with the clause in their title


@dataclass(frozen=True)
class Outcome:
    hits: list[tuple[int, float]]  # (docnum, score), best first
    total: int  # documents that match
    complete: int  # of them, those that match every clause


class Executor:
    """One per source (a generation of the index); caches posting lists and field lengths."""

    def __init__(self, source: PostingsSource, id_boost: float) -> None:
        self.source = source
        self.id_boost = id_boost
        self.size = source.size
        self.live: Mask = source.live()
        self.doc_count = max(1, int(self.live.sum()))
        self._norms: dict[str, Scores] = {}
        self._postings: OrderedDict[tuple[str, str], Postings] = OrderedDict()
        self._cached = 0  # postings held in self._postings
        self._manual_docs: dict[str, Mask] = {}
        self._texts: dict[int, list[str]] = {}  # folded texts of documents checked for phrases

    def close(self) -> None:
        self._postings.clear()

    # --- public -------------------------------------------------------------------------
    def run(self, parsed: ParsedQuery, limit: int, manual: str | None) -> Outcome:
        positives: list[_Clause] = []
        negatives: list[_Clause] = []
        for clause in parsed.clauses:
            match = self._clause(clause)
            if clause.negated:
                negatives.append(match)
            elif match.docs.any():
                positives.append(match)
            elif clause.required:
                return Outcome([], 0, 0)
            # else: a word no section has neither makes the query fail nor counts against the
            # sections that have the others.
        if not positives:
            return Outcome([], 0, 0)
        candidates = self.live.copy()
        if manual:
            candidates &= self._docs_of_manual(manual)
        for req in (p for p in positives if p.clause.required):
            candidates &= req.docs
        for neg in negatives:
            candidates &= ~(neg.sure | (neg.docs & ~neg.sure & self._checked(neg, candidates)))
        coverage = np.zeros(self.size, dtype=np.int16)
        for p in positives:
            coverage += p.docs
        n = len(positives)
        candidates &= coverage > 0
        if not candidates.any():
            return Outcome([], 0, 0)
        best = int(coverage[candidates].max())
        floor = max(1, min(best, math.ceil(n * MIN_SHOULD_MATCH)))
        candidates &= coverage >= floor
        docs = np.flatnonzero(candidates)
        scores = self._score(docs, [t for p in positives for t in p.terms])
        for p in positives:
            if p.clause.is_id:
                for d in self.source.documents_with_id(p.clause.word.upper()):
                    scores[d] += self.id_boost
        title_bonus = self._title_bonus(positives)
        self._exact_titles(parsed.text, title_bonus)
        keys = self._keys(scores, coverage, n, title_bonus)
        hits, dropped = self._rank(docs, keys, scores, coverage, n, title_bonus, positives, limit)
        complete = int((coverage[docs] == n).sum())
        return Outcome(hits, len(docs) - dropped, complete)

    # --- clauses ------------------------------------------------------------------------
    def _clause(self, clause: Clause) -> _Clause:
        docs = np.zeros(self.size, dtype=np.bool_)
        sure = np.zeros(self.size, dtype=np.bool_)
        title = np.zeros(self.size, dtype=np.bool_)
        terms: list[ScoringTerm] = []
        for form in clause.forms:
            form_docs, form_title, form_terms = self._form(form)
            docs |= form_docs
            title |= form_title
            if form.kind != "phrase":
                sure |= form_docs
            terms += form_terms
        if clause.is_id:
            for d in self.source.documents_with_id(clause.word.upper()):
                docs[d] = sure[d] = True
        return _Clause(clause, docs, sure, terms, title)

    def _form(self, form: Form) -> tuple[Mask, Mask, list[ScoringTerm]]:
        if form.kind == "prefix":
            terms = [(f, t, b * form.weight) for f, b in FIELD_BOOSTS.items()
                     for t in self.source.expand_prefix(f, form.terms[0], MAX_PREFIX_TERMS)]
            docs = self._any(terms)
            return docs, self._any([t for t in terms if t[0] == "title"]), terms
        terms = [(f, t, b * form.weight) for t in dict.fromkeys(form.terms) for f, b in FIELD_BOOSTS.items()]
        if form.kind == "term":
            return self._any(terms), self._any([t for t in terms if t[0] == "title"]), terms
        # A phrase: documents with all its terms in one field (checked in the text later).
        docs = np.zeros(self.size, dtype=np.bool_)
        title = np.zeros(self.size, dtype=np.bool_)
        for f in FIELD_BOOSTS:
            common = np.ones(self.size, dtype=np.bool_)
            for t in sorted(set(form.terms), key=lambda t: len(self._get(f, t).docs)):
                within = np.zeros(self.size, dtype=np.bool_)
                within[self._get(f, t).docs] = True
                common &= within
                if not common.any():
                    break
            docs |= common
            if f == "title":
                title |= common
        return docs, title, terms

    def _any(self, terms: Iterable[ScoringTerm]) -> Mask:
        docs = np.zeros(self.size, dtype=np.bool_)
        for f, t, _ in terms:
            docs[self._get(f, t).docs] = True
        return docs

    # --- ranking ------------------------------------------------------------------------
    def _keys(self, scores: Scores, coverage: npt.NDArray[np.int16], n: int, title_bonus: Scores) -> Scores:
        share = coverage.astype(np.float64) / n
        return np.where(coverage >= n, ALL_WORDS, 0.0) + title_bonus * (coverage >= n) + scores * share

    def _title_bonus(self, positives: list[_Clause]) -> Scores:
        """TITLE for a title that is the query, less for a title with more words than the query;
        only for titles that hold every clause."""
        in_title = np.logical_and.reduce([p.title for p in positives])
        bonus = np.zeros(self.size, dtype=np.float64)
        docs = np.flatnonzero(in_title)
        if not len(docs):
            return bonus
        # Title words the query has, counted as the title's length counts them (each time).
        matched = np.zeros(self.size, dtype=np.float64)
        for t in {t for p in positives for f, t, _ in p.terms if f == "title"}:
            found = self._get("title", t)
            matched[found.docs] += found.freqs
        lengths = self.source.lengths("title")
        share = np.minimum(1.0, matched[docs] / np.maximum(1.0, lengths[docs]))
        # Only a title that is mostly the query: a long title that merely holds its words is
        # ranked by BM25 like any other section.
        bonus[docs] = np.where(share >= MIN_TITLE_SHARE, TITLE * share * share, 0.0)
        return bonus

    def _exact_titles(self, text: str, bonus: Scores) -> None:
        """A title that is the query word for word (before stemming: "relation" is not
        "relative") outranks titles that only stem alike."""
        full = np.flatnonzero(bonus >= TITLE)
        if not len(full) or len(full) > MAX_EXACT_TITLE_CHECKS:
            return
        typed = _words(text)
        for d in full.tolist():
            if _words(str(self.source.stored(d).get("title", ""))) == typed:
                bonus[d] += TITLE / 2

    def _rank(self, docs: DocNums, keys: Scores, scores: Scores, coverage: npt.NDArray[np.int16], n: int,
              title_bonus: Scores, positives: list[_Clause], limit: int) -> tuple[list[tuple[int, float]], int]:
        """The best `limit` documents; a clause that matched a document only through a phrase
        form is checked in its text first: failing, a required clause drops the document, any
        other stops counting for it (and it goes back in line with its lower key)."""
        pending = [p for p in positives if p.clause.needs_check]
        if not pending:
            return [(d, float(keys[d])) for d in _best(docs, keys, limit)], 0
        heap = [(-float(keys[d]), d) for d in _best(docs, keys, limit * 4)]
        rest = iter(_after(docs, keys, [d for _, d in heap]))
        heapq.heapify(heap)
        waiting = next(rest, None)  # the best document not yet in the heap
        checked: set[int] = set()
        out: list[tuple[int, float]] = []
        dropped = 0
        while len(out) < limit:
            # A document pushed back with a lower key may now rank below ones not yet read.
            if waiting is not None and (not heap or keys[waiting] >= -heap[0][0]):
                heapq.heappush(heap, (-float(keys[waiting]), waiting))
                waiting = next(rest, None)
            if not heap:
                break
            key, d = heapq.heappop(heap)
            unsure = [p for p in pending if p.docs[d] and not p.sure[d]]
            if d in checked or not unsure:
                out.append((d, -key))
                continue
            if len(checked) >= MAX_PHRASE_CHECKS:
                # Out of checks: unchecked optional phrases count as found; a required one cannot,
                # and the rest are no more likely to have it than those checked.
                if any(p.clause.required for p in unsure):
                    break
                out.append((d, -key))
                continue
            checked.add(d)
            lost = 0
            for p in unsure:
                if not self._has_phrase(p.clause, d):
                    if p.clause.required:
                        lost = -1
                        break
                    lost += 1
            if lost < 0:
                dropped += 1
                continue
            if lost:
                coverage[d] -= lost
                if coverage[d] <= 0:
                    dropped += 1
                    continue
                title = title_bonus[d] if coverage[d] >= n else 0.0
                new = (ALL_WORDS if coverage[d] >= n else 0.0) + title + scores[d] * coverage[d] / n
                heapq.heappush(heap, (-float(new), d))
                continue
            out.append((d, -key))
        if len(checked) >= MAX_PHRASE_CHECKS and any(p.clause.required for p in pending):
            # Not every candidate was checked for a required phrase: the count of those that
            # have it is estimated from the ones checked.
            dropped += round(max(0, len(docs) - len(checked)) * dropped / len(checked))
        return out, dropped

    def _checked(self, neg: _Clause, candidates: Mask) -> Mask:
        """For a negated phrase: the candidates that really have it."""
        out = np.zeros(self.size, dtype=np.bool_)
        for d in np.flatnonzero(candidates & neg.docs & ~neg.sure)[:MAX_PHRASE_CHECKS].tolist():
            out[d] = self._has_phrase(neg.clause, d)
        return out

    def _has_phrase(self, clause: Clause, docnum: int) -> bool:
        texts = self._texts.get(docnum)
        if texts is None:
            stored = self.source.stored(docnum)
            # Stored texts are plain (entities decoded when indexed): folding is enough.
            texts = self._texts[docnum] = [analysis.fold(str(stored.get(f, ""))) for f in ("title", "text")]
            if len(self._texts) > MAX_PHRASE_CHECKS:
                self._texts.pop(next(iter(self._texts)))
        return any(form.kind == "phrase" and any(_phrase_in(text, form) for text in texts)
                   for form in clause.forms)

    # --- postings and scoring -----------------------------------------------------------
    def _score(self, docs: DocNums, terms: list[ScoringTerm]) -> Scores:
        """BM25 of `terms` in every document; `docs` (the candidates) are the ones read."""
        scores = np.zeros(self.size, dtype=np.float64)
        for (f, t, boost) in dict.fromkeys(terms):
            p = self._get(f, t)
            if not len(p.docs):
                continue
            idf = np.log(self.doc_count / (len(p.docs) + 1)) + 1
            norm = self.norm(f)[p.docs]
            scores[p.docs] += (idf * boost * (K1 + 1)) * p.freqs / (p.freqs + norm)
        return scores

    @property
    def cached_postings(self) -> int:
        """Postings (documents, over all cached term lists) held in memory now: no more than
        CACHED_POSTINGS once more than one list is cached."""
        return self._cached

    def norm(self, f: str) -> Scores:
        """K1 * (1 - B + B * length / average length), per document."""
        norm = self._norms.get(f)
        if norm is None:
            avg = max(1.0, self.source.average_length(f))
            norm = self._norms[f] = K1 * (1 - B) + (K1 * B / avg) * self.source.lengths(f)
        return norm

    def doc_frequency(self, term: str) -> int:
        return sum(len(self._get(f, term).docs) for f in ("title", "body"))

    def postings(self, field: str, term: str) -> Postings:
        return self._get(field, term)

    def _get(self, field: str, term: str) -> Postings:
        """Every document (live or deleted) with the term, and the term's frequency in it."""
        key = (field, term)
        cached = self._postings.get(key)
        if cached is not None:
            self._postings.move_to_end(key)
            return cached
        docs, freqs = self.source.postings(field, term)
        found = Postings(docs, freqs)
        self._postings[key] = found
        self._cached += len(found.docs)
        while self._cached > CACHED_POSTINGS and len(self._postings) > 1:
            _, old = self._postings.popitem(last=False)
            self._cached -= len(old.docs)
        return found

    def _docs_of_manual(self, manual: str) -> Mask:
        docs = self._manual_docs.get(manual)
        if docs is None:
            docs = np.zeros(self.size, dtype=np.bool_)
            docs[self._get("manual", manual).docs] = True
            self._manual_docs[manual] = docs
        return docs


def _phrase_in(text: str, form: Form) -> bool:
    """Does the (folded) text have the phrase: words that, stemmed and run together, are the
    phrase's terms run together (`mid-day`, `mid day` and `midday` alike), stop words skipped.
    A regex over the whole text finds where it may be, at C speed; those places are then read
    a word at a time."""
    target = form.squashed
    if not target:
        return False
    pattern = _form_pattern(form.terms)
    m = pattern.search(text)
    while m is not None:
        if m.start() and (text[m.start() - 1].isalnum()):
            m = pattern.search(text, m.start() + 1)  # inside a word, not at its start
            continue
        run = ""
        for token in analysis.tokens(text[m.start():m.end() + 1], joined=False, folded=True):
            run += token.term
            if run == target:
                return True
            if not target.startswith(run):
                break
        m = pattern.search(text, m.start() + 1)  # finds may overlap: "day, the day-to-day"
    return False


@lru_cache(maxsize=256)
def _form_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """The phrase's words by the start of their stems (the caller checks that the first starts a
    word), with up to
    MAX_STOPS_BETWEEN words (stop words) or nothing (`midday`) between them."""
    heads = [re.escape(t[:-1] if len(t) > 3 else t) for t in terms]
    gap = rf"(?:[\W_]+[^\W_]+){{0,{MAX_STOPS_BETWEEN}}}?[\W_]*"
    words = [rf"{h}[^\W_]*?" for h in heads[:-1]] + [heads[-1] + r"[^\W_]*"]
    # A literal start (no look-behind), so `re` scans for the first word at C speed.
    return re.compile(gap.join(words))


def _words(text: str) -> list[str]:
    return [t.word for t in analysis.tokens(text, joined=False, keep_stops=True)]


def _order(docs: DocNums, keys: Scores) -> DocNums:
    """`docs` best first; equal keys in document order, so results do not shuffle."""
    return docs[np.lexsort((docs, -keys[docs]))]


def _best(docs: DocNums, keys: Scores, limit: int) -> list[int]:
    if len(docs) > limit:
        # Everything scoring at least the limit-th best (ties kept), then sorted: no full sort.
        cut = np.partition(keys[docs], len(docs) - limit)[len(docs) - limit]
        docs = docs[keys[docs] >= cut]
    return [int(d) for d in _order(docs, keys)[:limit]]


def _after(docs: DocNums, keys: Scores, head: list[int]) -> Iterable[int]:
    """`docs` best first, without `head`, sorted only when asked for."""
    if len(docs) <= len(head):
        return
    done = np.zeros(len(keys), dtype=np.bool_)
    done[head] = True
    rest = docs[~done[docs]]
    yield from (int(d) for d in _order(rest, keys))
