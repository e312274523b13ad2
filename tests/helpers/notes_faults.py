"""Real faults for the notes database: a real `python -m manualviewer` in a subprocess with its
own user folders, a second process holding the write lock, root-only tricks (tmpfs, dropped
capabilities) that the tests skip, with the reason, when they cannot be done here."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROCEDURE = "dmbm-customer-recording-call"
# A path through the checklist that writes a note and one escalation.
ANSWERS = {
    "call-details": {"customer_reference": "AB 123"},
    "media": "not-media",
    "late-disclosure": None,
    "concerns": "concerns",
    "tell-line-manager": "He said he would post it.",
}
SETTINGS = """\
officer_name = "Sam Officer"
line_manager_name = "Lee Manager"
line_manager_email = "lee@example.org"
"""
# Without the capabilities that let root ignore file modes, root meets read-only files as a
# user does.
DROP_OVERRIDE = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search,-fowner"]


def is_root() -> bool:
    return os.geteuid() == 0


def can_drop_override() -> bool:
    return is_root() and shutil.which("setpriv") is not None


@dataclass
class Cli:
    """`python -m manualviewer` with user folders under `home` and the database at `database`."""

    home: Path
    database: Path

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache"), ("XDG_CONFIG_HOME", "config"),
                         ("XDG_STATE_HOME", "state")):
            env[var] = str(self.home / sub)
        env["TMPDIR"] = str(self.home / "tmp")
        env.pop("MANUALVIEWER_CONTENT", None)
        return env

    def setup(self) -> Cli:
        (self.home / "tmp").mkdir(parents=True, exist_ok=True)
        config = self.home / "config" / "manualviewer"
        config.mkdir(parents=True, exist_ok=True)
        (config / "settings.toml").write_text(SETTINGS, encoding="utf-8")
        (self.home / "answers.json").write_text(json.dumps(ANSWERS), encoding="utf-8")
        return self

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "manualviewer", *args, "--database", str(self.database)]

    def run_args(self) -> list[str]:
        return self.argv("procedure", "run", PROCEDURE, "--answers", str(self.home / "answers.json"), "--json")

    def call(self, *args: str, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*prefix, *self.argv(*args)], env=self.env(), capture_output=True, text=True,
                              timeout=60, check=False)

    def procedure_run(self, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*prefix, *self.run_args()], env=self.env(), capture_output=True, text=True,
                              timeout=60, check=False)

    def notes(self, prefix: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        done = self.call("notes", "list", "--json", prefix=prefix)
        assert done.returncode == 0, done.stderr
        notes: list[dict[str, Any]] = json.loads(done.stdout)
        return notes

    def fallback_files(self) -> list[Path]:
        return sorted((self.home / "tmp").glob("manualviewer-recovery-*/*.recovery.jsonl"))


HOLD_LOCK = textwrap.dedent("""
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    print("locked", flush=True)
    sys.stdin.readline()
    conn.execute("ROLLBACK")
""")


@contextmanager
def another_program_holding(database: Path) -> Iterator[None]:
    """A second process that holds BEGIN EXCLUSIVE on `database` until the block ends."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(database)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=10)


# Room for a new database as every migration leaves it, its WAL and the checkpoint that folds the WAL
# in at close (at 300k, seven migrations' WAL no longer fitted beside the database: the first save
# itself could not be checkpointed); fill() then takes the rest.
@contextmanager
def small_tmpfs(where: Path, size: str = "512k") -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(folder: Path) -> Path:
    """Write a file in `folder` until the disk is full; return it (delete it to free the space)."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                continue
    finally:
        os.close(fd)
    return filler
