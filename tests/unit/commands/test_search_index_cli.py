"""`manualviewer search` and `manualviewer index` on the bundled library and on a copy we edit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from manualviewer.cli import main


@pytest.fixture
def content_copy(tmp_path: Path, bundled_content: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(bundled_content, target, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    return target


def search_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main(["search", "--json", *argv])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.usefixtures("bundled_cache")  # the bundled library, indexed once a session
def test_search_json_shape_and_id_jump(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = search_json(capsys, "dmbm", "511015")
    assert code == 0
    assert set(out) == {"query", "suggestion", "total", "hits", "checklists"}
    assert out["checklists"] == []  # a section ID jump is only that section
    assert out["query"] == "dmbm 511015"
    hits = out["hits"]
    assert isinstance(hits, list)
    assert hits[0]["id"] == "DMBM511015"
    assert set(hits[0]) == {"id", "title", "manual", "score", "snippet"}


@pytest.mark.usefixtures("bundled_cache")  # the bundled library, indexed once a session
def test_search_words_best_first_with_marked_snippets(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = search_json(capsys, "recording")
    hits = out["hits"]
    assert code == 0 and isinstance(hits, list) and hits
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert any('<b class="match">' in h["snippet"] for h in hits)


@pytest.mark.usefixtures("bundled_cache")  # the bundled library, indexed once a session
def test_search_typo_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = search_json(capsys, "recordin")
    assert out["suggestion"] == "recording"
    assert out["hits"]


@pytest.mark.usefixtures("bundled_cache")  # the bundled library, indexed once a session
def test_search_manual_filter_and_limit(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = search_json(capsys, "--manual", "dmbm", "--limit", "2", "customer")
    hits = out["hits"]
    assert isinstance(hits, list) and 0 < len(hits) <= 2
    assert {h["manual"] for h in hits} == {"DMBM"}


@pytest.mark.usefixtures("bundled_cache")  # the bundled library, indexed once a session
def test_search_plain_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "dmbm511015"]) == 0
    text = capsys.readouterr().out
    first = text.splitlines()[0]
    assert first.startswith("DMBM511015  ") and first.endswith("[DMBM]")
    assert "<b" not in text


@pytest.mark.usefixtures("bundled_cache")  # the bundled library, indexed once a session
def test_search_nothing_found(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "zzzqqqxxx"]) == 1
    assert "Nothing found" in capsys.readouterr().out


@pytest.mark.usefixtures("bundled_cache")  # the bundled library, indexed once a session
def test_search_malformed_query(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = search_json(capsys, '"(((', "AND", "-")
    assert code == 1
    assert out["hits"] == [] and out["suggestion"] is None


def test_index_then_edit_then_index(capsys: pytest.CaptureFixture[str], content_copy: Path) -> None:
    assert main(["index", "--content", str(content_copy)]) == 0
    assert "rebuilt: 11 added" in capsys.readouterr().out
    assert main(["index", "--content", str(content_copy)]) == 0
    assert "updated: 0 added, 0 updated, 0 removed" in capsys.readouterr().out

    section = next(content_copy.rglob("DMBM511015.md"))
    section.write_text(section.read_text(encoding="utf-8") + "\nA garnishee paragraph.\n", encoding="utf-8")
    assert main(["index", "--content", str(content_copy)]) == 0
    assert "0 added, 1 updated, 0 removed" in capsys.readouterr().out
    code, out = search_json(capsys, "--content", str(content_copy), "garnishee")
    assert code == 0 and [h["id"] for h in out["hits"]] == ["DMBM511015"]  # type: ignore[union-attr]

    section.unlink()
    code, out = search_json(capsys, "--content", str(content_copy), "garnishee")
    assert code == 1 and out["hits"] == []
    assert main(["index", "--rebuild", "--content", str(content_copy)]) == 0
    assert "rebuilt: 10 added" in capsys.readouterr().out


def test_search_sees_a_file_changed_since_the_last_run(capsys: pytest.CaptureFixture[str],
                                                       content_copy: Path) -> None:
    import os

    code, out = search_json(capsys, "--content", str(content_copy), "zebracrossing")
    assert code == 1 and out["hits"] == []
    path = content_copy / "dmbm" / "DMBM511130.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nMind the zebracrossing.\n", encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    code, out = search_json(capsys, "--content", str(content_copy), "zebracrossing")
    assert code == 0
    assert [h["id"] for h in out["hits"]] == ["DMBM511130"]  # type: ignore[union-attr]


def test_search_of_a_missing_folder_says_so(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["search", "--content", str(tmp_path / "nowhere"), "phone"]) == 2
    err = capsys.readouterr().err
    assert "content folder not found" in err and "no manual was loaded" in err
