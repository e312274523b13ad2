"""Small in-memory libraries for the search tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from manualviewer.core.model import Section, Status
from manualviewer.core.search.whoosh_index import WhooshIndex


def _section(section_id: str, title: str, body: str, manual: str = "DMBM", **kw: object) -> Section:
    return Section(id=section_id, manual=manual, title=title, body=body,
                   path=Path(f"/content/{manual.lower()}/{section_id}.md"), body_line=1, **kw)  # type: ignore[arg-type]


@pytest.fixture
def sections() -> list[Section]:
    return [
        _section("DMBM511015", "Recording a complaint",
                     "When a customer is unhappy, write down what they said. See DMBM511020."),
        _section("DMBM511020", "Payments by direct debit",
                     "The customer pays by direct debit. The recorded payments are checked each month."),
        _section("DMBM511030", "Overpayments",
                     "An overpayment is recovered from later payments. "
                     + "A complaint about it goes to the team. " * 12),
        _section("DMBM511040", "Interest on late payments",
                     "Interest is charged on debts paid late. <script>alert('x')</script> is not run.",
                     status=Status.ARCHIVED),
        _section("PAYE100000", "Employer returns",
                     "Employers file a return every year. A complaint from an employer is recorded too.",
                     manual="PAYE"),
        _section("PAYE100100", "Recording payroll",
                     "How payroll records are kept. Direct the employer to the helpline.",
                     manual="PAYE", aliases=("PAYE99",)),
    ]


@pytest.fixture
def index(tmp_path: Path, sections: list[Section]) -> Iterator[WhooshIndex]:
    ix = WhooshIndex(tmp_path / "index")
    ix.ensure(sections)
    yield ix
    ix.close()


@pytest.fixture
def make_section() -> object:
    """Section(id, title, body, manual="DMBM", **fields) with the test defaults."""
    return _section
