"""kill -9 of a real `manualviewer procedure run` at many points of its run: no note is lost.

A note counts as saved once the command has reported it saved (exit 0 with a note id, or exit 3
with the recovery file), or once its save is in the recovery file (the command died after keeping
it). Each seed runs a series of `procedure run`s, each with its own customer reference, some with
the database free and some with another program holding its write lock (so the save goes to the
recovery file), and kills most of them with SIGKILL at an event chosen by the seed: anywhere in the
run, or inside the save transaction as the calibration run measured it. After every round the
database holds no note twice; after every unkilled run with the database free, every save kept
in a recovery file has been imported, exactly once, and the file is gone. At the end every saved
note is in the database exactly once with its escalation, quick_check says ok and `notes verify`
passes.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from tests.helpers.kill_points import Outcome, run_killed_at
from tests.helpers.notes_faults import ANSWERS, Cli, another_program_holding

SEEDS = (13, 131, 1313)
ROUNDS = 13  # per seed: 3 calibration/fresh rounds, then 10 chosen by the seed


def db_refs(database: Path) -> Counter[str]:
    if not database.is_file():
        return Counter()
    conn = sqlite3.connect(database)
    try:
        return Counter(str(r[0]) for r in conn.execute("SELECT customer_reference FROM notes"))
    finally:
        conn.close()


def kept_refs(cli: Cli) -> set[str]:
    """The customer references of the saves in the recovery files (beside the database, fallback)."""
    refs = set()
    for path in [cli.database.with_name(cli.database.name + ".recovery.jsonl"), *cli.fallback_files()]:
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                refs.add(json.loads(line)["note"]["customer_reference"])
    return refs


@contextmanager
def database_state(cli: Cli, mode: str) -> Iterator[None]:
    with another_program_holding(cli.database) if mode == "locked" else nullcontext():
        yield


class Series:
    """One seed's rounds against one user's folders, and what they showed."""

    def __init__(self, cli: Cli, seed: int) -> None:
        self.cli, self.rng = cli, random.Random(seed)
        self.saved: set[str] = set()  # reported saved, or found in a recovery file
        self.waiting: set[str] = set()  # in a recovery file, not yet imported
        self.phases: Counter[str] = Counter()
        self.kills = 0
        self.round = 0
        self.seed = seed

    def run(self, mode: str, kill_at: int) -> Outcome:
        ref = f"K{self.seed}-{self.round:02d}"
        self.round += 1
        answers = self.cli.home / f"answers-{ref}.json"
        answers.write_text(json.dumps({**ANSWERS, "call-details": {"customer_reference": ref}}), encoding="utf-8")
        argv = self.cli.run_args()[3:]  # without `python -m manualviewer`
        argv[argv.index("--answers") + 1] = str(answers)
        with database_state(self.cli, mode):
            done = run_killed_at(argv, self.cli.env(), kill_at, self.cli.home / "events")
        refs = db_refs(self.cli.database)
        assert max(refs.values(), default=1) == 1, f"a note saved twice: {refs}"
        if done.killed:
            self.kills += 1
            self.phases[done.phase()] += 1
            kept = kept_refs(self.cli)
            self.saved |= kept  # its save reached the recovery file before the kill
            self.waiting |= kept
        else:
            result = json.loads(done.stdout)
            assert done.returncode in (0, 3), done.stderr
            assert result["note"].count(ref) >= 1
            self.saved.add(ref)
            if done.returncode == 0:
                assert ref in refs  # reported saved: it is in the database now
                assert not (self.waiting - set(refs)), "a kept save was not imported by the next open"
                assert kept_refs(self.cli) == set()
                self.waiting.clear()
            else:
                assert mode == "locked", done.stderr
                assert ref in kept_refs(self.cli)
                self.waiting.add(ref)
        return done


def run_series(cli: Cli, seed: int) -> Series:
    series = Series(cli, seed)
    series.run("free", series.rng.randint(1, 4000))  # a fresh database: killed while it is made
    free = series.run("free", 0)  # calibration: how many events a run has, where its save is
    locked = series.run("locked", 0)
    assert free.events > 0 and locked.events > 0 and free.transactions()
    begin, commit = free.transactions()[-1]  # the save's transaction
    for _ in range(ROUNDS - 3):
        mode = series.rng.choice(("free", "free", "locked"))
        if mode == "free" and series.rng.random() < 0.5:
            kill_at = series.rng.randint(begin, commit + 5)  # inside the database write
        else:
            kill_at = series.rng.randint(1, (free if mode == "free" else locked).events)
        series.run(mode, kill_at)
    return series


def test_sigkill_at_random_points_loses_no_note(tmp_path: Path) -> None:
    kills, phases, saved, stored = 0, Counter[str](), 0, 0
    for seed in SEEDS:
        cli = Cli(tmp_path / f"seed-{seed}" / "home", tmp_path / f"seed-{seed}" / "db" / "notes.sqlite3").setup()
        series = run_series(cli, seed)
        notes = cli.notes()  # the next open imports whatever is still kept
        refs = Counter(n["customer_reference"] for n in notes)
        lost = series.saved - set(refs)
        assert not lost, f"seed {seed}: notes lost: {sorted(lost)}"
        assert max(refs.values()) == 1, f"seed {seed}: a note twice: {refs}"
        assert kept_refs(cli) == set()
        conn = sqlite3.connect(cli.database)
        try:
            assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
            outbox = conn.execute("SELECT count(*), count(DISTINCT message_id) FROM outbox").fetchone()
            saves = conn.execute("SELECT count(*) FROM note_saves").fetchone()[0]
        finally:
            conn.close()
        assert outbox == (len(notes), len(notes))  # each note with its one escalation, once
        assert saves == len(notes)
        verify = cli.call("notes", "verify")
        assert verify.returncode == 0, verify.stdout + verify.stderr
        kills, saved, stored = kills + series.kills, saved + len(series.saved), stored + len(notes)
        phases.update(series.phases)
    assert kills >= 25
    assert phases["inside a write transaction"] >= 5
    assert phases["writing the recovery file"] >= 1
    print(f"\n{kills} kills over {len(SEEDS)} seeds; {saved} notes saved (reported or kept), 0 lost, "
          f"{stored} in the databases (some committed just before a kill); killed: {dict(phases)}")
