"""Letter templates: where they are found, what they are called, and which version made a letter.

Templates are Jinja2 files under ``notifications/letters/`` (the shipped set), searched
after an agency's override directory if one is given: a file of the same name there
replaces the shipped one. One template per letter kind (``correction_notice.j2``) and
one per decision outcome (``decision/withheld.state_secret.j2``); shared pieces live in
``partials/`` and the print stylesheet is ``letter.css``.

A template's *version* is the SHA-256 over its own source, every template it extends,
includes or imports (transitively) and the stylesheet, each with its name. A letter is
rendered from exactly the sources its version was computed from (a snapshot), so the
version archived with a letter says which templates made it, even while someone edits
the files. The snapshot is kept, and every load checks it is still current with one
``stat`` per file it read or looked for (size, modification time, inode): an edited,
replaced, added or removed template is read again by the next letter, without a letter
reading and hashing every source each time. (An edit that keeps a file's size within the
file system's timestamp resolution, a few milliseconds, is not seen; no editor makes one.)

Rendering is sandboxed and size-bounded (``template_sandbox.BoundedSandbox``), autoescaped
(templates write HTML) and strict: an undefined name or attribute, or a ``None`` printed, is an
error. Applicant text is only ever data, never template source.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

from jinja2 import (
    BaseLoader,
    Environment,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    meta,
)

from workflow.errors import LetterError
from workflow.input_files import UnreadableFile, read_text
from workflow.letters import wording
from workflow.resources import notifications_dir
from workflow.template_sandbox import BoundedSandbox, render_bounded

PARTIALS = "partials/"
STYLESHEET = "letter.css"
SUFFIX = ".j2"
_KIND = re.compile(r"[a-z][a-z0-9_]*")
_OUTCOME = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
_CACHE_SIZE = 256
_Signature = tuple[int, int, int, int] | None  # mtime, size, inode, ctime; None: no file


def template_name(kind: str, outcome: str | None = None) -> str:
    """``("correction_notice", None)`` -> ``correction_notice.j2``;
    ``("decision", "withheld.state_secret")`` -> ``decision/withheld.state_secret.j2``."""
    if not isinstance(kind, str) or not _KIND.fullmatch(kind):
        raise LetterError(f"{kind!r} is not a letter kind")
    if kind == "decision":
        if outcome is None or not _OUTCOME.fullmatch(outcome):
            raise LetterError(f"a decision letter needs an outcome code, got {outcome!r}")
        return f"decision/{outcome}{SUFFIX}"
    if outcome is not None:
        raise LetterError(f"a {kind} letter has no outcome (got {outcome!r})")
    return f"{kind}{SUFFIX}"


def _fail(message: str) -> NoReturn:
    """``{{ fail("...") }}``: a template refuses a context it cannot write a letter from."""
    raise LetterError(message)


def _refuse_none(value: object) -> object:
    if value is None:
        raise LetterError("the template prints a value that is not set (None)")
    return value


class _SnapshotLoader(BaseLoader):
    """Serves the sources read for one version; template names label tracebacks."""

    def __init__(self, sources: Mapping[str, str]) -> None:
        self.sources = dict(sources)

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        if template not in self.sources:
            raise TemplateNotFound(template)
        return self.sources[template], template, lambda: True


def _environment(sources: Mapping[str, str]) -> Environment:
    env = BoundedSandbox(
        loader=_SnapshotLoader(sources),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_refuse_none,
        auto_reload=False,
    )
    env.filters.update(wording.FILTERS)
    env.tests.update(wording.TESTS)
    env.globals["fail"] = _fail
    return env


@dataclass(frozen=True)
class LoadedTemplate:
    """A compiled template with the exact sources (and so the version) it was built from."""

    name: str
    version: str
    template: Template
    stylesheet: str

    def render(self, variables: Mapping[str, Any]) -> str:
        try:
            return render_bounded(self.template, variables)
        except LetterError as error:
            raise LetterError(f"{self.name}{_where(error)}: {error}") from None
        except (TemplateError, TypeError, ValueError, ArithmeticError) as error:
            raise LetterError(f"{self.name}{_where(error)}: {error}") from None
        except RecursionError:  # extends or includes itself, a macro calling itself
            raise LetterError(
                f"{self.name}: the template recurses without end (it extends, includes or "
                "calls itself)"
            ) from None


def _where(error: BaseException) -> str:
    """' (line N of FILE)' from a syntax error or a traceback through template code."""
    if isinstance(error, TemplateSyntaxError):
        return f" (line {error.lineno} of {error.filename or error.name})"
    found = ""
    tb = error.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((SUFFIX, ".css")):
            found = f" (line {tb.tb_lineno} of {filename})"
        tb = tb.tb_next
    return found


def _signature(path: Path) -> _Signature:
    """What tells an edit of ``path`` (``None`` when it is not a file, as ``is_file``)."""
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(found.st_mode):
        return None
    return (found.st_mtime_ns, found.st_size, found.st_ino, found.st_ctime_ns)


@dataclass(frozen=True)
class _Snapshot:
    """A template's sources as read, with every path looked at and what it was then."""

    sources: Mapping[str, str]
    version: str
    looked_at: tuple[tuple[Path, _Signature], ...]

    def current(self) -> bool:
        return all(_signature(path) == signature for path, signature in self.looked_at)


class Templates:
    """The letter templates one agency uses: its override directory first, then the shipped set."""

    def __init__(self, override: Path | str | None = None, shipped: Path | str | None = None):
        base = Path(shipped) if shipped is not None else notifications_dir() / "letters"
        self.search_path: tuple[Path, ...] = (
            (Path(override), base) if override is not None else (base,)
        )
        self._references: dict[str, tuple[str, ...]] = {}
        self._compiled: OrderedDict[str, LoadedTemplate] = OrderedDict()
        self._snapshots: dict[str, _Snapshot] = {}
        self._lock = threading.Lock()
        self._parser = Environment()

    def source(self, name: str) -> str:
        """The text of one template (or the stylesheet), override first."""
        return self._read(name, [])

    def _read(self, name: str, looked_at: list[tuple[Path, _Signature]]) -> str:
        """``source``, adding each path it looked at to ``looked_at`` (with its signature
        taken before reading, so an edit while reading is read again next time)."""
        if name.startswith("/") or ".." in Path(name).parts or "\\" in name:
            raise LetterError(f"bad template name {name!r}")
        for directory in self.search_path:
            path = directory / name
            signature = _signature(path)
            looked_at.append((path, signature))
            if signature is not None:
                try:
                    return read_text(path)
                except UnreadableFile as error:
                    raise LetterError(f"cannot read template {error}", template=name) from None
        where = ", ".join(str(directory) for directory in self.search_path)
        raise LetterError(f"no letter template {name!r} in {where}")

    def available(self) -> list[str]:
        """Every letter template (not the partials), as names ``template_name`` returns."""
        names: set[str] = set()
        for directory in self.search_path:
            if directory.is_dir():
                for path in directory.rglob(f"*{SUFFIX}"):
                    name = path.relative_to(directory).as_posix()
                    if not name.startswith(PARTIALS):
                        names.add(name)
        return sorted(names)

    def sources(self, name: str) -> dict[str, str]:
        """``name``, every template it uses (transitively) and the stylesheet, with their text."""
        return dict(self._snapshot(name).sources)

    def version(self, name: str) -> str:
        return self._snapshot(name).version

    def _snapshot(self, name: str) -> _Snapshot:
        """The sources of ``name`` as they are now: the last ones read, if still current."""
        with self._lock:
            snapshot = self._snapshots.get(name)
        if snapshot is not None and snapshot.current():
            return snapshot
        looked_at: list[tuple[Path, _Signature]] = []
        found: dict[str, str] = {}
        pending = [name]
        while pending:
            current = pending.pop()
            if current in found:
                continue
            text = self._read(current, looked_at)
            found[current] = text
            pending.extend(self._referenced(current, text))
        found[STYLESHEET] = self._read(STYLESHEET, looked_at)
        snapshot = _Snapshot(MappingProxyType(found), _digest(found.items()), tuple(looked_at))
        with self._lock:
            self._snapshots[name] = snapshot
        return snapshot

    def load(self, name: str) -> LoadedTemplate:
        """The template compiled from a snapshot of its current sources."""
        snapshot = self._snapshot(name)
        version = snapshot.version
        key = f"{name}\0{version}"
        with self._lock:
            loaded = self._compiled.get(key)
            if loaded is not None:
                self._compiled.move_to_end(key)
                return loaded
        sources = snapshot.sources
        try:
            template = _environment(sources).get_template(name)
        except TemplateError as error:
            raise LetterError(f"{name}{_where(error)}: {error}") from None
        loaded = LoadedTemplate(name, version, template, sources[STYLESHEET])
        with self._lock:
            self._compiled[key] = loaded
            while len(self._compiled) > _CACHE_SIZE:
                self._compiled.popitem(last=False)
        return loaded

    def _referenced(self, name: str, text: str) -> tuple[str, ...]:
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        cached = self._references.get(key)
        if cached is not None:
            return cached
        try:
            names = list(meta.find_referenced_templates(self._parser.parse(text, name)))
        except TemplateError as error:
            raise LetterError(f"{name}{_where(error)}: {error}") from None
        if any(ref is None for ref in names):
            raise LetterError(f"{name}: extends/includes/imports must name their template")
        result = tuple(str(ref) for ref in names)
        self._references[key] = result
        return result


def _digest(sources: Iterable[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for name, text in sorted(sources):
        digest.update(name.encode("utf-8") + b"\0")
        data = text.encode("utf-8")
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


@cache
def shipped_templates() -> Templates:
    """The shipped set, no override (built on first use)."""
    return Templates()


def template_version(
    kind: str, outcome: str | None = None, *, templates: Templates | None = None
) -> str:
    """SHA-256 (hex) over the template for this letter and everything it uses."""
    return (templates or shipped_templates()).version(template_name(kind, outcome))


def available_templates(templates: Templates | None = None) -> list[str]:
    return (templates or shipped_templates()).available()
