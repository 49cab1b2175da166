"""A step is a value: the facts it stores, the projection folded from them, on real stores.

The property: random sequences of steps, each valid or refused as the lifecycle decides,
go through the live path (``CaseService.fire``, one transaction each); afterwards the
fold of ``project`` over every case's stored events equals its stored row, and
``workflow verify`` finds nothing, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import workflow.letters
from tests.stores import STORES, TODAY, TestApplication, make_app, store_url
from workflow.cases.service import NewCase
from workflow.cases.verify import verify_cases
from workflow.clock import CHINA, china_date
from workflow.definition import load_definition
from workflow.errors import CalendarNotPublished, InvalidInput, TransitionRejected
from workflow.lifecycle import StepInput, vocabulary
from workflow.lifecycle.effects import AppealAction
from workflow.lifecycle.facts import Period, StepFacts
from workflow.lifecycle.projection import UNOPENED, CaseProjection, event_row, project
from workflow.resources import definitions_dir
from workflow.store.records import CaseEventRecord, CaseRecord

OUTCOMES = ["disclosed.provided", "partially_disclosed", "unavailable.other_agency",
            "not_processed.duplicate", "withheld.state_secret"]  # fmt: skip
SHIPPED = load_definition(definitions_dir() / "disclosure.yaml", vocabulary())
KINDS = ["reconsideration", "litigation_direct", "litigation_after_reconsideration"]
RESULTS = ["maintained", "corrected", "other"]


@pytest.fixture(scope="module", params=STORES)
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestApplication]:
    """One store per kind for the whole module: every example adds its own case."""
    with store_url(str(request.param), tmp_path_factory.mktemp("steps")) as url:
        application = make_app(url)
        yield application
        application.close()


def _inputs(
    draw: Callable[[st.SearchStrategy[Any]], Any], trigger: str, on: date
) -> dict[str, Any]:
    """Inputs a handler might give this trigger: mostly complete, sometimes not."""
    if trigger == "request_correction":
        return {"reason": draw(st.sampled_from(["请写明文件名称", " "]))}
    if trigger in ("consult_third_party", "consult_agency"):
        return {"party": "某公司", "contact": "0533-1234567"}
    if trigger == "issue_fee_notice":
        return {"amount": Decimal(draw(st.integers(0, 300)))}
    if trigger == "extend":
        return {"days": draw(st.integers(1, 22)), "approver": "王主任"}
    if trigger == "set_delayed_deadline":
        return {"until": on + timedelta(days=draw(st.integers(-1, 60))), "reason": "数量较大"}
    if trigger == "decide":
        return {"outcome": draw(st.sampled_from(OUTCOMES)), "reason": "依法", "party": "某局"}
    if trigger == "appeal":
        return {"kind": draw(st.sampled_from(KINDS))}
    if trigger == "resolve_appeal":
        return {"result": draw(st.sampled_from(RESULTS))}
    if trigger == "reopen":
        return {"reason": "复议决定责令重新答复"}
    return {}


def _fold(app: TestApplication, number: str) -> tuple[CaseProjection, CaseProjection]:
    """(the fold of ``project`` over the case's stored events, its stored row)."""
    with app.database.reading() as session:
        case = session.scalars(select(CaseRecord).where(CaseRecord.number == number)).one()
        definition = app.registry.for_case(session, case.definition_id, case.definition_version)
        folded = UNOPENED
        for event in session.scalars(
            select(CaseEventRecord)
            .where(CaseEventRecord.case_id == case.id)
            .order_by(CaseEventRecord.seq)
        ):
            folded = project(
                folded, StepFacts.of_event(event), definition, china_date(event.recorded_at)
            )
        return folded, CaseProjection.of(case)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_fold_of_stored_facts_is_the_stored_row(
    store: TestApplication, data: st.DataObject
) -> None:
    received = date(2026, 1, 5) + timedelta(days=data.draw(st.integers(0, 280)))
    number = store.cases.open(
        NewCase("zbgd", "张三", "natural_person", "online", received, "预算执行情况", by="李四")
    ).number
    lifecycle = store.registry.lifecycle(SHIPPED)
    state, on, applied = "received", received, 0
    for _ in range(data.draw(st.integers(1, 12))):
        on = min(on + timedelta(days=data.draw(st.integers(0, 25))), TODAY)
        trigger = data.draw(st.sampled_from(lifecycle.allowed_triggers(state)))
        inputs = _inputs(data.draw, trigger, on)
        try:
            state = store.cases.fire(number, trigger, StepInput(on=on, by="李四", **inputs)).dest
            applied += 1
        except (TransitionRejected, InvalidInput, CalendarNotPublished):
            pass  # refused: nothing written, the case goes on from where it was
    folded, stored = _fold(store, number)
    assert folded == stored
    assert stored.event_count == 1 + applied
    with store.database.reading() as session:
        assert [str(d) for d in verify_cases(session, store.registry, store.calendar)] == []


# -- the pure parts ----------------------------------------------------------------


def test_project_closes_counts_the_first_closure_once_and_reopens() -> None:
    definition = SHIPPED
    opened = project(
        UNOPENED,
        StepFacts("open", date(2026, 3, 2), "李四", None, "received"),
        definition,
        date(2026, 3, 2),
    )
    assert opened == CaseProjection("received", 1, date(2026, 3, 2), recorded_on=date(2026, 3, 2))
    decided = project(
        opened,
        StepFacts("decide", date(2026, 3, 20), "李四", "received", "decided", "disclosed.provided"),
        definition,
        date(2026, 3, 21),
    )
    assert (decided.outcome, decided.closed_on) == ("disclosed.provided", date(2026, 3, 20))
    assert (decided.first_outcome, decided.first_closed_recorded_on) == (
        "disclosed.provided",
        date(2026, 3, 21),
    )
    reopened = project(
        decided,
        StepFacts("reopen", date(2026, 5, 6), "李四", "decided", "received"),
        definition,
        date(2026, 5, 6),
    )
    assert (reopened.outcome, reopened.closed_on) == (None, None)
    redecided = project(
        reopened,
        StepFacts("decide", date(2026, 5, 20), "李四", "received", "decided", "other.other"),
        definition,
        date(2026, 5, 20),
    )
    assert (redecided.outcome, redecided.closed_on) == ("other.other", date(2026, 5, 20))
    # the annual report counts the application once, at its first closure
    assert (redecided.first_outcome, redecided.first_closed_on) == (
        "disclosed.provided",
        date(2026, 3, 20),
    )
    assert redecided.event_count == 4
    assert redecided.changed_from(reopened) == {
        "state",
        "event_count",
        "last_event_on",
        "outcome",
        "closed_on",
    }


def test_an_event_row_stores_the_facts_and_gives_them_back() -> None:
    facts = StepFacts(
        "extend",
        date(2026, 3, 10),
        "李四",
        "received",
        "extended",
        period=Period("answer", 15, date(2026, 4, 21)),
        corrected_application=True,
        appeal=AppealAction("file", kind="reconsideration"),
        payload={"days": 15, "approver": "王主任"},
    )
    projection = CaseProjection("extended", 4, date(2026, 3, 10))
    row = event_row(7, projection, facts, datetime(2026, 3, 10, 9, 0, tzinfo=CHINA))
    assert (row["case_id"], row["seq"], row["from_state"], row["to_state"]) == (
        7,
        4,
        "received",
        "extended",
    )
    # the inputs stay where the CLI's JSON shows them; the facts sit under one key
    assert row["payload"]["days"] == 15
    assert row["payload"]["facts"]["period"] == {
        "clock": "answer",
        "days": 15,
        "last_day": "2026-04-21",
        "awaits_year": None,
    }
    assert StepFacts.of_event(CaseEventRecord(**row)) == facts


def test_the_letters_name_no_clock_of_the_definition() -> None:
    """What a letter states is stored with the step: the letters package knows no clock."""
    letters = Path(workflow.letters.__file__).parent
    clocks = set(SHIPPED.clocks) - set(SHIPPED.letters)  # correction_notice is both
    for source in letters.glob("*.py"):
        text = source.read_text("utf-8")
        for clock in clocks:
            assert f'"{clock}"' not in text, f"{source.name} names the clock {clock!r}"
