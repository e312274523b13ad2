"""Whole documents: title, status banners, last updated, QTextBrowser-safe HTML, plain text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest

from manualviewer.core.content.library import Library
from manualviewer.core.model import ChangeNote, Section, Status
from manualviewer.core.render.html import (
    STYLE,
    format_date,
    render_markdown_html,
    render_section_html,
    section_plain_text,
    status_notices,
)
from manualviewer.core.render.parser import RenderConfig
from manualviewer.core.render.withheld import WITHHELD_TEXT

MakeSection = Callable[..., Section]
BuildLibrary = Callable[..., Library]
ARCHIVE_DATE = dt.date(2024, 4, 30)


def render(
    section: Section,
    build_library: BuildLibrary,
    today: dt.date,
    procedure_titles: dict[str, str] | None = None,
) -> str:
    library = build_library(section)
    return render_section_html(section, library, today=today, procedure_titles=procedure_titles)


def banner_labels(html: str) -> list[str]:
    return re.findall(r'<table class="status ([a-z-]+)"', html)


def test_document_has_title_id_style_and_body(
    make_section: MakeSection, build_library: BuildLibrary, today: dt.date
) -> None:
    section = make_section("DMBM600000", "Calls & <messages>", body="See DMBM511200.")
    html = render(section, build_library, today)
    assert html.startswith("<!DOCTYPE HTML PUBLIC")
    assert "<title>DMBM600000: Calls &amp; &lt;messages&gt;</title>" in html
    assert '<h1><span class="section-id">DMBM600000</span> Calls &amp; &lt;messages&gt;</h1>' in html
    assert '<p class="manual">Debt Management and Banking Manual</p>' in html
    assert "<style" in html and STYLE in html
    assert '<a href="section:DMBM511200" class="xref"' in html
    assert banner_labels(html) == []


def test_live_section_has_no_banner(
    make_section: MakeSection, build_library: BuildLibrary, today: dt.date
) -> None:
    html = render(make_section("DMBM600000"), build_library, today)
    assert banner_labels(html) == []
    assert "Last updated" not in html


@pytest.mark.parametrize(
    ("fields", "labels", "words"),
    [
        ({"status": Status.ARCHIVE_PENDING}, ["archive-pending"], "Archive pending."),
        (
            {"status": Status.ARCHIVE_PENDING, "archive_date": dt.date(2025, 6, 1)},
            ["archive-pending"],
            "Archive date: 1 Jun 2025.",
        ),
        (
            {"status": Status.ARCHIVE_PENDING, "archive_date": ARCHIVE_DATE},
            ["archive-pending", "archive-date-passed"],
            "The archive date 30 Apr 2024 has passed",
        ),
        (
            {"archive_date": ARCHIVE_DATE},  # live, but the publisher's date has gone by
            ["archive-date-passed"],
            "The archive date 30 Apr 2024 has passed",
        ),
        ({"status": Status.ARCHIVED}, ["archived"], "Archived."),
        (
            {"status": Status.ARCHIVED, "archive_date": ARCHIVE_DATE},
            ["archived"],  # archived as announced: nothing has been missed
            "Archive date: 30 Apr 2024.",
        ),
        ({"status": Status.WITHDRAWN}, ["withdrawn"], "Withdrawn."),
        ({"superseded_by": "DMBM511200"}, ["superseded"], "Superseded."),
        (
            {"status": Status.WITHDRAWN, "superseded_by": "DMBM511200"},
            ["withdrawn", "superseded"],
            "Withdrawn.",
        ),
    ],
)
def test_status_banners(
    fields: dict[str, object],
    labels: list[str],
    words: str,
    make_section: MakeSection,
    build_library: BuildLibrary,
    today: dt.date,
) -> None:
    html = render(make_section("DMBM600000", **fields), build_library, today)
    assert banner_labels(html) == labels
    assert words in html
    # The banner sits above the body.
    assert html.index('class="status') < html.index("<p>Body.</p>")


def test_archive_date_passed_depends_on_today(make_section: MakeSection) -> None:
    section = make_section("DMBM600000", archive_date=ARCHIVE_DATE)
    assert status_notices(section, dt.date(2024, 4, 30)) == []
    assert [n.kind for n in status_notices(section, dt.date(2024, 5, 1))] == ["archive-date-passed"]


def test_superseded_by_links_to_the_replacement(
    make_section: MakeSection, build_library: BuildLibrary, today: dt.date
) -> None:
    html = render(make_section("DMBM600000", superseded_by="dmbm511200"), build_library, today)
    assert '<a href="section:DMBM511200" class="xref">DMBM511200: Answering machine messages</a>' in html


def test_superseded_by_a_missing_section_is_drawn_missing(
    make_section: MakeSection, build_library: BuildLibrary, today: dt.date
) -> None:
    html = render(make_section("DMBM600000", superseded_by="DMBM999999"), build_library, today)
    assert (
        '<a href="section:DMBM999999" class="xref missing" title="not in this library">DMBM999999</a>'
        '<span class="missing-note">&nbsp;(not in this library)</span>'
    ) in html


def test_last_updated_from_field_or_newest_change_note(
    make_section: MakeSection, build_library: BuildLibrary, today: dt.date
) -> None:
    updated = make_section("DMBM600000", updated=dt.date(2024, 2, 1))
    assert '<p class="updated">Last updated: 1 Feb 2024</p>' in render(updated, build_library, today)
    notes = (
        ChangeNote(dt.date(2023, 3, 9), "a"),
        ChangeNote(dt.date(2024, 1, 5), "b"),
        ChangeNote(None, "c"),
    )
    from_notes = make_section("DMBM600000", change_notes=notes)
    assert "Last updated: 5 Jan 2024" in render(from_notes, build_library, today)


def test_procedure_titles_are_used(
    make_section: MakeSection, build_library: BuildLibrary, today: dt.date, procedure_titles: dict[str, str]
) -> None:
    section = make_section("DMBM600000", body="{procedure:phone-check}\n")
    html = render(section, build_library, today, procedure_titles=procedure_titles)
    assert (
        '<a href="procedure:phone-check" class="procedure">'
        "<b>Start checklist: Using your phone on a visit</b>" in html
    )
    assert "Start checklist: phone-check" in render(section, build_library, today)


def test_body_raw_html_is_escaped(
    make_section: MakeSection, build_library: BuildLibrary, today: dt.date
) -> None:
    html = render(
        make_section("DMBM600000", body="<script>x()</script>\n\n[a](javascript:x())"), build_library, today
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html and "[a](javascript:x())" in html


@pytest.mark.parametrize("css", ["display: flex", "var(--", "::before", "::after", "border-radius", "<div"])
def test_output_stays_in_the_qtextbrowser_subset(
    css: str, make_section: MakeSection, build_library: BuildLibrary, today: dt.date
) -> None:
    body = (
        "::: note\nN\n:::\n\n{withheld}\n\nx {withheld} DMBM999999\n\n{procedure:p}\n\n| a |\n|---|\n| b |\n"
    )
    section = make_section("DMBM600000", body=body, status=Status.WITHDRAWN, superseded_by="DMBM1")
    assert css not in render(section, build_library, today)


def test_render_markdown_html_for_introductions(library: Library) -> None:
    config = RenderConfig(codes=library.codes(), resolve=library.resolve)
    html = render_markdown_html("Start at DMBM511200 or DMBM1.", config, title="Debt & Banking")
    assert "<title>Debt &amp; Banking</title>" in html and "<h1>Debt &amp; Banking</h1>" in html
    assert '<a href="section:DMBM511200" class="xref">' in html
    assert 'class="xref missing"' in html
    assert "<h1>" not in render_markdown_html("Text.", config)


def test_format_date_ignores_locale() -> None:
    assert format_date(dt.date(2024, 4, 30)) == "30 Apr 2024"
    assert format_date(dt.date(2025, 12, 1)) == "1 Dec 2025"


def test_plain_text(
    make_section: MakeSection, build_library: BuildLibrary, today: dt.date, procedure_titles: dict[str, str]
) -> None:
    body = (
        "See DMBM511200 and DMBM999999, [the rules](section:DMBM511015) and "
        "[GOV.UK](https://www.gov.uk).\n\n{withheld}\n\n"
        "## Steps\n\n1. one `DMBM1`\n2. two\n\n{procedure:phone-check}\n\n"
        "::: warning Mind out\nBody *text*.\n:::\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    section = make_section(
        "DMBM600000",
        "Title",
        body=body,
        status=Status.ARCHIVE_PENDING,
        archive_date=ARCHIVE_DATE,
        superseded_by="DMBM511200",
        updated=dt.date(2024, 2, 1),
    )
    text = section_plain_text(section, build_library(section), today=today, procedure_titles=procedure_titles)
    assert text == (
        "DMBM600000: Title\n"
        "Manual: Debt Management and Banking Manual (DMBM)\n"
        "Last updated: 1 Feb 2024\n"
        "Superseded: This section has been replaced by DMBM511200\n"
        "Archive pending: This section is being considered for archiving.\n"
        "Archive date passed: The archive date 30 Apr 2024 has passed: "
        "this section may no longer be current.\n"
        "\n"
        "See DMBM511200 and DMBM999999 (not in this library), the rules [DMBM511015] and "
        "GOV.UK <https://www.gov.uk>.\n"
        "\n"
        f"[{WITHHELD_TEXT}]\n"
        "\n"
        "Steps\n"
        "=====\n"
        "\n"
        "1. one DMBM1\n"
        "2. two\n"
        "\n"
        ">> Start checklist: Using your phone on a visit [procedure:phone-check]\n"
        "\n"
        "Warning: Mind out\n"
        "| Body text.\n"
        "\n"
        "a | b\n"
        "-----\n"
        "1 | 2\n"
    )
    assert "<" not in text.replace("<https://www.gov.uk>", "")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("- a\n  - nested\n- b\n", "- a\n  - nested\n- b"),
        ("- a\n\n  more\n- b\n", "- a\n\n  more\n\n- b"),
        ("3. three\n4. four\n", "3. three\n4. four"),
        ("> quote\n>\n> two\n", "> quote\n>\n> two"),
        ("x\n\n    code\n", "x\n\n    code"),
        ("[mail](mailto:a@b.org) <a@b.org>", "mail <mailto:a@b.org> a@b.org"),
        ("![A chart](https://x.org/c.png)", "[Image: A chart]"),
    ],
)
def test_plain_text_blocks(body: str, expected: str, make_section: MakeSection, library: Library) -> None:
    text = section_plain_text(make_section("DMBM600000", "T", body=body), library)
    assert text.split("\n\n", 1)[1] == expected + "\n"
