"""The indexer's fast path (analysis.index_terms, analysis.term_counts) reads every text exactly
as the Token path (analysis.tokens, which queries use) does: same terms at the same positions,
so an index built either way answers every search the same. Over the bundled library, real
Employment Income Manual sections (tests/data/govuk-eim) and generated text."""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manualviewer.core.content.govuk import import_govuk
from manualviewer.core.content.library import Library
from manualviewer.core.content.loader import load_library
from manualviewer.core.search import analysis
from manualviewer.core.search.text import plain_text
from manualviewer.core.search.whoosh_schema import document

EIM = Path(__file__).parents[3] / "data" / "govuk-eim"


def token_path(text: str) -> list[tuple[int, str]]:
    return [(t.position, t.term) for t in analysis.tokens(text)]


def assert_same(text: str) -> None:
    expected = token_path(text)
    assert list(analysis.index_terms(text)) == expected
    counts, length = analysis.term_counts(text)
    assert counts == Counter(term for _, term in expected)
    assert length == len(expected)


def texts(library: Library) -> list[str]:
    out: list[str] = []
    for section in library.sections.values():
        doc = document(section, library.body_of)
        out += [doc["title"], doc["headings"], doc["body"], doc["text"]]
    return out


def test_the_bundled_library_is_read_the_same(bundled_library: Library) -> None:
    found = texts(bundled_library)
    assert len(found) >= 40
    for text in found:
        assert_same(text)


@pytest.fixture(scope="module")
def eim(tmp_path_factory: pytest.TempPathFactory) -> Library:
    target = tmp_path_factory.mktemp("eim")
    assert import_govuk([EIM], target).wrote_anything
    return load_library([target])


def test_real_manual_sections_are_read_the_same(eim: Library) -> None:
    assert len(eim.sections) >= 8
    for text in texts(eim):
        assert_same(text)


@pytest.mark.parametrize("text", [
    "", "   ", "the of and", "mid-day midday mid day", "2013/14 2013-14", "£30,000 and 1,234.56",
    "employer's employers' don't e.g. i.e.", "Caf\u00e9 \u2018quoted\u2019 \u2013 dash", "a-the-b",
    "x" * 70 + " short " + "-".join(["y" * 40] * 2), "&amp; &#x2019;s &lt;td&gt;", "EIM01471 DMBM511015",
    "re-re-re-read the the-the", "’s 's -/ /- 1,000,000,000", "ǅ ǈ ß æ œ ﬁ",
])
def test_edge_cases_are_read_the_same(text: str) -> None:
    assert_same(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab19 -/,.'’&;#x£éßÆ\n\t_")) | st.characters(), max_size=80))
def test_any_text_is_read_the_same(text: str) -> None:
    assert_same(text)


def test_str_split_splits_on_exactly_what_a_regex_space_matches() -> None:
    # plain_text joins whitespace with " ".join(text.split()) where it used re.sub(r"\s+", " ").strip().
    space = re.compile(r"\s")
    differ = [hex(c) for c in range(sys.maxunicode + 1) if bool(space.match(chr(c))) != chr(c).isspace()]
    assert differ == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab *#>-\n\t\r\u00a0\u2028\u3000\x1c\x0b\x85")) | st.characters(),
               max_size=60))
def test_whitespace_is_joined_as_the_regex_joined_it(text: str) -> None:
    assert " ".join(text.split()) == re.sub(r"\s+", " ", text).strip()
    assert "  " not in plain_text(text)
