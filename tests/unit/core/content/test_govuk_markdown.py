from __future__ import annotations

import pytest

from manualviewer.core.content.govuk_ids import manual_code, moved_from, moved_to
from manualviewer.core.content.govuk_links import LinkRewriter
from manualviewer.core.content.govuk_markdown import decode_entities, html_to_markdown, replace_withheld

SENTENCE = "This content has been withheld because of exemptions in the Freedom of Information Act 2000"


# --- HTML to Markdown ---------------------------------------------------------------------

def test_html_body_becomes_clean_markdown() -> None:
    html = (
        '<h2 id="x">Years prior to 2003/04</h2><p>Text with <strong>bold</strong> and '
        '<a href="/hmrc-internal-manuals/m/eim16040" rel="external" title="t">EIM16040</a>.</p>'
        "<ul><li>one</li><li>two</li></ul><script>alert(1)</script>"
        "<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td>2|3</td></tr></tbody></table>"
    )
    md = html_to_markdown(html)
    assert md.startswith(
        "## Years prior to 2003/04\n\nText with **bold** and [EIM16040](/hmrc-internal-manuals/m/eim16040)."
    )
    assert "- one\n- two" in md
    assert "alert" not in md and "<" not in md
    assert "| 1 | 2\\|3 |" in md
    assert md.endswith("\n") and "\n\n\n" not in md


def test_href_with_spaces_is_kept_whole() -> None:
    md = html_to_markdown('<p><a href="/government/a file (v2).pdf">form</a></p>')
    assert md.strip() == "[form](</government/a%20file%20(v2).pdf>)"


def test_entities_decoded_unless_markdown_syntax() -> None:
    assert decode_entities("&#x201C;Employee&#x201D;&#xA0;x &amp; &#42;y&#42; &lt;b&gt; &nosuch;") == (
        "“Employee” x & &#42;y&#42; &lt;b&gt; &nosuch;"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a &lt; b &amp;&amp; c &gt; d", "a < b && c > d"),  # comparisons are safe as characters
        ("&lt;table&gt; and &lt;/td&gt;", "&lt;table&gt; and &lt;/td&gt;"),  # would become tags
        ("&lt;https://x.example&gt;", "&lt;https://x.example&gt;"),  # would become an autolink
        ("&amp;pound; and &amp;#163;", "&amp;pound; and &amp;#163;"),  # would become entities
        ("&gt; not a quote\n  &gt; nor this", "&gt; not a quote\n  &gt; nor this"),  # line start: quote
        ("R&amp;D", "R&D"),
    ],
)
def test_entities_that_would_become_syntax_stay_encoded(text: str, expected: str) -> None:
    assert decode_entities(text) == expected


# --- withheld -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"({SENTENCE})", "{withheld}"),
        (f"{SENTENCE}.", "{withheld}"),
        (f"Before. [{SENTENCE}] After.", "Before. {withheld} After."),
        ("**(This text has been withheld because of exemptions in the Freedom of Information Act 2000)**",
         "{withheld}"),
        (f"\\({SENTENCE}\\)", "{withheld}"),  # markdownify escapes brackets
        (f"EIM12345({SENTENCE})EIM12346", "EIM12345 {withheld} EIM12346"),  # glued to IDs
        ("This content has been\nwithheld because of exemptions in the Freedom of\nInformation Act 2000",
         "{withheld}"),
        ("This information has been withheld under the Freedom of Information Act 2000", "{withheld}"),
    ],
)
def test_withheld_sentences_become_the_marker(text: str, expected: str) -> None:
    result, count = replace_withheld(text)
    assert result == expected and count == 1


def test_other_text_about_foi_is_left_alone() -> None:
    text = "Requests under the Freedom of Information Act 2000 go to the FOI team."
    assert replace_withheld(text) == (text, 0)


# --- links --------------------------------------------------------------------------------

@pytest.fixture
def rewriter() -> LinkRewriter:
    return LinkRewriter(
        codes=["EIM", "VATGPB", "CG"],
        slugs=["employment-income-manual"],
        ids=["EIM32730A", "VATGPBUPDATE001", "dmbmupdate130703", "CG-APP18-100"],
    )


@pytest.mark.parametrize(
    ("href", "target"),
    [
        ("/hmrc-internal-manuals/employment-income-manual/eim32730a", "EIM32730A"),
        ("/hmrc-manuals/employment-income-manual/EIM16040", "EIM16040"),
        ("/hmrc-manuals/employment-income-manual/sections/EIM16040", "EIM16040"),
        ("https://www.gov.uk/hmrc-internal-manuals/capital-gains-manual/cg-app18-100", "CG-APP18-100"),
        ("http://gov.uk/hmrc-internal-manuals/other-manual/abc123", "ABC123"),
        ("/guidance/employment-income-manual/EIM00505#EIM00670", "EIM00670"),
        ("https://www.gov.uk/hmrc-internal-manuals/employment-income-manual/eim00505#EIM00670", "EIM00670"),
        ("/hmrc-internal-manuals/employment-income-manual/eim00505#para-2", "EIM00505"),
        ("#EIM00670", "EIM00670"),
        ("EIM00505", "EIM00505"),
        ("http://www.hmrc.gov.uk/manuals/eimanual/EIM00505.htm", "EIM00505"),
        ("http://www.hmrc.gov.uk/manuals/eimanual/EIM00505.htm#EIM00510", "EIM00510"),
        ("section:eim1", "EIM1"),
        ("/hmrc-internal-manuals/employment-income-manual", None),
        ("/hmrc-internal-manuals/employment-income-manual/updates", None),
        ("/guidance/vat-notice-700", None),
        ("/guidance/some-guide/chapter-2", None),
        ("/government/publications/foo", None),
        ("https://example.com/hmrc-internal-manuals/x/eim1", None),
        ("#top", None),
        ("mailto:someone@example.com", None),
    ],
)
def test_link_targets(rewriter: LinkRewriter, href: str, target: str | None) -> None:
    assert rewriter.target(href) == target


def test_rewrite_markdown_links(rewriter: LinkRewriter) -> None:
    md = (
        "See [EIM00670](/guidance/employment-income-manual/EIM00505#EIM00670), "
        "[the form](/government/publications/foo), [top](#top), [web](https://example.com/a), "
        "<https://www.gov.uk/hmrc-internal-manuals/vat/vatgpb1000> and "
        "https://www.gov.uk/hmrc-internal-manuals/employment-income-manual/eim11200.\n"
    )
    out, targets = rewriter.rewrite(md)
    assert out == (
        "See [EIM00670](section:EIM00670), [the form](https://www.gov.uk/government/publications/foo), "
        "top, [web](https://example.com/a), [VATGPB1000](section:VATGPB1000) and "
        "[EIM11200](section:EIM11200).\n"
    )
    assert targets == ["EIM00670", "VATGPB1000", "EIM11200"]


def test_rewrite_bare_ids_in_prose_only(rewriter: LinkRewriter) -> None:
    md = (
        "See EIM12345, VATGPBUPDATE001, dmbmupdate130703 and CG-APP18-100 (not XEIM1, EIM1x, SE00670).\n"
        "`EIM999` in code, [EIM777 text](https://example.com) is a link already.\n"
        "```\nEIM888\n```\n"
        "[ref]: /hmrc-internal-manuals/employment-income-manual/eim11205\n"
    )
    out, targets = rewriter.rewrite(md)
    assert out.splitlines()[0] == (
        "See [EIM12345](section:EIM12345), [VATGPBUPDATE001](section:VATGPBUPDATE001), "
        "[dmbmupdate130703](section:DMBMUPDATE130703) and [CG-APP18-100](section:CG-APP18-100) "
        "(not XEIM1, EIM1x, SE00670)."
    )
    assert "`EIM999`" in out and "[EIM777 text](https://example.com)" in out and "\nEIM888\n" in out
    assert out.splitlines()[-1] == "[ref]: section:EIM11205"
    assert targets == ["EIM12345", "VATGPBUPDATE001", "DMBMUPDATE130703", "CG-APP18-100", "EIM11205"]


# --- IDs ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("ids", "code"),
    [
        (["VATGPB1000", "VATGPB2000", "VATGPBUPDATE001"], "VATGPB"),
        (["VATGPBUPDATE001", "VATGPB1000"], "VATGPB"),
        (["EIM00100", "EIM32730A", "ADML1100"], "EIM"),
        (["CG-APP1", "CG10100", "CG-APP18-100"], "CG"),
        (["dmbmupdate130703", "DMBM511200"], "DMBM"),
    ],
)
def test_manual_code_is_the_shared_alphabetic_prefix(ids: list[str], code: str) -> None:
    assert manual_code(ids) == code


def test_manual_code_without_ids_uses_title_initials() -> None:
    assert manual_code([], "Capital Gains Manual") == "CG"


@pytest.mark.parametrize(
    ("note", "target"),
    [
        ("Page archived; content merged with CG56344.", "CG56344"),
        ("merged into CG56344", "CG56344"),
        ("Merged to CG56384", "CG56384"),
        ("Page archived, content now at CG1234c", "CG1234c"),
        ("Page archived, renumbered to CG-APP2.", "CG-APP2"),
        ("Content archived, see CG10100", None),  # "see" is a pointer, not a move
        ("Page archived, content now in main manual.", None),
    ],
)
def test_moved_to(note: str, target: str | None) -> None:
    assert moved_to(note) == target


def test_moved_from() -> None:
    assert moved_from("Content moved from CG123 and updated") == "CG123"
    assert moved_from("formerly CG-APP1") == "CG-APP1"
    assert moved_from("The text on this page was previously archived.") is None
