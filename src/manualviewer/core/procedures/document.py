"""Documents with "delete as appropriate" options, such as the DWP letter to a claimant.

The official wording lives in the procedure file; the officer only picks among the options the
guidance offers, so the finished text never departs from the wording except where allowed."""

from __future__ import annotations

import re
from collections.abc import Mapping

from manualviewer.core.procedures.model import DocumentTemplate
from manualviewer.core.procedures.templates import render

_MAX_DEPTH = 8  # option texts may use other options ({service} inside a paragraph); no deeper


class DocumentError(ValueError):
    """A choice is missing or not one the template offers, or a placeholder is unknown."""


def resolve_choices(template: DocumentTemplate, choices: Mapping[str, str]) -> dict[str, str]:
    """Every option's chosen ID, defaults filled in; raises DocumentError when one is missing."""
    unknown = sorted(set(choices) - {o.name for o in template.options})
    if unknown:
        raise DocumentError(f"no option named {', '.join(unknown)}")
    resolved: dict[str, str] = {}
    for option in template.options:
        choice_id = choices.get(option.name, option.default)
        if choice_id is None:
            offered = ", ".join(c.id for c in option.choices)
            raise DocumentError(f"choose one of {offered} for {option.name!r} ({option.label})")
        if option.choice(str(choice_id)) is None:
            offered = ", ".join(c.id for c in option.choices)
            raise DocumentError(f"{choice_id!r} is not a choice for {option.name!r}; choose one of {offered}")
        resolved[option.name] = str(choice_id)
    return resolved


def render_document(
    template: DocumentTemplate,
    choices: Mapping[str, str],
    values: Mapping[str, str] | None = None,
) -> str:
    """The finished text: options replaced by the chosen wording, deleted paragraphs gone.

    `values` fills any other placeholder (input fields, {officer}, {date}, ...)."""
    chosen = resolve_choices(template, choices)
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
            choice = option.choice(chosen[name])
            assert choice is not None  # resolve_choices checked it
            return expand(choice.text, (*stack, name))

        return render(text, resolve)

    return tidy_paragraphs(expand(template.text.text, ()))


def tidy_paragraphs(text: str) -> str:
    """Paragraphs separated by one blank line; a paragraph whose option was deleted disappears."""
    paragraphs = (
        "\n".join(line.rstrip() for line in block.strip("\n").splitlines())
        for block in re.split(r"\n[ \t]*\n", text)
    )
    return "\n\n".join(p.strip() for p in paragraphs if p.strip())
