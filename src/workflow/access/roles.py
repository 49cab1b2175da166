"""Roles, what each allows, and the principal a request acts as.

A grant is a role on one agency, on an agency and every agency below it (a city's
reporter over its departments), or on every agency (``agency_id`` None). A principal
sees a case only when some grant of theirs allowing ``READ_CASES`` covers its agency.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    REGISTRAR = "registrar"  # opens cases, records intake
    HANDLER = "handler"  # advances the cases of their agency
    HEAD = "head"  # approves extensions; sees the agency's deadlines
    REPORTER = "reporter"  # the annual reports of their agency
    ADMIN = "admin"  # users, tokens, agencies, calendars of their scope
    AUDITOR = "auditor"  # reads everything in scope, changes nothing


class Permission(StrEnum):
    READ_CASES = "read_cases"  # cases, lists, search, letters
    OPEN_CASES = "open_cases"
    FIRE = "fire"  # advance a case
    APPROVE = "approve"  # triggers that need an approver (an extension)
    REPORTS = "reports"
    ADMINISTER = "administer"  # users, tokens, agencies, calendars
    READ_AUDIT = "read_audit"  # the audit log, outbox and scheduler runs
    PERSONAL_DATA = "personal_data"  # identity numbers and phones, unmasked


PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.REGISTRAR: frozenset(
        {Permission.READ_CASES, Permission.OPEN_CASES, Permission.PERSONAL_DATA}
    ),
    Role.HANDLER: frozenset({Permission.READ_CASES, Permission.FIRE, Permission.PERSONAL_DATA}),
    Role.HEAD: frozenset(
        {
            Permission.READ_CASES,
            Permission.FIRE,
            Permission.APPROVE,
            Permission.REPORTS,
            Permission.PERSONAL_DATA,
        }
    ),
    Role.REPORTER: frozenset({Permission.REPORTS}),
    Role.ADMIN: frozenset({Permission.ADMINISTER, Permission.READ_AUDIT}),
    Role.AUDITOR: frozenset({Permission.READ_CASES, Permission.REPORTS, Permission.READ_AUDIT}),
}


@dataclass(frozen=True)
class Grant:
    role: Role
    agency_id: int | None  # None: every agency
    subtree: bool = False


class AgencyTree:
    """The agency hierarchy, to resolve a grant on a subtree into agency ids."""

    def __init__(self, parents: Mapping[int, int | None]) -> None:
        self.parents = dict(parents)
        self.children: dict[int, list[int]] = {}
        for agency, parent in self.parents.items():
            if parent is not None:
                self.children.setdefault(parent, []).append(agency)

    def below(self, root: int) -> set[int]:
        """``root`` and every agency under it."""
        found, todo = set(), [root]
        while todo:
            agency = todo.pop()
            if agency not in found:
                found.add(agency)
                todo.extend(self.children.get(agency, ()))
        return found

    def all(self) -> set[int]:
        return set(self.parents)


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: a user (session) or an API token, with their grants."""

    kind: str  # user | token
    id: int
    name: str
    grants: tuple[Grant, ...]
    tree: AgencyTree
    agency_id: int | None = None  # the user's own agency

    @property
    def actor(self) -> str:
        """How events and the audit log name them."""
        return f"{self.kind}:{self.name}"

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.grants)

    def agencies(self, permission: Permission) -> frozenset[int]:
        """Every agency on which some grant allows ``permission``."""
        found: set[int] = set()
        for grant in self.grants:
            if permission not in PERMISSIONS[grant.role]:
                continue
            if grant.agency_id is None:
                return frozenset(self.tree.all())
            found |= self.tree.below(grant.agency_id) if grant.subtree else {grant.agency_id}
        return frozenset(found)

    def may(self, permission: Permission, agency_id: int | None = None) -> bool:
        """Allowed on that agency, or (``agency_id`` None) on some agency."""
        scope = self.agencies(permission)
        return bool(scope) if agency_id is None else agency_id in scope

    def covers_everything(self, permission: Permission) -> bool:
        """A grant on every agency: deployment-wide rows (digests, sweeps) are theirs."""
        return any(
            grant.agency_id is None and permission in PERMISSIONS[grant.role]
            for grant in self.grants
        )


def parse_roles(names: Iterable[str]) -> list[Role]:
    from workflow.errors import InvalidInput

    roles = []
    for name in names:
        try:
            roles.append(Role(name))
        except ValueError:
            known = ", ".join(role.value for role in Role)
            raise InvalidInput(f"unknown role {name!r}; roles: {known}") from None
    return roles
