"""GOV.UK manuals end to end: import the real examples, check the result, search it, read a
section of it in the viewer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from manualviewer.app import Application
from manualviewer.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "govuk"


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def test_import_check_search_and_read(capsys: pytest.CaptureFixture[str], qtbot: QtBot, tmp_path: Path) -> None:
    out = tmp_path / "imported"
    code, summary = run_json(capsys, "import-govuk", str(EXAMPLES), "--out", str(out), "--json")
    assert code == 0
    assert set(summary) == {"manuals", "sections", "links", "problems"}
    assert summary["manuals"] == 3 and summary["sections"] == 7

    code, checked = run_json(capsys, "check", "--content", str(out), "--json")
    assert code == 0 and checked["errors"] == []
    assert checked["sections"] == 7

    code, found = run_json(capsys, "search", "--content", str(out), "--json", "incentive", "award")
    assert code == 0
    hits = found["hits"]
    assert isinstance(hits, list) and hits[0]["id"] == "EIM11200"

    app = Application([out])
    qtbot.addWidget(app.window)
    app.start("EIM11200")
    try:
        view = app.window.current_view()
        assert view.current_id == "EIM11200"
        assert "Incentive awards are a way of rewarding employees" in view.browser.toPlainText()
        assert "section:EIM16040" in view.browser.toHtml()  # the GOV.UK link became a cross-link
        assert "Employment Income Manual" in view.crumbs.text()
    finally:
        app.shutdown()
