"""Explicit YAML tags on odd values are one problem for the file, never an exception out of the
library load (found by tests/faults/test_fuzz_inputs.py: `!!timestamp` on no date)."""

from pathlib import Path

import pytest

from manualviewer.core.content.frontmatter import FrontMatterError, parse_document

PATH = Path("section.md")


@pytest.mark.parametrize("front", ["!!timestamp ", "!!set {a}", "a: !!float x"])
def test_an_odd_explicit_tag_is_a_problem_with_a_line(front: str) -> None:
    with pytest.raises(FrontMatterError) as caught:
        parse_document(PATH, f"---\n{front}\n---\nbody")
    assert caught.value.problem.path == PATH
    assert caught.value.problem.line >= 1


@pytest.mark.parametrize("tag", ["!!timestamp", "!!int"])
def test_an_explicit_tag_on_no_text_stays_text(tag: str) -> None:
    doc = parse_document(PATH, f"---\nupdated: {tag} ''\n---\nbody")
    assert doc.meta["updated"] == ""
