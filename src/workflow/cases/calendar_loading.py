"""Loading calendar years into the store, then recomputing the deadlines they change.

Two ways in, with their own rules for a year the store already has in another version:

* an explicit load (``calendar import-notice``, ``calendar load``): a new year is added;
  a different version of a year in the store replaces it only when asked (``--force``);
* a release (``workflow init`` after an upgrade): a shipped year the store lacks is
  added; a shipped year the release corrects replaces the shipped version in the store
  (a correction); a year the office loaded itself (a notice, a file) is kept, and the
  release's different version is reported and recorded, never applied silently.

The years are written in one transaction (nothing is half-loaded), each with an audit
row; then every case is recomputed with the store's new years (``recompute``) and the
due dates it moved are written onto those audit rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workflow.cases.calendar_changes import (
    already_recorded,
    attach_deadlines,
    record_change,
    unfinished_loads,
    write_year,
)
from workflow.cases.calendar_years import NOTICE, SHIPPED, YearVersion, calendar_of, read_years
from workflow.cases.recompute import RecomputeReport, recompute
from workflow.cases.registry import DefinitionRegistry
from workflow.clock import Clock
from workflow.deadlines.calendar_files import same_days
from workflow.deadlines.notice import apply_extension, parse_notice
from workflow.errors import InvalidInput
from workflow.store.database import Database

LOADED, REPLACED, CORRECTED, KEPT, UNCHANGED = (
    "loaded",
    "replaced",
    "corrected",
    "kept",
    "unchanged",
)
WRITES = (LOADED, REPLACED, CORRECTED)


@dataclass(frozen=True)
class YearOutcome:
    """What a load did with one offered year."""

    version: YearVersion  # the version offered
    action: str  # loaded | replaced | corrected | kept | unchanged
    previous: YearVersion | None = None  # the store's version before
    note: str | None = None
    audited: bool = True  # kept: recorded in calendar_changes (a release's year)

    @property
    def written(self) -> bool:
        return self.action in WRITES


@dataclass
class CalendarLoad:
    outcomes: list[YearOutcome]
    report: RecomputeReport | None  # None: nothing written, or no recompute asked for


Decide = Callable[[Mapping[int, YearVersion]], list[YearOutcome]]


def explicit(offered: Sequence[YearVersion], *, replace: bool) -> Decide:
    """The rule of ``import-notice`` and ``calendar load``."""

    def decide(stored: Mapping[int, YearVersion]) -> list[YearOutcome]:
        outcomes: list[YearOutcome] = []
        for version in offered:
            previous = stored.get(version.year)
            if previous is None or previous.content_hash == version.content_hash:
                outcomes.append(_new_or_same(version, previous))
            elif not replace:
                raise InvalidInput(
                    f"{version.year} is already in the store as {previous.describe()}; "
                    f"{version.source_name} differs from it: give --force to replace it "
                    "(the deadlines are recomputed)"
                )
            else:
                outcomes.append(YearOutcome(version, REPLACED, previous))
        return outcomes

    return decide


def release(shipped: Sequence[YearVersion], own: Sequence[YearVersion] = ()) -> Decide:
    """The rule of ``workflow init``: the release's years, and the office's own files
    (``--calendars DIR``), which take the place of a shipped year the store lacks."""

    def decide(stored: Mapping[int, YearVersion]) -> list[YearOutcome]:
        own_years = {version.year: version for version in own}
        outcomes: list[YearOutcome] = []
        for version in shipped:
            previous = stored.get(version.year)
            if previous is None:
                if version.year not in own_years:
                    outcomes.append(YearOutcome(version, LOADED))
            elif previous.content_hash == version.content_hash:
                outcomes.append(YearOutcome(version, UNCHANGED, previous))
            elif previous.origin == SHIPPED:
                outcomes.append(YearOutcome(version, CORRECTED, previous))
            elif same_days(previous.schedule, version.schedule):
                outcomes.append(YearOutcome(version, UNCHANGED, previous))
            else:
                outcomes.append(
                    YearOutcome(
                        version,
                        KEPT,
                        previous,
                        f"this release ships a different {version.year} "
                        f"(hash {version.content_hash[:12]}); the store keeps "
                        f"{previous.describe()}; to count with the release's instead: "
                        f"workflow calendar load --shipped {version.year} --force",
                    )
                )
        for version in own:
            previous = stored.get(version.year)
            if previous is None or previous.content_hash == version.content_hash:
                outcomes.append(_new_or_same(version, previous))
            else:
                note = (
                    f"{version.source_name} differs from the store's {version.year}, "
                    f"{previous.describe()}: not loaded; to replace it: "
                    f"workflow calendar load {version.source_name} --force"
                )
                outcomes.append(YearOutcome(version, KEPT, previous, note, audited=False))
        return outcomes

    return decide


def notice_version(texts: Sequence[str], name: str) -> tuple[YearVersion, tuple[str, ...]]:
    """A yearly holiday notice's text (and the texts of later notices extending one of its
    holidays) read into a year to load, with the parser's warnings; a sentence that
    cannot be read is refused (``NoticeParseError`` quotes it)."""
    parsed = parse_notice(texts[0])
    schedule = parsed.schedule
    for text in texts[1:]:
        schedule = apply_extension(schedule, text)
    return YearVersion(schedule, NOTICE, name, "\n\n".join(texts)), parsed.warnings


def _new_or_same(version: YearVersion, previous: YearVersion | None) -> YearOutcome:
    """Loaded when the store lacks the year, else unchanged (it has this very version)."""
    return (
        YearOutcome(version, LOADED)
        if previous is None
        else YearOutcome(version, UNCHANGED, previous)
    )


def load_years(
    database: Database,
    registry: DefinitionRegistry,
    clock: Clock,
    decide: Decide,
    by: str,
    *,
    recompute_after: bool = True,
) -> CalendarLoad:
    """Write what ``decide`` says, audited, in one transaction; then recompute.

    The recompute also finishes an earlier load's that never finished (killed midway, or
    loaded with ``--no-recompute``): running the same load again completes it.
    """
    now = clock.now()
    written: list[int] = []
    with database.transaction() as session:
        unfinished = unfinished_loads(session, WRITES)
        outcomes = decide({version.year: version for version in read_years(session)})
        for outcome in outcomes:
            version, previous = outcome.version, outcome.previous
            if outcome.written:
                write_year(session, version, by, now, replacing=previous is not None)
                written.append(record_change(session, version, outcome.action, previous, by, now))
            elif (
                outcome.action == KEPT
                and outcome.audited
                and not already_recorded(session, version, KEPT)
            ):
                record_change(session, version, KEPT, previous, by, now, outcome.note)
        calendar = calendar_of(read_years(session))
    if not (written or unfinished) or not recompute_after:
        return CalendarLoad(outcomes, None)
    report = recompute(database, registry, calendar, clock, clock.today())
    with database.transaction() as session:
        attach_deadlines(session, [*unfinished, *written], _moved(report))
    return CalendarLoad(outcomes, report)


def _moved(report: RecomputeReport) -> list[dict[str, Any]]:
    """The due dates a recompute changed, as the audit keeps them."""
    changes: list[dict[str, Any]] = report.as_json()["changes"]
    return [
        {
            "case": change["case"],
            "clock": change["clock"],
            "before": change["before"]["due_on"],
            "after": change["after"]["due_on"],
            "awaiting_calendar_year": change["after"]["awaiting_calendar_year"],
        }
        for change in changes
    ]
