"""plain_text: the text snippets are cut from carries no HTML tag and no entity."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manualviewer.core.content.library import Library
from manualviewer.core.search.text import Matcher, plain_text, snippet


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("<table><tr><td>Cash vouchers</td><td>Yes</td></tr></table>", "Cash vouchers Yes"),
        ("One</p><p>two<br/>three<br>four", "One two three four"),
        ('<td colspan="2">wide</td> <span class="x">text</span>', "wide text"),
        ("Before <!-- a comment\nover lines --> after", "Before after"),
        ("Employer&#x2019;s &#xA3;8,500 &amp; more&nbsp;here", "Employer’s £8,500 & more here"),
        # An escaped tag is text the reader sees, not markup.
        ("Type &lt;td&gt; in the form", "Type <td> in the form"),
        ("a < b and c > d", "a < b and c > d"),
        ("6<sup>th</sup> April, <strong>bold</strong>", "6th April, bold"),
    ],
)
def test_tags_dropped_and_entities_decoded(markdown: str, expected: str) -> None:
    assert plain_text(markdown) == expected


def test_a_snippet_of_a_body_with_raw_html_shows_no_tag() -> None:
    body = "Intro.\n\n<table>\n<tr>\n<td>\n\n**Income**&#xA0;\n\n</td>\n<td>Expenses payments</td>\n</tr>\n</table>\n"
    text = plain_text(body)
    shown = snippet(text, Matcher({"expens"}, (), lambda w: w.lower()[:6]))
    assert not re.search(r"</?t[dr]|&lt;|&#", shown)
    assert "Income Expenses payments" in text


# --- plain_text is as it was before it was made faster (issue 16) ------------------------------
def plain_text_before(markdown: str) -> str:
    """plain_text as it was written before its speed-ups (every pattern applied to every body,
    whitespace joined by re.sub): the oracle the faster one must match."""
    import html

    from manualviewer.core.search import text as t

    out = t._PROCEDURE_RE.sub(" ", markdown)
    out = t._CALLOUT_RE.sub(" ", out)
    out = out.replace("{withheld}", "[withheld]")
    out = t._LINK_RE.sub(r"\1", out)
    out = t._HEADING_RE.sub("", out)
    out = t._LIST_RE.sub("", out)
    out = t._QUOTE_RE.sub("", out)
    out = t._MARKUP_RE.sub("", out)
    out = t._TAG_RE.sub(lambda m: "" if (m.group(1) or "").lower() in t._INLINE_TAGS else " ", out)
    if "&" in out:
        out = html.unescape(out)
    return re.sub(r"\s+", " ", out).strip()[:t.STORED_TEXT_CHARS]


def test_every_bundled_body_gives_the_text_it_gave(bundled_library: Library) -> None:
    bodies = [bundled_library.body_of(s) for s in bundled_library.sections.values()]
    assert len(bodies) >= 10
    for body in bodies:
        assert plain_text(body) == plain_text_before(body)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(
    ["# ", "## ", "\n", " ", "\t", "> ", "- ", "1. ", "* ", "[a](b)", "![i](p)", "](", "{procedure:x}",
     "::: note", ":::", "{withheld}", "<td>", "</td>", "<b>", "<!-- c -->", "&amp;", "&lt;td&gt;", "**",
     "_", "`", "|", "word", "\u00a0", "\u2028", "#", ">", "<", "{", "}", ":"]), max_size=30).map("".join))
def test_any_markdown_gives_the_text_it_gave(markdown: str) -> None:
    assert plain_text(markdown) == plain_text_before(markdown)
