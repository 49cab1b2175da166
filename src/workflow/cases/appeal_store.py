"""A case's appeals as a step sees them: read and written with Core statements.

A step files an appeal or resolves the latest pending one; the working copies are
plain values, and ``write_appeals`` inserts the new ones and updates the resolved
ones with one statement each (no unit of work: its flush cost a handler's step more
than the rest of its SQL).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from workflow.lifecycle.effects import AppealAction
from workflow.store.prepared import Prepared, inserted_ids
from workflow.store.tables import APPEALS as _APPEALS

_COLUMNS = (
    _APPEALS.c.id,
    _APPEALS.c.case_id,
    _APPEALS.c.kind,
    _APPEALS.c.filed_on,
    _APPEALS.c.result,
    _APPEALS.c.decided_on,
    _APPEALS.c.filed_recorded_on,
    _APPEALS.c.decided_recorded_on,
)
_ORDER = (_APPEALS.c.filed_on, _APPEALS.c.id)
_LOAD_ONE = Prepared(
    select(*_COLUMNS).where(_APPEALS.c.case_id == bindparam("b_case_id")).order_by(*_ORDER)
)
_LOAD = (
    select(*_COLUMNS)
    .where(_APPEALS.c.case_id.in_(bindparam("b_case_ids", expanding=True)))
    .order_by(*_ORDER)
)
_KEYS = (
    *("case_id", "kind", "filed_on", "result", "decided_on", "imported"),
    *("filed_recorded_on", "decided_recorded_on"),
)
_INSERT = Prepared(_APPEALS.insert().returning(_APPEALS.c.id), _KEYS)
_INSERT_MANY = _APPEALS.insert().returning(_APPEALS.c.id, sort_by_parameter_order=True)
_RESOLVE = Prepared(
    update(_APPEALS)
    .where(_APPEALS.c.id == bindparam("b_id"))
    .values(
        result=bindparam("result"),
        decided_on=bindparam("decided_on"),
        decided_recorded_on=bindparam("decided_recorded_on"),
    )
)


@dataclass
class Appeal:
    """One appeal of a case; ``id`` None until written."""

    case_id: int
    kind: str
    filed_on: date
    filed_recorded_on: date | None
    result: str | None = None
    decided_on: date | None = None
    decided_recorded_on: date | None = None
    id: int | None = None
    resolved: bool = False  # resolved by a step not yet written

    def row(self) -> tuple[str, date, str | None, date | None]:
        """What ``workflow verify`` compares: kind, filing, result, decision."""
        return (self.kind, self.filed_on, self.result, self.decided_on)


def apply_appeal(
    appeals: list[Appeal], case_id: int, action: AppealAction, on: date, recorded_on: date
) -> Appeal | None:
    """File an appeal, or resolve the latest pending one (appeals are kept in filing order).

    Returns the appeal filed or resolved; None when there is none pending to resolve.
    """
    if action.action == "file":
        appeal = Appeal(case_id, action.kind or "", on, recorded_on)
        appeals.append(appeal)
        return appeal
    # By position, not ``appeals.index``: two appeals filed the same day and not yet
    # written are equal dataclasses, and ``index`` would find the first for the second.
    pending = [place for place, appeal in enumerate(appeals) if appeal.result is None]
    if not pending:
        return None
    latest = appeals[max(pending, key=lambda place: (appeals[place].filed_on, place))]
    latest.result = action.result
    latest.decided_on = on
    latest.decided_recorded_on = recorded_on
    latest.resolved = True
    return latest


def load_appeals(connection: Connection, case_ids: Sequence[int]) -> dict[int, list[Appeal]]:
    """The appeals of the cases, each case's in filing order."""
    found: dict[int, list[Appeal]] = {}
    if not case_ids:
        return found
    if len(case_ids) == 1:  # a handler's step: the prepared statement
        rows = _LOAD_ONE.rows(connection, {"b_case_id": case_ids[0]})
    else:
        rows = [tuple(row) for row in connection.execute(_LOAD, {"b_case_ids": list(case_ids)})]
    for row_id, case_id, kind, filed_on, result, decided_on, filed_rec, decided_rec in rows:
        found.setdefault(case_id, []).append(
            Appeal(
                case_id=case_id,
                kind=kind,
                filed_on=filed_on,
                filed_recorded_on=filed_rec,
                result=result,
                decided_on=decided_on,
                decided_recorded_on=decided_rec,
                id=row_id,
            )
        )
    return found


def write_appeals(connection: Connection, appeals: Iterable[Appeal]) -> None:
    """Insert the new appeals and write the results of the resolved ones."""
    new, resolved = [], []
    for appeal in appeals:
        if appeal.id is None:
            new.append(appeal)
        elif appeal.resolved:
            resolved.append(appeal)
    if new:
        ids = inserted_ids(
            connection,
            _INSERT,
            _INSERT_MANY,
            [
                {
                    "case_id": a.case_id,
                    "kind": a.kind,
                    "filed_on": a.filed_on,
                    "result": a.result,
                    "decided_on": a.decided_on,
                    "imported": False,
                    "filed_recorded_on": a.filed_recorded_on,
                    "decided_recorded_on": a.decided_recorded_on,
                }
                for a in new
            ],
        )
        for appeal, appeal_id in zip(new, ids, strict=True):
            appeal.id = appeal_id
    if resolved:
        _RESOLVE.run(
            connection,
            [
                {
                    "b_id": a.id,
                    "result": a.result,
                    "decided_on": a.decided_on,
                    "decided_recorded_on": a.decided_recorded_on,
                }
                for a in resolved
            ],
        )
    for appeal in (*new, *resolved):
        appeal.resolved = False
