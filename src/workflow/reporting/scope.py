"""Which agencies a report covers: one agency, a node of the hierarchy with everything
below it (a government and its departments), or every agency in the store."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.errors import InvalidInput
from workflow.store.records import AgencyRecord


@dataclass(frozen=True)
class Scope:
    """``code`` is None for the whole store; ``codes`` lists every agency summed."""

    code: str | None
    name: str
    ids: tuple[int, ...]
    codes: tuple[str, ...]
    subtree: bool = False

    @property
    def description(self) -> str:
        if self.code is None:
            return f"all agencies ({len(self.codes)})"
        if self.subtree and len(self.codes) > 1:
            return f"{self.code} and the {len(self.codes) - 1} agencies below it"
        return self.code


def resolve_scope(session: Session, code: str | None, *, subtree: bool = False) -> Scope:
    """``code=None``: every agency. ``subtree``: the agency and all its descendants."""
    agencies = list(session.scalars(select(AgencyRecord).order_by(AgencyRecord.code)))
    if code is None:
        if not agencies:
            raise InvalidInput("the store has no agencies; add one with `workflow agency add`")
        return Scope(
            None,
            "全部机关",
            tuple(a.id for a in agencies),
            tuple(a.code for a in agencies),
            subtree=True,
        )
    by_code = {agency.code: agency for agency in agencies}
    root = by_code.get(code)
    if root is None:
        raise InvalidInput(f"unknown agency {code!r}; known: {', '.join(by_code) or 'none'}")
    members = [root]
    if subtree:
        children: dict[int, list[AgencyRecord]] = {}
        for agency in agencies:
            if agency.parent_id is not None:
                children.setdefault(agency.parent_id, []).append(agency)
        pending = [root]
        while pending:
            below = children.get(pending.pop().id, [])
            members.extend(below)
            pending.extend(below)
    members.sort(key=lambda agency: agency.code)
    return Scope(
        root.code,
        root.name,
        tuple(a.id for a in members),
        tuple(a.code for a in members),
        subtree=subtree,
    )
