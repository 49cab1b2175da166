"""The sample workload the engine benchmarks share: cases and the path each one takes."""

from __future__ import annotations

from datetime import date

from workflow.cases.service import NewCase

TODAY = date(2026, 11, 26)
RECEIVED = date(2026, 3, 2)
# A realistic path: consult a third party, its reply, an extension, a decision, an appeal.
PATH: list[tuple[str, dict[str, object], date]] = [
    ("consult_third_party", {"party": "某科技有限公司"}, date(2026, 3, 5)),
    ("receive_third_party_reply", {}, date(2026, 3, 12)),
    ("extend", {"approver": "王主任"}, date(2026, 3, 13)),
    ("decide", {"outcome": "disclosed.provided", "access": "电子邮件"}, date(2026, 4, 1)),
    ("appeal", {"kind": "reconsideration"}, date(2026, 4, 10)),
]


def new_case(i: int) -> NewCase:
    return NewCase(
        agency="zbgd",
        applicant=f"申请人{i}",
        applicant_type="natural_person",
        channel="online",
        received_on=RECEIVED,
        request="2025年度财政预算执行情况",
        by="bench",
    )
