"""SIGKILL of a real `python -m manualviewer` at a chosen point of its run.

The child is the real program, started through a small wrapper (`KILL_WRAPPER`, run with
`python -c`), or a small child program of the test's (`run_code_killed_at`: Python code that
calls the services the window calls, where no CLI command does the same). The wrapper counts
*events* from the moment the program first connects to SQLite: every
Python and C function call (sys.setprofile) and every 50 SQLite virtual-machine steps (the
connection's progress handler), so the points fall inside the open, the quick_check, the
migrations, the save transaction, the writes and fsyncs of the recovery file, and the report.
At event number MV_KILL_AT the child sends itself SIGKILL: a real kill -9 at an exact,
repeatable point, with no sleeping or timing. MV_KILL_AT=0 runs to the end and writes the number
of events to MV_COUNT_FILE (a calibration run).

The wrapper also writes markers to stderr as they happen (unbuffered, one write each), so the test
can tell where a killed child died: "MV-AT <n> BEGIN|COMMIT|ROLLBACK" for each transaction
statement, "MV-AT <n> KEEP" when the recovery file is opened. It shortens the lock wait to 0.2 s
so a save under another program's lock reaches the recovery file quickly.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

KILL_WRAPPER = r"""
import atexit, os, runpy, signal, sqlite3, sys

KILL_AT = int(os.environ.get("MV_KILL_AT", "0"))
COUNT_FILE = os.environ.get("MV_COUNT_FILE", "")
count = 0


def tick(*_args):
    global count
    count += 1
    if count == KILL_AT:
        os.kill(os.getpid(), signal.SIGKILL)
    return 0  # the progress handler: go on


def mark(what):
    os.write(2, f"MV-AT {count} {what}\n".encode())


def trace(sql):
    word = sql.strip().split(" ", 1)[0].upper()
    if word in ("BEGIN", "COMMIT", "ROLLBACK"):
        mark(word)


def audit(event, args):
    if event == "open" and args and str(args[0]).endswith(".recovery.jsonl"):
        mark("KEEP")


real_connect = sqlite3.connect


def connect(*args, **kwargs):
    conn = real_connect(*args, **kwargs)
    conn.set_progress_handler(tick, 50)
    conn.set_trace_callback(trace)
    sys.setprofile(tick)
    return conn


def done():
    sys.setprofile(None)
    if COUNT_FILE:
        with open(COUNT_FILE, "w") as f:
            f.write(str(count))


sqlite3.connect = connect
sys.addaudithook(audit)
atexit.register(done)
import manualviewer.storage.database as database
database.LOCK_WAIT_SECONDS = 0.2
CODE = os.environ.get("MV_CHILD_CODE")
if CODE:
    sys.argv = ["-c", *sys.argv[1:]]
    exec(compile(CODE, "<child>", "exec"), {"__name__": "__main__"})
else:
    sys.argv = ["manualviewer", *sys.argv[1:]]
    runpy.run_module("manualviewer", run_name="__main__", alter_sys=True)
"""

_MARK = re.compile(r"^MV-AT (\d+) (BEGIN|COMMIT|ROLLBACK|KEEP)$", re.MULTILINE)


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stdout: str
    stderr: str
    events: int  # how many events the child counted (calibration runs only; 0 when killed)

    @property
    def killed(self) -> bool:
        return self.returncode == -9

    def marks(self) -> list[tuple[int, str]]:
        return [(int(n), what) for n, what in _MARK.findall(self.stderr)]

    def phase(self) -> str:
        """Where a killed child died, from the last marker it wrote."""
        marks = self.marks()
        last = marks[-1][1] if marks else ""
        return {"": "opening the database", "BEGIN": "inside a write transaction",
                "COMMIT": "committing, or after the commit", "ROLLBACK": "after a failed write",
                "KEEP": "writing the recovery file"}[last]

    def transactions(self) -> list[tuple[int, int]]:
        """(BEGIN, COMMIT) event numbers of each committed transaction."""
        spans, begin = [], None
        for n, what in self.marks():
            if what == "BEGIN":
                begin = n
            elif what == "COMMIT" and begin is not None:
                spans.append((begin, n))
                begin = None
        return spans


def run_killed_at(argv: list[str], env: dict[str, str], kill_at: int, count_file: Path) -> Outcome:
    """Run `python -m manualviewer *argv` through the wrapper, killed at event `kill_at` (0: never)."""
    env = {k: v for k, v in env.items() if k != "MV_CHILD_CODE"}
    return _run(argv, env, kill_at, count_file)


def run_code_killed_at(code: str, argv: list[str], env: dict[str, str], kill_at: int, count_file: Path) -> Outcome:
    """Run the Python `code` (as `python -c code *argv`) through the wrapper, killed at event
    `kill_at` (0: never)."""
    return _run(argv, {**env, "MV_CHILD_CODE": code}, kill_at, count_file)


def _run(argv: list[str], env: dict[str, str], kill_at: int, count_file: Path) -> Outcome:
    count_file.unlink(missing_ok=True)
    done = subprocess.run([sys.executable, "-c", KILL_WRAPPER, *argv],
                          env={**env, "MV_KILL_AT": str(kill_at), "MV_COUNT_FILE": str(count_file)},
                          capture_output=True, text=True, timeout=60, check=False)
    events = int(count_file.read_text()) if count_file.is_file() else 0
    return Outcome(done.returncode, done.stdout, done.stderr, events)
