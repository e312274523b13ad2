"""Item 1 of issue 13: a bad content file is one problem, never an outage.

A real library (a copy of the bundled one) with real bad files next to good ones, read by real
`python -m manualviewer check/search/show` processes: each bad file is one problem with its
file:line and kind, and everything else still loads."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from manualviewer.core.content.loader import load_library

BILLION_LAUGHS = "\n".join(
    ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
)


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "manualviewer", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, check=False)


def section(section_id: str, extra: str = "", body: str = "Body text about recordings.\n") -> str:
    return f"---\nsection_id: {section_id}\ntitle: A section\n{extra}---\n{body}"


@pytest.fixture
def bad_library(tmp_path: Path, bundled_content: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(bundled_content, content, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    dmbm = content / "dmbm"
    (dmbm / "DMBM900001.md").write_text(section("DMBM900001", "updated: 2024-02-30\n"), encoding="utf-8")
    (dmbm / "DMBM900002.md").write_text(section("1" * 5000), encoding="utf-8")
    (dmbm / "DMBM900003.md").write_text(
        "---\nsection_id: DMBM900003\ntitle: Bomb\n" + BILLION_LAUGHS + "\n---\nBody\n", encoding="utf-8")
    (dmbm / "DMBM900004.md").write_text(section('"-"'), encoding="utf-8")
    (dmbm / "0041.md").write_text(section("0041"), encoding="utf-8")
    (dmbm / "DMBM900005.md").write_text(section("DMBM900005", "title: Again\n"), encoding="utf-8")
    (dmbm / "DMBM900006.md").symlink_to(tmp_path / "gone.md")
    (dmbm / "DMBM900007.md").write_bytes(b"---\nsection_id: DMBM900007\ntitle: x\n---\nbad \xff byte\n")
    (dmbm / "DMBM900008.md").write_text(section("DMBM900008", "title: [" * 3000 + "\n"), encoding="utf-8")
    procedures = dmbm / "procedures"
    (procedures / "bomb.yaml").write_text("id: bomb\n" + BILLION_LAUGHS + "\n", encoding="utf-8")
    (procedures / "deep.yaml").write_text("id: deep\nsteps: " + "[" * 20000 + "]" * 20000 + "\n", encoding="utf-8")
    (dmbm / "scenarios" / "bomb.yaml").write_text("id: bomb\n" + BILLION_LAUGHS + "\n", encoding="utf-8")
    return content


def problems_by_file(report: dict[str, list[dict[str, object]]]) -> dict[str, list[dict[str, object]]]:
    found: dict[str, list[dict[str, object]]] = {}
    for problem in report["errors"] + report["warnings"]:
        found.setdefault(Path(str(problem["path"])).name, []).append(problem)
    return found


def test_check_reports_each_bad_file_once_with_its_kind_and_loads_the_rest(bad_library: Path) -> None:
    done = cli("check", "--json", "--content", str(bad_library))
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1  # errors found, as always
    report = json.loads(done.stdout)
    found = problems_by_file(report)
    kinds = {name: {p["kind"] for p in problems} for name, problems in found.items()}
    assert kinds["DMBM900001.md"] == {"bad-value"}
    updated = found["DMBM900001.md"][0]
    assert updated["line"] == 4 and "2024-02-30" in str(updated["message"])
    assert kinds["DMBM900002.md"] == {"bad-id"} and found["DMBM900002.md"][0]["line"] == 2
    assert kinds["DMBM900003.md"] == {"yaml-alias"} and found["DMBM900003.md"][0]["line"] == 5  # a1, the first alias
    assert kinds["DMBM900004.md"] == {"bad-id"}
    assert kinds["DMBM900005.md"] == {"duplicate-key"}  # a warning: the later title is used
    assert found["DMBM900005.md"][0]["line"] == 4 and found["DMBM900005.md"][0] in report["warnings"]
    assert kinds["DMBM900006.md"] == {"dangling-link"} and "gone.md" in str(found["DMBM900006.md"][0]["message"])
    assert kinds["DMBM900007.md"] == {"bad-encoding"} and found["DMBM900007.md"][0]["line"] == 5
    assert kinds["DMBM900008.md"] <= {"bad-yaml", "read-failed"}
    assert kinds["bomb.yaml"] == {"yaml-alias"}
    assert kinds["deep.yaml"] <= {"bad-yaml", "read-failed"}
    # 0041 stays the text "0041" (YAML 1.1 would read the octal number 33) and loads.
    assert "0041.md" not in found
    # The bundled 11 sections, 0041 and DMBM900005 (its duplicate key only a warning) all loaded.
    assert report["sections"] == 13


def test_search_and_show_still_work_beside_bad_files(bad_library: Path) -> None:
    search = cli("search", "--content", str(bad_library), "recording")
    assert search.returncode == 0 and "Traceback" not in search.stderr, search.stderr
    assert "DMBM" in search.stdout
    show = cli("show", "--content", str(bad_library), "0041")
    assert show.returncode == 0 and "Traceback" not in show.stderr, show.stderr
    assert "Body text about recordings" in show.stdout


@pytest.mark.skipif(os.geteuid() != 0 and shutil.which("setpriv") is None, reason="needs setpriv")
def test_an_unreadable_section_is_one_problem(bad_library: Path) -> None:
    blocked = bad_library / "dmbm" / "DMBM511340.md"
    blocked.chmod(0)
    args = [sys.executable, "-m", "manualviewer", "check", "--json", "--content", str(bad_library)]
    if os.geteuid() == 0:  # root reads anything: drop the override capabilities for this process
        args = ["setpriv", "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search",
                *args]
    done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    found = problems_by_file(json.loads(done.stdout))
    assert [p["kind"] for p in found["DMBM511340.md"]] == ["unreadable"]
    assert "ermission" in str(found["DMBM511340.md"][0]["message"])


def test_a_section_over_the_size_cap_is_refused_with_its_size(tmp_path: Path) -> None:
    manual = tmp_path / "m"
    manual.mkdir()
    (manual / "manual.md").write_text("---\ncode: M\ntitle: M\norganisation: O\n---\n", encoding="utf-8")
    big = manual / "M1.md"
    with big.open("w", encoding="utf-8") as handle:
        handle.write(section("M1"))
        handle.truncate(65 * 1024 * 1024)  # sparse: no 65 MB written
    (manual / "M2.md").write_text(section("M2"), encoding="utf-8")
    library = load_library([tmp_path])
    assert set(library.sections) == {"M2"}
    [problem] = [p for p in library.problems if p.path == big]
    assert problem.kind == "too-large" and "68,157,440 bytes" in problem.message


def test_any_exception_in_one_file_is_one_read_failed_problem(tmp_path: Path) -> None:
    """An explicit !!timestamp tag still reaches PyYAML's own constructor, which raises
    ValueError for a date that does not exist: the guard turns it into one problem."""
    manual = tmp_path / "m"
    manual.mkdir()
    (manual / "manual.md").write_text("---\ncode: M\ntitle: M\norganisation: O\n---\n", encoding="utf-8")
    (manual / "M1.md").write_text(section("M1", "updated: !!timestamp 2024-02-30x\n"), encoding="utf-8")
    (manual / "M2.md").write_text(section("M2"), encoding="utf-8")
    library = load_library([tmp_path])
    assert set(library.sections) == {"M2"}
    [problem] = [p for p in library.problems if p.path.name == "M1.md"]
    assert problem.kind in {"read-failed", "bad-yaml", "bad-value"}


def test_a_symlinked_procedure_is_reported_by_its_own_path(tmp_path: Path, bundled_content: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(bundled_content / "dmbm", content / "dmbm", ignore=shutil.ignore_patterns("__pycache__"))
    link = content / "dmbm" / "procedures" / "dmbm-mobile-phone-on-call.yaml"
    target = tmp_path / "elsewhere.yaml"
    text = link.read_text(encoding="utf-8")
    target.write_text(text.replace("\ntitle:", "\ntypo_key: 1\ntitle:", 1), encoding="utf-8")
    link.unlink()
    link.symlink_to(target)
    done = cli("check", "--content", str(content))
    [warning] = [line for line in done.stdout.splitlines() if "[unknown-key]" in line]
    assert warning.startswith(f"{link}:") and "typo_key" in warning
    assert "elsewhere" not in done.stdout
