"""What the Whoosh store keeps of a section: the schema, the analyser Whoosh sees, and the
document written for each section. Part of the Whoosh store (whoosh_index.py).

The schema is pickled into every index's TOC file, the tokenizer with it: whoosh_index.py
re-exports `WordsTokenizer` so indexes written when it lived there still open."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh import columns, fields
from whoosh.analysis import Token, Tokenizer

from manualviewer.core.model import Section, normalise_id
from manualviewer.core.search import analysis
from manualviewer.core.search.protocol import BodyOf, section_body, section_hash
from manualviewer.core.search.text import plain_text


class WordsTokenizer(Tokenizer):  # type: ignore[misc]
    """Whoosh's view of analysis.index_terms: the same words when indexing and when querying."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: Any) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        terms = analysis.index_terms(value) if tokenize else [(0, value)]
        for pos, term in terms:
            t.text = term
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = term
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = t.endchar = start_char
            yield t


def make_schema() -> fields.Schema:
    analyzer = WordsTokenizer()
    return fields.Schema(
        id=fields.ID(stored=True),
        id_norm=fields.ID(unique=True, sortable=True),
        alias=fields.KEYWORD(lowercase=False, scorable=True),
        # No positions: phrases are checked in the stored text (see executor), and posting lists
        # without positions load several times faster.
        title=fields.TEXT(analyzer=analyzer, stored=True, phrase=False),
        headings=fields.TEXT(analyzer=analyzer, stored=True, phrase=False),
        body=fields.TEXT(analyzer=analyzer, phrase=False),
        manual=fields.ID(stored=True),
        status=fields.ID(stored=True),
        hash=fields.COLUMN(columns.VarBytesColumn()),
        text=fields.STORED(),
    )


def unique(sections: Iterable[Section]) -> dict[str, Section]:
    out: dict[str, Section] = {}
    for section in sections:
        out.setdefault(normalise_id(section.id), section)
    return out


_HEADING_RE = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


def document(section: Section, body_of: BodyOf | None) -> dict[str, Any]:
    body = body_of(section) if body_of else section_body(section)
    return {
        "id": section.id,
        "id_norm": normalise_id(section.id),
        "alias": " ".join(normalise_id(a) for a in section.aliases),
        "title": section.title,
        "headings": "\n".join(_HEADING_RE.findall(body)),
        "body": body,
        "manual": section.manual,
        "status": section.status.value,
        "hash": section_hash(section).encode("ascii"),
        "text": plain_text(body),
    }
