"""`manualviewer search`: how many sections match in all, and the checklists that match, in
JSON and as text."""

from __future__ import annotations

import json
import re

import pytest

from manualviewer.cli import main

# Every search here is of the bundled library, whose index is built once a session.
pytestmark = pytest.mark.usefixtures("bundled_cache")


def search_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main(["search", "--json", *argv])
    return code, json.loads(capsys.readouterr().out)


def test_json_counts_every_matching_section_beyond_the_limit(capsys: pytest.CaptureFixture[str]) -> None:
    _, everything = search_json(capsys, "--limit", "100", "recording")
    hits = everything["hits"]
    assert isinstance(hits, list) and len(hits) > 2
    assert everything["total"] == len(hits)
    _, limited = search_json(capsys, "--limit", "2", "recording")
    assert isinstance(limited["hits"], list) and len(limited["hits"]) == 2
    assert limited["total"] == len(hits)


def test_json_lists_the_matching_checklists_apart_from_the_hits(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = search_json(capsys, "customer", "wants", "to", "record", "the", "call")
    assert code == 0
    checklists = out["checklists"]
    assert isinstance(checklists, list) and checklists
    assert checklists[0] == {
        "id": "dmbm-customer-recording-call",
        "section": "DMBM511015",
        "title": "Customer wants to record the phone call",
        "snippet": checklists[0]["snippet"],
    }
    assert '<b class="match">customer</b>' in checklists[0]["snippet"]
    hits = out["hits"]
    assert isinstance(hits, list) and all(set(h) == {"id", "title", "manual", "score", "snippet"} for h in hits)


def test_json_without_a_matching_checklist(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = search_json(capsys, "zebra")
    assert out["checklists"] == []


def test_text_output_lists_checklists_and_says_how_many_sections_were_left_out(
        capsys: pytest.CaptureFixture[str]) -> None:
    _, everything = search_json(capsys, "--limit", "100", "recording")
    total = everything["total"]
    assert main(["search", "--limit", "2", "recording"]) == 0
    text = capsys.readouterr().out
    assert f"2 of {total} results" in text
    checklists = text[text.index("Checklists:"):]
    assert "dmbm-customer-recording-call  Customer wants to record the phone call" in checklists
    assert "DMBM511015" in checklists


def test_text_output_says_nothing_of_counts_when_all_are_shown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "--limit", "100", "mobile", "phone"]) == 0
    text = capsys.readouterr().out
    assert "DMBM511130" in text and "Checklists:" in text
    assert re.search(r"\d+ of \d+ results", text) is None
