"""The importer on small generated cases: link forms, sources, bad files, re-import, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from manualviewer.cli import main
from manualviewer.core.content.frontmatter import read_document
from manualviewer.core.content.govuk import import_govuk
from manualviewer.core.content.loader import load_library
from manualviewer.core.problems import Severity

SLUG = "test-manual"
BASE = f"/hmrc-internal-manuals/{SLUG}"
WITHHELD = "This content has been withheld because of exemptions in the Freedom of Information Act 2000"


def cs_manual(top: list[str], notes: list[tuple[str | None, str, str]] | None = None, **extra: Any) -> str:
    return json.dumps({
        "base_path": BASE,
        "title": "Test Manual",
        "description": "A manual for tests.",
        "public_updated_at": "2024-05-06T10:00:00+01:00",
        "document_type": "hmrc_manual",
        "details": {
            "child_section_groups": [{"title": "", "child_sections": [
                {"section_id": s, "title": s, "description": "", "base_path": f"{BASE}/{s.lower()}"} for s in top
            ]}],
            "change_notes": [
                {"section_id": sid, "change_note": note, "published_at": date, "title": "t",
                 "base_path": f"{BASE}/{(sid or 'x').lower()}"} if sid else
                {"change_note": note, "published_at": date, "title": "t", "base_path": BASE}
                for sid, note, date in notes or []
            ],
            "organisations": [{"title": "HM Revenue & Customs"}],
        },
        **extra,
    })


def cs_section(section_id: str, html: str = "<p>Text.</p>", crumbs: tuple[str, ...] = (),
               children: tuple[str, ...] = (), title: str | None = None) -> str:
    return json.dumps({
        "base_path": f"{BASE}/{section_id.lower()}",
        "title": title or f"Title of {section_id}",
        "description": "",
        "public_updated_at": "2024-02-01T09:00:00Z",
        "document_type": "hmrc_manual_section",
        "details": {
            "body": html,
            "section_id": section_id,
            "breadcrumbs": [{"section_id": c, "base_path": f"{BASE}/{c.lower()}"} for c in crumbs],
            "child_section_groups": [{"child_sections": [
                {"section_id": c, "title": c, "description": "", "base_path": f"{BASE}/{c.lower()}"}
                for c in children
            ]}] if children else [],
            "manual": {"base_path": BASE},
        },
    })


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def meta(path: Path) -> dict[str, Any]:
    return read_document(path).meta


def body(path: Path) -> str:
    return read_document(path).body


# --- structure ----------------------------------------------------------------------------

def test_parents_from_breadcrumbs_and_child_groups(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, "manual.json", cs_manual(["TM1000"]))
    write(src, "a.json", cs_section("TM1000", children=("TM1100",)))
    write(src, "b.json", cs_section("TM1100"))  # no breadcrumbs: TM1000 lists it
    write(src, "c.json", cs_section("TM1110", crumbs=("TM1000", "TM1100")))
    report = import_govuk([src], tmp_path / "out")
    folder = tmp_path / "out" / SLUG
    assert report.problems == ()
    assert "parent" not in meta(folder / "TM1000.md")
    assert meta(folder / "TM1100.md")["parent"] == "TM1000"
    assert meta(folder / "TM1110.md")["parent"] == "TM1100"
    library = load_library([tmp_path / "out"])
    assert library.errors == [] and library.warnings == []
    assert library.breadcrumbs("TM1110") == ("TM1000", "TM1100")


def test_missing_parent_is_reported_and_nearest_ancestor_used(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, "manual.json", cs_manual(["TM1000"]))
    write(src, "a.json", cs_section("TM1000"))
    write(src, "c.json", cs_section("TM1110", crumbs=("TM1000", "TM1100")))
    report = import_govuk([src], tmp_path / "out")
    [problem] = report.problems
    assert (problem.kind, problem.path, problem.severity) == ("missing-parent", src / "c.json", Severity.WARNING)
    assert meta(tmp_path / "out" / SLUG / "TM1110.md")["parent"] == "TM1000"
    assert load_library([tmp_path / "out"]).errors == []


def test_publisher_ids_are_kept(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, "manual.json", cs_manual(["TM1000", "TMUPDATE001"]))
    for section_id in ("TM1000", "TM32730A", "TMUPDATE001", "tmupdate130703", "TM-APP1"):
        write(src, f"{section_id}.json", cs_section(section_id))
    report = import_govuk([src], tmp_path / "out")
    folder = tmp_path / "out" / SLUG
    assert report.manuals[0].code == "TM"
    assert sorted(p.name for p in folder.glob("*.md")) == [
        "TM-APP1.md", "TM1000.md", "TM32730A.md", "TMUPDATE001.md", "manual.md", "tmupdate130703.md"]
    assert meta(folder / "tmupdate130703.md")["section_id"] == "tmupdate130703"
    library = load_library([tmp_path / "out"])
    assert library.errors == []
    assert library.resolve("TMUPDATE130703") == "TMUPDATE130703"
    assert library.get("tm-app1") is not None


# --- links --------------------------------------------------------------------------------

def test_every_link_form_resolves_to_a_section(tmp_path: Path) -> None:
    html = (
        f'<p><a href="{BASE}/tm1100">internal</a>, '
        f'<a href="/hmrc-manuals/{SLUG}/TM1110">api</a>, '
        f'<a href="https://www.gov.uk{BASE}/tm1000">full</a>, '
        f'<a href="{BASE}/tm1000#TM1120">anchor</a>, '
        f'<a href="http://www.hmrc.gov.uk/manuals/tmmanual/TM1100.htm">legacy</a>, '
        "bare TM1110 and TMUPDATE001, "
        '<a href="https://www.gov.uk/hmrc-internal-manuals/other-manual/ot123">other manual</a>, '
        '<a href="/government/publications/form-x">a form</a>, '
        f'<a href="https://www.gov.uk{BASE}/tm9999">missing</a>.</p>'
    )
    src = tmp_path / "src"
    write(src, "manual.json", cs_manual(["TM1000"]))
    write(src, "a.json", cs_section("TM1000", html=html))
    for section_id in ("TM1100", "TM1110", "TM1120", "TMUPDATE001"):
        write(src, f"{section_id}.json", cs_section(section_id, crumbs=("TM1000",)))
    report = import_govuk([src], tmp_path / "out")
    text = body(tmp_path / "out" / SLUG / "TM1000.md")
    assert text.strip() == (
        "[internal](section:TM1100), [api](section:TM1110), [full](section:TM1000), "
        "[anchor](section:TM1120), [legacy](section:TM1100), bare [TM1110](section:TM1110) and "
        "[TMUPDATE001](section:TMUPDATE001), [other manual](section:OT123), "
        "[a form](https://www.gov.uk/government/publications/form-x), [missing](section:TM9999)."
    )
    # Distinct (section, target) pairs: TM1100, TM1110, TM1000, TM1120, TMUPDATE001 | OT123, TM9999.
    assert report.as_json()["links"] == {"resolved": 5, "unresolved": 2}
    library = load_library([tmp_path / "out"])
    assert library.errors == []
    counts = library.link_counts()
    assert (counts.resolved, counts.unresolved) == (5, 2)


def test_withheld_glued_to_an_id_in_html(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, "manual.json", cs_manual(["TM1000"]))
    write(src, "a.json", cs_section("TM1000", html=f"<p>TM1100({WITHHELD})TM1110</p><p>{WITHHELD}.</p>"))
    report = import_govuk([src], tmp_path / "out")
    text = body(tmp_path / "out" / SLUG / "TM1000.md")
    assert text.strip() == (
        "[TM1100](section:TM1100) {withheld} [TM1110](section:TM1110)\n\n{withheld}"
    )
    assert report.manuals[0].withheld == 2


# --- hmrc-manuals-api request bodies --------------------------------------------------------

API_MANUAL = """{
  // the manual; URLs below contain // too
  "title": "Api: Manual",
  "description": "See https://www.gov.uk/guidance // not a comment",
  "public_updated_at": "2014-01-23T00:00:00+01:00", // trailing
  /* block
     comment */
  "details": {
    "child_section_groups": [{"child_sections": [{"section_id": "AM100", "title": "Top"}]}],
    "change_notes": [{"title": "t", "section_id": "AM110", "change_note": "New page",
                      "published_at": "2014-03-04T13:58:11+00:00"},]
  },
  "update_type": "major"
}"""


def api_section(section_id: str, markdown: str, crumbs: tuple[str, ...] = ()) -> str:
    crumb_json = ", ".join(f'{{"section_id": "{c}"}} // crumb' for c in crumbs)
    return f"""{{
  // a section
  "title": "Section {section_id}",
  "public_updated_at": "2014-01-23T00:00:00+01:00",
  "details": {{
    "section_id": "{section_id}", // the ID
    "body": {json.dumps(markdown)},
    "breadcrumbs": [
      {crumb_json}
    ],
    "child_section_groups": []
  }},
  "update_type": "major"
}}"""


def api_tree(root: Path) -> Path:
    write(root, "api-manual.json", API_MANUAL)
    write(root, "api-manual/AM100.json", api_section("AM100", "See [AM110](/hmrc-manuals/api-manual/AM110)."))
    write(root, "api-manual/AM110.json", api_section("AM110", "Back to AM100. https://x.org//y", ("AM100",)))
    return root


def check_api_output(out: Path) -> None:
    folder = out / "api-manual"
    assert meta(folder / "manual.md")["title"] == "Api: Manual"
    assert meta(folder / "manual.md")["code"] == "AM"
    assert body(folder / "AM100.md").strip() == "See [AM110](section:AM110)."
    assert body(folder / "AM110.md").strip() == "Back to [AM100](section:AM100). https://x.org//y"
    assert meta(folder / "AM110.md")["parent"] == "AM100"
    assert meta(folder / "AM110.md")["change_notes"][0]["note"] == "New page"
    assert load_library([out]).errors == []


def test_api_bodies_with_comments(tmp_path: Path) -> None:
    report = import_govuk([api_tree(tmp_path / "src")], tmp_path / "out")
    assert report.problems == ()
    assert report.as_json()["links"] == {"resolved": 2, "unresolved": 0}
    check_api_output(tmp_path / "out")


def test_zip_source(tmp_path: Path) -> None:
    tree = api_tree(tmp_path / "src")
    archive = tmp_path / "manual.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(tree.rglob("*.json")):
            zf.write(path, f"download/{path.relative_to(tree)}")
        zf.writestr("__MACOSX/download/._AM100.json", b"\x00\x01")
        zf.writestr("download/readme.txt", "not json")
    report = import_govuk([archive], tmp_path / "out")
    assert report.problems == ()
    check_api_output(tmp_path / "out")


def test_folder_source_is_read_recursively(tmp_path: Path) -> None:
    src = tmp_path / "src"
    api_tree(src / "deep" / "er")
    write(src, "notes.txt", "ignored")
    write(src, ".hidden/broken.json", "{")
    report = import_govuk([src], tmp_path / "out")
    assert report.problems == ()
    check_api_output(tmp_path / "out")


# --- bad input ----------------------------------------------------------------------------

def test_bad_files_are_reported_and_the_rest_imports(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, "manual.json", cs_manual(["TM1000"]))
    write(src, "a.json", cs_section("TM1000"))
    bad = write(src, "bad.json", '{\n  "title": "x",\n  "details": {\n    "body": "a"\n    "section_id": "TM2"\n}')
    no_id = write(src, "no-id.json", cs_section("TM1100").replace('"section_id": "TM1100", ', ""))
    other = write(src, "other.json", json.dumps({"document_type": "guide", "title": "x"}))
    report = import_govuk([src, tmp_path / "nope"], tmp_path / "out")
    found = {(p.kind, p.path, p.line) for p in report.problems}
    assert found == {
        ("missing-source", tmp_path / "nope", 0),
        ("bad-json", bad, 5),
        ("missing-field", no_id, 0),
        ("not-a-manual", other, 0),
    }
    assert report.manuals[0].sections == 1 and report.wrote_anything
    assert (tmp_path / "out" / SLUG / "TM1000.md").is_file()


def test_sections_without_a_manual_document(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, "a.json", cs_section("TM1000", title="Only: section"))
    report = import_govuk([src], tmp_path / "out")
    assert [p.kind for p in report.problems] == ["missing-manual"]
    manual = meta(tmp_path / "out" / SLUG / "manual.md")
    assert (manual["code"], manual["title"], manual["organisation"]) == ("TM", "Test manual", "HM Revenue & Customs")
    assert load_library([tmp_path / "out"]).errors == []


def test_nothing_imported_when_every_source_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path, "bad.json", "{\n\n  oops\n}")
    assert main(["import-govuk", str(bad), str(tmp_path / "missing.zip"), "--out", str(tmp_path / "out"),
                 "--json"]) == 1
    printed = json.loads(capsys.readouterr().out)
    assert printed["manuals"] == 0 and printed["sections"] == 0
    assert {(p["kind"], p["line"]) for p in printed["problems"]} == {("bad-json", 3), ("missing-source", 0)}
    assert not (tmp_path / "out").exists()


def test_an_output_folder_that_is_a_file_is_one_problem_and_nothing_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "src"
    write(src, "manual.json", cs_manual(["TM1000"]))
    write(src, "a.json", cs_section("TM1000"))
    out = write(tmp_path, "out", "a file the user keeps")
    assert main(["import-govuk", str(src), "--out", str(out)]) == 1  # nothing imported
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{out}: error: the output folder is a file, not a folder; nothing is imported [cannot-write]" in err
    assert out.read_text(encoding="utf-8") == "a file the user keeps"


def test_a_manual_folder_blocked_by_a_file_is_one_problem_and_the_other_manuals_import(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src, "manual.json", cs_manual(["TM1000"]))
    write(src, "a.json", cs_section("TM1000"))
    other = "/hmrc-internal-manuals/other-manual"
    write(src, "other/manual.json", cs_manual(["OT1000"], base_path=other, title="Other manual"))
    section = json.loads(cs_section("OT1000"))
    section["base_path"], section["details"]["manual"]["base_path"] = f"{other}/ot1000", other
    write(src, "other/b.json", json.dumps(section))
    blocker = write(out, SLUG, "not a folder")
    report = import_govuk([src], out)
    assert [(p.kind, p.path, p.message) for p in report.problems] == [
        ("cannot-write", blocker, "cannot make the manual's folder: a file of that name is in the way")]
    assert [m.slug for m in report.manuals] == ["other-manual"]
    assert blocker.read_text(encoding="utf-8") == "not a folder"
    assert load_library([out]).get("OT1000") is not None


def test_a_source_that_is_a_link_to_nothing_says_so(tmp_path: Path) -> None:
    link = tmp_path / "gone.json"
    link.symlink_to(tmp_path / "moved" / "gone.json")
    report = import_govuk([link], tmp_path / "out")
    assert [(p.kind, p.message) for p in report.problems] == [
        ("missing-source", f"a link to {tmp_path / 'moved' / 'gone.json'}, which does not exist")]


# --- re-import ----------------------------------------------------------------------------

def test_reimport_updates_in_place(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src, "manual.json", cs_manual(["TM1000"]))
    write(src, "a.json", cs_section("TM1000", html="<p>Old text.</p>"))
    write(src, "b.json", cs_section("TM1100", crumbs=("TM1000",)))
    write(src, "c.json", cs_section("TM1200", crumbs=("TM1000",)))
    write(src, "d.json", cs_section("tm1300", crumbs=("TM1000",)))
    first = import_govuk([src], out)
    assert (first.manuals[0].added, first.manuals[0].removed) == (4, 0)
    folder = out / SLUG

    # Our editors add keys and an alias; someone adds a section of their own.
    a_file = folder / "TM1000.md"
    a_file.write_text(a_file.read_text(encoding="utf-8").replace(
        "section_id: TM1000\n", "section_id: TM1000\naliases:\n- TM0999\nowner: Team A\nprocedures:\n- p1\n"),
        encoding="utf-8")
    write(folder, "TM1900.md", "---\nsection_id: TM1900\ntitle: Local\n---\nOurs.\n")
    b_before = (folder / "TM1100.md").read_text(encoding="utf-8")

    write(src, "a.json", cs_section("TM1000", html="<p>New text.</p>"))
    (src / "c.json").unlink()  # TM1200 is gone...
    write(src, "manual.json", cs_manual(["TM1000"], notes=[("TM1200", "Page archived; merged with TM1100",
                                                             "2024-05-01T00:00:00Z")]))
    write(src, "d.json", cs_section("TM1300", crumbs=("TM1000",)))  # ...and the publisher upper-cased tm1300
    second = import_govuk([src], out)
    result = second.manuals[0]
    # TM1000 (text), TM1100 (new alias) and TM1300 (ID case) changed; TM1200 removed.
    assert (result.added, result.changed, result.unchanged, result.removed) == (0, 3, 0, 1)

    a_meta = meta(a_file)
    assert body(a_file).strip() == "New text."
    assert (a_meta["aliases"], a_meta["owner"], a_meta["procedures"]) == (["TM0999"], "Team A", ["p1"])
    assert not (folder / "TM1200.md").exists()
    assert meta(folder / "TM1100.md")["aliases"] == ["TM1200"]  # told by the change note
    assert (folder / "TM1100.md").read_text(encoding="utf-8") != b_before
    assert (folder / "TM1900.md").is_file()  # not the importer's: never removed
    # Updated in place: one file for the section, whatever the case of its name.
    assert [p.name.lower() for p in folder.iterdir()].count("tm1300.md") == 1
    assert meta(next(p for p in folder.iterdir() if p.name.lower() == "tm1300.md"))["section_id"] == "TM1300"
    manifest = json.loads((folder / ".import-manifest.json").read_text(encoding="utf-8"))
    assert "TM1200.md" not in manifest["files"] and "TM1900.md" not in manifest["files"]
    library = load_library([out])
    assert library.errors == []
    assert library.resolve("TM1200") == "TM1100" and library.resolve("TM0999") == "TM1000"

    # A third import of the same sources changes nothing.
    third = import_govuk([src], out).manuals[0]
    assert (third.added, third.changed, third.unchanged, third.removed) == (0, 0, 3, 0)


# --- the command --------------------------------------------------------------------------

def test_reimport_keeps_a_local_alias_that_looks_like_a_number_as_written(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write(src, "manual.json", cs_manual(["TM1000"]))
    write(src, "a.json", cs_section("TM1000"))
    import_govuk([src], out)
    a_file = out / SLUG / "TM1000.md"
    a_file.write_text(a_file.read_text(encoding="utf-8").replace(
        "section_id: TM1000\n", "section_id: TM1000\naliases: [0041, 00042]\n"), encoding="utf-8")
    import_govuk([src], out)
    assert meta(a_file)["aliases"] == ["0041", "00042"]  # not [33, 34]
    assert load_library([out]).resolve("0041") == "TM1000"


def test_cli_json_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree = api_tree(tmp_path / "src")
    assert main(["import-govuk", str(tree), "--out", str(tmp_path / "out"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "manuals": 1, "sections": 2, "links": {"resolved": 2, "unresolved": 0}, "problems": []}


def test_cli_text_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "src"
    write(src, "manual.json", cs_manual(["TM1000"]))
    write(src, "a.json", cs_section("TM1000", html="<p>See TM1100.</p>"))
    write(src, "bad.json", "[")
    # 3: imported, but an input had an error (issue 13: it was 0, as if the import were clean)
    assert main(["import-govuk", str(src), "--out", str(tmp_path / "out")]) == 3
    captured = capsys.readouterr()
    assert "1 manual, 1 section, links: 0 resolved, 1 unresolved; 1 problem" in captured.out
    assert "bad.json:1: error: invalid JSON" in captured.err


def test_section_of_no_known_manual_is_a_problem(tmp_path: Path) -> None:
    src = tmp_path / "stuff"
    write(src, "AM100.json", api_section("AM100", "Text."))
    report = import_govuk([src], tmp_path / "out")
    assert [(p.kind, p.path) for p in report.problems] == [("no-manual", src / "AM100.json")]
    assert not report.wrote_anything


def test_section_change_history_is_kept(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, "manual.json", cs_manual(["TM1000"], notes=[(None, "Manual restructured", "2024-01-02T00:00:00Z")]))
    doc = json.loads(cs_section("TM1000"))
    doc["details"]["change_history"] = [{"public_timestamp": "2023-07-08T10:00:00Z", "note": "Typo fixed"}]
    write(src, "a.json", json.dumps(doc))
    import_govuk([src], tmp_path / "out")
    folder = tmp_path / "out" / SLUG
    assert meta(folder / "TM1000.md")["change_notes"] == [{"date": dt.date(2023, 7, 8), "note": "Typo fixed"}]
    assert "- 2024-01-02: Manual restructured" in body(folder / "manual.md")


def test_two_manuals_with_one_code_are_reported(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, "one/manual.json", cs_manual(["TM1000"]))
    write(src, "one/a.json", cs_section("TM1000"))
    other = cs_manual(["TM5000"]).replace(BASE, "/hmrc-internal-manuals/other-manual")
    write(src, "two/manual.json", other)
    write(src, "two/a.json", cs_section("TM5000").replace(BASE, "/hmrc-internal-manuals/other-manual"))
    report = import_govuk([src], tmp_path / "out")
    assert [(p.kind, p.path.name) for p in report.problems] == [("duplicate-code", "test-manual")]


def test_documents_and_manifests_cannot_reach_outside_the_output(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    victim = write(tmp_path, "victim.md", "keep me")
    write(src, "evil.json", cs_manual(["TM1000"]).replace(BASE, "/hmrc-internal-manuals/.."))
    report = import_govuk([src], out)
    assert [p.kind for p in report.problems] == ["missing-field"] and not report.wrote_anything
    write(src, "evil.json", cs_manual(["TM1000"]))
    write(src, "a.json", cs_section("TM1000"))
    import_govuk([src], out)
    manifest = out / SLUG / ".import-manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["files"] += ["../../victim.md", "/etc/passwd"]
    manifest.write_text(json.dumps(data), encoding="utf-8")
    import_govuk([src], out)
    assert victim.read_text(encoding="utf-8") == "keep me"
