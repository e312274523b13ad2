"""plain_text: the text snippets are cut from carries no HTML tag and no entity."""

from __future__ import annotations

import re

import pytest

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
