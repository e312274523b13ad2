"""The importer on every example under tests/data/govuk (both formats)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from manualviewer.core.content.frontmatter import read_document
from manualviewer.core.content.govuk import ImportReport, import_govuk
from manualviewer.core.content.loader import load_library
from manualviewer.core.problems import Severity

EXAMPLES = Path(__file__).resolve().parents[3] / "data" / "govuk"
CONTENT_STORE = EXAMPLES / "content-store"
API = EXAMPLES / "hmrc-manuals-api"
CG_MANUAL = CONTENT_STORE / "hmrc_manual-with-history.json"


def meta(path: Path) -> dict[str, Any]:
    return read_document(path).meta


def body(path: Path) -> str:
    return read_document(path).body


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> tuple[ImportReport, Path]:
    out = tmp_path_factory.mktemp("content")
    return import_govuk([EXAMPLES], out), out


# --- the whole examples folder ------------------------------------------------------------

def test_whole_folder_imports_three_manuals(everything: tuple[ImportReport, Path]) -> None:
    report, out = everything
    assert {m.slug: (m.code, m.sections) for m in report.manuals} == {
        "capital-gains-manual": ("CG", 0),
        "employment-income-manual": ("EIM", 5),
        "vat-government-and-public-bodies": ("VATGPB", 2),
    }
    # The JSON Schemas next to the examples are not manuals and not problems either.
    assert [(p.kind, p.path.name) for p in report.problems] == [("missing-parent", "EIM25525.json")]
    assert report.as_json()["links"] == {"resolved": 0, "unresolved": 10}
    assert sorted(p.name for p in (out / "employment-income-manual").iterdir()) == [
        ".import-manifest.json", "EIM00100.md", "EIM11200.md", "EIM11800.md", "EIM25525.md", "EIM77010.md",
        "manual.md",
    ]


def test_output_loads_without_errors(everything: tuple[ImportReport, Path]) -> None:
    report, out = everything
    library = load_library([out])
    assert library.errors == []
    assert set(library.manuals) == {"CG", "EIM", "VATGPB"}
    assert len(library.sections) == report.sections
    counts = library.link_counts()
    assert (counts.resolved, counts.unresolved) == (report.links_resolved, report.links_unresolved)
    # Only the links to sections outside the examples are left as warnings.
    assert {p.kind for p in library.warnings} == {"unresolved-link"}


# --- content-store ------------------------------------------------------------------------

def test_content_store_manual_and_sections(tmp_path: Path) -> None:
    report = import_govuk([CONTENT_STORE / "hmrc_manual-vat-government-public-bodies.json",
                           CONTENT_STORE / "hmrc_manual_section-vatgpb1000.json",
                           CONTENT_STORE / "hmrc_manual_section-vatgpb2000.json"], tmp_path)
    assert report.problems == ()
    folder = tmp_path / "vat-government-and-public-bodies"
    manual = meta(folder / "manual.md")
    assert manual == {
        "code": "VATGPB",
        "title": "VAT Government and Public Bodies",
        "organisation": "HM Revenue & Customs",
        "summary": "Guidance on VAT as it applies to local authorities and other government and public bodies.",
        "source_url": "https://www.gov.uk/hmrc-internal-manuals/vat-government-and-public-bodies",
        "licence": "Open Government Licence v3.0",
        "attribution": "Contains public sector information licensed under the Open Government Licence v3.0. "
        "Source: HM Revenue & Customs, VAT Government and Public Bodies, "
        "https://www.gov.uk/hmrc-internal-manuals/vat-government-and-public-bodies",
    }
    assert "Last updated on GOV.UK: 11 February 2015." in body(folder / "manual.md")
    section = meta(folder / "VATGPB1000.md")
    # Listed in the manual's top-level groups, empty breadcrumbs: a top section, no parent key.
    assert section == {"section_id": "VATGPB1000", "title": "Introduction: contents",
                       "updated": dt.date(2015, 2, 10)}
    assert "title: 'Introduction: contents'" in (folder / "VATGPB1000.md").read_text(encoding="utf-8")
    # The manual's four change notes name sections that are not in these files.
    [result] = report.manuals
    assert (result.change_notes_attached, result.change_notes_elsewhere) == (0, 4)


def test_content_store_children_and_change_notes_attach(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(CONTENT_STORE / "hmrc_manual-vat-government-public-bodies.json", src)
    shutil.copy(CONTENT_STORE / "hmrc_manual_section-vatgpb1000.json", src)
    # A child of VATGPB5000 with a change note in the manual, and VATGPB1100, listed by VATGPB1000.
    write_cs_section(src, "VATGPB5390", "vat-government-and-public-bodies", "<p>T to Z.</p>",
                     breadcrumbs=["VATGPB5000"])
    write_cs_section(src, "VATGPB5000", "vat-government-and-public-bodies", "<p>Police.</p>")
    write_cs_section(src, "VATGPB1100", "vat-government-and-public-bodies", "<p>Scope.</p>")
    report = import_govuk([src], tmp_path / "out")
    folder = tmp_path / "out" / "vat-government-and-public-bodies"
    assert meta(folder / "VATGPB5390.md")["parent"] == "VATGPB5000"
    assert meta(folder / "VATGPB5390.md")["change_notes"] == [
        {"date": dt.date(2015, 3, 5), "note": "Updated content"}
    ]
    assert meta(folder / "VATGPB1100.md")["parent"] == "VATGPB1000"
    assert "parent" not in meta(folder / "VATGPB5000.md")
    [result] = report.manuals
    assert (result.change_notes_attached, result.change_notes_elsewhere) == (1, 3)
    library = load_library([tmp_path / "out"])
    assert library.errors == []
    assert library.breadcrumbs("VATGPB5390") == ("VATGPB5000",)
    assert library.children("VATGPB", "VATGPB1000") == ("VATGPB1100",)


def test_manual_with_4000_change_notes(tmp_path: Path) -> None:
    notes = json.loads(CG_MANUAL.read_text(encoding="utf-8"))["details"]["change_notes"]
    assert len(notes) == 4000
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(CG_MANUAL, src)
    for section_id in ("CG14580", "CG56344", "CG10100", "CG-APP18-100"):
        write_cs_section(src, section_id, "capital-gains-manual", f"<p>Text of {section_id}.</p>")
    started = time.perf_counter()
    report = import_govuk([src], tmp_path / "out")
    assert time.perf_counter() - started < 5  # was 0.3 s; quadratic attaching would be minutes
    folder = tmp_path / "out" / "capital-gains-manual"
    expected = {sid: sum(1 for n in notes if n.get("section_id") == sid)
                for sid in ("CG14580", "CG56344", "CG10100", "CG-APP18-100")}
    for section_id in expected:
        written = meta(folder / f"{section_id}.md").get("change_notes", [])
        assert len(written) == len({(n["published_at"][:10], " ".join(n["change_note"].split()))
                                    for n in notes if n.get("section_id") == section_id})
        dates = [n["date"] for n in written]
        assert dates == sorted(dates, reverse=True)  # newest first
    assert expected["CG14580"] > 0
    [result] = report.manuals
    assert result.change_notes_attached == sum(expected.values())
    assert result.change_notes_attached + result.change_notes_elsewhere == 3997  # 3 name no section
    # "merged into CG56344" on a section that is gone: the old ID resolves to its new home.
    assert "CG56346" in meta(folder / "CG56344.md")["aliases"]
    # Notes that name no section are kept on the manual.
    manual_body = body(folder / "manual.md")
    assert "## Updates" in manual_body and "Banner added" in manual_body
    assert meta(folder / "manual.md")["code"] == "CG"
    library = load_library([tmp_path / "out"])
    assert library.errors == []
    assert library.resolve("CG56346") == "CG56344"
    assert library.get("CG-APP18-100") is not None


# --- hmrc-manuals-api ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def eim(tmp_path_factory: pytest.TempPathFactory) -> tuple[ImportReport, Path]:
    out = tmp_path_factory.mktemp("eim")
    report = import_govuk([API], out)
    return report, out / "employment-income-manual"


def test_api_manual_and_sections(eim: tuple[ImportReport, Path]) -> None:
    report, folder = eim
    [result] = report.manuals
    assert (result.slug, result.code, result.sections) == ("employment-income-manual", "EIM", 5)
    assert meta(folder / "manual.md")["summary"] == "A guide to the Income Tax (Earnings and Pensions) Act 2003"
    # The manual's only change note names ADML1100, a section of another manual.
    assert (result.change_notes_attached, result.change_notes_elsewhere) == (0, 1)
    assert meta(folder / "EIM11800.md") == {
        "section_id": "EIM11800", "title": "PAYE special types of payment: contents",
        "summary": "Optional", "updated": dt.date(2014, 1, 23),
    }


def test_api_breadcrumbs_with_comments_and_missing_parent(eim: tuple[ImportReport, Path]) -> None:
    report, folder = eim
    # EIM25525's breadcrumbs (EIM23000 > EIM25500, with // comments) name no imported section.
    [problem] = report.problems
    assert (problem.kind, problem.path, problem.severity) == (
        "missing-parent", API / "employment-income-manual" / "EIM25525.json", Severity.WARNING)
    assert "EIM25500" in problem.message
    assert "parent" not in meta(folder / "EIM25525.md")


def test_api_links_and_withheld(eim: tuple[ImportReport, Path]) -> None:
    report, folder = eim
    about = body(folder / "EIM00100.md")
    # The anchor names the section: /guidance/employment-income-manual/EIM00505#EIM00670.
    assert "For example, [EIM00670](section:EIM00670) is very similar to SE00670" in about
    assert about.rstrip().endswith("\n\n{withheld}")
    assert "Freedom of Information" not in about
    incentive = body(folder / "EIM11200.md")
    assert "[EIM16040](section:EIM16040) explains" in incentive
    assert "/hmrc-manuals/" not in incentive
    secondment = body(folder / "EIM77010.md")
    assert "“Employee Travel: A Tax and NICs Guide for Employers”" in secondment  # entities decoded
    assert "[EIM30050](section:EIM30050)" in secondment
    assert report.links_unresolved == 10 and report.links_resolved == 0
    [result] = report.manuals
    assert result.withheld == 1


# --- helpers ------------------------------------------------------------------------------

def write_cs_section(folder: Path, section_id: str, slug: str, html: str,
                     breadcrumbs: list[str] | None = None, children: list[str] | None = None) -> Path:
    base = f"/hmrc-internal-manuals/{slug}"
    doc = {
        "base_path": f"{base}/{section_id.lower()}",
        "title": f"Title of {section_id}",
        "description": "",
        "public_updated_at": "2020-02-03T10:00:00+00:00",
        "document_type": "hmrc_manual_section",
        "schema_name": "hmrc_manual_section",
        "details": {
            "body": html,
            "section_id": section_id,
            "breadcrumbs": [{"section_id": b, "base_path": f"{base}/{b.lower()}"} for b in breadcrumbs or []],
            "child_section_groups": [{"child_sections": [
                {"section_id": c, "title": c, "description": "", "base_path": f"{base}/{c.lower()}"}
                for c in children or []
            ]}],
            "manual": {"base_path": base},
        },
    }
    path = folder / f"{section_id}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path
