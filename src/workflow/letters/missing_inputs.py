"""When a step's letter cannot be written, say which input the handler left out.

A template refuses a context that lacks what it must print (strict undefined, no
``None`` printed), so a step whose letter cannot be written is refused with its whole
transaction. The template's own message names a line of a template, not an option a
handler can give; so the letter is tried again with each input the trigger declares but
did not get filled with a placeholder, and the inputs that make it writable are named.
This runs only on a refusal's path, and asks the templates themselves, so an agency's
override templates get the same help: when a letter fails at issue, and when the
trigger's own guards refused the step (asked of the step as it would be recorded, so one
refusal names every missing input, the trigger's and its letters').
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from workflow.errors import LetterError, Needed
from workflow.letters.context import LetterContext
from workflow.letters.render import compose
from workflow.letters.templates import Templates
from workflow.lifecycle.step import INPUT_HELP, PLACEHOLDER

_PLACEHOLDER = PLACEHOLDER
# The inputs a placeholder can stand for (``_with_placeholder``).
PROBED = ("access", "reason", "party", "contact", "days", "until", "amount", "note")


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
    probes = {name: _with_placeholder(context, name) for name in candidates if name in PROBED}
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
    """The refusal for a letter that cannot be written, naming what would make it writable
    (``LetterError.missing``: the service words it as the step's refusal)."""
    if not missing:
        return LetterError(f"{where}: cannot write the {letter} letter ({template}): {error}")
    why = f"the {letter} letter ({template}) cannot be written without it"
    if any_one:
        needed = [Needed(tuple(missing), "，或".join(INPUT_HELP[name] for name in missing), why)]
    else:
        needed = [Needed((name,), INPUT_HELP[name], why) for name in missing]
    options = " 或 " if any_one else "；"
    return LetterError(
        f"{where}: the {letter} letter ({template}) cannot be written without "
        + options.join(item.text() for item in needed),
        missing=tuple(needed),
    )
