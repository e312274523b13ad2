"""How a typed query is read: operators, words as written, filler words, glossary."""

from __future__ import annotations

import pytest

from manualviewer.core.search import analysis
from manualviewer.core.search.query import Form, parse_query


def forms(query: str, **kw: object) -> list[tuple[tuple[Form, ...], bool, bool]]:
    """(forms, negated, required) of each clause."""
    return [(c.forms, c.negated, c.required) for c in parse_query(query, **kw).clauses]  # type: ignore[arg-type]


def term(t: str) -> Form:
    return Form("term", (t,))


def phrase(*terms: str) -> Form:
    return Form("phrase", terms)


@pytest.mark.parametrize(("query", "expected"), [
    ("payment", [((term("payment"),), False, False)]),
    ("payments made", [((term("payment"),), False, False), ((term("made"),), False, False)]),
    ('"direct debit"', [((phrase("direct", "debit"),), False, True)]),
    ('"debit"', [((term("debit"),), False, True)]),
    ("overpayment OR interest", [((term("overpay"), term("interest")), False, False)]),
    ("complaint NOT overpayment", [((term("complaint"),), False, False), ((term("overpay"),), True, False)]),
    ("complaint -overpayment", [((term("complaint"),), False, False), ((term("overpay"),), True, False)]),
    ("pay*", [((Form("prefix", ("pay",)),), False, False)]),
    ("pa*", [((term("pa"),), False, False)]),  # too short for a prefix: the word itself
    ("AND payment", [((term("payment"),), False, False)]),
])
def test_operators(query: str, expected: list[tuple[tuple[Form, ...], bool, bool]]) -> None:
    assert forms(query) == expected


def test_a_minus_inside_a_word_is_not_an_operator() -> None:
    (clause,) = parse_query("self-employed").clauses
    assert not clause.negated
    assert clause.forms == (term("selfemploy"), phrase("self", "employ"))


@pytest.mark.parametrize(("query", "joined", "parts"), [
    ("mid-day", "midday", ("mid", "day")),
    ("pay-as-you-earn", "payasyouearn", ("pay", "you", "earn")),  # "as" is a stop word
    ("co-ownership", "coownership", ("co", "ownership")),
    ("2013/14", "201314", ("2013", "14")),
    ("re\u2011assessment", "reassess", ("re", "assess")),  # a non-breaking hyphen
])
def test_hyphenated_words_are_the_joined_word_or_the_parts(query: str, joined: str, parts: tuple[str, ...]) -> None:
    (clause,) = parse_query(query).clauses
    assert clause.forms == (term(joined), phrase(*parts))


@pytest.mark.parametrize(("query", "expected"), [
    ("employer's", "employ"),
    ("employer\u2019s", "employ"),
    ("employers'", "employ"),
    ("£30,000", "30000"),
    ("café", "cafe"),
    ("CAFÉ", "cafe"),
    ("employer&#x2019;s", "employ"),
])
def test_words_as_written(query: str, expected: str) -> None:
    (clause,) = parse_query(query).clauses
    assert clause.forms == (term(expected),)


def test_filler_words_are_dropped() -> None:
    parsed = parse_query("why can I not text the customer back, what should my team do?")
    assert [c.forms[0].terms[0] for c in parsed.clauses] == ["not", "text", "custom", "back", "team"]


def test_a_query_of_filler_words_only_keeps_them() -> None:
    assert [c.forms[0].terms[0] for c in parse_query("what can I do").clauses] == ["what", "can", "i", "do"]


def test_a_quoted_phrase_keeps_its_words_and_gets_a_joined_reading() -> None:
    (clause,) = parse_query('"mid-day payments"').clauses
    assert clause.required
    assert clause.forms == (phrase("mid", "day", "payment"), phrase("midday", "payment"))


def test_two_words_that_the_index_has_as_one() -> None:
    known = {"midday"}.__contains__
    (clause,) = parse_query("mid day", known=known).clauses
    assert clause.forms == (phrase("mid", "day"), term("midday"))
    assert len(parse_query("mid day", known=set().__contains__).clauses) == 2


def test_glossary_terms_bring_their_other_names() -> None:
    glossary = [[("rp",), ("recoveri", "proceed")], [("answerphon",), ("answer", "machin")]]
    rp, check = parse_query("RP check", glossary=glossary).clauses
    assert rp.forms == (term("rp"), Form("phrase", ("recoveri", "proceed"), 0.5))
    assert check.forms == (term("check"),)
    (machine,) = parse_query("answering machine", glossary=glossary).clauses
    assert machine.forms == (phrase("answer", "machin"), Form("term", ("answerphon",), 0.5))


@pytest.mark.parametrize("query", ['"', '""', "OR", "NOT", "-", "*", "a*", "((", "NOT NOT", '"unclosed',
                                   "\x00", "x" * 5000, "🙂 🙂", "OR OR payment", "- - -", "/ - /"])
def test_nothing_typed_makes_the_parser_fail(query: str) -> None:
    parsed = parse_query(query)
    assert len(parsed.clauses) <= 16


def test_the_index_and_the_query_read_text_alike() -> None:
    text = "The employer’s mid-day payments (£30,000 in 2013/14) at the café"
    indexed = {t for _, t in analysis.index_terms(text)}
    for word in ["employer's", "mid-day", "midday", "£30,000", "2013/14", "cafe", "payment"]:
        for clause in parse_query(word).clauses:
            assert any(set(f.terms) <= indexed for f in clause.forms), word


def test_a_phrase_in_two_glossary_groups_gets_the_other_names_of_both() -> None:
    glossary = [[("custom",), ("taxpay",)], [("custom",), ("claimant",)]]
    (clause,) = parse_query("customer", glossary=glossary).clauses
    assert clause.forms == (term("custom"), Form("term", ("taxpay",), 0.5), Form("term", ("claimant",), 0.5))
