"""A small library built by hand, so render tests do not depend on the content loader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from manualviewer.core.content.library import Library
from manualviewer.core.model import Manual, Section, SectionRef

PROCEDURE_TITLES = {"phone-check": "Using your phone on a visit"}


def make_section(section_id: str, title: str = "", body: str = "Body.", **fields: object) -> Section:
    return Section(
        id=section_id,
        manual=fields.pop("manual", "DMBM"),
        title=title or f"Title of {section_id}",
        body=body,
        path=Path(f"/content/dmbm/{section_id}.md"),
        body_line=5,
        **fields,
    )


def build_library(*sections: Section) -> Library:
    library = Library()
    for code, title in (("DMBM", "Debt Management and Banking Manual"), ("EIM", "Employment Income Manual")):
        library.manuals[code] = Manual(
            code=code,
            slug=code.lower(),
            title=title,
            organisation="HM Revenue & Customs",
            summary="",
            source_url="",
            licence="Open Government Licence v3.0",
            path=Path(f"/content/{code.lower()}"),
        )
    base = [
        make_section("DMBM511200", "Answering machine messages"),
        make_section("DMBM511015", "Recording of phone calls", aliases=("DMBM500000",)),
        make_section("EIM32730A", "Lump sums", manual="EIM"),
    ]
    for section in (*base, *sections):
        library.sections[section.id] = section
        for alias in section.aliases:
            library.aliases[alias] = section.id
    library.rebuild_indexes([SectionRef("DMBM511015", "DMBM511200", 1)])
    return library


@pytest.fixture
def library() -> Library:
    return build_library()


@pytest.fixture(name="make_section")
def make_section_fixture() -> Callable[..., Section]:
    return make_section


@pytest.fixture(name="build_library")
def build_library_fixture() -> Callable[..., Library]:
    return build_library


@pytest.fixture
def procedure_titles() -> dict[str, str]:
    return dict(PROCEDURE_TITLES)


@pytest.fixture
def today() -> dt.date:
    return dt.date(2025, 1, 15)
