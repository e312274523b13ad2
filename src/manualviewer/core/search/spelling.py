"""Typo candidates from a vocabulary, without scanning it.

Whoosh's fuzzy terms build a Levenshtein automaton in Python (50-200 ms for distance 2) and scan
every term of a multi-segment index; generating the edits of the typed word and looking them up
in a set costs about a millisecond. Swapped letters count as one edit.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable

ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def edits1(word: str, substitutions: bool = True) -> set[str]:
    """Every string one deletion, swap of neighbours, substitution or insertion from `word`."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    swaps = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in ALPHABET if c != b[0]] if substitutions else []
    inserts = [a + c + b for a, b in splits for c in ALPHABET]
    return set(deletes + swaps + replaces + inserts)


def deletes1(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein plus swaps of neighbours)."""
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def max_edits(word: str) -> int:
    """Short words get no correction (too many neighbours), middling ones one edit: two edits
    from a 6-letter word reach too many other words ("midday" and "middle")."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2


# A short word with one letter changed is usually another real word ("lost" and "last"), not a
# typo of it: below this length only a missing, extra or swapped letter is corrected.
MIN_SUBSTITUTION = 6


def candidates(words: Iterable[str], vocabulary: Container[str],
               stem: Callable[[str], str] | None = None) -> list[tuple[int, str]]:
    """(distance, term) of vocabulary terms near any of `words` (the typed word and its stem),
    nearest first. With `stem`, a vocabulary of stems also matches through the stem of a
    one-edit variant ("overpaymnet" -> "overpayment" -> "overpay"). Distance 2 covers two extra
    letters or an extra letter plus one other edit; it is only looked at when nothing is one
    edit away."""
    forms = [w for w in dict.fromkeys(words) if w]
    if not forms:
        return []
    limit = max(max_edits(w) for w in forms)
    if limit == 0:
        return []
    found: dict[str, int] = {}
    for w in forms:
        for c in edits1(w, substitutions=len(w) >= MIN_SUBSTITUTION):
            if c in vocabulary:
                found[c] = 1
            elif stem is not None and len(c) > 4:
                stemmed = stem(c)
                if stemmed != c and stemmed in vocabulary:
                    found[stemmed] = 1
    if not found and limit >= 2:
        for w in forms:
            if max_edits(w) < 2:
                continue
            for d in deletes1(w):
                for c in edits1(d) | {d}:
                    if c in vocabulary and c not in found:
                        found[c] = min(distance(f, c) for f in forms)
    return sorted((d, c) for c, d in found.items() if d <= limit)


def best_surface(typed: str, forms: Iterable[str], stem: Callable[[str], str], target: str) -> str | None:
    """Of words seen in the index's texts, the one spelling `target` (a stem) nearest to `typed`,
    so "recordin" is corrected to "recording", not to the stem "record"."""
    seen: dict[str, int] = {}
    for form in forms:
        low = form.lower()
        if stem(low) == target:
            seen[low] = seen.get(low, 0) + 1
    if not seen:
        return None
    return min(seen, key=lambda w: (distance(typed, w), -seen[w], w))
