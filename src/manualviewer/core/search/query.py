"""What the user typed, as clauses, and as a Whoosh query.

Our own small grammar instead of Whoosh's query parser, so that no input can fail: words (all
required), "phrases", OR between two clauses, NOT or a leading minus, `word*` for a prefix (three
letters at least, so a prefix cannot expand to half the index). Anything else (brackets, lone
operators, stray quotes, punctuation) is read as separators. Long input is cut.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from whoosh.query import And, AndNot, Or, Phrase, Prefix, Query, Term

from manualviewer.core.search.text import WORD_RE

MAX_QUERY_CHARS = 500
MAX_CLAUSES = 16
MIN_PREFIX = 3
# Titles outrank bodies. A boost on the query, not on the field: a field boost only raises the
# term frequency, which BM25 saturates, so a long body still beat a short title.
FIELD_BOOSTS = {"title": 4.0, "body": 1.0}
TEXT_FIELDS = tuple(FIELD_BOOSTS)

_TOKEN_RE = re.compile(r'"([^"]*)"?|[^\s"]+')
_ID_WORD_RE = re.compile(r"(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
_TRAILING_PUNCT = ")]}.,;:!?'"

Analyze = Callable[[str], list[tuple[int, str]]]


@dataclass(frozen=True)
class QueryWord:
    raw: str  # as typed, for the did-you-mean text
    term: str  # as the index has it (lower case, stemmed)
    is_id: bool = False


@dataclass(frozen=True)
class Clause:
    kind: str  # "word", "phrase" or "prefix"
    words: tuple[QueryWord, ...]
    negated: bool = False
    or_previous: bool = False
    slop: int = 1  # for phrases: stop words in the phrase leave gaps in the positions


@dataclass
class ParsedQuery:
    text: str
    clauses: list[Clause] = field(default_factory=list)

    def positives(self) -> list[Clause]:
        return [c for c in self.clauses if not c.negated]

    def plain_words(self) -> list[QueryWord]:
        """Positive single words that may be typos (not IDs, numbers or prefixes)."""
        return [c.words[0] for c in self.positives()
                if c.kind == "word" and not c.words[0].is_id and c.words[0].term.isalpha()]

    def stems(self) -> set[str]:
        return {w.term for c in self.positives() if c.kind != "prefix" for w in c.words}

    def prefixes(self) -> set[str]:
        return {c.words[0].term for c in self.positives() if c.kind == "prefix"}


def clip(text: str) -> str:
    if len(text) <= MAX_QUERY_CHARS:
        return text.strip()
    cut = text[:MAX_QUERY_CHARS]
    space = cut.rfind(" ")
    return (cut[:space] if space > MAX_QUERY_CHARS // 2 else cut).strip()


def parse_query(text: str, analyze: Analyze) -> ParsedQuery:
    parsed = ParsedQuery(clip(text))
    negate_next = or_next = False
    for m in _TOKEN_RE.finditer(parsed.text):
        if len(parsed.clauses) >= MAX_CLAUSES:
            break
        clause: Clause | None
        if m.group(1) is not None:
            clause = _phrase(m.group(1), analyze)
        else:
            token = m.group(0)
            if token == "AND":
                continue
            if token == "OR":
                or_next = bool(parsed.clauses)
                continue
            if token == "NOT":
                negate_next = True
                continue
            if token.startswith("-") and len(token) > 1:
                negate_next, token = True, token[1:]
            clause = _token(token, analyze)
        if clause is None:
            continue
        parsed.clauses.append(Clause(clause.kind, clause.words, negate_next, or_next, clause.slop))
        negate_next = or_next = False
    return parsed


def _token(token: str, analyze: Analyze) -> Clause | None:
    words = WORD_RE.findall(token)
    if not words:
        return None
    if len(words) > 1:  # "self-assessment", "(a/b)": the words, side by side
        return _phrase(" ".join(words), analyze)
    word = words[0]
    if _ID_WORD_RE.fullmatch(word):
        terms = analyze(word)
        return Clause("word", (QueryWord(word, terms[0][1] if terms else word.lower(), is_id=True),))
    if token.rstrip(_TRAILING_PUNCT).endswith("*") and len(word) >= MIN_PREFIX:
        return Clause("prefix", (QueryWord(word, word.lower()),))
    terms = analyze(word)
    if not terms:
        return None  # a stop word
    return Clause("word", (QueryWord(word, terms[0][1]),))


def _phrase(text: str, analyze: Analyze) -> Clause | None:
    terms = analyze(text)
    if not terms:
        return None
    if len(terms) == 1:
        return Clause("word", (QueryWord(text.strip(), terms[0][1]),))
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(terms)]
    words = tuple(QueryWord(t, t) for _, t in terms)
    return Clause("phrase", words, slop=max(1, *gaps))


def to_whoosh(parsed: ParsedQuery, id_boost: float,
              replacements: Mapping[QueryWord, tuple[str, ...]] | None = None) -> Query | None:
    """The Whoosh query; `replacements` swaps unknown words for near terms (typo fallback)."""
    groups: list[list[Query]] = []
    negatives: list[Query] = []
    for clause in parsed.clauses:
        q = _clause_query(clause, id_boost, replacements or {})
        if q is None:
            continue
        if clause.negated:
            negatives.append(q)
        elif clause.or_previous and groups:
            groups[-1].append(q)
        else:
            groups.append([q])
    if not groups:
        return None
    positives = [g[0] if len(g) == 1 else Or(g) for g in groups]
    query: Query = positives[0] if len(positives) == 1 else And(positives)
    if negatives:
        query = AndNot(query, negatives[0] if len(negatives) == 1 else Or(negatives))
    return query


def _clause_query(clause: Clause, id_boost: float,
                  replacements: Mapping[QueryWord, tuple[str, ...]]) -> Query | None:
    if clause.kind == "prefix":
        return Or([Prefix(f, clause.words[0].term, boost=b) for f, b in FIELD_BOOSTS.items()])
    if clause.kind == "phrase":
        terms = [w.term for w in clause.words]
        return Or([Phrase(f, terms, slop=clause.slop, boost=b) for f, b in FIELD_BOOSTS.items()])
    word = clause.words[0]
    if word in replacements and not clause.negated:
        near = replacements[word]
        return Or([Term(f, t, boost=b) for t in near for f, b in FIELD_BOOSTS.items()]) if near else None
    parts: list[Query] = [Term(f, word.term, boost=b) for f, b in FIELD_BOOSTS.items()]
    if word.is_id:
        key = word.raw.upper()
        parts += [Term("id_norm", key, boost=id_boost), Term("alias", key, boost=id_boost)]
    return Or(parts)
