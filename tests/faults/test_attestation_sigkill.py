"""kill -9 of a real child confirming a must-read section at many points of its run: a
confirmation is recorded completely or not at all, never twice, and none is lost.

The child (`CONFIRM`) does what the window's "I have read and understood" does: it loads the
content, opens the user's database as the app does (`open_stores`, which first records what a
recovery file keeps) and calls `services.must_read.confirm` for one section, then reports on
stdout. It runs through tests/helpers/kill_points.py, which SIGKILLs it at an exact event count:
while a fresh database is made (the migrations), while it opens, inside the confirmation's
transaction and its COMMIT, after the report, and, with another program holding the database's
write lock, while the refused confirmation is written to the recovery file.

A confirmation counts as made once the child reported it (recorded, or kept in the recovery
file) or once it is in the recovery file (the child died after keeping it). After every round
the database, read as it was left, holds each section's confirmation at most once, each with
the section's content hash, title, officer and a time within the series, and the hash chain is
intact; and a copy of the user's files, opened by a real `manualviewer attestations list --json`
and `attestations verify` (the next open), shows every confirmation made so far exactly once
with verify clean. An unkilled run with the database free leaves no recovery file behind.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import sqlite3
import textwrap
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from manualviewer.core.content.library import Library
from manualviewer.core.content.loader import load_library
from manualviewer.storage.attestations import verify_chain
from manualviewer.storage.clock import from_db
from tests.helpers.kill_points import Outcome, run_code_killed_at
from tests.helpers.notes_faults import Cli, another_program_holding

SEEDS = (17, 1717)
ROUNDS = 10  # per seed: a fresh database killed while it is made, 2 calibration runs, 7 chosen by the seed
OFFICER = "Sam Officer"  # tests/helpers/notes_faults.SETTINGS

CONFIRM = textwrap.dedent("""
    import json, os, sys
    from pathlib import Path
    from manualviewer.core.content.loader import load_library
    from manualviewer.services.must_read import confirm
    from manualviewer.storage.attestations import AttestationKept
    from manualviewer.storage.stores import open_stores
    content, database, section_id, officer = sys.argv[1:5]
    library = load_library([Path(content)])
    stores = open_stores(Path(database))
    try:
        done = confirm(library, stores.attestations, section_id, officer)
    except AttestationKept as exc:
        os.write(1, (json.dumps({"kept": str(exc.kept)}) + "\\n").encode())
        stores.close()
        sys.exit(3)
    os.write(1, (json.dumps({"recorded": done.section_id, "content_hash": done.content_hash,
                             "confirmed_at": done.confirmed_at.isoformat()}) + "\\n").encode())
    stores.close()
""")


def must_read_content(root: Path, sections: int) -> Path:
    (root / "test").mkdir(parents=True)
    (root / "test" / "manual.md").write_text("---\ncode: TEST\ntitle: T\norganisation: O\n---\n", encoding="utf-8")
    for n in range(sections):
        (root / "test" / f"TEST{100 + n}.md").write_text(
            f"---\nsection_id: TEST{100 + n}\ntitle: Rule {n}\nmust_read_by: 2026-12-31\n---\nThe rule number {n}.\n",
            encoding="utf-8")
    return root


def kept_in_files(cli: Cli) -> set[str]:
    """The sections whose confirmation a recovery file keeps (beside the database, or the fallback)."""
    found = set()
    for path in [cli.database.with_name(cli.database.name + ".recovery.jsonl"), *cli.fallback_files()]:
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                item = json.loads(line)
                if item.get("kind") == "confirmation":
                    found.add(str(item["section_id"]))
    return found


def recorded_rows(database: Path) -> tuple[list[dict[str, Any]], bool]:
    """The confirmations as the database holds them now (nothing imported), and whether the chain is intact."""
    if not database.is_file():
        return [], True
    conn = sqlite3.connect(database)
    conn.row_factory = sqlite3.Row
    try:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'attestations'").fetchone() is None:
            return [], True  # killed before the migration that makes the table committed
        rows = [dict(r) for r in conn.execute("SELECT * FROM attestations ORDER BY id")]
        report = verify_chain(conn)
        return rows, report.ok and report.checked == len(rows)
    finally:
        conn.close()


@contextmanager
def database_state(cli: Cli, mode: str) -> Iterator[None]:
    with another_program_holding(cli.database) if mode == "locked" else nullcontext():
        yield


class Series:
    """One seed's rounds against one user's folders, and what they showed."""

    def __init__(self, cli: Cli, content: Path, library: Library, seed: int) -> None:
        self.cli, self.content, self.library = cli, content, library
        self.rng = random.Random(seed)
        self.started = dt.datetime.now(dt.UTC)
        self.made: set[str] = set()  # reported recorded or kept, or found in a recovery file
        self.reported: dict[str, str] = {}  # reported recorded: section -> confirmed_at
        self.waiting: set[str] = set()  # in a recovery file, not yet recorded
        self.phases: Counter[str] = Counter()
        self.kills = 0
        self.killed_after_report = 0
        self.round = 0

    def run(self, mode: str, kill_at: int) -> Outcome:
        section = f"TEST{100 + len(self.library.sections) - 1 - self.round}"  # a new section each round
        self.round += 1
        argv = [str(self.content), str(self.cli.database), section, OFFICER]
        with database_state(self.cli, mode):
            done = run_code_killed_at(CONFIRM, argv, self.cli.env(), kill_at, self.cli.home / "events")
        report = json.loads(done.stdout) if done.stdout.strip() else {}
        if done.killed:
            self.kills += 1
            self.phases[done.phase()] += 1
            self.killed_after_report += bool(report)
        else:
            assert done.returncode in (0, 3), done.stderr
            assert done.returncode == 0 or mode == "locked", done.stderr
        if "recorded" in report:
            self.reported[section] = report["confirmed_at"]
            self.made.add(section)
        kept = kept_in_files(self.cli)
        if "kept" in report:
            assert section in kept, f"reported kept, not in the recovery file: {done.stdout}"
        self.made |= kept
        self.waiting |= kept
        self.check(section, done, mode)
        return done

    def check(self, section: str, done: Outcome, mode: str) -> None:
        rows, chain_ok = recorded_rows(self.cli.database)
        assert chain_ok, f"round {self.round}: the confirmations' hash chain is broken"
        ids = Counter(r["section_id"] for r in rows)
        assert max(ids.values(), default=1) == 1, f"round {self.round}: a confirmation recorded twice: {ids}"
        for row in rows:  # each one complete: this section's version, title, officer and a real time
            s = self.library.sections[row["section_id"]]
            assert (row["title"], row["content_hash"], row["officer"]) == (s.title, s.content_hash, OFFICER)
            assert self.started <= from_db(row["confirmed_at"]) <= dt.datetime.now(dt.UTC)
        for sid, at in self.reported.items():  # reported recorded: in the database, as reported
            assert sid in ids, f"round {self.round}: {sid} was reported confirmed and is not recorded"
            assert from_db(next(r["confirmed_at"] for r in rows if r["section_id"] == sid)).isoformat() == at
        assert section in ids or section not in self.reported
        if not done.killed and mode == "free":  # this open recorded everything kept, and kept nothing
            assert self.waiting <= set(ids), f"kept confirmations not recorded by the open: {self.waiting - set(ids)}"
            assert kept_in_files(self.cli) == set()
            self.waiting.clear()
        if done.killed:
            self.next_open()

    def next_open(self) -> None:
        """A copy of the user's files as the kill left them, opened by a real `manualviewer
        attestations verify` (it records what a recovery file keeps, then checks the chain):
        verify is clean and every confirmation made is there exactly once."""
        copy = Cli(self.cli.home.parent / f"next-open-{self.round}", self.cli.home.parent / f"next-open-{self.round}"
                   / "db" / self.cli.database.name).setup()
        copy.database.parent.mkdir(parents=True)
        for path in self.cli.database.parent.iterdir():
            if path.name.startswith(self.cli.database.name) and not path.name.endswith("-shm"):
                shutil.copy2(path, copy.database.parent / path.name)
        verify = copy.call("attestations", "verify")
        assert verify.returncode == 0, verify.stdout + verify.stderr
        rows, chain_ok = recorded_rows(copy.database)
        ids = Counter(r["section_id"] for r in rows)
        assert chain_ok and max(ids.values(), default=1) == 1, f"round {self.round}: twice at the next open: {ids}"
        assert not self.made - set(ids), f"round {self.round}: confirmations lost: {sorted(self.made - set(ids))}"
        assert verify.stdout.startswith(f"All {len(rows)} confirmations are as they were recorded."), verify.stdout
        shutil.rmtree(copy.home)


def run_series(cli: Cli, content: Path, library: Library, seed: int, fresh_events: int) -> Series:
    series = Series(cli, content, library, seed)
    series.run("free", series.rng.randint(1, fresh_events))  # a fresh database: killed while it is made
    free = series.run("free", 0)  # calibration: how many events a run has, where its confirmation is
    locked = series.run("locked", 0)
    assert free.events > 0 and locked.events > 0 and free.transactions()
    assert "KEEP" in [what for _, what in locked.marks()], locked.stderr
    begin, commit = free.transactions()[-1]  # the confirmation's transaction
    keep_at = next(n for n, what in locked.marks() if what == "KEEP")
    for _ in range(ROUNDS - 3):
        mode = series.rng.choice(("free", "free", "free", "locked"))
        where = series.rng.random()
        if mode == "locked":
            kill_at = series.rng.randint(keep_at - 50, locked.events) if where < 0.6 else series.rng.randint(1, keep_at)
        elif where < 0.4:
            kill_at = series.rng.randint(begin, commit + 5)  # inside the confirmation's transaction and COMMIT
        elif where < 0.6:
            kill_at = series.rng.randint(commit, free.events)  # after the commit: the report, the close
        else:
            kill_at = series.rng.randint(1, begin)  # the open, the import of kept confirmations, the checks
        series.run(mode, kill_at)
    return series


def test_sigkill_at_any_point_of_a_confirmation_records_it_once_or_not_at_all(tmp_path: Path) -> None:
    content = must_read_content(tmp_path / "content", sections=ROUNDS + 1)
    library = load_library([content])
    calibrate = Cli(tmp_path / "fresh" / "home", tmp_path / "fresh" / "db" / "notes.sqlite3").setup()
    fresh = run_code_killed_at(CONFIRM, [str(content), str(calibrate.database), "TEST100", OFFICER],
                               calibrate.env(), 0, calibrate.home / "events")
    assert fresh.returncode == 0 and fresh.events > 0, fresh.stderr
    kills, phases, made, after_report = 0, Counter[str](), 0, 0
    for seed in SEEDS:
        cli = Cli(tmp_path / f"seed-{seed}" / "home", tmp_path / f"seed-{seed}" / "db" / "notes.sqlite3").setup()
        series = run_series(cli, content, library, seed, fresh.events)
        listing = cli.call("attestations", "list", "--json")  # the next open records what is still kept
        assert listing.returncode == 0, listing.stderr
        ids = Counter(r["section_id"] for r in json.loads(listing.stdout))
        assert not series.made - set(ids) and max(ids.values()) == 1, ids
        assert kept_in_files(cli) == set()
        conn = sqlite3.connect(cli.database)
        try:
            assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        finally:
            conn.close()
        verify = cli.call("attestations", "verify")
        assert verify.returncode == 0, verify.stdout + verify.stderr
        kills, made = kills + series.kills, made + len(series.made)
        after_report += series.killed_after_report
        phases.update(series.phases)
    assert kills >= 10
    assert phases["inside a write transaction"] + phases["committing, or after the commit"] >= 4
    assert phases["writing the recovery file"] >= 1
    print(f"\n{kills} kills over {len(SEEDS)} seeds; {made} confirmations made (reported or kept), 0 lost, "
          f"{after_report} killed after reporting; killed: {dict(phases)}")
