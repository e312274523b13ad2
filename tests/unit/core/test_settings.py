from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest

from manualviewer.core.settings import (
    DEFAULT_KNOWN_ABBREVIATIONS,
    DEFAULT_NOTE_CHECK_WORDS,
    EscalationChannel,
    Settings,
    SettingsError,
    SmtpSettings,
    load_settings,
    save_settings,
    settings_to_toml,
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    s = load_settings(tmp_path / "nope.toml")
    assert s.confirmations_to_line_manager is False  # nothing sent unless the officer asks
    assert s == Settings()
    assert s.escalation_channel is EscalationChannel.MAILTO
    assert s.smtp.port == 587 and s.smtp.starttls is True
    assert "liar" in s.note_check_words and "clearly lying" in s.note_check_words
    assert s.known_abbreviations == DEFAULT_KNOWN_ABBREVIATIONS
    assert s.content_folders == () and s.drop_folder is None


def test_full_file_loads(tmp_path: Path) -> None:
    path = write(
        tmp_path / "cfg" / "settings.toml",
        """
officer_name = "Ann Officer"
officer_email = "ann@example.gov.uk"
line_manager_name = "Bea Manager"
line_manager_email = "bea@example.gov.uk"
escalation_channel = "smtp"
drop_folder = "drops"
content_folders = ["/srv/manuals", "~/more"]
note_check_words = ["rude"]
known_abbreviations = ["VAT", "ITSA"]

[smtp]
host = "relay.example.gov.uk"
port = 25
starttls = true
username = "ann"
password_env = "MV_SMTP_PASSWORD"
""",
    )
    s = load_settings(path)
    assert s.officer_name == "Ann Officer"
    assert s.line_manager_email == "bea@example.gov.uk"
    assert s.escalation_channel is EscalationChannel.SMTP
    assert s.smtp == SmtpSettings("relay.example.gov.uk", 25, True, "ann", "MV_SMTP_PASSWORD")
    # Relative paths are relative to the settings file, ~ is expanded.
    assert s.drop_folder == path.parent / "drops"
    assert s.content_folders == (Path("/srv/manuals"), Path("~/more").expanduser())
    assert s.note_check_words == ("rude",)
    assert s.known_abbreviations == ("VAT", "ITSA")


def test_a_login_without_tls_is_refused_with_the_reason(tmp_path: Path) -> None:
    path = write(
        tmp_path / "settings.toml",
        'escalation_channel = "smtp"\n[smtp]\nhost = "relay"\nstarttls = false\nusername = "ann"\n',
    )
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert str(caught.value).startswith(f"{path}: smtp.starttls: must be true when smtp.username is set")
    assert "never sends your password over a connection without TLS" in str(caught.value)
    # Without a login there is no password to protect: a plain relay on the inside is allowed.
    write(path, 'escalation_channel = "smtp"\n[smtp]\nhost = "relay"\nstarttls = false\n')
    assert load_settings(path).smtp.starttls is False


def test_password_comes_from_named_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    smtp = SmtpSettings(host="h", password_env="MV_TEST_PW")
    monkeypatch.delenv("MV_TEST_PW", raising=False)
    assert smtp.password() is None
    monkeypatch.setenv("MV_TEST_PW", "s3cret")
    assert smtp.password() == "s3cret"
    assert smtp.password({"MV_TEST_PW": "other"}) == "other"
    assert SmtpSettings().password({"X": "y"}) is None


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        ("officer_name = 3", "officer_name", "must be a string"),
        ('escalation_channel = "pigeon"', "escalation_channel", '"mailto", "smtp", "folder"'),
        ('[smtp]\nport = "587"', "smtp.port", "must be an integer"),
        ("[smtp]\nport = 70000", "smtp.port", "between 1 and 65535"),
        ("[smtp]\nstarttls = 1", "smtp.starttls", "true or false"),
        ('[smtp]\npassword = "hunter2"', "smtp.password", "never stored"),
        ('[smtp]\npassword_env = "not a name"', "smtp.password_env", "environment variable"),
        ('[smtp]\nhots = "x"', "smtp.hots", "unknown setting"),
        ('line_manger_email = "a@b.c"', "line_manger_email", "unknown setting"),
        ('line_manager_email = "a@b.c, d@e.f"', "line_manager_email", "single email"),
        ('escalation_channel = "smtp"', "smtp.host", "required"),
        ('escalation_channel = "folder"', "drop_folder", "required"),
        ('note_check_words = ["ok", 1]', "note_check_words", "list of strings"),
        ('content_folders = "one"', "content_folders", "list of strings"),
        ('smtp = "relay"', "smtp", "must be a table"),
        ("pack_sync_minutes = -1", "pack_sync_minutes", "between 0 (at start only) and 10080"),
        ("pack_sync_minutes = 10081", "pack_sync_minutes", "between 0 (at start only) and 10080"),
        ('pack_sync_minutes = "60"', "pack_sync_minutes", "must be an integer"),
        ("keep_section_versions = 9", "keep_section_versions", "between 10 and 1000000"),
        ("change_alert_days = 0", "change_alert_days", "between 1 and 3650"),
        ("change_alert_days = 3651", "change_alert_days", "between 1 and 3650"),
    ],
)
def test_invalid_values_name_file_and_key(tmp_path: Path, text: str, key: str, fragment: str) -> None:
    path = write(tmp_path / "settings.toml", text + "\n")
    with pytest.raises(SettingsError) as info:
        load_settings(path)
    err = info.value
    assert err.path == path and err.key == key
    assert str(err).startswith(f"{path}: {key}: ")
    assert fragment in str(err)


def test_bad_toml_reports_file_and_position(tmp_path: Path) -> None:
    path = write(tmp_path / "settings.toml", 'officer_name = "unterminated\n')
    with pytest.raises(SettingsError) as info:
        load_settings(path)
    assert str(info.value).startswith(f"{path}: not valid TOML:")
    assert "line 1" in str(info.value)


def test_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_bytes(b'officer_name = "\xff"\n')
    with pytest.raises(SettingsError, match="not UTF-8"):
        load_settings(path)


def test_round_trip_with_awkward_strings(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.toml"
    original = Settings(
        officer_name='Siân "Quote" O\'Brien \\ tab\there',
        officer_email="sian@example.gov.uk",
        line_manager_name="Line\nBreak \x01 ctrl",
        line_manager_email="lm@example.gov.uk",
        escalation_channel=EscalationChannel.FOLDER,
        smtp=SmtpSettings(host="relay", port=2525, starttls=False, username="u", password_env="PW_VAR"),
        drop_folder=tmp_path / "drop folder",
        note_check_words=("liar", "ünïcode"),
        known_abbreviations=(),
        content_folders=(tmp_path / "a", tmp_path / "b"),
        content_sources=("https://intranet.example.org/packs/org/",),
        pack_sync_minutes=0,
        keep_section_versions=50,
        confirmations_to_line_manager=True,
        change_alert_days=45,
    )
    save_settings(original, path)
    assert load_settings(path) == original
    # What we wrote is TOML that tomllib reads.
    tomllib.loads(path.read_text(encoding="utf-8"))


def test_save_is_private_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "settings.toml"
    save_settings(Settings(officer_name="A"), path)
    save_settings(Settings(officer_name="B"), path)  # replace an existing file
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["settings.toml"]
    assert load_settings(path).officer_name == "B"


def test_save_refuses_invalid_settings_and_keeps_old_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    save_settings(Settings(officer_name="Kept"), path)
    with pytest.raises(SettingsError, match=r"smtp\.host"):
        save_settings(Settings(escalation_channel=EscalationChannel.SMTP), path)
    assert load_settings(path).officer_name == "Kept"


def test_default_settings_file_never_contains_a_password(tmp_path: Path) -> None:
    text = settings_to_toml(Settings(smtp=SmtpSettings(host="h", username="u", password_env="PW")))
    data = tomllib.loads(text)
    assert "password" not in data["smtp"]
    assert data["smtp"]["password_env"] == "PW"


def test_default_check_words_cover_opinion_and_abuse() -> None:
    for word in ("liar", "rude", "aggressive", "stupid", "idiot", "obviously", "clearly lying"):
        assert word in DEFAULT_NOTE_CHECK_WORDS
