"""What ``workflow case fire`` shows of a step just fired: the transition with its labels
and the letters it issued, with one JSON form (the README's stable contract)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workflow.cases.registry import DefinitionRegistry
from workflow.cases.views import outcome_label, trigger_label
from workflow.store.rows import rows_of

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from workflow.cases.stepping import Fired


@dataclass(frozen=True)
class IssuedLetter:
    number: str  # 文号
    kind: str
    title: str


@dataclass(frozen=True)
class StepView:
    """What ``workflow case fire`` did: the transition, its labels, the letters it issued."""

    number: str
    trigger: str
    trigger_label: str
    from_state: str
    from_label: str
    to_state: str
    to_label: str
    outcome: str | None
    outcome_label: str | None
    event: int
    version: int
    warnings: tuple[str, ...]
    letters: tuple[IssuedLetter, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "trigger": self.trigger,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "outcome": self.outcome,
            "event": self.event,
            "version": self.version,
            "warnings": list(self.warnings),
            "letters": [
                {"number": letter.number, "kind": letter.kind, "title": letter.title}
                for letter in self.letters
            ],
        }


# The letters of one event (plain SQL, ``store.rows``: ``case show`` imports this module).
_LETTERS = (
    "SELECT l.number, l.kind FROM letters AS l JOIN case_events AS e ON e.id = l.event_id"
    " WHERE e.case_id = :case_id AND e.seq = :seq ORDER BY l.id"
)


def step_view(session: Session, registry: DefinitionRegistry, fired: Fired) -> StepView:
    """The view of a step just fired (read in a transaction after it)."""
    from workflow.cases.lookup import find_case  # the ORM: `case show` imports this module

    case = find_case(session, fired.number)
    definition = registry.for_case(session, case.definition_id, case.definition_version)
    letters = rows_of(session).all(_LETTERS, {"case_id": case.id, "seq": fired.event_seq})
    return StepView(
        number=fired.number,
        trigger=fired.trigger,
        trigger_label=trigger_label(definition, fired.trigger),
        from_state=fired.source,
        from_label=definition.states[fired.source].label,
        to_state=fired.dest,
        to_label=definition.states[fired.dest].label,
        outcome=fired.outcome,
        outcome_label=outcome_label(definition, fired.outcome),
        event=fired.event_seq,
        version=fired.version,
        warnings=fired.warnings,
        letters=tuple(
            IssuedLetter(
                number, kind, spec.title if (spec := definition.letters.get(kind)) else kind
            )
            for number, kind in letters
        ),
    )
