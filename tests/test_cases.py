"""The case service on real stores (SQLite and PostgreSQL): every path, every refusal."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.stores import TestApplication
from workflow.cases.case_list import CaseFilter, known_handlers, list_cases
from workflow.cases.service import NewCase
from workflow.cases.verify import verify_cases
from workflow.cases.views import show_case
from workflow.errors import CalendarNotPublished, InvalidInput, Needed, TransitionRejected
from workflow.lifecycle import StepInput
from workflow.store.records import CaseEventRecord, CaseRecord, TimerRecord

RECEIVED = date(2026, 2, 12)


def open_case(app: TestApplication, received: date = RECEIVED, **overrides: Any) -> str:
    fields: dict[str, Any] = {
        "agency": "zbgd",
        "applicant": "张三",
        "applicant_type": "natural_person",
        "channel": "online",
        "received_on": received,
        "request": "2025年度财政预算执行情况",
        "by": "李四",
    }
    fields.update(overrides)
    return app.cases.open(NewCase(**fields)).number


def fire(app: TestApplication, number: str, trigger: str, on: date, **inputs: Any) -> str:
    return app.cases.fire(number, trigger, StepInput(on=on, by="李四", **inputs)).dest


def show(app: TestApplication, number: str, as_of: date) -> dict[str, Any]:
    with app.database.reading() as session:
        return show_case(session, app.registry, app.calendar, number, as_of).to_json()


def assert_verified(app: TestApplication) -> None:
    with app.database.reading() as session:
        assert [str(d) for d in verify_cases(session, app.registry, app.calendar)] == []


def test_open_starts_the_answer_clock_and_numbers_the_case(app: TestApplication) -> None:
    first = open_case(app)
    second = open_case(app, received=date(2026, 3, 2))
    assert (first, second) == ("zbgd-2026-0001", "zbgd-2026-0002")
    data = show(app, first, date(2026, 3, 16))
    assert data["state"] == "received"
    assert data["open"] is True
    answer = data["deadlines"]["answer"]
    assert answer["due_on"] == "2026-03-18"
    assert answer["remaining_workdays"] == 2
    assert data["deadlines"]["correction_notice"]["due_on"] == "2026-02-28"
    assert "extend" in data["allowed_triggers"]


def test_plain_decision_closes_once(app: TestApplication) -> None:
    number = open_case(app)
    assert fire(app, number, "decide", date(2026, 3, 10), outcome="disclosed.provided") == "decided"
    data = show(app, number, date(2026, 3, 10))
    assert (data["open"], data["outcome"], data["closed_on"]) == (
        False,
        "disclosed.provided",
        "2026-03-10",
    )
    assert data["deadlines"]["answer"]["status"] == "stopped"
    assert data["allowed_triggers"] == ["appeal", "reopen"]
    assert_verified(app)


def test_correction_restarts_the_answer_clock_in_full(app: TestApplication) -> None:
    number = open_case(app)
    fire(app, number, "request_correction", date(2026, 2, 24), reason="请写明文件名称", days=10)
    data = show(app, number, date(2026, 2, 24))
    assert data["deadlines"]["answer"]["status"] == "paused"
    assert data["deadlines"]["correction"]["due_on"] == "2026-03-09"  # 10 WD after 02-24
    fire(app, number, "receive_correction", date(2026, 3, 2))
    answer = show(app, number, date(2026, 3, 2))["deadlines"]["answer"]
    assert answer["due_on"] == app.calendar.add_working_days(date(2026, 3, 2), 20).isoformat()
    assert "自2026-03-02起重新计算" in answer["explanation"][-1]
    with pytest.raises(TransitionRejected, match=r"allowed: .*decide"):
        fire(app, number, "receive_correction", date(2026, 3, 3))
    assert_verified(app)


def test_correction_lapses_only_after_its_period(app: TestApplication) -> None:
    number = open_case(app)
    fire(
        app,
        number,
        "request_correction",
        date(2026, 2, 13),
        reason="请补充身份证明",
        until=date(2026, 3, 6),
    )
    with pytest.raises(TransitionRejected, match="runs until 2026-03-06; it has not lapsed"):
        fire(app, number, "lapse_correction", date(2026, 3, 6))
    assert fire(app, number, "lapse_correction", date(2026, 3, 9)) == "decided"
    data = show(app, number, date(2026, 3, 9))
    assert data["outcome"] == "other.correction_lapsed"
    assert_verified(app)


def test_one_correction_notice_only_and_within_seven_working_days(app: TestApplication) -> None:
    late = open_case(app)
    with pytest.raises(TransitionRejected, match=r"due within 7 WD of receipt \(by 2026-02-28\)"):
        fire(app, late, "request_correction", date(2026, 3, 2), reason="x")
    twice = open_case(app)
    fire(app, twice, "request_correction", date(2026, 2, 13), reason="x")
    fire(app, twice, "receive_correction", date(2026, 2, 24))
    with pytest.raises(TransitionRejected, match=r"Art\. 30 allows one notice only"):
        fire(app, twice, "request_correction", date(2026, 2, 25), reason="y")


def test_third_party_silence_resumes_the_answer_clock(app: TestApplication) -> None:
    number = open_case(app)
    fire(app, number, "consult_third_party", date(2026, 3, 5), party="某科技有限公司")
    third = show(app, number, date(2026, 3, 5))["deadlines"]["third_party"]
    assert third["due_on"] == "2026-03-26"
    with pytest.raises(TransitionRejected, match="has not lapsed"):
        fire(app, number, "third_party_silent", date(2026, 3, 26))
    assert fire(app, number, "third_party_silent", date(2026, 3, 27)) == "received"
    answer = show(app, number, date(2026, 3, 27))["deadlines"]["answer"]
    # The consultation ended with its 15th WD, 03-26, not on the day its silence was noticed.
    assert (
        answer["explanation"][1]
        == "2026-03-05至2026-03-26暂停（征求第三方意见）：已用11个工作日，剩余9个"
    )
    assert_verified(app)


def test_agency_consultation_then_decision(app: TestApplication) -> None:
    number = open_case(app)
    fire(app, number, "consult_agency", date(2026, 3, 2), party="某市财政局")
    assert fire(app, number, "receive_agency_reply", date(2026, 3, 10)) == "received"
    fire(app, number, "decide", date(2026, 3, 20), outcome="disclosed.already_public")
    assert_verified(app)


def test_unpaid_fee_closes_the_case(app: TestApplication) -> None:
    number = open_case(app)
    with pytest.raises(TransitionRejected, match=r"\[issue_fee_notice\] 未执行，缺少：--amount（"):
        fire(app, number, "issue_fee_notice", date(2026, 3, 2))
    fire(app, number, "issue_fee_notice", date(2026, 3, 2), amount=Decimal("1700"))
    fee = show(app, number, date(2026, 3, 2))["deadlines"]["fee_payment"]
    assert fee["due_on"] == app.calendar.add_working_days(date(2026, 3, 2), 20).isoformat()
    lapse_on = app.calendar.next_working_day(date.fromisoformat(fee["due_on"]))
    assert fire(app, number, "lapse_fee", lapse_on) == "decided"
    assert show(app, number, lapse_on)["outcome"] == "other.fee_unpaid"
    assert_verified(app)


def test_the_fee_period_runs_from_the_applicants_receipt_of_the_notice(
    app: TestApplication,
) -> None:
    number = open_case(app)
    fire(app, number, "issue_fee_notice", date(2026, 3, 5), amount=Decimal("1700"))
    fee = show(app, number, date(2026, 3, 5))["deadlines"]["fee_payment"]
    assert fee["due_on"] == "2026-04-02"  # until the receipt is known: from the day it was sent
    # Received Mon 9 March: 20 WD from the day after, over the Qingming days (4-6 April)
    assert fire(app, number, "fee_notice_served", date(2026, 3, 9)) == "fee_pending"
    fee = show(app, number, date(2026, 3, 9))["deadlines"]["fee_payment"]
    assert fee["due_on"] == "2026-04-07"
    assert fee["explanation"][-1] == "自2026-03-09起重新计算：20个工作日，2026-04-07到期"
    with app.database.reading() as session:
        pending = session.scalars(
            select(TimerRecord).where(
                TimerRecord.clock == "fee_payment", TimerRecord.status == "pending"
            )
        ).all()
    assert {(t.name, t.due_on) for t in pending} == {
        ("before_3", date(2026, 4, 1)),  # 3 WD left: 2, 3 and 7 April
        ("on_due", date(2026, 4, 7)),
        ("lapse", date(2026, 4, 8)),
    }
    with pytest.raises(TransitionRejected, match="has not lapsed"):
        fire(app, number, "lapse_fee", date(2026, 4, 3))
    assert_verified(app)


def test_consultation_periods_run_from_the_consulted_partys_receipt(
    app: TestApplication,
) -> None:
    number = open_case(app)
    fire(app, number, "consult_third_party", date(2026, 3, 5), party="某科技有限公司")
    with pytest.raises(TransitionRejected, match=r"allowed: .*third_party_served"):
        fire(app, number, "agency_served", date(2026, 3, 6))
    fire(app, number, "third_party_served", date(2026, 3, 9))
    third = show(app, number, date(2026, 3, 9))["deadlines"]["third_party"]
    assert third["due_on"] == "2026-03-30"  # 15 WD after Mon 9 March
    assert show(app, number, date(2026, 3, 9))["deadlines"]["answer"]["running"] is False
    fire(app, number, "receive_third_party_reply", date(2026, 3, 20))
    fire(app, number, "consult_agency", date(2026, 3, 23), party="某市财政局")
    fire(app, number, "agency_served", date(2026, 3, 24))
    agency = show(app, number, date(2026, 3, 24))["deadlines"]["other_agency"]
    assert agency["due_on"] == "2026-04-15"  # 15 WD after 24 March, over Qingming
    assert_verified(app)


def test_fee_paid_after_extension_returns_to_extended(app: TestApplication) -> None:
    number = open_case(app)
    fire(app, number, "extend", date(2026, 3, 2), approver="王主任")
    fire(app, number, "issue_fee_notice", date(2026, 3, 3), amount=Decimal("300"))
    assert fire(app, number, "receive_payment", date(2026, 3, 9)) == "extended"
    answer = show(app, number, date(2026, 3, 9))["deadlines"]["answer"]
    assert answer["extended_by"] == 20
    assert any("王主任于" in line for line in answer["explanation"])


def test_extension_rules(app: TestApplication) -> None:
    number = open_case(app)
    with pytest.raises(TransitionRejected, match=r"\[extend\] 未执行，缺少：--approver（"):
        fire(app, number, "extend", date(2026, 3, 2))
    with pytest.raises(TransitionRejected, match="1 to 20 WD"):
        fire(app, number, "extend", date(2026, 3, 2), approver="王主任", days=25)
    with pytest.raises(TransitionRejected, match=r"before the answer is due \(2026-03-18\)"):
        fire(app, number, "extend", date(2026, 3, 19), approver="王主任")
    fire(app, number, "extend", date(2026, 3, 2), approver="王主任", days=10)
    fire(app, number, "consult_agency", date(2026, 3, 3), party="某局")
    fire(app, number, "receive_agency_reply", date(2026, 3, 4))
    with pytest.raises(TransitionRejected, match="extend is not allowed in state extended"):
        fire(app, number, "extend", date(2026, 3, 5), approver="王主任")


def test_art35_delayed_deadline(app: TestApplication) -> None:
    number = open_case(app)
    fire(
        app,
        number,
        "set_delayed_deadline",
        date(2026, 3, 2),
        until=date(2026, 5, 29),
        reason="申请数量明显超过合理范围",
    )
    data = show(app, number, date(2026, 3, 2))
    assert data["state"] == "received"
    assert data["deadlines"]["answer"]["due_on"] == "2026-05-29"
    with pytest.raises(TransitionRejected, match="must be after"):
        fire(app, number, "set_delayed_deadline", date(2026, 3, 3), until=date(2026, 3, 3))


def test_refusal_needs_reasons_and_known_outcome(app: TestApplication) -> None:
    number = open_case(app)
    with pytest.raises(TransitionRejected, match=r"\[decide\] 未执行，缺少：--reason（"):
        fire(app, number, "decide", date(2026, 3, 2), outcome="withheld.process_information")
    with pytest.raises(TransitionRejected, match=r"unknown outcome code 'withheld\.secret'"):
        fire(app, number, "decide", date(2026, 3, 2), outcome="withheld.secret")
    with pytest.raises(TransitionRejected, match="缺少：--party 或 --responsible-unknown（"):
        fire(app, number, "decide", date(2026, 3, 2), outcome="unavailable.other_agency")
    with pytest.raises(InvalidInput, match="decide does not take --amount"):
        fire(
            app, number, "decide", date(2026, 3, 2), outcome="disclosed.provided", amount=Decimal(3)
        )
    fire(
        app,
        number,
        "decide",
        date(2026, 3, 2),
        outcome="unavailable.other_agency",
        party="某市自然资源和规划局",
        contact="0533-1234567",
    )


def test_withdrawal_from_any_open_state(app: TestApplication) -> None:
    number = open_case(app)
    fire(app, number, "request_correction", date(2026, 2, 13), reason="x")
    assert fire(app, number, "withdraw", date(2026, 2, 20)) == "decided"
    data = show(app, number, date(2026, 2, 20))
    assert data["outcome"] == "other.withdrawn"
    assert all(not d["running"] for d in data["deadlines"].values())
    assert_verified(app)


def test_appeals_and_reopening_keep_the_first_closure_for_the_report(app: TestApplication) -> None:
    number = open_case(app)
    fire(
        app,
        number,
        "decide",
        date(2026, 3, 10),
        outcome="withheld.internal_affairs",
        reason="内部管理信息",
    )
    fire(app, number, "appeal", date(2026, 4, 1), kind="reconsideration")
    with pytest.raises(TransitionRejected, match="an appeal is still pending"):
        fire(app, number, "reopen", date(2026, 4, 2))
    fire(app, number, "appeal", date(2026, 4, 2), kind="litigation_after_reconsideration")
    assert fire(app, number, "resolve_appeal", date(2026, 5, 6), result="corrected") == "appealed"
    assert fire(app, number, "resolve_appeal", date(2026, 5, 7), result="other") == "decided"
    assert fire(app, number, "reopen", date(2026, 5, 8)) == "received"
    reopened = show(app, number, date(2026, 5, 8))
    assert (reopened["open"], reopened["outcome"]) == (True, None)
    assert (
        reopened["deadlines"]["answer"]["due_on"]
        == app.calendar.add_working_days(date(2026, 5, 8), 20).isoformat()
    )
    fire(app, number, "decide", date(2026, 5, 20), outcome="disclosed.provided")
    with app.database.reading() as session:
        case = session.scalars(select(CaseRecord).where(CaseRecord.number == number)).one()
        assert (case.first_outcome, case.first_closed_on) == (
            "withheld.internal_affairs",
            date(2026, 3, 10),
        )
        assert (case.outcome, case.closed_on) == ("disclosed.provided", date(2026, 5, 20))
    appeals = show(app, number, date(2026, 5, 20))["appeals"]
    # resolve_appeal applies to the latest pending appeal
    assert [(a["kind"], a["result"]) for a in appeals] == [
        ("reconsideration", "other"),
        ("litigation_after_reconsideration", "corrected"),
    ]
    assert_verified(app)


def test_two_appeals_filed_the_same_day_the_later_one_is_resolved_and_verify_agrees(
    app: TestApplication,
) -> None:
    """Found by the fold property (``test_step_projection``): ``workflow verify`` replayed
    two appeals of one day as equal values and resolved the first, so it reported a clean
    case as differing from its replay."""
    number = open_case(app)
    fire(app, number, "decide", date(2026, 3, 10), outcome="disclosed.provided")
    fire(app, number, "appeal", date(2026, 4, 1), kind="reconsideration")
    fire(app, number, "appeal", date(2026, 4, 1), kind="reconsideration")
    fire(app, number, "resolve_appeal", date(2026, 4, 1), result="other")
    appeals = show(app, number, date(2026, 4, 1))["appeals"]
    assert [a["result"] for a in appeals] == [None, "other"]
    assert_verified(app)


def test_effective_dates_are_checked(app: TestApplication) -> None:
    number = open_case(app)
    fire(app, number, "extend", date(2026, 3, 2), approver="王主任")
    with pytest.raises(InvalidInput, match=r"before the case's last step \(2026-03-02\)"):
        fire(app, number, "decide", date(2026, 3, 1), outcome="disclosed.provided")
    with pytest.raises(InvalidInput, match="in the future"):
        fire(app, number, "decide", date(2026, 11, 27), outcome="disclosed.provided")
    with pytest.raises(InvalidInput, match="more than 366 days back"):
        open_case(app, received=date(2025, 11, 1))


def test_unpublished_calendar_year_is_refused(app: TestApplication) -> None:
    app.clock.set(date(2027, 2, 1))  # type: ignore[attr-defined]
    with pytest.raises(CalendarNotPublished, match="2027"):
        open_case(app, received=date(2027, 1, 20))


def test_an_unknown_agency_is_refused_and_nothing_is_written(app: TestApplication) -> None:
    with pytest.raises(InvalidInput, match="unknown agency 'nowhere'; add it with"):
        open_case(app, agency="nowhere")
    open_case(app)
    with app.database.reading() as session:
        assert session.scalars(select(CaseRecord.number)).all() == ["zbgd-2026-0001"]


def test_a_step_is_one_transaction(app: TestApplication) -> None:
    number = open_case(app)

    class Failing:
        def issue(self, *args: object) -> None:
            raise RuntimeError("printer on fire")

        def needs(self, *args: object) -> list[Needed]:
            return []

    app.cases.letters = Failing()
    with pytest.raises(RuntimeError):
        fire(app, number, "extend", date(2026, 3, 2), approver="王主任")
    app.cases.letters = None
    with app.database.reading() as session:
        case = session.scalars(select(CaseRecord).where(CaseRecord.number == number)).one()
        events = session.scalar(select(func.count()).select_from(CaseEventRecord))
    assert (case.state, case.version, events) == ("received", 1, 1)
    assert_verified(app)


def test_timers_follow_the_clock(app: TestApplication) -> None:
    number = open_case(app)
    with app.database.reading() as session:
        pending = session.scalars(select(TimerRecord).where(TimerRecord.status == "pending")).all()
        assert {(t.clock, t.name, t.due_on) for t in pending} == {
            ("answer", "before_5", date(2026, 3, 11)),
            ("answer", "before_1", date(2026, 3, 17)),
            ("answer", "on_due", date(2026, 3, 18)),
            ("answer", "overdue", date(2026, 3, 19)),
        }
    fire(app, number, "extend", date(2026, 3, 2), approver="王主任")
    with app.database.reading() as session:
        statuses = {
            (t.clock_version, t.name): t.status for t in session.scalars(select(TimerRecord))
        }
    assert statuses[(1, "on_due")] == "superseded"
    assert statuses[(2, "on_due")] == "pending"


def test_list_filters_due_and_overdue(app: TestApplication) -> None:
    early = open_case(app, received=date(2026, 2, 12))
    later = open_case(app, received=date(2026, 3, 2))
    done = open_case(app, received=date(2026, 3, 2))
    fire(app, done, "decide", date(2026, 3, 3), outcome="disclosed.provided")
    as_of = date(2026, 3, 20)

    def numbers(criteria: CaseFilter) -> list[str]:
        with app.database.reading() as session:
            listed = list_cases(session, app.registry, app.calendar, criteria, as_of)
            return [row.number for row in listed.rows]

    assert numbers(CaseFilter(overdue=True)) == [early]
    assert numbers(CaseFilter(due_within=15)) == [early, later]
    assert numbers(CaseFilter(open_only=True)) == [early, later]
    assert numbers(CaseFilter(state="decided")) == [done]


def test_the_limit_counts_only_the_cases_the_filter_keeps(app: TestApplication) -> None:
    flagged = open_case(app, received=date(2026, 11, 20))  # answer due 2026-12-18 ...
    fire(app, flagged, "extend", date(2026, 11, 25), approver="王主任")  # ... then in 2027
    due_soon = open_case(app, received=date(2026, 11, 23))  # answer due 2026-12-21
    as_of = date(2026, 12, 15)  # 4 WD before it

    def listed(**criteria: Any) -> list[tuple[str, int | None]]:
        with app.database.reading() as session:
            found = list_cases(session, app.registry, app.calendar, CaseFilter(**criteria), as_of)
        return [
            (row.number, row.next_due.awaiting_calendar_year if row.next_due else None)
            for row in found.rows
        ]

    assert listed(due_within=5, limit=1) == [(due_soon, None)]
    assert listed(due_within=5) == [(due_soon, None)]
    assert listed(limit=1) == [(flagged, 2027)]
    assert listed(awaiting_calendar=True, limit=5) == [(flagged, 2027)]


def test_unknown_filter_values_are_refused_with_the_known_ones(app: TestApplication) -> None:
    open_case(app)
    with app.database.reading() as session:
        for criteria, message in [
            (CaseFilter(state="办理中"), "unknown state '办理中'; states: received (办理中), "),
            (CaseFilter(agency="nowhere"), "unknown agency 'nowhere'; agencies: city, zbgd"),
            (CaseFilter(handler="王五"), "no case has handler '王五'; handlers: 李四"),
        ]:
            with pytest.raises(InvalidInput, match=re.escape(message)):
                list_cases(session, app.registry, app.calendar, criteria, RECEIVED)


def test_the_stores_pages_are_the_pages_of_the_whole_list(app: TestApplication) -> None:
    """A page the store orders and counts (stored due dates) is the same slice of the
    list ordered in Python (no limit): the nearest due date first, the date received and
    the number next, a case with no running clock last."""
    late = open_case(app, received=date(2026, 3, 2))
    extended = open_case(app, received=date(2026, 2, 12))
    fire(app, extended, "extend", date(2026, 2, 20), approver="王主任")
    paused = open_case(app, received=date(2026, 2, 20), by="王五")
    fire(app, paused, "consult_third_party", date(2026, 2, 24), party="某科技有限公司")
    decided = open_case(app, received=date(2026, 2, 12))
    fire(app, decided, "decide", date(2026, 2, 13), outcome="disclosed.provided")
    same_day = [open_case(app, received=date(2026, 2, 16), by="王五") for _ in range(3)]
    city = open_case(app, received=date(2026, 2, 16), agency="city", by="赵六")
    as_of = date(2026, 3, 10)
    with app.database.reading() as session:
        zbgd = session.scalar(select(func.min(CaseRecord.agency_id)))
    for criteria in [
        CaseFilter(open_only=True, order="urgency"),
        CaseFilter(open_only=True),
        CaseFilter(order="urgency", agency_ids=frozenset({zbgd or 0})),
        CaseFilter(open_only=True, order="urgency", handler="王五"),
    ]:
        with app.database.reading() as session:
            whole = list_cases(session, app.registry, app.calendar, criteria, as_of)
            pages = [
                list_cases(
                    session, app.registry, app.calendar,
                    replace(criteria, limit=2, offset=offset), as_of,
                )
                for offset in range(0, whole.total + 2, 2)
            ]  # fmt: skip
        assert [page.total for page in pages] == [whole.total] * len(pages)
        assert [row for page in pages for row in page.rows] == list(whole.rows)
    with app.database.reading() as session:
        urgent = list_cases(
            session, app.registry, app.calendar, CaseFilter(order="urgency"), as_of
        ).rows
    # the third party's period first (the answer paused), then due on the same day in
    # the order received and of their numbers, the extended case, the decided one last
    assert [row.number for row in urgent] == [
        paused, city, *same_day, late, extended, decided
    ]  # fmt: skip
    assert [row.paused for row in urgent] == [True] + [False] * 7
    assert urgent[-1].next_due is None


def test_the_handlers_offered_are_those_of_the_scope(app: TestApplication) -> None:
    open_case(app, by="王五")
    open_case(app, by="李四")
    open_case(app, agency="city", by="赵六")
    with app.database.reading() as session:
        zbgd = session.scalar(select(func.min(CaseRecord.agency_id)))
        assert known_handlers(session, None) == ["李四", "王五", "赵六"]
        assert known_handlers(session, frozenset({zbgd or 0})) == ["李四", "王五"]
        assert known_handlers(session, frozenset()) == []
