"""When a step's letter cannot be written, say which input the handler left out.

A template refuses a context that lacks what it must print (strict undefined, no
``None`` printed), so a step whose letter cannot be written is refused with its whole
transaction. The template's own message names a line of a template, not an option a
handler can give; so the letter is tried again with each input the trigger declares but
did not get filled with a placeholder, and the inputs that make it writable are named.
This runs only on the refusal path, and asks the templates themselves, so an agency's
override templates get the same help.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from workflow.errors import LetterError
from workflow.letters.context import LetterContext
from workflow.letters.render import compose
from workflow.letters.templates import Templates

_PLACEHOLDER = "（待填写）"
HELP = {
    "access": "how, where and when the applicant gets the information",
    "reason": "the reasons, or the items, one per line",
    "party": "the third party or the agency concerned",
    "contact": "that party's contact",
    "days": "the period in working days",
    "until": "the last day of the period",
    "amount": "the fee in yuan",
    "note": "the note the letter refers to",
}


def _with_placeholder(context: LetterContext, name: str) -> LetterContext | None:
    step = context.step
    if name == "reason":
        return replace(context, step=replace(step, reason=_PLACEHOLDER))
    if name == "party":
        return replace(context, step=replace(step, party=_PLACEHOLDER))
    if name == "contact":
        return replace(context, step=replace(step, contact=_PLACEHOLDER))
    if name == "note":
        return replace(context, step=replace(step, note=_PLACEHOLDER))
    if name == "days":
        return replace(context, step=replace(step, days=1))
    if name == "until":
        return replace(context, step=replace(step, until=context.letter.issued_on))
    if name == "amount":
        return replace(context, step=replace(step, amount=Decimal(1)))
    if name == "access" and context.outcome is not None:
        return replace(context, outcome=replace(context.outcome, access=_PLACEHOLDER))
    return None


def _writable(context: LetterContext, templates: Templates) -> bool:
    try:
        compose(context, templates)
    except LetterError:
        return False
    return True


def missing_inputs(
    context: LetterContext, templates: Templates, candidates: Sequence[str]
) -> tuple[list[str], bool]:
    """The inputs the letter needs: ``(names, True)`` if any one of them will do,
    ``(names, False)`` if it needs all of them, ``([], False)`` if no input helps."""
    probes = {name: _with_placeholder(context, name) for name in candidates if name in HELP}
    usable = [name for name, probe in probes.items() if probe is not None]
    alone = [
        name for name, probe in probes.items() if probe is not None and _writable(probe, templates)
    ]
    if alone:
        return alone, True
    if not usable or not _writable(_filled(context, usable), templates):
        return [], False
    needed = list(usable)
    for name in usable:  # drop each input the letter can do without
        fewer = [other for other in needed if other != name]
        if _writable(_filled(context, fewer), templates):
            needed = fewer
    return needed, False


def _filled(context: LetterContext, names: Sequence[str]) -> LetterContext:
    for name in names:
        context = _with_placeholder(context, name) or context
    return context


def refusal(
    where: str,
    letter: str,
    template: str,
    error: LetterError,
    missing: Sequence[str],
    any_one: bool,
) -> LetterError:
    """The one-line refusal for a letter that cannot be written."""
    if not missing:
        return LetterError(f"{where}: cannot write the {letter} letter ({template}): {error}")
    options = [f"--{name} ({HELP[name]})" for name in missing]
    if len(options) == 1:
        need = options[0]
    elif any_one:
        need = "one of " + ", ".join(options)
    else:
        need = ", ".join(options[:-1]) + " and " + options[-1]
    return LetterError(
        f"{where}: the {letter} letter ({template}) cannot be written without {need}; "
        "nothing was recorded"
    )
