"""Search bench: the Whoosh index against SQLite FTS5 on the same synthetic sections and queries.

    python bench/search_bench.py [--sizes 1000,10000] [--large] [--queries 240] [--json]

For each size: full build, incremental update after one section changed, open, and search
latency (p50/p95, with snippets) over a mix of words, phrases, IDs (as typed: lower case, with
spaces) and typos. FTS5 has no typo tolerance: its typo queries simply find nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import DOMAIN, generate_sections

from manualviewer.core.model import Section, normalise_id
from manualviewer.core.search.protocol import section_hash
from manualviewer.core.search.text import plain_text
from manualviewer.core.search.whoosh_index import WhooshIndex

STOP = {"the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "as", "with", "be", "on",
        "not", "by", "this", "are", "or", "from", "at", "an", "may", "can", "will", "if", "when"}

QUESTION_STARTS = ("how do I", "what should I do about", "can I", "why is there", "when do we")


# --- queries ----------------------------------------------------------------------------------
def make_queries(sections: Sequence[Section], n: int, seed: int = 7) -> list[tuple[str, str]]:
    """(kind, query): a third words, a sixth each phrases, IDs, typos and questions (as staff type
    them: filler words around two title words and two body words, so every one is best-match)."""
    rng = random.Random(seed)
    long_words = [w for w in DOMAIN if len(w) >= 6]
    out: list[tuple[str, str]] = []
    for i in range(n):
        section = rng.choice(sections)
        kind = ("words", "words", "phrase", "id", "typo", "question")[i % 6]
        if kind == "words":
            words = [w for w in section.title.lower().split() if w not in STOP]
            out.append((kind, " ".join(rng.sample(words, min(len(words), rng.randint(1, 2))))))
        elif kind == "phrase":
            tokens = re.findall(r"[a-z]+", section.body.lower())
            for _ in range(50):
                j = rng.randrange(len(tokens) - 1)
                if tokens[j] not in STOP and tokens[j + 1] not in STOP:
                    break
            out.append((kind, f'"{tokens[j]} {tokens[j + 1]}"'))
        elif kind == "question":
            title = [w for w in section.title.lower().split() if w not in STOP]
            body = [w for w in re.findall(r"[a-z]+", section.body.lower()) if w not in STOP]
            picked = rng.sample(title, min(2, len(title))) + rng.sample(body, min(2, len(body)))
            out.append((kind, rng.choice(QUESTION_STARTS) + " " + " ".join(picked)))
        elif kind == "id":
            sid = section.id
            typed = sid.lower() if rng.random() < 0.5 else sid
            if rng.random() < 0.5:
                m = re.match(r"([A-Za-z]+)(\d+)", typed)
                typed = f"{m.group(1)} {m.group(2)}" if m else typed
            out.append((kind, typed))
        else:
            word = rng.choice(long_words)
            j = rng.randrange(1, len(word) - 2)
            op = rng.randrange(3)
            if op == 0:
                typo = word[:j] + word[j + 1] + word[j] + word[j + 2:]  # swapped letters
            elif op == 1:
                typo = word[:j] + word[j + 1:]  # a letter missing
            else:
                typo = word[:j] + rng.choice("aeiou") + word[j:]  # a letter too many
            out.append((kind, typo))
    return out


def changed(section: Section) -> Section:
    body = section.body + "\nThis paragraph was added by the bench.\n"
    return dataclasses.replace(section, body=body, content_hash="")


# --- engines ----------------------------------------------------------------------------------
class WhooshEngine:
    name = "whoosh"

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "whoosh"
        self.index = WhooshIndex(self.folder)

    def build(self, sections: Sequence[Section]) -> None:
        self.index.build(sections)

    def update(self, sections: Sequence[Section]) -> None:
        stats = self.index.update(sections)
        assert stats.updated == 1, stats

    def reopen(self) -> None:
        self.index.close()
        self.index = WhooshIndex(self.folder)
        assert self.index.open()

    def search(self, query: str) -> int:
        return len(self.index.search(query, limit=20).hits)

    def close(self) -> None:
        self.index.close()


class Fts5Engine:
    """What the same job takes in SQLite FTS5: porter stemming, bm25 with the title weighted
    4:1, snippet(), an exact lookup for IDs, a manifest of hashes for the incremental update."""

    name = "fts5"

    def __init__(self, folder: Path) -> None:
        self.path = folder / "fts5.sqlite3"
        self.db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def build(self, sections: Sequence[Section]) -> None:
        self.path.unlink(missing_ok=True)
        db = self.db = self._connect()
        db.executescript("""
            CREATE TABLE sections(rowid INTEGER PRIMARY KEY, id_norm TEXT UNIQUE, id TEXT, title TEXT,
                                  manual TEXT, hash TEXT);
            CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='porter unicode61');
        """)
        with db:
            for s in sections:
                self._insert(db, s)

    @staticmethod
    def _insert(db: sqlite3.Connection, s: Section) -> None:
        cur = db.execute("INSERT INTO sections(id_norm, id, title, manual, hash) VALUES (?,?,?,?,?)",
                         (normalise_id(s.id), s.id, s.title, s.manual, section_hash(s)))
        db.execute("INSERT INTO fts(rowid, title, body) VALUES (?,?,?)",
                   (cur.lastrowid, s.title, plain_text(s.body)))

    def update(self, sections: Sequence[Section]) -> None:
        db = self.db
        assert db is not None
        existing = dict(db.execute("SELECT id_norm, hash FROM sections"))
        wanted = {normalise_id(s.id): s for s in sections}
        todo = [s for k, s in wanted.items() if existing.get(k) != section_hash(s)]
        gone = [k for k in existing if k not in wanted]
        with db:
            for k in gone + [normalise_id(s.id) for s in todo]:
                row = db.execute("SELECT rowid FROM sections WHERE id_norm=?", (k,)).fetchone()
                if row:
                    db.execute("DELETE FROM fts WHERE rowid=?", row)
                    db.execute("DELETE FROM sections WHERE rowid=?", row)
            for s in todo:
                self._insert(db, s)
        assert len(todo) == 1

    def reopen(self) -> None:
        if self.db is not None:
            self.db.close()
        self.db = self._connect()
        self.db.execute("SELECT count(*) FROM sections").fetchone()

    def search(self, query: str) -> int:
        db = self.db
        assert db is not None
        hits: list[tuple[object, ...]] = []
        key = normalise_id(query)
        if re.fullmatch(r"[A-Z]+\d+[A-Z]?", key):
            hits += db.execute("SELECT id, title, manual FROM sections WHERE id_norm=?", (key,)).fetchall()
        parts = [phrase or word for phrase, word in re.findall(r'"([^"]+)"|(\w+)', query)]
        match = " ".join(f'"{p}"' for p in parts)
        if match:
            hits += db.execute(
                """SELECT s.id, s.title, s.manual, bm25(fts, 4.0, 1.0) AS score,
                          snippet(fts, 1, '<b class="match">', '</b>', '…', 30)
                   FROM fts JOIN sections s ON s.rowid = fts.rowid
                   WHERE fts MATCH ? ORDER BY score LIMIT 20""", (match,)).fetchall()
        return len(hits)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


# --- measuring --------------------------------------------------------------------------------
def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run_engine(engine: WhooshEngine | Fts5Engine, sections: list[Section],
               queries: list[tuple[str, str]], log: Callable[[str], None]) -> dict[str, object]:
    build_s = timed(lambda: engine.build(sections))
    log(f"  {engine.name}: built in {build_s:.2f} s")
    one = len(sections) // 2
    edited = [*sections[:one], changed(sections[one]), *sections[one + 1:]]
    update_s = timed(lambda: engine.update(edited))
    open_s = timed(engine.reopen)
    for _, q in queries[:20]:  # warm caches, as a running app has them
        engine.search(q)
    gc.collect()
    times: dict[str, list[float]] = {}
    found = 0
    for kind, q in queries:
        started = time.perf_counter()
        found += engine.search(q) > 0
        times.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    every = [t for ts in times.values() for t in ts]
    by_kind = "  ".join(f"{k} p95 {percentile(v, 95):.1f}" for k, v in sorted(times.items()))
    log(f"  {engine.name}: update one {update_s:.3f} s, open {open_s * 1000:.1f} ms, "
        f"search p50 {statistics.median(every):.1f} ms p95 {percentile(every, 95):.1f} ms "
        f"({found}/{len(queries)} queries found something; {by_kind})")
    engine.close()
    return {
        "engine": engine.name, "sections": len(sections), "build_s": round(build_s, 3),
        "update_one_s": round(update_s, 4), "open_s": round(open_s, 4),
        "search_p50_ms": round(statistics.median(every), 2),
        "search_p95_ms": round(percentile(every, 95), 2),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated section counts")
    parser.add_argument("--large", action="store_true", help="also 50,000 sections")
    parser.add_argument("--queries", type=int, default=240)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print one JSON object only")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="build the indexes under DIR/<size>/ and leave them there")
    ns = parser.parse_args(argv)
    sizes = [int(s) for s in ns.sizes.split(",") if s.strip()]
    if ns.large and 50000 not in sizes:
        sizes.append(50000)

    def log(line: str) -> None:
        print(line, file=sys.stderr if ns.json else sys.stdout, flush=True)

    runs: list[dict[str, object]] = []
    for n in sizes:
        log(f"{n} sections")
        sections = generate_sections(n, ns.seed)
        queries = make_queries(sections, ns.queries)
        with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
            folder = Path(tmp)
            if ns.keep:
                folder = ns.keep / str(n)
                folder.mkdir(parents=True, exist_ok=True)
            pair = [run_engine(WhooshEngine(folder), sections, queries, log),
                    run_engine(Fts5Engine(folder), sections, queries, log)]
        runs += pair
        w, f = pair
        log("  whoosh / fts5: " + ", ".join(
            f"{k} x{float(w[k]) / max(float(f[k]), 1e-9):.1f}"  # type: ignore[arg-type]
            for k in ("build_s", "update_one_s", "open_s", "search_p50_ms", "search_p95_ms")))
    if ns.json:
        print(json.dumps({"runs": runs}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
