"""From what the user typed to the hits they see, on any PostingsSource (no engine imported here).

ID jump (a section ID typed in full comes first), parse (query.py, with the glossary and the
index's own joined words), typo forms for words the index does not have, best-match ranking
(executor.py), an honest "did you mean", snippets.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from manualviewer.core.model import SECTION_ID_RE, SearchHit, SearchResult, normalise_id
from manualviewer.core.search import analysis, spelling
from manualviewer.core.search.executor import Executor
from manualviewer.core.search.query import Clause, Form, GlossaryTerms, ParsedQuery, parse_query
from manualviewer.core.search.source import PostingsSource
from manualviewer.core.search.text import Matcher, snippet

MAX_TYPO_CANDIDATES = 3
SURFACE_DOCS = 3  # documents read to find how the index's texts spell a corrected word


class Pipeline:
    """One per source (a generation of the index)."""

    def __init__(self, source: PostingsSource, executor: Executor, glossary: GlossaryTerms = ()) -> None:
        self.source = source
        self.executor = executor
        self.glossary = glossary

    def parse(self, query: str) -> ParsedQuery:
        return parse_query(query, known=self._known, glossary=self.glossary)

    def search(self, query: str, limit: int, manual: str | None) -> SearchResult:
        parsed = self.parse(query)
        jump = self._id_jump(query, manual)
        fixed, corrections = self._with_typo_forms(parsed)
        outcome = self.executor.run(fixed, limit, manual)
        hits = outcome.hits
        total = outcome.total
        if jump is not None:
            top = max((score for _, score in hits), default=0.0)
            if all(d != jump for d, _ in hits):
                total += 1
            hits = [(jump, top + 1.0)] + [h for h in hits if h[0] != jump]
        suggestion = self._suggestion(parsed, corrections, manual) if corrections else None
        matcher = Matcher(fixed.terms(), fixed.prefixes(), _stem_folded)
        out = []
        for docnum, score in hits[:limit]:
            stored = self.source.stored(docnum)
            out.append(SearchHit(
                id=str(stored.get("id", "")), title=str(stored.get("title", "")),
                manual=str(stored.get("manual", "")), score=float(score),
                snippet=snippet(str(stored.get("text", "")), matcher),
            ))
        fuzzy = bool(out) and any(c.fuzzy for c in fixed.positives())
        return SearchResult(query=query, hits=tuple(out), suggestion=suggestion, fuzzy=fuzzy, total=total)

    def suggest(self, query: str, manual: str | None = None) -> str | None:
        parsed = self.parse(query)
        _, corrections = self._with_typo_forms(parsed)
        return self._suggestion(parsed, corrections, manual) if corrections else None

    # --- IDs ----------------------------------------------------------------------------
    def _id_jump(self, query: str, manual: str | None) -> int | None:
        key = normalise_id(query)
        if not key or len(key) > 64 or not SECTION_ID_RE.match(key) or not re.search(r"\d", key):
            return None
        for docnum in self.source.documents_with_id(key):
            if manual and self.source.stored(docnum).get("manual") != manual:
                continue
            return docnum
        return None

    def _known(self, term: str) -> bool:
        return self.executor.doc_frequency(term) > 0

    # --- typos --------------------------------------------------------------------------
    def _with_typo_forms(self, parsed: ParsedQuery) -> tuple[ParsedQuery, dict[int, tuple[str, ...]]]:
        """The query with near terms added to each typed word the index does not have, and those
        near terms (best first) by clause position."""
        corrections: dict[int, tuple[str, ...]] = {}
        clauses = list(parsed.clauses)
        for i, clause in enumerate(clauses):
            if clause not in parsed.typo_words() or self._known(clause.forms[0].terms[0]):
                continue
            near = self._near(clause)
            extra: list[Form] = [Form("term", (t,)) for t in near]
            split = self._split(clause.word)
            if split is not None:
                extra.append(Form("phrase", split))
            if extra:
                clauses[i] = replace(clause, forms=clause.forms + tuple(extra), fuzzy=True)
            if near and split is None:  # a word the index has as two is no typo
                corrections[i] = near
        return ParsedQuery(parsed.text, clauses), corrections

    def _near(self, clause: Clause) -> tuple[str, ...]:
        vocabulary = self.source.vocabulary()
        near = spelling.candidates([clause.word, clause.forms[0].terms[0]], vocabulary, analysis.stem_once)
        ranked = sorted(near, key=lambda dc: (dc[0], -self.executor.doc_frequency(dc[1]), dc[1]))
        return tuple(c for _, c in ranked[:MAX_TYPO_CANDIDATES])

    def _split(self, word: str) -> tuple[str, str] | None:
        """A typed word that the index has as two (`midday` for a text that says `mid day`)."""
        best: tuple[int, tuple[str, str]] | None = None
        for i in range(3, len(word) - 2):
            a, b = analysis.stem(word[:i]), analysis.stem(word[i:])
            if a in analysis.FILLER_WORDS or b in analysis.FILLER_WORDS:
                continue
            fa, fb = self.executor.doc_frequency(a), self.executor.doc_frequency(b)
            if fa and fb and (best is None or min(fa, fb) > best[0]):
                best = (min(fa, fb), (a, b))
        return best[1] if best else None

    def _suggestion(self, parsed: ParsedQuery, corrections: Mapping[int, Sequence[str]],
                    manual: str | None) -> str | None:
        """The query with each unknown word spelt as its best correction, only when that query
        finds sections with all its words (the typed one finds none: a word is unknown)."""
        clauses = list(parsed.clauses)
        text = parsed.text
        for i, near in corrections.items():
            clause = clauses[i]
            clauses[i] = replace(clause, forms=(Form("term", (near[0],)),))
            surface = self._surface_form(clause.word, near[0])
            if not surface or surface == clause.word:
                return None
            text = re.sub(rf"(?<!\w){re.escape(clause.text)}(?!\w)", surface, text, count=1)
        if text == parsed.text:
            return None
        corrected = self.executor.run(ParsedQuery(text, clauses), 1, manual)
        return text if corrected.complete else None

    def _surface_form(self, typed: str, stem: str) -> str | None:
        """How the index's texts spell the stem `stem`, nearest to what was typed."""
        docs: list[int] = []
        for field in ("title", "body"):
            docs.extend(int(d) for d in self.executor.postings(field, stem).docs[:SURFACE_DOCS])
        head = stem[:-1] if len(stem) > 3 else stem
        pattern = re.compile(rf"\b{re.escape(head)}\w*", re.IGNORECASE)
        forms: list[str] = []
        for docnum in list(dict.fromkeys(docs))[:SURFACE_DOCS]:
            stored = self.source.stored(docnum)
            for field in ("title", "text"):
                forms.extend(pattern.findall(analysis.fold(str(stored.get(field, "")))))
        return spelling.best_surface(typed, forms, analysis.stem, stem) if forms else None


def _stem_folded(word: str) -> str:
    return analysis.stem(analysis.fold(word))
