"""Golden files: golden/<name>.md is rendered and compared with golden/<name>.html.

Regenerate after an intended change with:
    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/unit/core/render/test_render_golden.py
then read the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from manualviewer.core.content.library import Library
from manualviewer.core.render.html import library_config, render_fragment

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.stem for p in GOLDEN.glob("*.md"))
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def test_golden_folder_has_cases() -> None:
    assert len(CASES) >= 10
    orphans = sorted(p.name for p in GOLDEN.glob("*.html") if p.stem not in CASES)
    assert orphans == []


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str, library: Library, procedure_titles: dict[str, str]) -> None:
    source = (GOLDEN / f"{name}.md").read_text(encoding="utf-8")
    actual = render_fragment(source, library_config(library, procedure_titles))
    expected_path = GOLDEN / f"{name}.html"
    if UPDATE:
        expected_path.write_text(actual, encoding="utf-8")
    assert expected_path.exists(), f"no golden output; run with UPDATE_GOLDEN=1 to create {expected_path}"
    assert actual == expected_path.read_text(encoding="utf-8")
