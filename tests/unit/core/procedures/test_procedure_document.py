"""Documents with "delete as appropriate" options: the DWP letter keeps the official wording."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from manualviewer.core.content.library import Library
from manualviewer.core.procedures import (
    DocumentError,
    DocumentStep,
    DocumentTemplate,
    load_procedures,
    render_document,
)
from manualviewer.core.procedures.model import DocumentOption, OptionChoice
from manualviewer.core.procedures.templates import TextBlock

# The letter as DWP publishes it ("Text to include in letter to a claimant intending to
# publish, or who has published telephone/video recordings on the internet"), as plain text:
# no bold, and the paragraph the source page breaks after "make the" joined again.
OFFICIAL_OPENING = (
    "You have asked to have your interview with Departmental officials recorded. It is your right to do so."
)
OFFICIAL_BODY = [
    "However, you should know that you are entitled to record your business with DWP if the recordings are to be "
    "used by you for domestic purposes only, that is your personal, family, or household affairs (including "
    "recreational purposes),",
    "Publishing the recordings on the internet, or in any other way, may not be treated as a domestic purpose and "
    "may indicate that you are acting in law as a data controller under the Data Protection Act. If you intend to "
    "make the contents of your recording publicly available you need to notify the Information Commissioner of "
    "your actions.",
    "The Information Commissioner is Parliament's independent regulator of the Data Protection Act and he may take "
    "formal enforcement action to ensure your compliance with the Act. It is a criminal offence for a data "
    "controller to process personal information if they have not registered this with the Information "
    "Commissioner.",
]
CONFIRM = (
    "Please confirm to me that you have understood this letter and that no {further}use of the material will be "
    "made on the internet. If not we intend to alert the Information Commissioner to your unacceptable behaviour."
)
SENIOR_MANAGER = (
    "If you are not satisfied with the service that you have experienced from {service} then arrangements can be "
    "made for you to discuss your concerns with a senior manager. Please let me know if you wish to arrange such a "
    "meeting."
)
# DWPREC0200: "change the first sentence to read; It has come to the attention of the
# Department that you intend to/have published on the internet recordings of your business with DWP."
ADAPTED = (
    "It has come to the attention of the Department that you {what} on the internet recordings of your "
    "business with DWP."
)


@pytest.fixture
def letters(bundled_content: Path) -> dict[str, DocumentStep]:
    folder = bundled_content / "dwp-recordings" / "procedures"
    procedures, problems = load_procedures([folder])
    assert problems == []
    steps = {pid: p.step("letter") for pid, p in procedures.items()}
    assert all(isinstance(s, DocumentStep) for s in steps.values())
    return steps  # type: ignore[return-value]


def test_letter_before_a_recording_is_the_official_text(letters: dict[str, DocumentStep]) -> None:
    template = letters["dwp-claimant-wants-to-record"].template
    text = render_document(
        template,
        {
            "confirm_paragraph": "include",
            "further_use": "no-use",
            "senior_manager_paragraph": "include",
            "service": "jobcentre-plus",
        },
    )
    assert text.split("\n\n") == [
        OFFICIAL_OPENING,
        *OFFICIAL_BODY,
        CONFIRM.format(further=""),
        SENIOR_MANAGER.format(service="Jobcentre Plus"),
    ]


@pytest.mark.parametrize(
    ("choices", "paragraphs"),
    [
        (
            {
                "opening": "have-published",
                "confirm_paragraph": "include",
                "further_use": "no-further-use",
                "senior_manager_paragraph": "delete",
            },
            [
                ADAPTED.format(what="have published") + " It is your right to do so.",
                *OFFICIAL_BODY,
                CONFIRM.format(further="further "),
            ],
        ),
        (
            {
                "opening": "intend-to-publish",
                "confirm_paragraph": "delete",
                "senior_manager_paragraph": "include",
                "service": "pdcs",
            },
            [
                ADAPTED.format(what="intend to publish") + " It is your right to do so.",
                *OFFICIAL_BODY,
                SENIOR_MANAGER.format(service="PDCS"),
            ],
        ),
    ],
)
def test_adapted_letter_for_a_published_recording(
    letters: dict[str, DocumentStep], choices: dict[str, str], paragraphs: list[str]
) -> None:
    text = render_document(letters["dwp-claimant-published-recording"].template, choices)
    assert text.split("\n\n") == paragraphs


def test_letter_templates_match_the_section_the_officer_reads(
    letters: dict[str, DocumentStep], bundled_library: Library
) -> None:
    """The wording in the procedures is the wording in DWPREC0300, paragraph for paragraph."""
    section = bundled_library.get("DWPREC0300")
    assert section is not None
    plain = re.sub(r"\*\*|\\", "", section.body)
    for paragraph in [OFFICIAL_OPENING, *OFFICIAL_BODY]:
        assert paragraph in plain
    assert "*[" + CONFIRM.format(further="[further] ").rstrip(".") + "]." in plain
    assert "*[" + SENIOR_MANAGER.format(service="Jobcentre Plus/ PDCS*") + "]" in plain
    for step in letters.values():
        for paragraph in OFFICIAL_BODY:
            assert paragraph in step.template.text.text


def simple(text: str, *options: DocumentOption) -> DocumentTemplate:
    return DocumentTemplate(TextBlock(text), options)


def option(name: str, *choices: tuple[str, str], default: str | None = None) -> DocumentOption:
    return DocumentOption(name, name.title(), tuple(OptionChoice(i, i, t, 1) for i, t in choices), 1, default)


def test_deleted_paragraphs_disappear_with_their_blank_lines() -> None:
    template = simple("One.\n\n{p}\n\nThree.\n", option("p", ("keep", "Two."), ("delete", "")))
    assert render_document(template, {"p": "keep"}) == "One.\n\nTwo.\n\nThree."
    assert render_document(template, {"p": "delete"}) == "One.\n\nThree."


def test_missing_unknown_and_bad_choices_are_errors() -> None:
    template = simple("{a} {b}", option("a", ("x", "X")), option("b", ("y", "Y"), default="y"))
    assert render_document(template, {"a": "x"}) == "X Y"
    with pytest.raises(DocumentError, match="choose one of x for 'a'"):
        render_document(template, {})
    with pytest.raises(DocumentError, match="'z' is not a choice for 'a'"):
        render_document(template, {"a": "z"})
    with pytest.raises(DocumentError, match="no option named c"):
        render_document(template, {"a": "x", "c": "x"})


def test_fields_and_unknown_placeholders() -> None:
    template = simple("Dear {name}, {{literal}}")
    assert render_document(template, {}, {"name": "Ms Smith"}) == "Dear Ms Smith, {literal}"
    with pytest.raises(DocumentError, match="unknown placeholder \\{name\\}"):
        render_document(template, {})
