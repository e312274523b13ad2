"""What the user typed, as clauses (run by executor.Executor).

Our own small grammar instead of Whoosh's query parser, so that no input can fail: words (all
required), "phrases", OR between two clauses, NOT or a leading minus, `word*` for a prefix (three
letters at least, so a prefix cannot expand to half the index). Anything else (brackets, lone
operators, stray quotes, punctuation) is read as separators. Long input is cut.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from manualviewer.core.search.text import WORD_RE

MAX_QUERY_CHARS = 500
MAX_CLAUSES = 16
MIN_PREFIX = 3
# Titles outrank bodies. A boost on the query, not on the field: a field boost only raises the
# term frequency, which BM25 saturates, so a long body still beat a short title.
# Headings inside a section ("Customer recording the call") say what its parts are about:
# between the title and the running text.
FIELD_BOOSTS = {"title": 4.0, "headings": 2.0, "body": 1.0}

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
