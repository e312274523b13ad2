"""Settings in layers: defaults, the organisation's file (with locks), the user's file."""

from __future__ import annotations

from pathlib import Path

import pytest

from manualviewer.core.settings import EscalationChannel, load_settings
from manualviewer.core.settings_layers import SETTING_KEYS, Source, flatten, layer_settings, unflatten, user_toml

ORG = """\
locked = ["escalation_channel", "smtp", "line_manager_email", "note_check_words", "content_folders"]
escalation_channel = "smtp"
line_manager_email = "team.lead@example.org"
line_manager_name = "Team Lead"
note_check_words = ["liar", "rude"]
content_folders = ["library"]

[smtp]
host = "relay.example.org"
port = 25
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "etc" / "settings.toml", tmp_path / "home" / "settings.toml"


def test_no_files_give_the_defaults(files: tuple[Path, Path]) -> None:
    site, user = files
    layered = layer_settings(site, user)
    assert flatten(layered.settings) == flatten(unflatten(flatten(layered.settings)))
    assert set(layered.sources.values()) == {Source.DEFAULT}
    assert layered.problems == () and layered.locked == frozenset()


def test_user_over_organisation_over_defaults_and_locks_hold(files: tuple[Path, Path]) -> None:
    site, user = files
    write(site, ORG)
    write(user, 'officer_name = "Sam Officer"\nline_manager_name = "My Manager"\n'
                'line_manager_email = "mine@example.org"\n[smtp]\nhost = "my.relay"\n')
    layered = layer_settings(site, user)
    s = layered.settings
    assert s.officer_name == "Sam Officer" and layered.sources["officer_name"] is Source.USER
    assert s.line_manager_name == "My Manager" and layered.sources["line_manager_name"] is Source.USER
    # Locked: the organisation's value wins, and the user is told theirs is not used, with file:line.
    assert s.line_manager_email == "team.lead@example.org"
    assert layered.sources["line_manager_email"] is Source.ORGANISATION
    assert s.smtp.host == "relay.example.org" and s.smtp.port == 25
    assert s.escalation_channel is EscalationChannel.SMTP
    assert s.note_check_words == ("liar", "rude")
    assert s.content_folders == (site.parent / "library",)  # relative to the organisation's file
    assert [str(p) for p in layered.problems] == [
        f"{user}:3: line_manager_email: set by your organisation and locked: your value is not used",
        f"{user}:5: smtp.host: set by your organisation and locked: your value is not used",
    ]
    # "smtp" locks every smtp key; one the file leaves out is the organisation's choice of default.
    assert {k for k in SETTING_KEYS if k.startswith("smtp.")} <= layered.locked
    assert layered.sources["smtp.username"] is Source.ORGANISATION
    assert layered.sources["known_abbreviations"] is Source.DEFAULT


def test_an_unlocked_organisation_value_is_a_default_the_user_can_change(files: tuple[Path, Path]) -> None:
    site, user = files
    write(site, 'officer_email = "shared@example.org"\nknown_abbreviations = ["HMRC"]\n')
    write(user, 'known_abbreviations = ["HMRC", "DWP"]\n')
    layered = layer_settings(site, user)
    assert layered.settings.officer_email == "shared@example.org"
    assert layered.sources["officer_email"] is Source.ORGANISATION
    assert layered.settings.known_abbreviations == ("HMRC", "DWP")
    assert layered.sources["known_abbreviations"] is Source.USER


def test_values_from_both_files_combine_before_they_are_checked(files: tuple[Path, Path]) -> None:
    site, user = files
    write(site, '[smtp]\nhost = "relay.example.org"\n')
    write(user, 'escalation_channel = "smtp"\n')  # alone it lacks a relay: together it works
    layered = layer_settings(site, user)
    assert layered.problems == ()
    assert layered.settings.escalation_channel is EscalationChannel.SMTP


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        ('officer_name = "ok"\nescalation_channel = "pigeon"\n', 2, "escalation_channel: must be one of"),
        ('officer_name = "ok"\n\n[smtp]\nport = "25"\n', 4, "smtp.port: must be an integer"),
        ('officer_name = "ok"\nofficer_nmae = "typo"\n', 2, "officer_nmae: unknown setting"),
        ('officer_name = "unterminated\n', 1, "not valid TOML"),
        ('locked = ["officer_name", "colour"]\n', 1, "'colour' is not a setting"),
        ('\nlocked = "smtp"\n', 2, "locked: must be a list of setting names"),
        ('escalation_channel = "smtp"\n', 1, "smtp.host: required"),
    ],
)
def test_a_bad_organisation_file_is_named_by_line_and_left_out(files: tuple[Path, Path], text: str, line: int,
                                                               fragment: str) -> None:
    site, user = files
    write(site, text)
    write(user, 'officer_name = "Sam"\n')
    layered = layer_settings(site, user)
    assert len(layered.problems) == 1
    assert str(layered.problems[0]).startswith(f"{site}:{line}: ")
    assert fragment in str(layered.problems[0])
    # The app starts on the defaults and the user's own file.
    assert layered.settings.officer_name == "Sam" and layered.sources["officer_name"] is Source.USER
    assert layered.settings.escalation_channel is EscalationChannel.MAILTO
    assert layered.locked == frozenset() and layered.user_error is None


def test_a_bad_user_file_keeps_the_organisations_values(files: tuple[Path, Path]) -> None:
    site, user = files
    write(site, 'line_manager_email = "lead@example.org"\n')
    write(user, 'officer_name = 3\n')
    layered = layer_settings(site, user)
    assert layered.user_error is not None and layered.user_error.key == "officer_name"
    assert str(layered.problems[0]).startswith(f"{user}:1: officer_name: must be a string")
    assert layered.settings.line_manager_email == "lead@example.org"


def test_saving_writes_only_what_the_user_chose_never_a_locked_key(files: tuple[Path, Path]) -> None:
    site, user = files
    write(site, ORG)
    write(user, 'officer_name = "Sam"\n')
    layered = layer_settings(site, user)
    chosen = unflatten({**flatten(layered.settings), "officer_email": "sam@example.org",
                        "smtp.host": "sneaky.relay"})
    write(user, user_toml(chosen, layered))
    alone = load_settings(user)  # the user's file by itself: only their own choices
    assert (alone.officer_name, alone.officer_email) == ("Sam", "sam@example.org")
    assert alone.smtp.host == "" and alone.line_manager_name == ""  # locked; the organisation's unlocked
    again = layer_settings(site, user)
    assert again.problems == ()
    assert again.settings.line_manager_name == "Team Lead"
    assert again.sources["line_manager_name"] is Source.ORGANISATION  # a later change by IT still arrives


def test_the_content_pack_settings_are_known(files: tuple[Path, Path]) -> None:
    site, user = files
    write(site, 'content_sources = ["https://packs.example.org/"]\npack_public_key = "RWQ..."\n'
                'locked = ["content_sources", "pack_public_key"]\n')
    layered = layer_settings(site, user)
    assert layered.problems == ()
    assert layered.settings.content_sources == ("https://packs.example.org/",)
    assert layered.settings.pack_public_key == "RWQ..."
    assert {"content_sources", "pack_public_key"} <= layered.locked
