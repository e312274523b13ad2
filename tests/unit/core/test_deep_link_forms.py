"""Deep links: every form a link from an e-mail, the intranet or a case system may take."""

from __future__ import annotations

import pytest

from manualviewer.core.links import Link, LinkError, Target, is_link, link_for, parse_link, reference_target

GOVUK = "https://www.gov.uk/hmrc-internal-manuals/debt-management-and-banking"


@pytest.mark.parametrize(
    "text",
    [
        "manualviewer://DMBM511015",
        "manualviewer://section/DMBM511015",
        "manualviewer:DMBM511015",
        "manualviewer:section/DMBM511015",
        "manualviewer:///DMBM511015",
        "manualviewer://DMBM511015/",
        "manualviewer://section/DMBM511015/",
        "manualviewer://dmbm511015",
        "MANUALVIEWER://Section/dmbm511015",
        "ManualViewer:dmbm511015",
        "manualviewer://DMBM511015?from=intranet&x=1",
        "manualviewer://DMBM511015#top",
        "manualviewer://section/DMBM511015/?q=1#frag",
        "manualviewer://DMBM%35%31%31015",
        "manualviewer://DMBM%20511015",
        "  manualviewer://DMBM511015\n",
    ],
)
def test_manualviewer_links_name_the_section(text: str) -> None:
    assert parse_link(text) == Link("DMBM511015")


@pytest.mark.parametrize(
    "text",
    [
        f"{GOVUK}/dmbm511015",
        f"{GOVUK}/DMBM511015",
        f"{GOVUK}/dmbm511015/",
        f"{GOVUK}/dmbm511015?utm_source=email",
        f"{GOVUK}/dmbm511015#para-3",
        "http://www.gov.uk/hmrc-internal-manuals/debt-management-and-banking/dmbm511015",
        "https://gov.uk/hmrc-internal-manuals/debt-management-and-banking/dmbm511015",
        "HTTPS://WWW.GOV.UK/hmrc-internal-manuals/Debt-Management-and-Banking/dmbm511015",
        f"{GOVUK}/dmbm%35%31%31015",
    ],
)
def test_govuk_addresses_name_the_section_and_manual(text: str) -> None:
    assert parse_link(text) == Link("DMBM511015", "debt-management-and-banking")


@pytest.mark.parametrize(
    "text",
    [
        "DMBM511015",  # a plain ID: the caller opens it as an ID
        "dmbm 511015",
        "late payment interest",
        "",
        "   ",
        "https://www.example.com/hmrc-internal-manuals/x/dmbm511015",
        "https://www.gov.uk/guidance/something/else",
        "https://www.gov.uk/",
        "file:///etc/passwd",
        "manualviewerx://DMBM511015",
        "mailto:someone@example.org",
    ],
)
def test_other_text_is_not_a_link(text: str) -> None:
    assert parse_link(text) is None
    assert not is_link(text)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("manualviewer://", "names no section"),
        ("manualviewer:", "names no section"),
        ("manualviewer://section/", "names no section"),
        ("manualviewer://section", "names no section"),
        ("manualviewer://DMBM511015/extra", "names no section"),
        ("manualviewer://%2E%2E%2Fetc", "is not a section ID"),
        ("manualviewer://DMBM<script>", "is not a section ID"),
        ("manualviewer://DMBM511015%2Fextra", "is not a section ID"),
        ("manualviewer:%00", "is not a section ID"),
        ("manualviewer://" + "A" * 200, "is not a section ID"),
        (f"{GOVUK}", "contents page"),
        (f"{GOVUK}/", "contents page"),
        ("https://www.gov.uk/hmrc-internal-manuals", "contents page"),
        (f"{GOVUK}/dmbm511015/updates", "not a GOV.UK manual section address"),
        (f"{GOVUK}/dmbm.511015", "is not a section ID"),
    ],
)
def test_broken_links_of_ours_say_why(text: str, reason: str) -> None:
    assert is_link(text)
    with pytest.raises(LinkError) as caught:
        parse_link(text)
    assert reason in str(caught.value)
    assert caught.value.text == text.strip()


def test_link_for_makes_a_link_that_parses_back() -> None:
    assert link_for("dmbm 511015") == "manualviewer://DMBM511015"
    assert parse_link(link_for("VATREC1010")) == Link("VATREC1010")


def test_reference_target_resolves_ids_links_and_old_aliases() -> None:
    keys = {"DMBM511015": "DMBM511015", "OLD1": "DMBM511015"}
    assert reference_target("dmbm 511015", keys.get) == Target("DMBM511015", True)
    assert reference_target(f"{GOVUK}/old1", keys.get) == Target("DMBM511015", True)
    missing = reference_target("manualviewer://NOPE1", keys.get)
    assert (missing.found, missing.section_id) == (False, "NOPE1")
    assert missing.message.startswith("NOPE1 is not in this library. The link you opened names")
    broken = reference_target("manualviewer://a/b", keys.get)
    assert (broken.found, broken.section_id) == (False, "")
    assert broken.message == "That link cannot be opened: the link names no section."
