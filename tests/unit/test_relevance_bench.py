"""bench/relevance_bench.py: its judged queries are usable, its metrics are right, and its FTS5
baseline never trips over what a user types."""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]


def _load_bench() -> ModuleType:
    # bench/ is not a package: load the script by path, as `python bench/relevance_bench.py` would.
    spec = importlib.util.spec_from_file_location("relevance_bench", REPO / "bench" / "relevance_bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bench = _load_bench()

HOSTILE = ['"', '""', '"unterminated', "AND", "OR", "NOT", "*", "-", "NEAR(", "NEAR(a b", "a AND", "(", ")",
           "title:x", "^start", "{a b}", "a + b", "x*", "-minus", ":", "'", "’", "", "   ", "employer's",
           "£30,000", "2013/14", "café", "mid-day", "a\x00b", "NEAR(\"x\" \"y\", 2)"]


def test_the_query_file_is_well_formed() -> None:
    queries = bench.load_queries()
    assert len(queries) >= 60
    assert all(q.relevant for q in queries)
    assert all(q.text.strip() for q in queries)
    texts = [(q.library, q.text.casefold()) for q in queries]
    assert len(texts) == len(set(texts)), "a query is judged twice"
    kinds = {q.kind for q in queries}
    for kind in ("question", "phrase", "typo", "hyphen", "abbreviation", "title", "number", "accent"):
        assert kind in kinds, kind
    assert {q.library for q in queries} == {"bundled", "eim"}


def test_every_bundled_judgement_names_a_section_in_content() -> None:
    ids = bench.section_ids(bench.load_bundled())
    bundled = [q for q in bench.load_queries() if q.library == "bundled"]
    assert bundled
    missing = [(q.text, i) for q in bundled for i in q.relevant if i not in ids]
    assert missing == []


def test_a_judged_id_missing_from_the_library_stops_the_bench() -> None:
    queries = [bench.Query("bundled", "phrase", "press office", ("DMBM511015", "DMBM999999"))]
    with pytest.raises(SystemExit, match="DMBM999999"):
        bench.check_judgements(queries, {"bundled": {"DMBM511015"}})
    bench.check_judgements(queries[:0], {"bundled": {"DMBM511015"}})
    # A library that was not loaded (no EIM) is not checked.
    bench.check_judgements([bench.Query("eim", "phrase", "x", ("EIM1",))], {"bundled": set()})


def test_metrics_on_a_hand_made_case() -> None:
    results = [
        (["A", "B", "C"], ["A"]),          # rank 1
        (["X", "Y", "B"], ["B", "Z"]),     # rank 3
        (["X", "Y", "Z", "W", "B"], ["B"]),  # rank 5: not top 3, counts 1/5 for mrr
        (["X"], ["B"]),                    # a result, but not an acceptable one
        ([], ["B"]),                       # no result at all
    ]
    m = bench.compute_metrics(results, limit=10)
    assert m.queries == 5
    assert m.top1 == pytest.approx(1 / 5)
    assert m.top3 == pytest.approx(2 / 5)
    assert m.mrr == pytest.approx((1 + 1 / 3 + 1 / 5) / 5)
    assert m.zero == 1


def test_mrr_only_counts_hits_within_the_limit() -> None:
    hits = [f"S{i}" for i in range(1, 13)]
    assert bench.first_relevant_rank(hits, ["S11"], limit=10) is None
    assert bench.compute_metrics([(hits, ["S11"])], limit=10).mrr == 0.0
    assert bench.compute_metrics([(hits, ["S11"])], limit=12).mrr == pytest.approx(1 / 11)
    assert bench.compute_metrics([], limit=10) == bench.Metrics(0, 0.0, 0.0, 0.0, 0)


@pytest.mark.parametrize("text", HOSTILE)
def test_the_fts5_query_never_is_a_syntax_error(text: str) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(id UNINDEXED, title, body, tokenize='porter unicode61')")
    db.execute("INSERT INTO fts VALUES ('S1', 'Near and far', 'the employer pays 30,000 at mid-day in the cafe')")
    match = bench.fts5_match(text)
    if match is not None:
        db.execute("SELECT id FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, 0, 10.0, 1.0)", (match,)).fetchall()


def test_the_fts5_query_is_an_or_of_the_words_that_are_not_stop_words() -> None:
    assert bench.fts5_match("is a leaving gift taxable?") == '"leaving" OR "gift" OR "taxable"'
    assert bench.fts5_match("employer's pension") == '"employer" OR "pension"'
    assert bench.fts5_match("what is it") is None
    assert bench.fts5_match("NEAR(") == '"near"'


def test_the_fts5_baseline_finds_sections_and_folds_accents() -> None:
    baseline = bench.Fts5Baseline(bench.load_bundled())
    assert "DMBM511015" in baseline.search("Press Office", 10)
    assert "DMBM511340" in baseline.search("fóot and móuth", 10)
    assert baseline.search('"', 10) == []
    assert len(baseline.search("customer", 2)) == 2


def test_unique_titles_leave_out_shared_titles() -> None:
    titles = dict(bench.unique_titles(bench.load_bundled()))
    assert titles["CSDH0300"] == "Customer feedback"
    assert "CSDH0100" in titles  # "Introduction": no other bundled section has that title
