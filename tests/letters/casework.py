"""Cases driven through the engine with letters on, and what their archive holds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tests.stores import TestApplication
from workflow.cases.service import NewCase
from workflow.letters.archive import ArchivedLetter, letter_document, letters_of
from workflow.letters.render import Format
from workflow.lifecycle import StepInput

RECEIVED = date(2026, 2, 12)  # Thu; the answer is due 2026-03-18
REQUEST = "2025年度产业园企业技术改造专项资金拨付明细"
SECRET = "所申请信息已被依法确定为国家秘密，保密期限尚未届满"

# Every trigger the definition attaches a letter to, in cases that reach them all:
# (case label, [(trigger, date, inputs)]).
SCENARIOS: dict[str, list[tuple[str, date, dict[str, Any]]]] = {
    "full": [
        ("request_correction", date(2026, 2, 13), {"reason": "请明确资金名称\n请明确年度"}),
        ("receive_correction", date(2026, 2, 24), {}),
        ("extend", date(2026, 3, 2), {"approver": "王主任", "reason": None}),
        ("issue_fee_notice", date(2026, 3, 3), {"amount": Decimal("1700")}),
        ("receive_payment", date(2026, 3, 5), {}),
        ("consult_third_party", date(2026, 3, 6), {"party": "淄博某某精密机械有限公司"}),
        ("receive_third_party_reply", date(2026, 3, 9), {}),
        ("consult_agency", date(2026, 3, 10), {"party": "淄博市财政局"}),
        ("receive_agency_reply", date(2026, 3, 11), {}),
        ("set_delayed_deadline", date(2026, 3, 12), {"until": date(2026, 5, 29), "reason": "量大"}),
        ("decide", date(2026, 3, 13), {"outcome": "withheld.state_secret", "reason": SECRET}),
    ],
    "correction_lapsed": [
        ("request_correction", date(2026, 2, 13), {"reason": "请明确资金名称", "days": 10}),
        ("lapse_correction", date(2026, 4, 1), {}),
    ],
    "fee_unpaid": [
        ("issue_fee_notice", date(2026, 2, 13), {"amount": Decimal("300")}),
        ("lapse_fee", date(2026, 4, 15), {}),
    ],
    "withdrawn": [("withdraw", date(2026, 2, 20), {})],
    "public_interest": [
        ("ask_reasons", date(2026, 2, 13), {"reason": "您在本月内已提出申请45件"}),
        ("consult_other_agency", date(2026, 2, 24), {"party": "淄博市国家保密局"}),
        ("receive_agency_reply", date(2026, 2, 25), {}),
        ("consult_third_party", date(2026, 2, 26), {"party": "淄博某某精密机械有限公司"}),
        ("receive_third_party_reply", date(2026, 2, 27), {"objection": "涉及本公司商业秘密"}),
        (
            "notify_third_party",
            date(2026, 3, 2),
            {"party": "淄博某某精密机械有限公司", "reason": "专项资金拨付明细关系公共资金使用"},
        ),
        ("decide", date(2026, 3, 3), {"outcome": "disclosed.provided", "access": "邮寄"}),
    ],
}


def open_case(
    app: TestApplication,
    *,
    agency: str = "zbgd",
    applicant: str = "李明",
    applicant_type: str = "natural_person",
    request: str = REQUEST,
    received: date = RECEIVED,
    channel: str = "online",
) -> str:
    new = NewCase(
        agency=agency,
        applicant=applicant,
        applicant_type=applicant_type,
        channel=channel,
        received_on=received,
        request=request,
        by="李四",
    )
    return app.cases.open(new).number


def fire(app: TestApplication, number: str, trigger: str, on: date, **inputs: Any) -> None:
    given = {name: value for name, value in inputs.items() if value is not None}
    app.cases.fire(number, trigger, StepInput(on=on, by="李四", **given))


def drive(app: TestApplication, scenario: str, **case: Any) -> str:
    number = open_case(app, **case)
    for trigger, on, inputs in SCENARIOS[scenario]:
        fire(app, number, trigger, on, **inputs)
    return number


def letters(app: TestApplication, number: str) -> list[ArchivedLetter]:
    with app.database.reading() as session:
        return letters_of(session, number)


def document(app: TestApplication, case: str, fmt: Format = Format.TEXT, **select: Any) -> bytes:
    """A letter of ``case`` as archived (``select``: event, kind, number of the letter)."""
    return letter_document(app.database, app.clock, case, fmt, **select)[1].content


def text(app: TestApplication, case: str, **select: Any) -> str:
    """The letter's text on one line: the layout's line breaks and indents taken out."""
    return "".join(document(app, case, Format.TEXT, **select).decode("utf-8").split())
