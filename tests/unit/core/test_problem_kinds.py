from __future__ import annotations

import re
from pathlib import Path

import pytest

from manualviewer.cli import main
from manualviewer.core.problems import ProblemKind

SRC = Path(__file__).resolve().parents[3] / "src" / "manualviewer"
# The kind is the first argument wherever a problem is made: ContentProblem(...), problem(...),
# reader.error(...) / reader.warn(...). Note checks ("listed-word", "abbreviation") are not content problems.
MADE = re.compile(r'(?:ContentProblem|problem|\.error|\.warn)\(\s*"([a-z0-9-]+)"')


def test_every_kind_the_code_makes_is_listed_and_described() -> None:
    made = {m.group(1) for p in SRC.rglob("*.py") for m in MADE.finditer(p.read_text(encoding="utf-8"))}
    assert made, "the pattern no longer finds where problems are made"
    assert sorted(made - set(ProblemKind)) == []
    assert all(kind.description for kind in ProblemKind)


def test_check_suppress_leaves_a_kind_out(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check"])
    before = capsys.readouterr().out
    assert "[unresolved-link]" in before
    main(["check", "--suppress", "unresolved-link"])
    after = capsys.readouterr().out
    assert "[unresolved-link]" not in after and after.splitlines()[-1].endswith(", 0 warnings")
