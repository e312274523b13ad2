"""Documents with "delete as appropriate" options, such as the DWP letter to a claimant.

The official wording lives in the procedure file; the officer only picks among the options the
guidance offers, so the finished text never departs from the wording except where allowed."""

from __future__ import annotations

import re
from collections.abc import Mapping

from manualviewer.core.procedures.model import DocumentTemplate
from manualviewer.core.procedures.templates import placeholders, render

_MAX_DEPTH = 8  # option texts may use other options ({service} inside a paragraph); no deeper


class DocumentError(ValueError):
    """A choice is missing or not one the template offers, or a placeholder is unknown."""


def resolve_choices(template: DocumentTemplate, choices: Mapping[str, str], *, partial: bool = False) -> dict[str, str]:
    """The chosen ID of every option, defaults filled in. An option the finished text does not
    use needs no choice (the service named inside a deleted paragraph); any other missing,
    unknown or misspelt choice raises DocumentError (a missing one only when not `partial`)."""
    unknown = sorted(set(choices) - {o.name for o in template.options})
    if unknown:
        raise DocumentError(f"no option named {', '.join(unknown)}")
    resolved: dict[str, str] = {}
    for option in template.options:
        choice_id = choices.get(option.name, option.default)
        if choice_id is None:
            continue
        if option.choice(str(choice_id)) is None:
            offered = ", ".join(c.id for c in option.choices)
            raise DocumentError(f"{choice_id!r} is not a choice for {option.name!r}; choose one of {offered}")
        resolved[option.name] = str(choice_id)
    used = [] if partial else reached_options(template, resolved)
    for unchosen in (o for o in template.options if o.name in used and o.name not in resolved):
        offered = ", ".join(c.id for c in unchosen.choices)
        raise DocumentError(f"choose one of {offered} for {unchosen.name!r} ({unchosen.label})")
    return resolved


def reached_options(template: DocumentTemplate, chosen: Mapping[str, str]) -> list[str]:
    """Options the finished text reaches, in reading order, through the chosen texts (an option
    inside a deleted paragraph needs no choice). The letter form shows only these."""
    used: list[str] = []
    pending = [template.text.text]
    while pending:
        for placeholder in placeholders(pending.pop(0)):
            option = template.option(placeholder.name)
            if option is None or placeholder.name in used:
                continue
            used.append(placeholder.name)
            choice = option.choice(chosen.get(option.name, ""))
            if choice is not None:
                pending.append(choice.text)
    return used


def render_document(
    template: DocumentTemplate,
    choices: Mapping[str, str],
    values: Mapping[str, str] | None = None,
    *,
    preview: bool = False,
) -> str:
    """The finished text: options replaced by the chosen wording, deleted paragraphs gone.

    `values` fills any other placeholder (input fields, {officer}, {date}, ...). `preview`: an
    option not chosen yet reads as its choices, "[Jobcentre Plus / PDCS]", instead of failing,
    so the officer sees the letter take shape as they pick."""
    chosen = resolve_choices(template, choices, partial=preview)
    values = values or {}

    def expand(text: str, stack: tuple[str, ...]) -> str:
        def resolve(name: str) -> str:
            option = template.option(name)
            if option is None:
                if name in values:
                    return values[name]
                raise DocumentError(f"unknown placeholder {{{name}}}")
            if name in stack or len(stack) >= _MAX_DEPTH:
                raise DocumentError(f"option {name!r} contains itself")
            if name not in chosen:
                offered = " / ".join(c.label for c in option.choices)
                # A paragraph to keep or delete says which paragraph; a choice of words does not need to.
                return f"[{option.label}: {offered}]" if any(not c.text for c in option.choices) else f"[{offered}]"
            choice = option.choice(chosen[name])
            assert choice is not None  # resolve_choices checked every option the text reaches
            return expand(choice.text, (*stack, name))

        return render(text, resolve)

    return tidy_paragraphs(expand(template.text.text, ()))


def tidy_paragraphs(text: str) -> str:
    """Paragraphs separated by one blank line; a paragraph whose option was deleted disappears."""
    paragraphs = (
        "\n".join(line.rstrip() for line in block.strip("\n").splitlines()) for block in re.split(r"\n[ \t]*\n", text)
    )
    return "\n\n".join(p.strip() for p in paragraphs if p.strip())
