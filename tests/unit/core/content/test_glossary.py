from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from manualviewer.cli import main
from manualviewer.core.content import glossary as glossary_module
from manualviewer.core.content.glossary import (
    Glossary,
    GlossaryEntry,
    glossary_of,
    glossary_problems,
    parse_glossary,
)
from manualviewer.core.content.library import Library
from manualviewer.core.content.loader import content_fingerprint, load_library
from manualviewer.core.problems import Severity

GOOD = """\
# a comment line
terms:
  - term: RP
    expansions: [Recovery Proceedings]
  - term: answerphone
    synonyms: [answering machine, voicemail]
  - term: FF
    expansions:
      - Field Force
      - Field   Force officers
    synonyms: [field officer]
"""

MANUAL = """---
code: {code}
title: Manual {code}
organisation: Test Org
---
Introduction.
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def manual_folder(root: Path, slug: str, code: str, body: str = "Body.") -> Path:
    folder = root / slug
    write(folder / "manual.md", MANUAL.format(code=code))
    write(folder / f"{code}100.md", f"---\nsection_id: {code}100\ntitle: Title\n---\n{body}\n")
    return folder


def test_reads_a_good_glossary_with_lines() -> None:
    path = Path("content/dmbm/glossary.yaml")
    entries, problems = parse_glossary(GOOD, path, "DMBM")
    assert problems == []
    assert entries == (
        GlossaryEntry("RP", ("Recovery Proceedings",), (), "DMBM", path, 3),
        GlossaryEntry("answerphone", (), ("answering machine", "voicemail"), "DMBM", path, 5),
        # Runs of spaces in a phrase are one space: YAML folding and typing slips mean nothing.
        GlossaryEntry("FF", ("Field Force", "Field Force officers"), ("field officer",), "DMBM", path, 7),
    )


def test_groups_and_abbreviations() -> None:
    path = Path("g.yaml")
    glossary = Glossary((
        GlossaryEntry("RP", ("Recovery Proceedings", "Repayment Plan"), ("RP check",), "A", path, 1),
        GlossaryEntry("answerphone", (), ("answering machine",), "A", path, 3),
        GlossaryEntry("RP", ("Royal Post",), (), "B", path, 1),
    ))
    assert glossary.groups() == (
        ("RP", "Recovery Proceedings", "Repayment Plan", "RP check"),
        ("answerphone", "answering machine"),
        ("RP", "Royal Post"),
    )
    # Only entries with expansions; the first expansion; the first manual's reading of a shared one.
    assert glossary.abbreviations() == {"RP": "Recovery Proceedings"}
    assert Glossary().groups() == () and Glossary().abbreviations() == {}


BAD_CASES = [
    # (glossary text, kind, line, severity, words in the message)
    ("terms:\n  - term: RP\n    expansions: [Recovery\n", "bad-yaml", 4, Severity.ERROR, "not valid YAML"),
    ("", "bad-yaml", 0, Severity.ERROR, "empty"),
    ("- term: RP\n", "bad-value", 1, Severity.ERROR, "glossary should be a mapping"),
    ("{}\n", "missing-field", 1, Severity.ERROR, "'terms' is required"),
    ("terms: RP\n", "bad-value", 1, Severity.ERROR, "'terms' should be a list"),
    ("terms:\n  - RP\n", "bad-value", 2, Severity.ERROR, "each term should be a mapping"),
    ("terms:\n  - expansions: [x]\n", "missing-field", 2, Severity.ERROR, "'term' is required"),
    ("terms:\n  - term:\n    expansions: [x]\n", "missing-field", 2, Severity.ERROR, "'term' is required"),
    ("terms:\n  - term: [RP]\n    expansions: [x]\n", "bad-value", 2, Severity.ERROR, "'term' should be text"),
    ("terms:\n  - term: '  '\n    expansions: [x]\n", "bad-value", 2, Severity.ERROR, "should not be empty"),
    ("terms:\n  - term: RP\n    expansions: []\n", "missing-field", 3, Severity.ERROR, "'expansions' is empty"),
    ("terms:\n  - term: RP\n    expansions:\n", "missing-field", 3, Severity.ERROR, "'expansions' is empty"),
    ("terms:\n  - term: RP\n    synonyms: Recovery\n", "bad-value", 3, Severity.ERROR, "should be a list"),
    ("terms:\n  - term: RP\n    synonyms: {a: b}\n", "bad-value", 3, Severity.ERROR, "should be a list"),
    ("terms:\n  - term: RP\n    synonyms:\n      - ok\n      - [x]\n", "bad-value", 5, Severity.ERROR,
     "each of 'synonyms' should be text"),
    ("terms:\n  - term: RP\n", "missing-field", 2, Severity.ERROR, "expansions or synonyms"),
    ("terms:\n  - term: RP\n    expansions: [a]\n  - term: rp\n    expansions: [b]\n", "duplicate-id", 4,
     Severity.ERROR, "already defined on line 2"),
    ("terms:\n  - term: RP\n    expansions: [a]\n    expansions: [b]\n", "duplicate-key", 4, Severity.ERROR,
     "given twice"),
    ("terms:\n  - term: RP\n    expansions: [" + "x" * 201 + "]\n", "bad-value", 3, Severity.ERROR, "the limit is 200"),
    ("terms:\n  - term: RP\n    expansions: [a]\n    meaning: b\n", "unknown-key", 4, Severity.WARNING,
     "unknown key 'meaning'"),
    ("version: 1\nterms:\n  - term: RP\n    expansions: [a]\n", "unknown-key", 1, Severity.WARNING,
     "unknown key 'version'"),
    ("terms:\n  - term: RP\n    expansions: [a, rp]\n", "duplicate-value", 2, Severity.WARNING, "'rp' is given twice"),
]


@pytest.mark.parametrize(("text", "kind", "line", "severity", "words"), BAD_CASES)
def test_every_kind_of_bad_input_is_a_problem_with_its_line(
    text: str, kind: str, line: int, severity: Severity, words: str
) -> None:
    path = Path("glossary.yaml")
    _entries, problems = parse_glossary(text, path, "DMBM")
    assert [(p.kind, p.line, p.severity) for p in problems] == [(kind, line, severity)], problems
    assert words in problems[0].message and problems[0].path == path


def test_a_bad_entry_costs_only_itself() -> None:
    text = "terms:\n  - term: RP\n    expansions: []\n  - term: FF\n    expansions: [Field Force]\n  - 12\n"
    entries, problems = parse_glossary(text, Path("g.yaml"), "DMBM")
    assert [e.term for e in entries] == ["FF"]
    assert [(p.kind, p.line) for p in problems] == [("missing-field", 3), ("bad-value", 6)]


def test_a_warned_entry_is_kept_without_the_repeated_phrase() -> None:
    text = "terms:\n  - term: RP\n    expansions: [Recovery Proceedings]\n    synonyms: [recovery proceedings, x]\n"
    entries, problems = parse_glossary(text, Path("g.yaml"), "DMBM")
    assert [p.severity for p in problems] == [Severity.WARNING]
    assert entries[0].expansions == ("Recovery Proceedings",) and entries[0].synonyms == ("x",)


def test_too_many_terms_or_bytes_is_reported_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(glossary_module, "MAX_ENTRIES", 2)
    entries, problems = parse_glossary(GOOD, Path("g.yaml"), "DMBM")
    assert entries == ()
    assert [(p.kind, p.line) for p in problems] == [("too-large", 3)]

    monkeypatch.setattr(glossary_module, "MAX_ENTRIES", 10_000)
    path = write(tmp_path / "glossary.yaml", GOOD)
    monkeypatch.setattr(glossary_module, "MAX_BYTES", len(GOOD.encode()) - 1)
    found, problems = glossary_module.load_glossary_file(path, "DMBM")
    assert found == ()
    assert [(p.kind, p.line, p.path) for p in problems] == [("too-large", 0, path)]
    assert "not read" in problems[0].message


def test_a_file_not_in_utf8_is_a_problem_on_its_line(tmp_path: Path) -> None:
    # bad-encoding, as for a section (it was "unreadable" before the one guard, core/guarded.py)
    path = tmp_path / "glossary.yaml"
    path.write_bytes(b"terms:\n  - term: \xff\n")
    found, problems = glossary_module.load_glossary_file(path, "DMBM")
    assert found == () and [(p.kind, p.line) for p in problems] == [("bad-encoding", 2)]


def test_library_glossary_from_every_manual_folder_read_once_per_library(tmp_path: Path) -> None:
    root = tmp_path / "content"
    one = manual_folder(root, "one", "ONE")
    manual_folder(root, "two", "TWO")  # no glossary: nothing to read, nothing wrong
    three = manual_folder(root, "three", "THR")
    write(one / "glossary.yaml", GOOD)
    write(three / "glossary.yaml", "terms:\n  - term: DMB\n    expansions: [Debt Management and Banking]\n  - x\n")
    library = load_library([root])
    assert library.problems == []  # the section loader does not treat glossary.yaml as content of its own

    glossary = glossary_of(library)
    assert {(e.manual, e.term) for e in glossary.entries} == {("ONE", "RP"), ("ONE", "answerphone"),
                                                              ("ONE", "FF"), ("THR", "DMB")}
    assert next(e for e in glossary.entries if e.term == "DMB").path == three / "glossary.yaml"
    assert [(p.path, p.line, p.kind) for p in glossary_problems(library)] == [(three / "glossary.yaml", 4, "bad-value")]
    assert glossary_of(library) is glossary  # cached with the library

    write(one / "glossary.yaml", "terms:\n  - term: NI\n    expansions: [National Insurance]\n")
    assert glossary_of(library) is glossary  # the same library keeps what it read
    reloaded = load_library([root])
    assert {e.term for e in glossary_of(reloaded).entries} == {"NI", "DMB"}


def test_an_edited_glossary_changes_the_content_fingerprint(tmp_path: Path) -> None:
    root = tmp_path / "content"
    path = write(manual_folder(root, "one", "ONE") / "glossary.yaml", GOOD)
    before = content_fingerprint([root])
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert content_fingerprint([root]) != before


# --- the bundled manuals (bundled_library: tests/conftest.py, loaded once a session) --------------
def test_every_bundled_manual_has_a_glossary_without_problems(bundled_library: Library) -> None:
    assert glossary_problems(bundled_library) == []
    glossary = glossary_of(bundled_library)
    assert {e.manual for e in glossary.entries} == set(bundled_library.manuals)
    for manual in bundled_library.manuals.values():
        assert (manual.path / "glossary.yaml").is_file()


def test_bundled_glossary_groups_occur_in_their_manual(bundled_library: Library) -> None:
    # A phrase no section uses cannot help anyone find anything: each group must meet the text.
    texts: dict[str, str] = {}
    for section in bundled_library.sections.values():
        texts[section.manual] = texts.get(section.manual, "") + f"\n{section.title}\n{bundled_library.body_of(section)}"
    for entry in glossary_of(bundled_library).entries:
        phrases = (entry.term, *entry.expansions, *entry.synonyms)
        assert any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", texts[entry.manual], re.IGNORECASE) for p in phrases), (
            f"{entry.path}:{entry.line}: no phrase of {phrases} is in {entry.manual}'s sections"
        )


def test_bundled_glossaries_answer_the_issue_examples(bundled_library: Library) -> None:
    glossary = glossary_of(bundled_library)
    assert glossary.abbreviations()["RP"] == "Recovery Proceedings"
    assert glossary.abbreviations()["ISP"] == "Internet Service Provider"
    assert any("answerphone" in group and "answering machine" in group for group in glossary.groups())


# --- `manualviewer check` -------------------------------------------------------------------------
def test_check_reports_a_broken_glossary_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "content"
    path = write(manual_folder(root, "one", "ONE") / "glossary.yaml",
                 "terms:\n  - term: RP\n    expansions: [Recovery Proceedings]\n  - term: rp\n    synonyms: [x]\n")
    assert main(["check", "--content", str(root)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:4: error: term 'rp' is already defined on line 2 [duplicate-id]" in out

    assert main(["check", "--json", "--content", str(root)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(Path(e["path"]), e["line"], e["kind"]) for e in report["errors"]] == [(path, 4, "duplicate-id")]
    assert report["sections"] == 1  # the rest of the library loaded


# --- the note check -------------------------------------------------------------------------------
def test_note_check_offers_the_glossary_expansion_but_still_warns(bundled_library: Library) -> None:
    from manualviewer.core.procedures import check_note

    abbreviations = glossary_of(bundled_library).abbreviations()
    warnings = check_note("RP check done. Told the ISP. XYZ pending.", [], ["HMRC"], abbreviations)
    # A manual's own abbreviation is still jargon to whoever reads the note later, so it is
    # warned of; the glossary says what to write instead.
    assert [(w.token, w.message) for w in warnings] == [
        ("RP", "RP is not explained; write it out once: Recovery Proceedings (RP)"),
        ("ISP", "ISP is not explained; write it out once: Internet Service Provider (ISP)"),
        ("XYZ", "XYZ is not explained; write it out, then (XYZ), once"),
    ]
    assert check_note("Recovery Proceedings (RP) check done; RP clear.", [], [], abbreviations) == []
    assert check_note("HMRC called.", [], ["HMRC"], abbreviations) == []


def test_a_glossary_that_is_a_link_to_nothing_is_reported_and_the_rest_loads(tmp_path: Path) -> None:
    folder = manual_folder(tmp_path, "one", "ONE")
    (folder / "glossary.yaml").symlink_to(tmp_path / "moved" / "glossary.yaml")
    write(manual_folder(tmp_path, "two", "TWO") / "glossary.yaml", GOOD)
    library = load_library([tmp_path])
    problems = glossary_problems(library)
    assert [(p.kind, p.path, p.severity) for p in problems] == [
        ("dangling-link", folder / "glossary.yaml", Severity.ERROR)]
    assert str(tmp_path / "moved" / "glossary.yaml") in problems[0].message
    assert glossary_of(library).abbreviations()["RP"] == "Recovery Proceedings"


def test_a_manual_without_a_glossary_has_no_glossary_problem(tmp_path: Path) -> None:
    manual_folder(tmp_path, "one", "ONE")
    assert glossary_problems(load_library([tmp_path])) == []
