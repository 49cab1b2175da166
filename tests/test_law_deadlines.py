"""Deadlines as the law gives them, on real stores: consultations that lapse, Art. 35, fees,
re-decisions. Every expected date is counted by hand on the 2026 calendar (DOMAIN.md §3) and
written out literally; the engine's calendar is never asked.

2026 rest days used below: 02-15..02-23, 04-04..04-06, 05-01..05-05; make-up working days
02-14 (Sat), 02-28 (Sat), 05-09 (Sat).

Worked examples (received Thu 2026-02-12, answer due Wed 03-18 = 20 WD):

| step | date | count | answer due |
|---|---|---|---|
| consult | Thu 03-05 | 02-13, 02-14, 02-24..28, 03-02..05: 11 used | paused |
| its 15 WD | Thu 03-26 | 03-06, 03-09..13, 03-16..20, 03-23..26 = 15 | |
| reply on the last day | Thu 03-26 | 9 left: 03-27, 03-30, 03-31, 04-01..03, 04-07..09 | 04-09 |
| silence, noticed the next WD | Fri 03-27 | resumes as of 03-26: the same 9 WD | Thu 04-09 |
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tests.scheduling.casework import lapse_events, reminders, sweep
from tests.stores import TestApplication
from tests.test_cases import assert_verified, fire, open_case, show
from workflow.errors import TransitionRejected

CONSULTED = date(2026, 3, 5)
LAST_DAY = date(2026, 3, 26)  # the consultation's 15th WD
NOTICED = date(2026, 3, 27)  # the first WD after it
RESUMED_DUE = "2026-04-09"


def answer(app: TestApplication, number: str, as_of: date) -> dict[str, Any]:
    return dict(show(app, number, as_of)["deadlines"]["answer"])


@pytest.mark.parametrize(
    ("consult", "party", "end", "on"),
    [
        ("consult_third_party", "某科技有限公司", "receive_third_party_reply", LAST_DAY),
        ("consult_third_party", "某科技有限公司", "third_party_silent", NOTICED),
        ("consult_agency", "淄博市财政局", "receive_agency_reply", LAST_DAY),
        ("consult_agency", "淄博市财政局", "agency_silent", NOTICED),
        ("consult_other_agency", "淄博市国家保密局", "agency_silent", NOTICED),
    ],
)
def test_a_lapsed_consultation_ends_with_its_last_day(
    app: TestApplication, consult: str, party: str, end: str, on: date
) -> None:
    number = open_case(app)
    fire(app, number, consult, CONSULTED, party=party)
    assert answer(app, number, CONSULTED)["status"] == "paused"
    clock = "third_party" if consult == "consult_third_party" else "other_agency"
    assert show(app, number, CONSULTED)["deadlines"][clock]["due_on"] == "2026-03-26"
    if end.endswith("_silent"):
        with pytest.raises(TransitionRejected, match="runs until 2026-03-26; it has not lapsed"):
            fire(app, number, end, LAST_DAY)
    assert fire(app, number, end, on) == "received"
    resumed = answer(app, number, on)
    assert resumed["due_on"] == RESUMED_DUE
    assert resumed["explanation"][-1] == f"2026-03-26恢复计算：剩余9个工作日，{RESUMED_DUE}到期"
    assert_verified(app)


def test_an_agency_that_stays_silent_is_lapsed_by_the_scheduler_after_a_reminder(
    app: TestApplication,
) -> None:
    number = open_case(app)
    fire(app, number, "consult_agency", CONSULTED, party="淄博市财政局")
    for day in (date(2026, 3, 20), date(2026, 3, 23), LAST_DAY, NOTICED):
        sweep(app, day)
    # 3 WD before 03-26 is Mon 03-23 (03-24, 03-25, 03-26)
    sent = [(s.day, s.clock, s.name) for s in reminders(app) if s.case == number]
    assert (date(2026, 3, 23), "other_agency", "before_3") in sent
    assert (LAST_DAY, "other_agency", "on_due") in sent
    assert lapse_events(app) == [(number, "agency_silent", NOTICED)]
    data = show(app, number, NOTICED)
    assert data["state"] == "received"
    assert data["deadlines"]["answer"]["due_on"] == RESUMED_DUE
    assert "decide" in data["allowed_triggers"]


def test_while_an_agency_is_consulted_the_case_cannot_be_decided(app: TestApplication) -> None:
    number = open_case(app)
    fire(app, number, "consult_agency", CONSULTED, party="淄博市财政局")
    with pytest.raises(TransitionRejected, match=r"allowed: .*agency_silent"):
        fire(app, number, "decide", date(2026, 3, 10), outcome="disclosed.provided")


# Art. 35 (received 02-12, answer due 03-18):
#
# | step | date | result |
# |---|---|---|
# | decide not_processed.excessive, no reasons asked | 03-02 | refused |
# | ask_reasons (default 10 WD) | 03-02 | by 03-16: 03-03..06, 03-09..13, 03-16 |
# | set_delayed_deadline --until 05-29 --reason | 03-10 | answer due 05-29 |
# | set_delayed_deadline again | 03-11 | refused: one only |
# | set_delayed_deadline on a case past its due date | 03-19 | refused |


def test_not_processed_excessive_only_after_reasons_were_asked(app: TestApplication) -> None:
    number = open_case(app)
    with pytest.raises(TransitionRejected, match=r"first be asked to state reasons \(ask_reasons"):
        fire(app, number, "decide", date(2026, 3, 2), outcome="not_processed.excessive")
    with pytest.raises(TransitionRejected, match=r"\[ask_reasons\] 未执行，缺少：--reason（"):
        fire(app, number, "ask_reasons", date(2026, 3, 2))
    assert fire(app, number, "ask_reasons", date(2026, 3, 2), reason="一个月内申请120件") == (
        "received"
    )
    data = show(app, number, date(2026, 3, 2))
    assert data["deadlines"]["reasons"]["due_on"] == "2026-03-16"
    assert data["deadlines"]["answer"]["due_on"] == "2026-03-18"  # the wait is counted
    fire(app, number, "decide", date(2026, 3, 17), outcome="not_processed.excessive")
    assert show(app, number, date(2026, 3, 17))["outcome"] == "not_processed.excessive"
    assert_verified(app)


def test_a_delayed_answer_date_is_set_once_and_before_the_answer_is_due(
    app: TestApplication,
) -> None:
    number = open_case(app)
    refused = r"\[set_delayed_deadline\] 未执行，缺少：--reason（"
    with pytest.raises(TransitionRejected, match=refused):
        fire(app, number, "set_delayed_deadline", date(2026, 3, 10), until=date(2026, 5, 29))
    fire(
        app,
        number,
        "set_delayed_deadline",
        date(2026, 3, 10),
        until=date(2026, 5, 29),
        reason="所涉文件逾万页，需逐页审查",
    )
    assert answer(app, number, date(2026, 3, 10))["due_on"] == "2026-05-29"
    with pytest.raises(TransitionRejected, match=r"Art\. 35 allows one"):
        fire(app, number, "set_delayed_deadline", date(2026, 3, 11), until=date(2026, 6, 30),
             reason="再次延迟")  # fmt: skip

    late = open_case(app)
    with pytest.raises(
        TransitionRejected, match=r"before the answer is due \(2026-03-18\); 2026-03-19 is after"
    ):
        fire(app, late, "set_delayed_deadline", date(2026, 3, 19), until=date(2026, 5, 29),
             reason="量大")  # fmt: skip
    # still overdue: the missed limit is not covered
    assert answer(app, late, date(2026, 3, 19))["overdue_workdays"] == 1


# Fees (received 02-12, answer due 03-18):
#
# | step | date | result |
# |---|---|---|
# | issue_fee_notice | 03-19 | refused: after the answer was due |
# | issue_fee_notice 1700 | 03-03 | payment due 03-31 counted from the sending date |
# | fee_notice_served | 03-09 | 20 WD: 03-10..13, 16..20, 23..27, 30, 31, 04-01..03, 04-07 |
# | lapse_fee | 04-08 | other.fee_unpaid |


def test_a_fee_notice_only_before_the_answer_is_due(app: TestApplication) -> None:
    number = open_case(app)
    with pytest.raises(TransitionRejected, match=r"before the answer is due \(2026-03-18\)"):
        fire(app, number, "issue_fee_notice", date(2026, 3, 19), amount=Decimal("1700"))
    fire(app, number, "issue_fee_notice", date(2026, 3, 3), amount=Decimal("1700"))
    fire(app, number, "fee_notice_served", date(2026, 3, 9))
    due = show(app, number, date(2026, 3, 9))["deadlines"]["fee_payment"]["due_on"]
    assert due == "2026-04-07"
    with pytest.raises(TransitionRejected, match="has not lapsed"):
        fire(app, number, "lapse_fee", date(2026, 4, 7))
    assert fire(app, number, "lapse_fee", date(2026, 4, 8)) == "decided"


# Re-decision after a corrected appeal (decided 03-10, corrected 04-20, reopened 04-21):
#
# | reopen | count from 04-21 | answer due |
# |---|---|---|
# | --days 15 | 04-22..24, 04-27..30, 05-06..08, 05-09 (Sat, make-up), 05-11..14 | Thu 05-14 |
# | --until 2026-05-29 | the date the decision set | Fri 05-29 |
# | none | the 15 above, then 05-15, 05-18..21 | Thu 05-21 |


@pytest.mark.parametrize(
    ("period", "due"),
    [
        ({"days": 15}, "2026-05-14"),
        ({"until": date(2026, 5, 29)}, "2026-05-29"),
        ({}, "2026-05-21"),
    ],
)
def test_reopen_takes_the_period_the_appeal_decision_set(
    app: TestApplication, period: dict[str, Any], due: str
) -> None:
    number = open_case(app)
    fire(app, number, "decide", date(2026, 3, 10), outcome="withheld.state_secret", reason="密级")
    fire(app, number, "appeal", date(2026, 3, 20), kind="reconsideration")
    fire(app, number, "resolve_appeal", date(2026, 4, 20), result="corrected")
    assert fire(app, number, "reopen", date(2026, 4, 21), **period) == "received"
    assert answer(app, number, date(2026, 4, 21))["due_on"] == due
    assert_verified(app)


def test_reopen_takes_days_or_a_date_not_both(app: TestApplication) -> None:
    number = open_case(app)
    fire(app, number, "decide", date(2026, 3, 10), outcome="disclosed.provided")
    with pytest.raises(TransitionRejected, match="--days N or --until DATE, not both"):
        fire(app, number, "reopen", date(2026, 4, 21), days=15, until=date(2026, 5, 29))
