"""A Whoosh segment written in one go, for full builds: the same files, byte for byte, as
Whoosh's own writer makes of the same documents, in a fraction of the time. Part of the Whoosh
store (whoosh_index.py, whoosh_parallel.py).

Where Whoosh's writer spent a full build (cProfile, 10,000 sections, one process; the figures
are in issue 16's note):
- each word of each text field went through the analyser as a Token object and was counted in
  Python (Frequency.word_values); here a text field's terms are counted by
  analysis.term_counts (per distinct token, in C), with the same counts and length;
- every posting went into a posting pool that pickles sorted runs to temporary files past its
  memory limit and merges them back at commit; here a segment's postings stay in memory, two
  compact arrays per term (~8 bytes a posting), already in document order: the commit only
  sorts the terms;
- at commit, the length of each posting's document was read back from the lengths column just
  written, one lookup per posting, and each posting went through the postings writer one call
  at a time; here lengths are kept from when a document was added, and the postings writer is
  handed whole blocks (`_write_term`), with the block statistics it would have computed.

Everything else (stored fields, columns, the terms and postings files, block encoding) is
Whoosh's own codec, called in the same order with the same values: the index format is
unchanged, and the files are the same bytes as Whoosh's writer makes
(tests/unit/core/search/test_whoosh_bulk.py). Only for a writer that starts the first segment
of an empty index (full builds): there is nothing to merge.
"""

from __future__ import annotations

import logging
from array import array
from pathlib import Path
from typing import Any

from whoosh.codec.whoosh3 import W3FieldWriter, W3PostingsWriter
from whoosh.formats import Frequency
from whoosh.system import emptybytes, pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from manualviewer.core.search import analysis, postings
from manualviewer.core.search.whoosh_schema import WordsTokenizer

log = logging.getLogger(__name__)


class _Counted:
    """A text field term's postings: document numbers (ascending) and term frequencies. Its
    weight is the frequency (every token's boost and the field's are 1.0), its value the
    frequency as Frequency encodes it."""

    __slots__ = ("docs", "freqs")

    def __init__(self) -> None:
        self.docs = array("I")
        self.freqs = array("I")

    def postings(self) -> tuple[array[int], list[float], list[bytes]]:
        return self.docs, [float(f) for f in self.freqs], [pack_uint(f) for f in self.freqs]


class _Listed:
    """Any other field's postings, as the field's own `index` gave them."""

    __slots__ = ("docs", "values", "weights")

    def __init__(self) -> None:
        self.docs = array("I")
        self.weights: list[float] = []
        self.values: list[bytes] = []

    def postings(self) -> tuple[array[int], list[float], list[bytes]]:
        return self.docs, self.weights, self.values


class BulkSegmentWriter(SegmentWriter):  # type: ignore[misc]
    """`SegmentWriter` whose postings stay in memory until the commit (see the module)."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        if self.segments:
            raise ValueError("BulkSegmentWriter writes the first segment of an empty index")
        if any(field.vector or field.separate_spelling() for _, field in self.schema.items()):
            raise ValueError("BulkSegmentWriter writes no term vectors or spelling fields")
        # field -> term -> postings: text fields' terms as str (sorted as str, which is their
        # UTF-8 bytes' order), the others' as bytes, as Whoosh's pool has them.
        self._counted_terms: dict[str, dict[str, _Counted]] = {}
        self._listed_terms: dict[str, dict[bytes, _Listed]] = {}
        self._lengths: dict[str, dict[int, int]] = {}  # field -> docnum -> length as stored
        # The segment's postings file (postings.py), made from the postings in memory at the
        # commit instead of read back from the files just written.
        self._rows: dict[str, list[postings.Row]] = {}
        self._vocabulary: set[str] = set()
        self._counted = {name for name, field in self.schema.items()
                         if isinstance(field.analyzer, WordsTokenizer) and type(field.format) is Frequency
                         and field.format.field_boost == 1.0}

    def add_document(self, **fields: Any) -> None:
        """Whoosh's SegmentWriter.add_document, with the postings kept in memory."""
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    if fieldname in self._counted:
                        if fieldboost != 1.0 or not isinstance(value, str):
                            raise ValueError(f"BulkSegmentWriter takes {fieldname} as one text, unboosted")
                        length = _add_counted(self._counted_terms.setdefault(fieldname, {}), docnum, value)
                    else:
                        length = _add_listed(self._listed_terms.setdefault(fieldname, {}), docnum, field, value,
                                             fieldboost)
                    if not field.scorable:
                        length = 0
                    if length:
                        # What the lengths column will hold, as Whoosh reads it back at commit.
                        self._lengths.setdefault(fieldname, {})[docnum] = byte_to_length(length_to_byte(length))
                customval = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        """Whoosh's FieldWriter.add_postings over the postings in memory, in the order of
        Whoosh's posting pool: by field, then term, then document."""
        self.perdocwriter.close()
        writer = self.fieldwriter
        started = False
        for fieldname in sorted(self._counted_terms.keys() | self._listed_terms.keys()):
            terms: dict[Any, _Counted | _Listed] = {**self._counted_terms.pop(fieldname, {}),
                                                     **self._listed_terms.pop(fieldname, {})}
            if not terms:
                continue
            if started:
                writer.finish_field()
            writer.start_field(fieldname, self.schema[fieldname])
            started = True
            lengths = [0] * self.docnum
            for docnum, length in self._lengths.get(fieldname, {}).items():
                lengths[docnum] = length
            rows: list[postings.Row] | None = None
            if fieldname in postings.FIELDS:
                rows = self._rows[fieldname] = []
            for term in sorted(terms):
                tbytes = term.encode("utf-8") if isinstance(term, str) else term
                docs, weights, values = terms[term].postings()
                writer.start_term(tbytes)
                _write_term(writer, docs, weights, values, lengths)
                writer.finish_term()
                if rows is not None:
                    text = term if isinstance(term, str) else term.decode("utf-8")
                    rows.append((fieldname, text, *postings.encode(docs.tolist(), weights)))
                    if postings.in_vocabulary(fieldname, tbytes):
                        self._vocabulary.add(text)
        writer.close()

    def commit(self, *args: Any, **kwargs: Any) -> None:
        added = self._added
        super().commit(*args, **kwargs)
        if added:
            self._write_postings_file()

    def _write_postings_file(self) -> None:
        """As whoosh_segments.add_postings_files would write it from the segment's files; on a
        failure (a full disk) logged, and left to that to try again."""
        path = postings.postings_path(Path(self.storage.folder), self.newsegment.segment_id())
        rows = [row for field in postings.FIELDS if field in self.schema for row in self._rows.get(field, ())]
        try:
            postings.write_postings_file(path, self.docnum, rows, self._vocabulary)
        except Exception as exc:
            log.warning("could not write the search index's postings file %s: %s", path.name, exc)
        self._rows.clear()


def _add_counted(terms: dict[str, _Counted], docnum: int, value: str) -> int:
    counts, length = analysis.term_counts(value)
    for term, freq in counts.items():
        found = terms.get(term)
        if found is None:
            found = terms[term] = _Counted()
        found.docs.append(docnum)
        found.freqs.append(freq)
    return length


def _add_listed(terms: dict[bytes, _Listed], docnum: int, field: Any, value: Any, fieldboost: float) -> int:
    length = 0
    for tbytes, freq, weight, vbytes in field.index(value):
        length += freq
        found = terms.get(tbytes)
        if found is None:
            found = terms[tbytes] = _Listed()
        found.docs.append(docnum)
        found.weights.append(weight * fieldboost)
        found.values.append(emptybytes if vbytes is None else vbytes)
    return length


def _write_term(writer: Any, docs: array[int], weights: list[float], values: list[bytes], lengths: list[int]) -> None:
    """The postings of one term, as W3PostingsWriter.add_posting would buffer them one by one:
    blocks of `_blocklimit` postings with each block's statistics; every block but the last is
    written here, the last is left to finish_term (which may inline it)."""
    post = writer._postwriter if isinstance(writer, W3FieldWriter) else None
    if not isinstance(post, W3PostingsWriter) or post._byteids or post._ids:
        for docnum, weight, value in zip(docs, weights, values, strict=True):
            writer.add(docnum, weight, value, lengths[docnum])
        return
    limit = post._blocklimit
    for start in range(0, len(docs), limit):
        if start:
            post._write_block()  # add_posting writes a full block when the next posting comes
        block = docs[start:start + limit]
        block_weights = weights[start:start + limit]
        known = [length for length in map(lengths.__getitem__, block) if length]
        post._ids = block
        post._weights = array("f", block_weights)
        post._values = [v for v in values[start:start + limit] if v]
        post._minlength = min(known) if known else None
        post._maxlength = max(known, default=0)
        post._maxweight = max(0, *block_weights)
