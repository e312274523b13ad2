"""Runs a ParsedQuery on a Whoosh reader with set and dict operations instead of Whoosh's matchers.

Why: Whoosh's matcher tree advances one posting at a time in Python (5-10 µs per step), and its
phrase matcher builds span objects for every candidate; at 10,000 sections a two-word query
took 50-150 ms and a phrase of common words 150-300 ms. Here each posting list is read a block
at a time (one unpickle per 128 postings) into a dict, the clauses are combined with C-level set
operations, BM25 is computed only for the candidates (or cached per term), and a phrase is
checked in the stored text of the best-scoring candidates only, until there are enough hits or
MAX_PHRASE_CHECKS were checked (so a phrase of very common words that seldom stand together
may not list every section that has it).

Whoosh still does the indexing, storage, term dictionary and stored fields. Reading posting
blocks uses private attributes of whoosh 2.7's W3 codec (pinned); any other matcher falls back
to the public one-at-a-time interface.
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from manualviewer.core.search.query import FIELD_BOOSTS, Analyze, Clause, ParsedQuery, QueryWord

K1 = 1.2
B = 0.75
MAX_PREFIX_TERMS = 64
MAX_STOPS_BETWEEN = 3  # stop words allowed between two words of a phrase
MAX_PHRASE_CHECKS = 200  # candidates whose stored text is checked for a phrase, best first
# Posting lists and per-term scores kept between queries (typing a query repeats its terms),
# bounded by entries, not lists: an entry costs ~90 bytes and at 50,000 sections one common
# term has ~25,000. Two caches of this size: ~18 MB at most.
CACHED_POSTINGS = 100_000
_LENGTHS = [byte_to_length(b) for b in range(256)]

Scores = dict[int, float]


ScoringTerm = tuple[str, str, float]  # (field, term, boost)


@dataclass
class _Match:
    """The documents a clause (or a combination) matches and the terms that score them."""

    docs: set[int]
    terms: list[ScoringTerm]
    fixed: Scores = field(default_factory=dict)  # extra score per doc (an ID typed in full)
    verify: Callable[[int], bool] | None = None  # for phrases: does the doc really have it


class Executor:
    """One per searcher (a generation of the index); caches posting lists and field lengths."""

    def __init__(self, searcher: Searcher, id_boost: float, analyze: Analyze) -> None:
        self.searcher = searcher
        self.analyze = analyze
        self.reader = searcher.reader()
        self.id_boost = id_boost
        self.leaves = list(self.reader.leaf_readers())
        self.doc_count = max(1, self.reader.doc_count_all())
        self.deleted: set[int] = set()
        for leaf, offset in self.leaves:
            if leaf.has_deletions():
                self.deleted.update(offset + d for d in range(leaf.doc_count_all()) if leaf.is_deleted(d))
        self._norms: dict[str, list[float]] = {}
        self._postings: OrderedDict[tuple[str, str], dict[int, float]] = OrderedDict()
        self._cached = 0  # postings held in self._postings
        self._scores: OrderedDict[ScoringTerm, Scores] = OrderedDict()
        self._scored = 0  # entries held in self._scores
        self._manual_docs: dict[str, set[int]] = {}

    # --- public -------------------------------------------------------------------------
    def run(self, parsed: ParsedQuery, limit: int, manual: str | None,
            replacements: dict[QueryWord, tuple[str, ...]] | None = None,
            any_group: bool = False) -> list[tuple[int, float]]:
        """(docnum, score) best first. `replacements` swaps words for near terms (typos);
        `any_group` ORs the groups instead of requiring all of them."""
        groups: list[list[_Match]] = []
        negatives: list[_Match] = []
        for clause in parsed.clauses:
            match = self._clause(clause, replacements or {})
            if match is None:
                dropped = bool(replacements) and clause.words[0] in (replacements or {})
                if not (clause.negated or dropped or any_group):
                    return []  # a required clause matches nothing
                continue
            if clause.negated:
                negatives.append(match)
            elif clause.or_previous and groups:
                groups[-1].append(match)
            else:
                groups.append([match])
        if not groups:
            return []
        merged = [_union(g) for g in groups]
        total = _union(merged) if any_group else _intersect(merged)
        candidates = total.docs - self.deleted
        for neg in negatives:
            candidates -= {d for d in neg.docs if neg.verify is None or neg.verify(d)}
        if manual:
            candidates &= self._docs_of_manual(manual)
        if not candidates:
            return []
        scores = self._score(candidates, total.terms, total.fixed)
        if total.verify is None:
            best = heapq.nlargest(limit, scores, key=scores.__getitem__)
            return [(d, scores[d]) for d in best]
        # Phrases: check the best candidates first, until there are enough hits or the check
        # budget is spent (a phrase of very common words that seldom stand together would
        # otherwise read thousands of stored texts: ~50 µs each).
        verify = total.verify
        first = heapq.nlargest(limit * 4, scores, key=scores.__getitem__)
        ordered: Iterable[int] = first
        if len(first) < len(scores):
            done = set(first)
            rest = (d for d in sorted(scores, key=scores.__getitem__, reverse=True) if d not in done)
            ordered = itertools.chain(first, rest)
        out: list[tuple[int, float]] = []
        for checked, d in enumerate(ordered):
            if checked >= MAX_PHRASE_CHECKS or len(out) >= limit:
                break
            if verify(d):
                out.append((d, scores[d]))
        return out

    # --- clauses ------------------------------------------------------------------------
    def _clause(self, clause: Clause, replacements: dict[QueryWord, tuple[str, ...]]) -> _Match | None:
        if clause.kind == "prefix":
            return self._prefix(clause.words[0].term)
        if clause.kind == "phrase":
            return self._phrase([w.term for w in clause.words], clause.slop)
        word = clause.words[0]
        terms: Iterable[str] = (word.term,)
        if word in replacements and not clause.negated:
            terms = replacements[word]
        scoring = [(f, t, b) for t in terms for f, b in FIELD_BOOSTS.items()]
        fixed: Scores = {}
        if word.is_id:
            key = word.raw.upper()
            for f in ("id_norm", "alias"):
                for docnum in self._get(f, key):
                    fixed[docnum] = fixed.get(docnum, 0.0) + self.id_boost
        return self._match(scoring, fixed)

    def _match(self, scoring: list[ScoringTerm], fixed: Scores) -> _Match | None:
        docs: set[int] = set(fixed)
        for f, t, _ in scoring:
            docs.update(self._get(f, t))
        return _Match(docs, scoring, fixed) if docs else None

    def _prefix(self, prefix: str) -> _Match | None:
        scoring: list[ScoringTerm] = []
        for f, boost in FIELD_BOOSTS.items():
            terms: set[str] = set()
            for leaf, _ in self.leaves:
                for raw in leaf.expand_prefix(f, prefix):
                    terms.add(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
                    if len(terms) >= MAX_PREFIX_TERMS:
                        break
            scoring += [(f, t, boost) for t in sorted(terms)[:MAX_PREFIX_TERMS]]
        return self._match(scoring, {})

    def _phrase(self, terms: list[str], slop: int) -> _Match | None:
        """Documents with all the words, checked for the words in order (stop words between
        ignored, as the analyser ignores them) in their stored text, lazily, best-scoring first.
        The index keeps no positions: they made every body posting list several times slower
        to load."""
        fields: dict[str, set[int]] = {}
        scoring: list[ScoringTerm] = []
        for f, boost in FIELD_BOOSTS.items():
            postings = sorted((self._get(f, t) for t in dict.fromkeys(terms)), key=len)
            if postings and postings[0]:
                common = set(postings[0]).intersection(*postings[1:])
                if common:
                    fields[f] = common
                    scoring += [(f, t, boost) for t in dict.fromkeys(terms)]
        if not fields:
            return None
        pattern = _phrase_pattern(terms, slop)
        analyze = self.analyze

        def has_phrase(docnum: int) -> bool:
            stored = self.searcher.stored_fields(docnum)
            for f, docs in fields.items():
                if docnum in docs:
                    text = str(stored.get("text" if f == "body" else f, "")).lower()
                    for m in pattern.finditer(text):
                        start = m.start()
                        if start and text[start - 1].isalnum():
                            continue  # not the start of a word
                        if [t for _, t in analyze(m.group())] == terms:
                            return True
            return False

        return _Match(set().union(*fields.values()), scoring, {}, has_phrase)

    # --- postings and scoring -----------------------------------------------------------
    def _score(self, candidates: set[int], terms: list[ScoringTerm], fixed: Scores) -> Scores:
        """BM25 (as Whoosh's BM25F computes it) of `terms`, for the candidates only."""
        scores: Scores = dict.fromkeys(candidates, 0.0)
        for d, extra in fixed.items():
            if d in scores:
                scores[d] += extra
        for key in dict.fromkeys(terms):
            contribution = self._scores.get(key)
            if contribution is not None:
                self._scores.move_to_end(key)
            else:
                weights = self._get(key[0], key[1])
                if len(candidates) * 3 < len(weights):
                    # Few candidates (an AND of common words): score just those, keep nothing.
                    self._add_bm25(scores, key, {d: weights[d] for d in candidates if d in weights})
                    continue
                contribution = self._bm25(key, weights)
            if len(contribution) <= len(scores):
                for d, part in contribution.items():
                    if d in scores:
                        scores[d] += part
            else:
                get = contribution.get
                for d in candidates:
                    found = get(d)
                    if found:
                        scores[d] += found
        return scores

    def _add_bm25(self, scores: Scores, key: ScoringTerm, weights: dict[int, float]) -> None:
        top, norm = self._bm25_factors(key)
        for d, tf in weights.items():
            scores[d] += top * tf / (tf + norm[d])

    def _bm25_factors(self, key: ScoringTerm) -> tuple[float, list[float]]:
        f, t, boost = key
        df = len(self._get(f, t))
        return (math.log(self.doc_count / (df + 1)) + 1) * boost * (K1 + 1), self._norm(f)

    def _bm25(self, key: ScoringTerm, weights: dict[int, float]) -> Scores:
        """The term's score in every document that has it; cached, as typing repeats terms."""
        top, norm = self._bm25_factors(key)
        scores = {d: top * tf / (tf + norm[d]) for d, tf in weights.items()}
        self._scores[key] = scores
        self._scored += len(scores)
        while self._scored > CACHED_POSTINGS and len(self._scores) > 1:
            _, old = self._scores.popitem(last=False)
            self._scored -= len(old)
        return scores

    def _norm(self, f: str) -> list[float]:
        """K1 * (1 - B + B * length / average length), per document."""
        norm = self._norms.get(f)
        if norm is None:
            lengths: list[int] = []
            for leaf, _ in self.leaves:
                lengths.extend(_leaf_lengths(leaf, f))
            avg = max(1.0, self.reader.field_length(f) / max(1, self.reader.doc_count()))
            a, b = K1 * (1 - B), K1 * B / avg
            norm = self._norms[f] = [a + b * n for n in lengths]
        return norm

    def _get(self, field: str, term: str) -> dict[int, float]:
        """Global docnum -> term frequency, for every live or deleted document with the term."""
        key = (field, term)
        cached = self._postings.get(key)
        if cached is not None:
            self._postings.move_to_end(key)
            return cached
        postings: dict[int, float] = {}
        for leaf, offset in self.leaves:
            if (field, term) in leaf:
                _read_postings(leaf.postings(field, term), offset, postings)
        self._postings[key] = postings
        self._cached += len(postings)
        while self._cached > CACHED_POSTINGS and len(self._postings) > 1:
            _, old = self._postings.popitem(last=False)
            self._cached -= len(old)
        return postings

    def _docs_of_manual(self, manual: str) -> set[int]:
        docs = self._manual_docs.get(manual)
        if docs is None:
            docs = set(self._get("manual", manual))
            self._manual_docs[manual] = docs
        return docs


def _union(matches: list[_Match]) -> _Match:
    if len(matches) == 1:
        return matches[0]
    docs: set[int] = set().union(*(m.docs for m in matches))
    fixed: Scores = {}
    for m in matches:
        for d, v in m.fixed.items():
            fixed[d] = fixed.get(d, 0.0) + v
    terms = [t for m in matches for t in m.terms]
    checked = [m for m in matches if m.verify is not None]
    if not checked:
        return _Match(docs, terms, fixed)
    plain = set().union(*(m.docs for m in matches if m.verify is None))

    def verify(d: int) -> bool:
        return d in plain or any(d in m.docs and m.verify is not None and m.verify(d) for m in checked)

    return _Match(docs, terms, fixed, verify)


def _intersect(matches: list[_Match]) -> _Match:
    if len(matches) == 1:
        return matches[0]
    ordered = sorted(matches, key=lambda m: len(m.docs))
    docs = set(ordered[0].docs).intersection(*(m.docs for m in ordered[1:]))
    fixed: Scores = {}
    for m in matches:
        for d, v in m.fixed.items():
            if d in docs:
                fixed[d] = fixed.get(d, 0.0) + v
    terms = [t for m in matches for t in m.terms]
    checks = [m.verify for m in matches if m.verify is not None]
    if not checks:
        return _Match(docs, terms, fixed)
    return _Match(docs, terms, fixed, lambda d: all(check(d) for check in checks))


def _phrase_pattern(terms: list[str], slop: int) -> re.Pattern[str]:
    """Finds the phrase's words in a lower-cased text, allowing other forms of each word and a
    few words between (the analyser drops stop words and renumbers positions, so "payments by
    direct debit" is the phrase payment-direct-debit); the caller checks each find with the
    analyser. Case-sensitive with a literal start, so `re` scans for the first word at C speed."""
    heads = [re.escape(t[:-1] if len(t) > 3 else t) for t in terms]
    gap = rf"(?:\W+\w+){{0,{max(MAX_STOPS_BETWEEN, slop - 1)}}}?\W+"
    return re.compile(gap.join(rf"{h}\w*" for h in heads))


def _read_postings(matcher: Any, offset: int, into: dict[int, float]) -> None:
    m = matcher.child if isinstance(matcher, FilterMatcher) else matcher
    if isinstance(m, W3LeafMatcher) and hasattr(m, "_read_ids"):
        while m.is_active():
            m._read_ids()
            m._read_weights()
            ids = m._ids
            if offset:
                ids = [offset + i for i in ids]
            into.update(zip(ids, m._weights, strict=False))
            m._next_block()
        return
    while m.is_active():  # inlined short lists and anything else
        into[offset + m.id()] = m.weight()
        m.next()


def _leaf_lengths(leaf: Any, field: str) -> list[int]:
    count = leaf.doc_count_all()
    try:
        column = leaf._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
        raw = column._dbfile.get(column._basepos, column._count)
        lengths = [_LENGTHS[b] for b in raw]
        return lengths + [0] * (count - len(lengths))
    except Exception:
        return [leaf.doc_field_length(d, field) or 0 for d in range(count)]
