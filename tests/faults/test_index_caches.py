"""Self-healing caches (issue 13, item 6): a damaged search index, version file or postings file,
and a build folder left by a killed `index`, met by real `python -m manualviewer search/index`
processes on the user's (redirected) cache folder: exit 0, the right results, one warning, never
a traceback; and the next run finds everything repaired."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

QUERY = "payment plan"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "manualviewer", *args], capture_output=True, text=True,
                          timeout=120, env=dict(os.environ), check=False)


def hit_ids(proc: subprocess.CompletedProcess[str]) -> list[str]:
    assert proc.returncode == 0, proc.stderr
    return [hit["id"] for hit in json.loads(proc.stdout)["hits"]]


@pytest.fixture
def index_dir(user_dirs: Path) -> tuple[Path, list[str]]:
    """The bundled library's index, built by a first search; and what that search found."""
    expected = hit_ids(cli("search", QUERY, "--json"))
    assert expected
    [folder] = (user_dirs / "cache" / "manualviewer").glob("index-*")
    return folder, expected


def garbage(path: Path) -> None:
    path.write_bytes(os.urandom(3000))


def damage_version_bytes(folder: Path) -> str:
    garbage(folder / "manualviewer-index-version")
    return "version file in"


def damage_version_text(folder: Path) -> str:
    (folder / "manualviewer-index-version").write_text("not a version\n", encoding="utf-8")
    return ""  # an unknown version is an old index: rebuilt without a word


def damage_postings(folder: Path) -> str:
    [postings] = folder.glob("*.mvpostings")
    garbage(postings)
    return "is damaged; writing it again"


def damage_table_of_contents(folder: Path) -> str:
    [toc] = folder.glob("_MAIN_*.toc")
    garbage(toc)
    return "is unreadable"


def damage_terms(folder: Path) -> str:
    [terms] = folder.glob("*.trm")
    garbage(terms)
    return "is unreadable"


def damage_postings_of_whoosh(folder: Path) -> str:
    [pst] = folder.glob("*.pst")
    garbage(pst)
    return "is unreadable"


# Each case runs three processes: `index` on the two faults the issue names, `search` on all.
CASES = [(damage, "search") for damage in (damage_version_bytes, damage_version_text, damage_postings,
                                          damage_table_of_contents, damage_terms, damage_postings_of_whoosh)]
CASES += [(damage_version_bytes, "index"), (damage_postings, "index")]


@pytest.mark.parametrize(("damage", "command"), CASES)
def test_a_damaged_cache_is_rebuilt_with_one_warning_and_no_traceback(
    index_dir: tuple[Path, list[str]], damage: Callable[[Path], str], command: str
) -> None:
    folder, expected = index_dir
    warning = damage(folder)
    proc = cli("search", QUERY, "--json") if command == "search" else cli("index")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    if warning:
        assert proc.stderr.count(warning) == 1, proc.stderr
    if command == "search":
        assert hit_ids(proc) == expected
    healed = cli("search", QUERY, "--json")
    assert healed.stderr == "" and hit_ids(healed) == expected


def build_folder(index: Path, name: str, age: float) -> Path:
    folder = index / name
    folder.mkdir()
    (folder / "MAIN_1x2y3z.seg").write_bytes(os.urandom(100))  # half a segment
    then = time.time() - age
    os.utime(folder, (then, then))
    return folder


@pytest.mark.parametrize("command", ["search", "index"])
def test_build_folders_of_killed_builds_are_removed_and_live_ones_kept(
    index_dir: tuple[Path, list[str]], command: str
) -> None:
    folder, expected = index_dir
    dead = build_folder(folder, "MAIN.building.k1ll3d", age=3600)
    busy = build_folder(folder, "MAIN.building.bu5y00", age=3600)
    young = build_folder(folder, "MAIN.building.n3w000", age=0)  # just made: its lock may follow
    fd = os.open(busy / "MAIN_WRITELOCK", os.O_CREAT | os.O_WRONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running build's writer holds it
        proc = cli("search", QUERY, "--json") if command == "search" else cli("index")
    finally:
        os.close(fd)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert not dead.exists() and busy.is_dir() and young.is_dir()
    assert proc.stderr.count("removed an unfinished index build left behind: MAIN.building.k1ll3d") == 1
    assert hit_ids(cli("search", QUERY, "--json")) == expected
