"""The link policy: which hrefs survive, and what counts as a section ID."""

from __future__ import annotations

import pytest

from manualviewer.core.content.library import link_pattern_for
from manualviewer.core.render.targets import (
    code_key,
    is_allowed_url,
    link_pattern,
    procedure_target,
    section_target,
)

CODES = code_key(["DMBM", "EIM", "DMBMX"])


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("section:DMBM511200", "DMBM511200"),
        ("SECTION:dmbm511200", "DMBM511200"),
        ("section:DMBM 511200", "DMBM511200"),
        ("section:ABC123", "ABC123"),  # explicit scheme: any valid ID, known code or not
        ("DMBM511200", "DMBM511200"),
        ("dmbm511200", "DMBM511200"),
        ("EIM32730A", "EIM32730A"),
        ("DMBMUPDATE130703", "DMBMUPDATE130703"),
        ("DMBM", None),  # a code alone is not a section
        ("ABC123", None),  # bare, unknown code
        ("section:not an id!", None),
        ("section:", None),
        ("https://example.org/DMBM1", None),
        ("other.html", None),
    ],
)
def test_section_target(href: str, expected: str | None) -> None:
    assert section_target(href, CODES) == expected


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("procedure:phone-check", "phone-check"),
        ("procedure:v1.2_x", "v1.2_x"),
        ("procedure:", None),
        ("procedure:bad id", None),
        ("section:DMBM1", None),
    ],
)
def test_procedure_target(href: str, expected: str | None) -> None:
    assert procedure_target(href) == expected


@pytest.mark.parametrize(
    "url",
    ["section:DMBM1", "procedure:p1", "http://x.org", "https://x.org/a?b", "mailto:a@b.org", "HTTPS://X.ORG"],
)
def test_allowed_urls(url: str) -> None:
    assert is_allowed_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "vbscript:x",
        "data:text/html,x",
        "file:///etc/passwd",
        "ftp://x.org",
        "qrc:/x",
        "other.html",
        "#top",
        "/path",
        "https:",
        "section:not valid",
        "procedure:",
    ],
)
def test_refused_urls(url: str) -> None:
    assert not is_allowed_url(url)


def test_code_key_is_canonical() -> None:
    assert code_key(["eim", "DMBM", "DMBMX", "EIM", ""]) == ("DMBMX", "DMBM", "EIM")


SAMPLES = [
    "see DMBM511200.",
    "XDMBM1 DMBM1x DMBM1A DMBM1Ab (DMBM2) DMBMX3 EIM4B",
    "DMBM512940{withheld} )DMBM512940( 1DMBM5 dmbm6",
    "",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_link_pattern_agrees_with_the_library(text: str) -> None:
    # The renderer keeps its own copy of the rule (to avoid an import cycle with the loader).
    ours = [m.group(0) for m in link_pattern(CODES).finditer(text)]
    assert ours == [m.group(0) for m in link_pattern_for(CODES).finditer(text)]


def test_link_pattern_without_codes_matches_nothing() -> None:
    assert link_pattern(()).search("DMBM1") is None
