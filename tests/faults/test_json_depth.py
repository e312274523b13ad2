"""Issue 13, item 3 (JSON depth is limited): every JSON the user, a pack or a damaged file gives
is read through core/json_limits, so a 100,000-deep `[[[...]]]` is a clear error or is left out
with the rest read, never a RecursionError. Real files, real databases."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from manualviewer.core.content.govuk_write import MANIFEST, ManualFolder
from manualviewer.core.problems import ContentProblem
from manualviewer.core.procedures.loader import load_library_procedures
from manualviewer.services.saved_runs import restore
from manualviewer.storage import installed_packs
from manualviewer.storage.bookmarks import BookmarkImportError
from manualviewer.storage.notes import NewNote
from manualviewer.storage.recovery import KeptSave, keep, new_save, recovery_path
from manualviewer.storage.runs import SavedRun
from manualviewer.storage.stores import open_stores
from tests.helpers.bundled import library
from tests.helpers.services import RECORDING

DEPTH = 100_000
DEEP = "[" * DEPTH + "]" * DEPTH


def test_a_deep_bookmarks_import_is_a_clear_error_and_adds_nothing(tmp_path: Path) -> None:
    stores = open_stores(tmp_path / "notes.sqlite3")
    try:
        deep = '{"format": "manualviewer-bookmarks", "version": 1, "bookmarks": ' + DEEP + "}"
        with pytest.raises(BookmarkImportError, match="not a manualviewer bookmarks file: it nests 100,001 levels"):
            stores.bookmarks.import_json(deep)
        assert stores.bookmarks.list() == []
    finally:
        stores.close()


def test_a_bookmarks_import_past_the_size_limit_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                  ) -> None:
    from manualviewer.storage import bookmarks

    monkeypatch.setattr(bookmarks, "MAX_IMPORT_CHARS", 1000)  # the real limit is 64 MB: not written in a test
    stores = open_stores(tmp_path / "notes.sqlite3")
    try:
        big = json.dumps({"format": "manualviewer-bookmarks", "version": 1,
                          "bookmarks": [{"section_id": f"S{n}"} for n in range(200)]})
        with pytest.raises(BookmarkImportError, match=r"characters long; the limit is 1,000"):
            stores.bookmarks.import_json(big)
    finally:
        stores.close()


def installed_pack(root: Path, name: str, state: str, manifest: str) -> None:
    folder = root / name / "versions" / "v1"
    folder.mkdir(parents=True)
    (root / name / "state.json").write_text(state, encoding="utf-8")
    (folder / "pack.json").write_text(manifest, encoding="utf-8")


@pytest.mark.parametrize("which", ["state.json", "pack.json"])
def test_an_installed_pack_with_deep_json_is_left_out_and_the_others_listed(tmp_path: Path, which: str) -> None:
    good_state, good_manifest = json.dumps({"current": "v1", "previous": None}), json.dumps({"version": "1.0"})
    installed_pack(tmp_path, "good", good_state, good_manifest)
    installed_pack(tmp_path, "deep", DEEP if which == "state.json" else good_state,
                   DEEP if which == "pack.json" else good_manifest)
    assert [p.name for p in installed_packs.installed(tmp_path)] == ["good"]
    assert installed_packs.get("deep", tmp_path) is None


def test_a_deep_sources_file_is_read_as_empty(tmp_path: Path) -> None:
    (tmp_path / "sources.json").write_text(DEEP, encoding="utf-8")
    assert installed_packs.source_state(tmp_path) == {}


def test_a_deep_govuk_import_manifest_is_a_warning_and_no_old_file_is_removed(tmp_path: Path) -> None:
    folder = tmp_path / "manual"
    folder.mkdir()
    (folder / MANIFEST).write_text(DEEP, encoding="utf-8")
    problems: list[ContentProblem] = []
    state = ManualFolder.read(folder, problems)
    assert state.manifest_files == set()
    [problem] = problems
    assert problem.kind == "bad-manifest" and "levels deep" in problem.message


def test_a_deep_line_in_the_recovery_file_is_set_aside_and_the_good_save_imported(tmp_path: Path) -> None:
    database = tmp_path / "notes.sqlite3"
    open_stores(database).close()
    keep(database, new_save(NewNote(officer="Sam", text="Kept call")), "test")
    with recovery_path(database).open("a", encoding="utf-8") as f:
        f.write(DEEP + "\n")
    stores = open_stores(database)
    try:
        assert [n.text for n in stores.notes.list()] == ["Kept call"]
    finally:
        stores.close()
    [aside] = tmp_path.glob("*.unreadable-*")
    assert aside.read_text(encoding="utf-8") == DEEP + "\n"
    assert not recovery_path(database).exists()


def test_a_kept_note_whose_record_is_deep_is_set_aside_not_a_recursion_error(tmp_path: Path) -> None:
    database = tmp_path / "notes.sqlite3"
    open_stores(database).close()
    save = new_save(NewNote(officer="Sam", text="Deep record", record_json=DEEP))
    line = json.dumps(KeptSave.as_json(save))
    keep(database, save, "test")
    keep(database, new_save(NewNote(officer="Sam", text="Good record")), "test")
    stores = open_stores(database)
    try:
        assert [n.text for n in stores.notes.list()] == ["Good record"]
    finally:
        stores.close()
    [aside] = tmp_path.glob("*.unreadable-*")
    assert json.loads(aside.read_text(encoding="utf-8"))["save_id"] == json.loads(line)["save_id"]


def test_a_deep_saved_run_is_a_value_error_when_resumed_and_refused_when_saved(tmp_path: Path) -> None:
    stores = open_stores(tmp_path / "notes.sqlite3")
    try:
        with pytest.raises(ValueError, match="levels deep"):
            stores.runs.save("run-1", "some-procedure", DEEP)
        with pytest.raises(ValueError, match="levels deep"):
            stores.session.set("window", DEEP)
    finally:
        stores.close()
    now = dt.datetime.now(dt.UTC)
    saved = SavedRun(run_id="r", procedure_id=RECORDING, state_json=DEEP, started_at=now, updated_at=now)
    with pytest.raises(ValueError, match="levels deep"):
        restore(saved, load_library_procedures(library())[0][RECORDING])
