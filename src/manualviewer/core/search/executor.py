"""Runs a ParsedQuery on a Whoosh reader with numpy arrays instead of Whoosh's matchers.

Why: Whoosh's matcher tree advances one posting at a time in Python (5-10 µs per step), and its
phrase matcher builds span objects for every candidate; at 10,000 sections a two-word query
took 50-150 ms and a phrase of common words 150-300 ms. A first executor on Python sets and dicts
brought 10,000 sections under 30 ms but took 420 ms (p95) at 100,000, where one common word is
in most sections. Here each posting list is a pair of numpy arrays read from the segment's
postings file (see postings.py), a clause's documents are a boolean mask over all document
numbers, BM25 is computed for whole lists at once into one score array, and only the best
candidates are sorted. A phrase is checked in the stored text of the best-scoring candidates
only, until there are enough hits or MAX_PHRASE_CHECKS were checked (so a phrase of very common
words that seldom stand together may not list every section that has it).

Whoosh still does the indexing, storage, term dictionary and stored fields.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from manualviewer.core.search import postings as segment_postings
from manualviewer.core.search.postings import DocNums, Freqs, SegmentPostings
from manualviewer.core.search.query import FIELD_BOOSTS, Analyze, Clause, ParsedQuery, QueryWord

K1 = 1.2
B = 0.75
MAX_PREFIX_TERMS = 64
MAX_STOPS_BETWEEN = 3  # stop words allowed between two words of a phrase
MAX_PHRASE_CHECKS = 200  # candidates whose stored text is checked for a phrase, best first
# Posting lists kept between queries (typing a query repeats its terms), bounded by postings:
# 12 bytes each, so ~24 MB at most.
CACHED_POSTINGS = 2_000_000
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)

Mask = npt.NDArray[np.bool_]
ScoringTerm = tuple[str, str, float]  # (field, term, boost)


@dataclass(frozen=True)
class Postings:
    docs: DocNums  # global document numbers, ascending
    freqs: Freqs  # the term's frequency in each


@dataclass
class _Match:
    """The documents a clause (or a combination) matches and the terms that score them."""

    docs: Mask
    terms: list[ScoringTerm]
    fixed: dict[int, float] = field(default_factory=dict)  # extra score per doc (an ID typed in full)
    verify: Callable[[int], bool] | None = None  # for phrases: does the doc really have it


class Executor:
    """One per searcher (a generation of the index); caches posting lists and field lengths."""

    def __init__(self, searcher: Searcher, id_boost: float, analyze: Analyze,
                 index_dir: Path | None = None) -> None:
        self.searcher = searcher
        self.analyze = analyze
        self.reader = searcher.reader()
        self.id_boost = id_boost
        self.leaves = list(self.reader.leaf_readers())
        self.size = self.reader.doc_count_all()
        self.doc_count = max(1, self.size)
        self.live: Mask = np.ones(self.size, dtype=np.bool_)
        for leaf, offset in self.leaves:
            if leaf.has_deletions():
                self.live[[offset + d for d in range(leaf.doc_count_all()) if leaf.is_deleted(d)]] = False
        # The segments' postings files, where they are written (None: read Whoosh's postings).
        self.files: list[SegmentPostings | None] = [
            SegmentPostings.open(segment_postings.postings_path(index_dir, leaf.segment().segment_id()),
                                 leaf.doc_count_all()) if index_dir is not None else None
            for leaf, _ in self.leaves
        ]
        self._norms: dict[str, npt.NDArray[np.float64]] = {}
        self._postings: OrderedDict[tuple[str, str], Postings] = OrderedDict()
        self._cached = 0  # postings held in self._postings
        self._manual_docs: dict[str, Mask] = {}

    def close(self) -> None:
        for f in self.files:
            if f is not None:
                f.close()

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
        candidates = total.docs & self.live
        if manual:
            candidates &= self._docs_of_manual(manual)
        for neg in negatives:
            if neg.verify is None:
                candidates &= ~neg.docs
            else:
                check = neg.verify
                for d in np.flatnonzero(candidates & neg.docs).tolist():
                    if check(d):
                        candidates[d] = False
        docs = np.flatnonzero(candidates)
        if not len(docs):
            return []
        scores = self._score(docs, total.terms, total.fixed)
        if total.verify is None:
            return [(d, float(scores[d])) for d in _best(docs, scores, limit)]
        # Phrases: check the best candidates first, until there are enough hits or the check
        # budget is spent (a phrase of very common words that seldom stand together would
        # otherwise read thousands of stored texts: ~50 µs each).
        verify = total.verify
        out: list[tuple[int, float]] = []
        for checked, d in enumerate(_ranked(docs, scores, limit * 4)):
            if checked >= MAX_PHRASE_CHECKS or len(out) >= limit:
                break
            if verify(d):
                out.append((d, float(scores[d])))
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
        fixed: dict[int, float] = {}
        if word.is_id:
            key = word.raw.upper()
            for f in ("id_norm", "alias"):
                for docnum in self._get(f, key).docs.tolist():
                    fixed[docnum] = fixed.get(docnum, 0.0) + self.id_boost
        return self._match(scoring, fixed)

    def _match(self, scoring: list[ScoringTerm], fixed: dict[int, float]) -> _Match | None:
        docs = np.zeros(self.size, dtype=np.bool_)
        if fixed:
            docs[list(fixed)] = True
        for f, t, _ in scoring:
            docs[self._get(f, t).docs] = True
        return _Match(docs, scoring, fixed) if docs.any() else None

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
        fields: dict[str, Mask] = {}
        scoring: list[ScoringTerm] = []
        unique = list(dict.fromkeys(terms))
        for f, boost in FIELD_BOOSTS.items():
            common = np.ones(self.size, dtype=np.bool_)
            for t in sorted(unique, key=lambda t: len(self._get(f, t).docs)):
                within = np.zeros(self.size, dtype=np.bool_)
                within[self._get(f, t).docs] = True
                common &= within
                if not common.any():
                    break
            else:
                fields[f] = common
                scoring += [(f, t, boost) for t in unique]
        if not fields:
            return None
        pattern = _phrase_pattern(terms, slop)
        analyze = self.analyze

        def has_phrase(docnum: int) -> bool:
            stored = self.searcher.stored_fields(docnum)
            for f, docs in fields.items():
                if docs[docnum]:
                    text = str(stored.get("text" if f == "body" else f, "")).lower()
                    for m in pattern.finditer(text):
                        start = m.start()
                        if start and text[start - 1].isalnum():
                            continue  # not the start of a word
                        if [t for _, t in analyze(m.group())] == terms:
                            return True
            return False

        return _Match(np.logical_or.reduce(list(fields.values())), scoring, {}, has_phrase)

    # --- postings and scoring -----------------------------------------------------------
    def _score(self, docs: DocNums, terms: list[ScoringTerm], fixed: dict[int, float]) -> npt.NDArray[np.float64]:
        """BM25 (as Whoosh's BM25F computes it) of `terms` in every document; `docs` (the
        candidates) are the ones the caller reads."""
        scores = np.zeros(self.size, dtype=np.float64)
        for (f, t, boost) in dict.fromkeys(terms):
            p = self._get(f, t)
            if not len(p.docs):
                continue
            idf = np.log(self.doc_count / (len(p.docs) + 1)) + 1
            norm = self.norm(f)[p.docs]
            scores[p.docs] += (idf * boost * (K1 + 1)) * p.freqs / (p.freqs + norm)
        for d, extra in fixed.items():
            scores[d] += extra
        return scores

    def norm(self, f: str) -> npt.NDArray[np.float64]:
        """K1 * (1 - B + B * length / average length), per document."""
        norm = self._norms.get(f)
        if norm is None:
            lengths = np.concatenate([_leaf_lengths(leaf, f) for leaf, _ in self.leaves]) \
                if self.leaves else np.zeros(0)
            avg = max(1.0, self.reader.field_length(f) / max(1, self.reader.doc_count()))
            norm = self._norms[f] = K1 * (1 - B) + (K1 * B / avg) * lengths
        return norm

    def _get(self, field: str, term: str) -> Postings:
        """Every document (live or deleted) with the term, and the term's frequency in it."""
        key = (field, term)
        cached = self._postings.get(key)
        if cached is not None:
            self._postings.move_to_end(key)
            return cached
        parts = list(self._read(field, term))
        if not parts:
            found = Postings(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        elif len(parts) == 1:
            found = parts[0]
        else:
            found = Postings(np.concatenate([p.docs for p in parts]), np.concatenate([p.freqs for p in parts]))
        self._postings[key] = found
        self._cached += len(found.docs)
        while self._cached > CACHED_POSTINGS and len(self._postings) > 1:
            _, old = self._postings.popitem(last=False)
            self._cached -= len(old.docs)
        return found

    def _read(self, field: str, term: str) -> Iterator[Postings]:
        for (leaf, offset), file in zip(self.leaves, self.files, strict=True):
            if file is not None and field in segment_postings.FIELDS:
                got = file.get(field, term)
                if got is not None:
                    yield Postings(got[0] + offset, got[1])
            elif (field, term) in leaf:
                ids, weights = segment_postings.leaf_postings(leaf.postings(field, term))
                yield Postings(np.asarray(ids, dtype=np.int64) + offset, np.asarray(weights, dtype=np.float32))

    def _docs_of_manual(self, manual: str) -> Mask:
        docs = self._manual_docs.get(manual)
        if docs is None:
            docs = np.zeros(self.size, dtype=np.bool_)
            docs[self._get("manual", manual).docs] = True
            self._manual_docs[manual] = docs
        return docs


def _order(docs: DocNums, scores: npt.NDArray[np.float64]) -> DocNums:
    """`docs` best first; equal scores in document order, so results do not shuffle."""
    return docs[np.lexsort((docs, -scores[docs]))]


def _best(docs: DocNums, scores: npt.NDArray[np.float64], limit: int) -> list[int]:
    if len(docs) > limit:
        # Everything scoring at least the limit-th best (ties kept), then sorted: no full sort.
        cut = np.partition(scores[docs], len(docs) - limit)[len(docs) - limit]
        docs = docs[scores[docs] >= cut]
    return [int(d) for d in _order(docs, scores)[:limit]]


def _ranked(docs: DocNums, scores: npt.NDArray[np.float64], first: int) -> Iterator[int]:
    """`docs` best first: the best `first` sorted at once, the rest only if asked for."""
    head = _best(docs, scores, first)
    yield from head
    if len(docs) > len(head):
        done = np.zeros(len(scores), dtype=np.bool_)
        done[head] = True
        rest = docs[~done[docs]]
        yield from (int(d) for d in _order(rest, scores))


def _union(matches: list[_Match]) -> _Match:
    if len(matches) == 1:
        return matches[0]
    docs = np.logical_or.reduce([m.docs for m in matches])
    fixed: dict[int, float] = {}
    for m in matches:
        for d, v in m.fixed.items():
            fixed[d] = fixed.get(d, 0.0) + v
    terms = [t for m in matches for t in m.terms]
    checked = [m for m in matches if m.verify is not None]
    if not checked:
        return _Match(docs, terms, fixed)
    plain = np.logical_or.reduce([m.docs for m in matches if m.verify is None] or [np.zeros_like(docs)])

    def verify(d: int) -> bool:
        return bool(plain[d]) or any(m.docs[d] and m.verify is not None and m.verify(d) for m in checked)

    return _Match(docs, terms, fixed, verify)


def _intersect(matches: list[_Match]) -> _Match:
    if len(matches) == 1:
        return matches[0]
    docs = np.logical_and.reduce([m.docs for m in matches])
    fixed: dict[int, float] = {}
    for m in matches:
        for d, v in m.fixed.items():
            if docs[d]:
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


def _leaf_lengths(leaf: Any, field: str) -> npt.NDArray[np.float64]:
    count = leaf.doc_count_all()
    lengths = np.zeros(count, dtype=np.float64)
    try:
        column = leaf._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
        raw = column._dbfile.get(column._basepos, column._count)
        coded = _LENGTHS[np.frombuffer(raw, dtype=np.uint8)][:count]
        lengths[: len(coded)] = coded
    except Exception:
        for d in range(count):
            lengths[d] = leaf.doc_field_length(d, field) or 0
    return lengths
