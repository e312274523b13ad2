"""No input makes search raise."""

from __future__ import annotations

import pytest

from manualviewer.core.model import SearchResult
from manualviewer.core.search.whoosh_index import WhooshIndex

MALFORMED = [
    '"', '""', '"direct', "AND", "OR", "NOT", "AND OR NOT", "(((", ")))", "*", "**", "?", "-", "--",
    "payment*(", "[payment]", "{withheld}", "title:payment", "payment^3", "~", "payment~2",
    "", "   ", "!@#$%^&*()_+", "?!.,;:", "\x00", "é ü ß", "x" * 5000, "payment " * 700,
    "complaint " * 40 + '"', "OR payment", "payment OR", "NOT payment", "-payment",
]


@pytest.mark.parametrize("query", MALFORMED, ids=lambda q: repr(q[:20]))
def test_malformed_query_never_raises(index: WhooshIndex, query: str) -> None:
    result = index.search(query)
    assert isinstance(result, SearchResult)
    assert result.query == query
    index.suggest(query)  # must not raise either


def test_plain_words_inside_junk_still_search(index: WhooshIndex) -> None:
    assert "DMBM511020" in [h.id for h in index.search('(((direct "debit').hits]


def test_search_before_any_index_exists_is_empty(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ix = WhooshIndex(tmp_path / "nothing-here")
    assert ix.search("payment").hits == ()
    assert ix.suggest("paymnet") is None
    ix.close()
