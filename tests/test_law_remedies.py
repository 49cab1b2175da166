"""Remedies and answers as the law gives them, on real stores: a third party's objection
(Art. 32), Art. 36(5) without a responsible agency, "still unclear" after correction, the
withheld part's ground, appeals against a failure to answer, and table 四 at year end.

Dates are counted by hand on the 2026 calendar (DOMAIN.md §3). Received Thu 2026-02-12, the
answer is due Wed 2026-03-18 (20 WD: 02-13, 02-14 (Sat, make-up), 02-24..02-27, 02-28 (Sat,
make-up), 03-02..06, 03-09..13, 03-16..18).

| step | date | the law's answer |
|---|---|---|
| appeal on the open case | 03-18 | refused: the answer is not overdue on its last day |
| appeal (reconsideration) on the open case | 03-19 | recorded, 1 WD overdue; the case stays open |
| decide, late | 03-25 | answered; the case waits in appealed for the appeal |
| resolve_appeal corrected | 04-20 | decided; counted in table 四 |
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.cli import run
from tests.stores import TestApplication
from tests.test_cases import assert_verified, fire, open_case, show
from workflow.definition import load_definition
from workflow.errors import TransitionRejected
from workflow.lifecycle import vocabulary
from workflow.reporting import ReportRequest, annual_report, resolve_scope
from workflow.reporting.table4 import AppealsRule
from workflow.resources import definitions_dir


def test_disclosure_over_an_objection_tells_the_third_party_first(app: TestApplication) -> None:
    number = open_case(app)
    with pytest.raises(TransitionRejected, match="none is recorded"):
        fire(app, number, "notify_third_party", date(2026, 3, 2), party="某公司", reason="公益")
    fire(app, number, "consult_third_party", date(2026, 3, 5), party="某科技有限公司")
    fire(app, number, "receive_third_party_reply", date(2026, 3, 10), objection="涉及商业秘密")
    with pytest.raises(TransitionRejected, match=r"tell it in writing .* \(notify_third_party"):
        fire(app, number, "decide", date(2026, 3, 11), outcome="disclosed.provided", access="邮寄")
    fire(app, number, "notify_third_party", date(2026, 3, 11), party="某科技有限公司",
         reason="所涉资金为公共财政资金")  # fmt: skip
    assert fire(app, number, "decide", date(2026, 3, 12), outcome="disclosed.provided",
                access="邮寄") == "decided"  # fmt: skip
    assert_verified(app)

    agreed = open_case(app)  # a reply without objection: nothing to tell
    fire(app, agreed, "consult_third_party", date(2026, 3, 5), party="某科技有限公司")
    fire(app, agreed, "receive_third_party_reply", date(2026, 3, 10))
    fire(app, agreed, "decide", date(2026, 3, 11), outcome="disclosed.provided", access="邮寄")


def test_art_36_5_names_the_agency_only_where_it_can_be_determined(
    app: TestApplication,
) -> None:
    number = open_case(app)
    named = "--party 或 --responsible-unknown（负责公开该信息的机关；无法确定的，给出"
    with pytest.raises(TransitionRejected, match=named):
        fire(app, number, "decide", date(2026, 3, 10), outcome="unavailable.other_agency",
             reason="不属于本机关职责")  # fmt: skip
    with pytest.raises(TransitionRejected, match="in place of --party"):
        fire(app, number, "decide", date(2026, 3, 10), outcome="unavailable.other_agency",
             reason="x", party="某局", responsible_unknown=True)  # fmt: skip
    fire(app, number, "decide", date(2026, 3, 10), outcome="unavailable.other_agency",
         reason="不属于本机关职责", responsible_unknown=True)  # fmt: skip
    assert show(app, number, date(2026, 3, 10))["outcome"] == "unavailable.other_agency"


def test_still_unclear_only_after_a_correction_notice_and_a_corrected_application(
    app: TestApplication,
) -> None:
    number = open_case(app)
    with pytest.raises(TransitionRejected, match=r"needs an Art\. 30 correction notice"):
        fire(app, number, "decide", date(2026, 2, 24), outcome="unavailable.still_unclear")
    fire(app, number, "request_correction", date(2026, 2, 13), reason="请写明文件名称")
    with pytest.raises(TransitionRejected, match="allowed"):  # waiting: no decision yet
        fire(app, number, "decide", date(2026, 2, 24), outcome="unavailable.still_unclear")
    fire(app, number, "receive_correction", date(2026, 2, 24))
    fire(app, number, "decide", date(2026, 3, 2), outcome="unavailable.still_unclear")
    assert show(app, number, date(2026, 3, 2))["outcome"] == "unavailable.still_unclear"


def test_a_partial_disclosure_names_the_ground_of_the_withheld_part(
    app: TestApplication,
) -> None:
    number = open_case(app)
    grounds = r"--ground（不予公开部分的理由：withheld\.state_secret\|"
    with pytest.raises(TransitionRejected, match=grounds):
        fire(app, number, "decide", date(2026, 3, 10), outcome="partially_disclosed",
             reason="银行账户信息属于商业秘密", access="邮寄")  # fmt: skip
    with pytest.raises(TransitionRejected, match=r"got 'unavailable\.not_held'"):
        fire(app, number, "decide", date(2026, 3, 10), outcome="partially_disclosed",
             reason="x", access="邮寄", ground="unavailable.not_held")  # fmt: skip
    fire(app, number, "decide", date(2026, 3, 10), outcome="partially_disclosed",
         reason="银行账户信息属于商业秘密", access="邮寄",
         ground="withheld.third_party_rights")  # fmt: skip


def test_refusals_and_bases_are_the_definitions() -> None:
    definition = load_definition(definitions_dir() / "disclosure.yaml", vocabulary())
    refusals = {code for code, spec in definition.outcomes.items() if spec.refusal}
    # table 三 rows (三) and the withheld part of 部分公开 (the narrow reading)
    assert refusals == {"partially_disclosed"} | {
        code for code, spec in definition.outcomes.items() if spec.row.startswith("3.3.")
    }
    # no article of the Regulation provides these two: none is cited
    assert definition.outcomes["not_processed.confirmation"].basis is None
    assert definition.outcomes["withheld.administrative_inquiry"].basis is None


def test_an_appeal_against_the_failure_to_answer(app: TestApplication) -> None:
    number = open_case(app)
    with pytest.raises(TransitionRejected, match="not overdue on 2026-03-18 \\(due 2026-03-18\\)"):
        fire(app, number, "appeal", date(2026, 3, 18), kind="reconsideration")
    assert fire(app, number, "appeal", date(2026, 3, 19), kind="reconsideration") == "received"
    data = show(app, number, date(2026, 3, 19))
    assert data["open"] is True
    assert data["appeals"] == [
        {"kind": "reconsideration", "filed_on": "2026-03-19", "result": None, "decided_on": None}
    ]
    assert fire(app, number, "decide", date(2026, 3, 25), outcome="disclosed.provided",
                access="邮寄") == "appealed"  # fmt: skip
    assert show(app, number, date(2026, 3, 25))["deadlines"]["answer"]["overdue_workdays"] == 5
    assert fire(app, number, "resolve_appeal", date(2026, 4, 20), result="corrected") == "decided"
    assert_verified(app)
    with app.database.reading() as session:
        scope = resolve_scope(session, "zbgd")
        table4 = annual_report(session, app.registry, scope, ReportRequest(2026, app.clock.today()))
    assert table4.table4["reconsideration"]["corrected"] == 1


def test_an_appeal_after_a_late_answer(app: TestApplication) -> None:
    number = open_case(app)
    fire(app, number, "decide", date(2026, 3, 25), outcome="disclosed.provided", access="邮寄")
    assert fire(app, number, "appeal", date(2026, 3, 30), kind="litigation_direct") == "appealed"


def test_a_suit_after_reconsideration_needs_a_reconsideration(app: TestApplication) -> None:
    number = open_case(app)
    fire(app, number, "decide", date(2026, 3, 10), outcome="withheld.state_secret", reason="密")
    with pytest.raises(TransitionRejected, match="needs a reconsideration of this case"):
        fire(app, number, "appeal", date(2026, 3, 20), kind="litigation_after_reconsideration")
    fire(app, number, "appeal", date(2026, 3, 20), kind="reconsideration")
    fire(app, number, "resolve_appeal", date(2026, 5, 20), result="maintained")
    fire(app, number, "appeal", date(2026, 5, 28), kind="litigation_after_reconsideration")
    assert_verified(app)


# Table 四 of 2025: a reconsideration filed 2025-12-10 and decided 2026-01-15.
#
# | rule | 2025's table |
# |---|---|
# | filed-year-end (default): the result known by 31 December | 尚未审结 1 |
# | filed: the result known on the as-of date | 维持 1 |


def test_table_4_counts_a_result_known_by_31_december(app: TestApplication) -> None:
    number = open_case(app, received=date(2025, 11, 26))
    fire(app, number, "decide", date(2025, 12, 1), outcome="withheld.state_secret", reason="密")
    fire(app, number, "appeal", date(2025, 12, 10), kind="reconsideration")
    fire(app, number, "resolve_appeal", date(2026, 1, 15), result="maintained")
    with app.database.reading() as session:
        scope = resolve_scope(session, "zbgd")
        default = annual_report(
            session, app.registry, scope, ReportRequest(2025, app.clock.today())
        )
        filed = annual_report(
            session,
            app.registry,
            scope,
            ReportRequest(2025, app.clock.today(), appeals_rule=AppealsRule.FILED),
        )
    assert (
        default.table4["reconsideration"]["pending"],
        default.table4["reconsideration"]["maintained"],
    ) == (1, 0)
    assert filed.table4["reconsideration"]["maintained"] == 1


def test_agency_add_says_what_reply_letters_need(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    added = run(capsys, "agency", "add", "bare", "--name", "某局")
    assert added.code == 0
    assert added.err.strip() == (
        "warning: bare cannot issue reply letters until it names the body that hears a "
        "reconsideration and the court: `workflow agency set bare --reconsideration-body NAME "
        "--court NAME`"
    )
