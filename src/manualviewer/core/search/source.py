"""The small postings interface the query pipeline runs on, whatever engine stores the index.

Documents are numbered 0..size-1 for one generation of the index (a searcher); a new generation
is a new source. The store (whoosh_index.py) provides one; the pipeline (pipeline.py) and the
executor (executor.py) use nothing else, so they never import the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import Protocol

import numpy as np
import numpy.typing as npt

DocNums = npt.NDArray[np.int64]
Freqs = npt.NDArray[np.float32]
Mask = npt.NDArray[np.bool_]
Lengths = npt.NDArray[np.float64]

# Fields every source has: scored text fields, and `manual` for the filter.
TEXT_FIELDS = ("title", "headings", "body")


class PostingsSource(Protocol):
    @property
    def size(self) -> int:
        """Document numbers run from 0 to size - 1 (deleted ones included)."""
        ...

    def live(self) -> Mask:
        """True for documents that are not deleted."""
        ...

    def postings(self, field: str, term: str) -> tuple[DocNums, Freqs]:
        """Documents with the term in the field (ascending), and its frequency in each."""
        ...

    def lengths(self, field: str) -> Lengths:
        """Terms in the field, per document."""
        ...

    def average_length(self, field: str) -> float: ...

    def expand_prefix(self, field: str, prefix: str, limit: int) -> list[str]:
        """Up to `limit` terms of the field that start with `prefix`."""
        ...

    def stored(self, docnum: int) -> Mapping[str, object]:
        """What the index keeps of a document: id, title, manual, and `text` (its plain text)."""
        ...

    def documents_with_id(self, key: str) -> list[int]:
        """Documents whose normalised ID, or one of whose aliases, is `key`."""
        ...

    def vocabulary(self) -> AbstractSet[str]:
        """Title and body terms made of letters (for typo candidates)."""
        ...

    @property
    def generation(self) -> int: ...
