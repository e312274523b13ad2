"""`manualviewer settings show [--json]`, run as a real command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from manualviewer.core.settings_layers import SETTING_KEYS
from manualviewer.storage import paths


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "manualviewer", "settings", *argv], capture_output=True,
                          text=True, timeout=60, env=dict(os.environ))


def write_files() -> Path:
    site = Path(os.environ["MANUALVIEWER_SITE_CONFIG"])  # the test's own (tests/conftest.py)
    site.parent.mkdir(parents=True, exist_ok=True)
    site.write_text('locked = ["smtp"]\nline_manager_email = "lead@example.org"\n[smtp]\nhost = "relay.example.org"\n',
                    encoding="utf-8")
    paths.settings_path().write_text('officer_name = "Sam"\nline_manager_email = "mine@example.org"\n'
                                     '[smtp]\nhost = "mine"\n', encoding="utf-8")
    return site


def test_settings_show_json_says_where_each_value_came_from() -> None:
    site = write_files()
    done = run("show", "--json")
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["organisation_file"] == str(site)
    assert shown["user_file"] == str(paths.settings_path())
    rows = {row["key"]: row for row in shown["settings"]}
    assert [row["key"] for row in shown["settings"]] == list(SETTING_KEYS)
    assert rows["officer_name"] == {"key": "officer_name", "value": "Sam", "source": "user", "locked": False}
    assert rows["line_manager_email"] == {"key": "line_manager_email", "value": "mine@example.org",
                                          "source": "user", "locked": False}
    assert rows["smtp.host"] == {"key": "smtp.host", "value": "relay.example.org", "source": "organisation",
                                 "locked": True}
    assert rows["smtp.port"]["value"] == 587 and rows["smtp.port"]["source"] == "organisation"
    assert rows["note_check_words"]["source"] == "default" and isinstance(rows["note_check_words"]["value"], list)
    assert rows["drop_folder"]["value"] is None
    assert rows["content_sources"] == {"key": "content_sources", "value": [], "source": "default", "locked": False}
    assert rows["pack_public_key"]["value"] == ""
    user = paths.settings_path()
    assert shown["problems"] == [f"{user}:4: smtp.host: set by your organisation and locked: your value is not used"]
    assert "locked: your value is not used" in done.stderr


def test_settings_show_text_and_a_broken_organisation_file() -> None:
    site = write_files()
    site.write_text('line_manager_email = "lead@example.org"\nsmtp = 3\n', encoding="utf-8")
    done = run("show")
    assert done.returncode == 0
    assert f"{site}:2: smtp: must be a table" in done.stderr
    lines = {line.split()[0]: line for line in done.stdout.splitlines() if not line.startswith("#")}
    assert lines["officer_name"].endswith("Sam  (user)")
    assert lines["smtp.host"].endswith("mine  (user)")  # the organisation's file is left out
    assert lines["smtp.port"].endswith("587  (default)")
