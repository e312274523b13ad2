"""What the user typed, as clauses (run by executor.Executor).

Our own small grammar instead of an engine's query parser, so that no input can fail. People type
questions, not Boolean queries, so plain words are each one clause of a best-match query: a
section with all of them ranks first, then sections with most of them (see executor). Filler
words ("how", "can", "I", "should") are dropped. Typed explicitly, operators keep their meaning:
"phrases" (required, words in order), OR between two clauses, NOT or a leading minus (at the start
of a word), `word*` for a prefix (three letters at least, so a prefix cannot expand to half the
index). Anything else (brackets, lone operators, stray quotes, punctuation) is read as
separators. Long input is cut.

A clause is matched by any of its forms: `mid-day` by the joined word `midday` or by the phrase
`mid day`; a glossary term by its expansions and synonyms ("RP" by "recovery proceedings").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from manualviewer.core.search import analysis

MAX_QUERY_CHARS = 500
MAX_CLAUSES = 16  # after filler words are dropped
MAX_TOKENS = 64
MIN_PREFIX = 3
# Titles outrank bodies. A boost on the query, not on the field: a field boost only raises the
# term frequency, which BM25 saturates, so a long body still beat a short title.
# Headings inside a section ("Customer recording the call") say what its parts are about:
# between the title and the running text.
FIELD_BOOSTS = {"title": 4.0, "headings": 2.0, "body": 1.0}
# A glossary's other name for a word counts half: "customer" finds "claimant", but a section
# that says "customer" is the likelier answer.
OTHER_NAME_WEIGHT = 0.5

_TOKEN_RE = re.compile(r'"([^"]*)"?|[^\s"]+')
_ID_WORD_RE = re.compile(r"(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9]+")

# Glossary groups as the parser uses them: each a list of phrases, each phrase a tuple of terms.
GlossaryTerms = Sequence[Sequence[tuple[str, ...]]]
Known = Callable[[str], bool]  # is this term in the index at all


@dataclass(frozen=True)
class Form:
    """One way a clause can match: a term, a phrase (terms in this order), or a prefix."""

    kind: str  # "term", "phrase" or "prefix"
    terms: tuple[str, ...]
    weight: float = 1.0  # another name for what was typed (a glossary's) scores less than the word itself

    @property
    def squashed(self) -> str:
        """A phrase's terms run together: how it is compared with text, so `mid day` in the query
        meets `midday` in a section and the other way round."""
        return "".join(self.terms)


@dataclass(frozen=True)
class Clause:
    text: str  # as typed, for "did you mean"
    forms: tuple[Form, ...]
    negated: bool = False
    or_previous: bool = False
    required: bool = False  # an explicit "phrase" must be there
    is_id: bool = False  # a section ID typed in full (letters and digits)
    word: str = ""  # the folded word, when the clause is one plain typed word (a typo candidate)
    fuzzy: bool = False  # forms were added for a word the index does not have

    @property
    def needs_check(self) -> bool:
        return any(f.kind == "phrase" for f in self.forms)


@dataclass
class ParsedQuery:
    text: str
    clauses: list[Clause] = field(default_factory=list)

    def positives(self) -> list[Clause]:
        return [c for c in self.clauses if not c.negated]

    def typo_words(self) -> list[Clause]:
        """Positive single typed words that may be typos (not IDs, numbers, prefixes or phrases)."""
        return [c for c in self.positives()
                if c.word and c.word.isalpha() and not c.is_id and len(c.forms) == 1]

    def terms(self) -> set[str]:
        """Every term a positive clause matches on (for highlighting)."""
        return {t for c in self.positives() for f in c.forms if f.kind != "prefix" for t in f.terms}

    def prefixes(self) -> set[str]:
        return {f.terms[0] for c in self.positives() for f in c.forms if f.kind == "prefix"}


def clip(text: str) -> str:
    if len(text) <= MAX_QUERY_CHARS:
        return text.strip()
    cut = text[:MAX_QUERY_CHARS]
    space = cut.rfind(" ")
    return (cut[:space] if space > MAX_QUERY_CHARS // 2 else cut).strip()


def parse_query(text: str, *, known: Known | None = None, glossary: GlossaryTerms = ()) -> ParsedQuery:
    """`known` tells which terms the index has (to join `mid day` into `midday` only when some
    section says so); `glossary` adds the other names of a term."""
    parsed = ParsedQuery(clip(text))
    clauses: list[Clause] = []
    negate_next = or_next = False
    for m in _TOKEN_RE.finditer(parsed.text):
        if len(clauses) >= MAX_TOKENS:
            break
        clause: Clause | None
        if m.group(1) is not None:
            clause = _quoted(m.group(1))
        else:
            token = m.group(0)
            if token == "AND":
                continue
            if token == "OR":
                or_next = bool(clauses)
                continue
            if token == "NOT":
                negate_next = True
                continue
            if token.startswith("-") and len(token) > 1:
                negate_next, token = True, token[1:]
            clause = _token(token)
        if clause is None:
            continue
        clauses.append(replace(clause, negated=negate_next, or_previous=or_next))
        negate_next = or_next = False
    clauses = _drop_fillers(clauses)
    if glossary:
        clauses = _expand_glossary(clauses, glossary)
    if known is not None:
        clauses = _join_neighbours(clauses, known)
    # A title pasted whole repeats words ("Sick pay: injury payments"): each counts once.
    unique: dict[tuple[tuple[Form, ...], bool, bool], Clause] = {}
    for c in _merge_or(clauses):
        unique.setdefault((c.forms, c.negated, c.required), c)
    parsed.clauses = list(unique.values())[:MAX_CLAUSES]
    return parsed


def _token(token: str) -> Clause | None:
    words = list(analysis.tokens(token, joined=False, keep_stops=True))
    if not words:
        return None
    raw = token.strip("()[]{}.,;:!?'\"")
    if len(words) == 1:
        word = words[0].word
        if _ID_WORD_RE.fullmatch(word):
            return Clause(raw, (Form("term", (word,)),), is_id=True, word=word)
        if token.rstrip(")]}.,;:!?'").endswith("*") and len(word) >= MIN_PREFIX and word.isalpha():
            return Clause(raw, (Form("prefix", (word,)),), word=word)
        if word in analysis.STOP_WORDS:
            return Clause(raw, (), word=word)  # kept for now: fillers are dropped together
        return Clause(raw, (Form("term", (words[0].term,)),), word=word)
    # `mid-day`, `2013/14`, `(a/b)`: the joined word, or the parts side by side.
    parts = tuple(w.term for w in words if w.word not in analysis.STOP_WORDS)
    joined = analysis.stem("".join(w.word for w in words))
    forms = [Form("term", (joined,))]
    if len(parts) > 1:
        forms.append(Form("phrase", parts))
    elif parts and parts[0] != joined:
        forms.append(Form("term", parts))
    return Clause(raw, tuple(forms))


def _quoted(text: str) -> Clause | None:
    words = [w for w in analysis.tokens(text, joined=False) if w.word]
    if not words:
        return None
    split = tuple(w.term for w in words)
    if len(split) == 1:
        return Clause(text.strip(), (Form("term", split),), required=True)
    forms = [Form("phrase", split)]
    # The same words with each hyphenated word joined (`"mid-day payments"` also finds
    # "midday payments"): a section that says it that way has the joined term, not the parts.
    joined = tuple(t.term for t in analysis.tokens(text) if t.joined or not _in_compound(t, text))
    if joined != split and len(joined) > 1:
        forms.append(Form("phrase", joined))
    return Clause(text.strip(), tuple(forms), required=True)


def _in_compound(t: analysis.Token, text: str) -> bool:
    span = analysis.clean(text)[t.start:t.end]
    return "-" in span or "/" in span


def _drop_fillers(clauses: list[Clause]) -> list[Clause]:
    """Question and filler words are dropped from a free-text query; when nothing else is left,
    those the index has are kept ("what can I do" still searches for "do")."""
    def filler(c: Clause) -> bool:
        return bool(c.word) and analysis.is_filler(c.word) and not c.required and not c.negated \
            and not c.is_id and all(f.kind == "term" for f in c.forms)

    kept = [c for c in clauses if not filler(c) and c.forms]
    if any(not c.negated for c in kept):
        return kept
    return [c for c in clauses if c.forms]


def _expand_glossary(clauses: list[Clause], glossary: GlossaryTerms) -> list[Clause]:
    """Where a run of plain typed words is a glossary phrase, those words become one clause that
    any phrase of its group matches."""
    def plain(c: Clause) -> bool:
        return not (c.negated or c.required or c.or_previous or c.is_id) and len(c.forms) >= 1 \
            and c.forms[0].kind == "term"

    out: list[Clause] = []
    i = 0
    while i < len(clauses):
        best: tuple[int, Sequence[tuple[str, ...]], tuple[str, ...]] | None = None
        for group in glossary:
            for phrase in group:
                n = len(phrase)
                if n == 0 or i + n > len(clauses) or (best is not None and n <= best[0]):
                    continue
                run = clauses[i:i + n]
                if all(plain(c) for c in run) and tuple(c.forms[0].terms[0] for c in run) == phrase:
                    best = (n, group, phrase)
        if best is None:
            out.append(clauses[i])
            i += 1
            continue
        n, _, phrase = best
        run = clauses[i:i + n]
        forms = list(run[0].forms) if n == 1 else [Form("phrase", phrase)]
        # A phrase in several groups (two manuals each give "customer" other names) gets them all.
        others = [other for group in glossary if phrase in group for other in group]
        for other in others:
            if other != phrase and other:
                form = Form("term" if len(other) == 1 else "phrase", other, OTHER_NAME_WEIGHT)
                if form not in forms:
                    forms.append(form)
        out.append(Clause(" ".join(c.text for c in run), tuple(forms), word=run[0].word if n == 1 else ""))
        i += n
    return out


def _join_neighbours(clauses: list[Clause], known: Known) -> list[Clause]:
    """Two typed words that the index has as one (`mid day` -> `midday`) also match it."""
    out: list[Clause] = []
    for c in clauses:
        prev = out[-1] if out else None
        if (prev is not None and _single(prev) and _single(c) and not c.or_previous
                and prev.word.isalpha() and c.word.isalpha()):
            joined = analysis.stem(prev.word + c.word)
            if known(joined):
                pair = (prev.forms[0].terms[0], c.forms[0].terms[0])
                out[-1] = Clause(f"{prev.text} {c.text}", (Form("phrase", pair), Form("term", (joined,))))
                continue
        out.append(c)
    return out


def _single(c: Clause) -> bool:
    return bool(c.word) and len(c.forms) == 1 and c.forms[0].kind == "term" and not (
        c.negated or c.required or c.is_id)


def _merge_or(clauses: list[Clause]) -> list[Clause]:
    """`a OR b` is one clause that either matches."""
    out: list[Clause] = []
    for c in clauses:
        prev = out[-1] if out else None
        if c.or_previous and prev is not None and prev.negated == c.negated:
            forms = tuple(dict.fromkeys(prev.forms + c.forms))
            out[-1] = Clause(f"{prev.text} OR {c.text}", forms, prev.negated, required=prev.required and c.required)
            continue
        out.append(replace(c, or_previous=False))
    return out


def glossary_terms(groups: Sequence[Sequence[str]]) -> list[list[tuple[str, ...]]]:
    """Glossary groups (phrases as written) as the parser matches them."""
    out: list[list[tuple[str, ...]]] = []
    for group in groups:
        phrases = [tuple(analysis.phrase_terms(p)) for p in group]
        phrases = [p for p in dict.fromkeys(phrases) if p]
        if len(phrases) > 1:
            out.append(phrases)
    return out
