"""How words are read: the same rules when a section is indexed and when a query is typed.

- HTML entities are decoded (`employer&#x2019;s`), accents folded (`café` = `cafe`), case
  ignored, curly quotes and Unicode hyphens read as their plain forms.
- A possessive `'s` is dropped (`employer's` = `employer`); other apostrophes join (`don't` = `dont`).
- Words joined by `-` or `/` are indexed as their parts and as one joined word, so `mid-day`,
  `midday` and `mid day` meet (`midday` in the index; `mid` `day` side by side for phrases), and
  `2013/14` is both `2013` `14` and `201314`.
- Digit groups lose their commas: `£30,000` is `30000`.
- Words are stemmed with Snowball's English (Porter2) stemmer (PyStemmer, in C), which leaves `day` a `day`
  (the original Porter stemmer made it `dai`, and phrase checks built from stems missed it);
  words with digits (numbers, section IDs) are kept as they are.

`STOP_WORDS` are left out of the index (their positions stay, so phrases still line up).
`FILLER_WORDS` are the question words people type around what they want ("how do I", "can
the customer"): a free-text query drops them, so they never make it fail.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import Stemmer

STOP_WORDS = frozenset(
    "a an and are as at be by for from has have if in into is it its of on or that the their "
    "then there these this those to was were which with".split())
FILLER_WORDS = frozenset(
    "about also am any anyone anything can cannot could did do does doing done does get gets got "
    "he her him his how i i'm im is it its just me mine my myself need needs our ours please "
    "really shall she should some someone something tell their them they us want wants we what "
    "whats when where which who whom whose why will would you your yours".split()) | STOP_WORDS
MAX_WORD = 64  # longer runs of letters are noise (base64, glued text), not words anyone types

# One character in, one character out, so offsets in a folded text are offsets in the original
# (snippets highlight words in the original text).
_FOLD: dict[int, str] = {}
for _code in range(0xC0, 0x250):
    _base = unicodedata.normalize("NFKD", chr(_code))[:1]
    if _base.isascii() and _base.isalpha() and _base != chr(_code):
        _FOLD[_code] = _base
_FOLD.update({ord(c): "'" for c in "\u2018\u2019\u02bc\u0060\u00b4"})
_FOLD.update({ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d"})
_FOLD.update({0xDF: "s", 0xC6: "a", 0xE6: "a", 0x152: "o", 0x153: "o"})
_FOLD_TABLE = str.maketrans(_FOLD)

_PART = r"[^\W_]+(?:[.'][^\W_]+)*"
# A number with thousands separators, or parts joined by - or /.
TOKEN_RE = re.compile(rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?(?![\w,])|{_PART}(?:[-/]{_PART})*")
_JOINERS_RE = re.compile(r"[-/]")

_STEMMER = Stemmer.Stemmer("english")


def fold(text: str) -> str:
    """Lower case, accents folded, curly apostrophes and Unicode hyphens made plain; same length."""
    return text.translate(_FOLD_TABLE).lower()


def clean(text: str) -> str:
    """Entities decoded, then folded. Only decodes when there is an `&` (most texts have none)."""
    return fold(html.unescape(text) if "&" in text else text)


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The index form of one folded word: stemmed when it is all letters."""
    if not word.isalpha():
        return word
    return str(_STEMMER.stemWord(word))


def stem_once(word: str) -> str:
    """`stem` without the cache: for the throwaway spelling variants of a typo."""
    return str(_STEMMER.stemWord(word)) if word.isalpha() else word


def _normal(part: str) -> str:
    """One part of a token ("employer's", "e.g", "30,000") as a word: possessive dropped,
    apostrophes and thousands separators removed."""
    if "'" in part:
        if part.endswith("'s"):
            part = part[:-2]
        part = part.replace("'", "")
    if "," in part:
        part = part.replace(",", "")
    return part


@dataclass(frozen=True)
class Token:
    position: int  # word position; stop words use one too, so phrases keep their gaps
    term: str  # stemmed, as the index has it
    word: str  # folded, unstemmed
    joined: bool = False  # the joined form of a hyphenated word, at its first part's position
    start: int = 0  # offsets of the whole token in the text it came from
    end: int = 0


def tokens(text: str, *, joined: bool = True, keep_stops: bool = False, folded: bool = False) -> Iterator[Token]:
    """The words of `text` as the index sees them. `joined` adds the joined form of `a-b` words;
    `keep_stops` keeps stop words (for query parsing, which decides itself); `folded` says the
    text is already cleaned."""
    position = 0
    for m in TOKEN_RE.finditer(text if folded else clean(text)):
        raw = m.group()
        parts = [_normal(p) for p in _JOINERS_RE.split(raw)] if ("-" in raw or "/" in raw) else [_normal(raw)]
        parts = [p for p in parts if p and len(p) <= MAX_WORD]
        if not parts:
            continue
        if joined and len(parts) > 1:
            whole = "".join(parts)
            if len(whole) <= MAX_WORD:
                yield Token(position, stem(whole), whole, True, m.start(), m.end())
        for part in parts:
            if keep_stops or part not in STOP_WORDS:
                yield Token(position, stem(part), part, False, m.start(), m.end())
            position += 1


@lru_cache(maxsize=200_000)
def _token_terms(raw: str) -> tuple[tuple[tuple[int, str], ...], int]:
    """What `tokens` makes of one matched token (joined forms on, stop words out): its (position
    within the token, term) pairs and the positions it takes. Depends on the token alone, so the
    indexer works it out once per distinct token, not once per occurrence."""
    parts = [_normal(p) for p in _JOINERS_RE.split(raw)] if ("-" in raw or "/" in raw) else [_normal(raw)]
    parts = [p for p in parts if p and len(p) <= MAX_WORD]
    out: list[tuple[int, str]] = []
    if len(parts) > 1:
        whole = "".join(parts)
        if len(whole) <= MAX_WORD:
            out.append((0, stem(whole)))
    out.extend((i, stem(part)) for i, part in enumerate(parts) if part not in STOP_WORDS)
    return tuple(out), len(parts)


def index_terms(text: str) -> Iterator[tuple[int, str]]:
    """(position, term) for the indexer: parts and joined forms, no stop words. The same pairs
    as `tokens(text)` gives, without a Token per word (tests/unit/core/search/test_index_terms.py)."""
    position = 0
    for raw in TOKEN_RE.findall(clean(text)):
        terms, width = _token_terms(raw)
        for offset, term in terms:
            yield position + offset, term
        position += width


def term_counts(text: str) -> tuple[Counter[str], int]:
    """How often each term of `index_terms(text)` occurs, and how many there are in all: what
    an index without positions keeps. Each token's terms from the cache, counted in C."""
    terms = list(chain.from_iterable(map(_token_texts, TOKEN_RE.findall(clean(text)))))
    return Counter(terms), len(terms)


@lru_cache(maxsize=200_000)
def _token_texts(raw: str) -> tuple[str, ...]:
    return tuple(term for _, term in _token_terms(raw)[0])


def phrase_terms(text: str) -> list[str]:
    """The terms of a stretch of text in order, as a phrase compares them: parts only, no stop
    words (so "payments by direct debit" is payment-direct-debit)."""
    return [t.term for t in tokens(text, joined=False)]


def is_filler(word: str) -> bool:
    return word in FILLER_WORDS
