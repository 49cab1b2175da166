"""Definitions by (id, version), each bound once to its lifecycle machine.

A case keeps the definition version it started on. The store keeps every
version's source and content hash: a file changed under an old version number
is refused, and a version whose file is gone is still read from the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from workflow.clock import Clock
from workflow.definition import WorkflowDefinition, load_definition
from workflow.errors import DefinitionError
from workflow.lifecycle import Lifecycle, vocabulary
from workflow.store.rows import Rows, one, rows_of

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

DEFAULT_DEFINITION = "disclosure"


class DefinitionRegistry:
    def __init__(self, definitions_dir: Path, template_dirs: Iterable[Path] | None) -> None:
        self._vocabulary = vocabulary(template_dirs)
        self._files: dict[tuple[str, int], WorkflowDefinition] = {}
        self._lifecycles: dict[tuple[str, int], Lifecycle] = {}
        self._checked: set[tuple[str, int]] = set()
        for path in sorted(definitions_dir.glob("*.yaml")):
            definition = load_definition(path, self._vocabulary)
            if definition.key in self._files:
                other = self._files[definition.key].path
                raise DefinitionError(
                    path,
                    None,
                    "version",
                    f"{definition.id} version {definition.version} is also defined in {other}",
                )
            self._files[definition.key] = definition
        for definition in self._files.values():
            earlier = definition.earlier
            if earlier is not None and not any(i == earlier.definition for i, _ in self._files):
                raise DefinitionError(
                    definition.path,
                    None,
                    "earlier.definition",
                    f"no definition {earlier.definition!r} among the definition files",
                )

    def definitions(self) -> list[WorkflowDefinition]:
        return list(self._files.values())

    def latest(self, definition_id: str = DEFAULT_DEFINITION) -> WorkflowDefinition:
        versions = [d for (i, _), d in self._files.items() if i == definition_id]
        if not versions:
            known = ", ".join(sorted({i for i, _ in self._files})) or "none"
            raise DefinitionError(definition_id, None, "id", f"no such definition (known: {known})")
        return max(versions, key=lambda d: d.version)

    def for_receipt(
        self, received_on: date, definition_id: str = DEFAULT_DEFINITION
    ) -> WorkflowDefinition:
        """The definition an application received on ``received_on`` follows: the latest,
        or the one it names for applications received before its law applied (`earlier`)."""
        definition = self.latest(definition_id)
        seen = {definition.id}
        while definition.earlier is not None and received_on < definition.earlier.received_before:
            definition = self.latest(definition.earlier.definition)
            if definition.id in seen:
                raise DefinitionError(
                    definition.path, None, "earlier", "definitions name each other"
                )
            seen.add(definition.id)
        return definition

    def lifecycle(self, definition: WorkflowDefinition) -> Lifecycle:
        machine = self._lifecycles.get(definition.key)
        if machine is None:
            machine = self._lifecycles[definition.key] = Lifecycle(definition)
        return machine

    def register(self, session: Session, definition: WorkflowDefinition, clock: Clock) -> None:
        """Record a version the first time a case uses it; refuse a changed file."""
        if definition.key in self._checked:
            return
        stored = self._stored(session, *definition.key)
        if stored is None:
            # Two first cases may race to register the version: insert-if-absent, reread.
            # Core's, imported here: a command that only reads a case imports no SQLAlchemy.
            from workflow.store.tables import DEFINITION_VERSIONS, insert_or_ignore

            insert = insert_or_ignore(
                session.get_bind().dialect.name, DEFINITION_VERSIONS, ("definition_id", "version")
            )
            session.execute(
                insert.values(
                    definition_id=definition.id,
                    version=definition.version,
                    content_hash=definition.content_hash,
                    source=definition.source,
                    registered_at=clock.now(),
                )
            )
            stored = self._stored(session, *definition.key)
            _refuse_if_changed(definition, stored)
            return  # not remembered: this transaction may yet roll back (an attempt)
        _refuse_if_changed(definition, stored)
        self._checked.add(definition.key)

    def for_case(
        self, session: Rows | Session | Connection, definition_id: str, version: int
    ) -> WorkflowDefinition:
        """The exact definition a case started on."""
        key = (definition_id, version)
        definition = self._files.get(key)
        if definition is not None:
            if key not in self._checked:
                _refuse_if_changed(definition, self._stored(session, definition_id, version))
                self._checked.add(key)
            return definition
        stored = self._stored(session, definition_id, version)
        if stored is None:
            raise DefinitionError(definition_id, None, "version", f"version {version} is unknown")
        definition = load_definition(
            Path(f"<store:{definition_id}@{version}>"), self._vocabulary, stored.source
        )
        self._files[key] = definition
        self._checked.add(key)
        return definition

    @staticmethod
    def _stored(
        reader: Rows | Session | Connection, definition_id: str, version: int
    ) -> _Stored | None:
        """The stored version's content hash and source: plain SQL, so reading a case
        imports no SQLAlchemy on SQLite (``store.rows``)."""
        row = one(rows_of(reader), _STORED, {"definition_id": definition_id, "version": version})
        return _Stored(*row) if row is not None else None


class _Stored(NamedTuple):
    content_hash: str
    source: str


_STORED = (
    "SELECT content_hash, source FROM definition_versions"
    " WHERE definition_id = :definition_id AND version = :version"
)


def _refuse_if_changed(definition: WorkflowDefinition, stored: _Stored | None) -> None:
    """A file whose content differs from the version cases started on is refused."""
    if stored is not None and stored.content_hash != definition.content_hash:
        raise DefinitionError(
            definition.path,
            None,
            "version",
            f"{definition.id} version {definition.version} has changed since cases started "
            "on it; give the changed file a new version number",
        )
