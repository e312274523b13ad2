"""Relevance bench: judged queries, the app's search against a plain SQLite FTS5 baseline.

    python bench/relevance_bench.py [--json] [--verbose] [--eim PATH] [--limit 10]

The queries (bench/relevance_queries.yaml) are typed the way staff type them: questions,
phrases, typos, hyphens, abbreviations, numbers, titles, accents, possessives. Each lists the
sections a caseworker would accept, judged from the content. They run over two libraries: the
bundled one (content/) and the GOV.UK Employment Income Manual part, imported into a temporary
folder with the app's importer. Per engine: top1, top3, mrr (first acceptable hit within
--limit) and zero (queries with no result at all). "titles": every section of the EIM part
whose title is unique there, searched by its title as typed, and how often it comes first.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from manualviewer.core.content.library import Library
from manualviewer.core.content.loader import load_library

REPO = Path(__file__).resolve().parent.parent
QUERIES_FILE = Path(__file__).resolve().parent / "relevance_queries.yaml"
BUNDLED = REPO / "content"
DEFAULT_EIM = REPO.parent / "shared" / "govuk" / "eim-2014-part"
LIBRARIES = ("bundled", "eim")
KINDS = ("question", "phrase", "typo", "hyphen", "abbreviation", "title", "number", "accent", "possessive")

# A search: query and limit in, section IDs out, best first.
Search = Callable[[str, int], list[str]]

# A standard English stop-word list (the classic SMART/NLTK core). The baseline drops these so
# that a question ("can I ...", "is a ...") does not rank on its grammar words.
STOP_WORDS = frozenset("""
a about above after again against all am an and any are aren't as at be because been before being below
between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each
few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers
herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more
most mustn't my myself no nor not of off on once only or other ought our ours ourselves out over own same
shan't she she'd she'll she's should shouldn't so some such than that that's the their theirs them
themselves then there there's these they they'd they'll they're they've this those through to too under
until up very was wasn't we we'd we'll we're we've were weren't what what's when when's where where's which
while who who's whom why why's will with won't would wouldn't you you'd you'll you're you've your yours
yourself yourselves s t d ll m re ve
""".split())


# --- queries ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Query:
    library: str
    kind: str
    text: str
    relevant: tuple[str, ...]


def load_queries(path: Path = QUERIES_FILE) -> list[Query]:
    """The judged queries; a malformed entry stops the bench rather than skewing its figures."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: list[Query] = []
    for n, item in enumerate(data["queries"], 1):
        library, kind, text, relevant = item["library"], item["kind"], item["query"], item["relevant"]
        if library not in LIBRARIES or kind not in KINDS or not str(text).strip() or not relevant:
            raise ValueError(f"{path}: query {n} ({text!r}) is malformed: {item}")
        out.append(Query(library, kind, str(text), tuple(str(i) for i in relevant)))
    return out


def check_judgements(queries: Iterable[Query], ids_by_library: dict[str, set[str]]) -> None:
    """Every judged ID must exist in its library: an ID that does not is a typo in the
    judgements, and would silently turn a hit into a miss."""
    missing = [f"{q.library}: {q.text!r} -> {i}" for q in queries if q.library in ids_by_library
               for i in q.relevant if i not in ids_by_library[q.library]]
    if missing:
        raise SystemExit("relevance bench: judged sections not in the library:\n  " + "\n  ".join(missing))


# --- metrics ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Metrics:
    queries: int
    top1: float
    top3: float
    mrr: float
    zero: int

    def as_json(self, engine: str) -> dict[str, Any]:
        return {"engine": engine, "queries": self.queries, "top1": round(self.top1, 4),
                "top3": round(self.top3, 4), "mrr": round(self.mrr, 4), "zero": self.zero}


def first_relevant_rank(hits: Sequence[str], relevant: Iterable[str], limit: int = 10) -> int | None:
    """1-based rank of the first acceptable hit within `limit`, or None."""
    wanted = set(relevant)
    for rank, hit in enumerate(hits[:limit], 1):
        if hit in wanted:
            return rank
    return None


def compute_metrics(results: Sequence[tuple[Sequence[str], Iterable[str]]], limit: int = 10) -> Metrics:
    """`results`: (hits best first, acceptable IDs) per query."""
    n = len(results)
    ranks = [first_relevant_rank(hits, relevant, limit) for hits, relevant in results]
    zero = sum(1 for hits, _ in results if not hits)
    if n == 0:
        return Metrics(0, 0.0, 0.0, 0.0, 0)
    return Metrics(
        queries=n,
        top1=sum(1 for r in ranks if r == 1) / n,
        top3=sum(1 for r in ranks if r is not None and r <= 3) / n,
        mrr=sum(1 / r for r in ranks if r is not None) / n,
        zero=zero,
    )


# --- libraries --------------------------------------------------------------------------------
def load_bundled() -> Library:
    return load_library([BUNDLED])


def import_eim(source: Path, out_dir: Path) -> Library:
    """The EIM part as the app would see it after `manualviewer import-govuk SRC --out DIR`."""
    from manualviewer.core.content.govuk import import_govuk

    report = import_govuk([source], out_dir)
    if not report.wrote_anything:
        raise SystemExit(f"relevance bench: nothing imported from {source}")
    return load_library([out_dir])


def section_ids(library: Library) -> set[str]:
    return set(library.sections)


# --- engines ----------------------------------------------------------------------------------
def open_manualviewer(library: Library, folder: Path) -> Search:
    """The app's own search. The only place this bench touches the app's engine: its API is
    being changed, so a new one means editing this function alone."""
    from manualviewer.core.search.library_index import ensure_library
    from manualviewer.core.search.whoosh_index import WhooshIndex

    index = WhooshIndex(folder)
    ensure_library(index, library)

    def search(query: str, limit: int) -> list[str]:
        result = index.search(query, limit=limit)
        # Checklist hits name the section offering them: only section hits are judged.
        return unique(h.id for h in result.hits if getattr(h, "kind", "section") != "checklist")

    return search


def fts5_match(query: str) -> str | None:
    """An FTS5 MATCH expression: OR of the query's non-stop words, each quoted as an FTS5
    string, so that no input (quotes, AND, NEAR(, *, -) is an FTS5 syntax error. None when
    nothing is left to search for."""
    words = re.findall(r"[^\W_]+(?:'[^\W_]+)*", query.lower().replace("’", "'"))
    kept = unique(w for w in words if w not in STOP_WORDS)
    # What remains of a possessive after the stop-word test ("employer's") is searched without it.
    terms = unique(t for w in kept for t in w.split("'") if t and t not in STOP_WORDS)
    if not terms:
        return None
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)


class Fts5Baseline:
    """Plain SQLite FTS5: porter stemming on unicode61 (which folds accents), bm25 with the
    title weighted 10:1, the Markdown body as is. The yardstick any ranker should beat."""

    def __init__(self, library: Library) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE fts USING fts5(id UNINDEXED, title, body, tokenize='porter unicode61')")
        with self.db:
            self.db.executemany("INSERT INTO fts(id, title, body) VALUES (?, ?, ?)",
                                ((s.id, s.title, library.body_of(s)) for s in library.sections.values()))

    def search(self, query: str, limit: int) -> list[str]:
        match = fts5_match(query)
        if match is None:
            return []
        rows = self.db.execute("SELECT id FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, 0, 10.0, 1.0) LIMIT ?",
                               (match, limit)).fetchall()
        return [r[0] for r in rows]


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# --- titles -----------------------------------------------------------------------------------
def unique_titles(library: Library) -> list[tuple[str, str]]:
    """(section ID, title) for every section whose title no other section shares (case and
    runs of whitespace ignored): only then is "this section first" the right answer."""
    seen: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    for s in library.sections.values():
        key = " ".join(s.title.split()).casefold()
        if key:
            seen.setdefault(key, []).append(s.id)
            titles[s.id] = s.title
    return sorted((ids[0], titles[ids[0]]) for ids in seen.values() if len(ids) == 1)


def title_first(search: Search, titles: Sequence[tuple[str, str]], limit: int) -> float:
    if not titles:
        return 0.0
    return sum(1 for sid, title in titles if search(title, limit)[:1] == [sid]) / len(titles)


# --- running ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    query: Query
    hits: tuple[str, ...]


def run_queries(search: Search, queries: Sequence[Query], limit: int) -> list[Outcome]:
    return [Outcome(q, tuple(search(q.text, limit))) for q in queries]


def metrics_of(outcomes: Sequence[Outcome], limit: int) -> Metrics:
    return compute_metrics([(o.hits, o.query.relevant) for o in outcomes], limit)


def breakdown(outcomes: Sequence[Outcome], limit: int, key: Callable[[Query], str]) -> dict[str, Metrics]:
    groups: dict[str, list[Outcome]] = {}
    for o in outcomes:
        groups.setdefault(key(o.query), []).append(o)
    return {k: metrics_of(v, limit) for k, v in sorted(groups.items())}


def row(label: str, m: Metrics) -> str:
    return f"  {label:<22} {m.queries:>4} {m.top1:>6.2f} {m.top3:>6.2f} {m.mrr:>6.3f} {m.zero:>5}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON object only")
    parser.add_argument("--verbose", action="store_true", help="also every query's top hits per engine")
    parser.add_argument("--eim", type=Path, default=DEFAULT_EIM, metavar="PATH",
                        help="GOV.UK EIM JSON to import (default: %(default)s)")
    parser.add_argument("--limit", type=int, default=10, help="hits per query that count (default 10)")
    parser.add_argument("--queries", type=Path, default=QUERIES_FILE, help=argparse.SUPPRESS)
    ns = parser.parse_args(argv)
    limit = max(1, ns.limit)

    def log(line: str = "") -> None:
        print(line, file=sys.stderr if ns.json else sys.stdout, flush=True)

    queries = load_queries(ns.queries)
    engines = ("manualviewer", "fts5")
    outcomes: dict[str, list[Outcome]] = {e: [] for e in engines}
    title_scores: dict[str, tuple[int, float]] = {}
    with tempfile.TemporaryDirectory(prefix="relevance-bench-") as tmp:
        folder = Path(tmp)
        libraries: dict[str, Library] = {"bundled": load_bundled()}
        if ns.eim.exists():
            started = time.perf_counter()
            libraries["eim"] = import_eim(ns.eim, folder / "eim-content")
            log(f"imported {len(libraries['eim'].sections)} EIM sections from {ns.eim} "
                f"in {time.perf_counter() - started:.1f} s")
        else:
            log(f"no EIM at {ns.eim}: bundled library only, no titles figure")
        check_judgements(queries, {name: section_ids(lib) for name, lib in libraries.items()})

        for name, library in libraries.items():
            searches: dict[str, Search] = {
                "manualviewer": open_manualviewer(library, folder / f"index-{name}"),
                "fts5": Fts5Baseline(library).search,
            }
            mine = [q for q in queries if q.library == name]
            for engine, search in searches.items():
                outcomes[engine] += run_queries(search, mine, limit)
            if name == "eim":
                titles = unique_titles(library)
                for engine, search in searches.items():
                    started = time.perf_counter()
                    title_scores[engine] = (len(titles), title_first(search, titles, limit))
                    log(f"titles ({engine}): {len(titles)} searched in {time.perf_counter() - started:.1f} s")

    overall = {e: metrics_of(outcomes[e], limit) for e in engines}
    sections, first = title_scores.get("manualviewer", (0, 0.0))
    if ns.json:
        print(json.dumps({"runs": [overall[e].as_json(e) for e in engines],
                          "titles": {"sections": sections, "first": round(first, 4)}}))
        return 0

    print(f"\n{len(outcomes['fts5'])} judged queries, hits counted to {limit}")
    header = f"  {'':<22} {'n':>4} {'top1':>6} {'top3':>6} {'mrr':>6} {'zero':>5}"
    for engine in engines:
        print(f"\n{engine}")
        print(header)
        print(row("all", overall[engine]))
        for lib, m in breakdown(outcomes[engine], limit, lambda q: q.library).items():
            print(row(f"library {lib}", m))
        for kind, m in breakdown(outcomes[engine], limit, lambda q: q.kind).items():
            print(row(f"kind {kind}", m))
        if engine in title_scores:
            n, f = title_scores[engine]
            print(f"  titles: {n} unique EIM titles, first {f:.2f}")
    for engine in engines:
        missed = [o for o in outcomes[engine]
                  if first_relevant_rank(o.hits, o.query.relevant, 3) is None]
        print(f"\n{engine}: {len(missed)} missed at top 3")
        for o in missed:
            got = " ".join(o.hits[:3]) or "(nothing)"
            print(f"  [{o.query.library}/{o.query.kind}] {o.query.text!r}: want {' '.join(o.query.relevant)}; "
                  f"got {got}")
    if ns.verbose:
        for engine in engines:
            print(f"\n{engine}: every query")
            for o in outcomes[engine]:
                rank = first_relevant_rank(o.hits, o.query.relevant, limit)
                print(f"  {rank or '-':>2} [{o.query.library}/{o.query.kind}] {o.query.text!r}: "
                      f"{' '.join(o.hits[:5]) or '(nothing)'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
