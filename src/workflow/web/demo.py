"""``workflow serve --demo``: one agency, about fifty cases over two years, a login per role.

Every case is opened and stepped through the service layer, as a handler would with
``--on`` dates, so its letters, clocks and timers are the engine's own. The story is
told on a clock that moves with it (``DEMO_DAY`` at the end) and a fixed seed picks
names and dates, so the same store comes out every time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from workflow.access.accounts import GrantSpec, add_user, find_user, set_password
from workflow.access.roles import Role
from workflow.application import Application
from workflow.cases.agencies import add_agency
from workflow.cases.registry import DEFAULT_DEFINITION
from workflow.cases.service import NewCase
from workflow.clock import FixedClock
from workflow.codes import AppealKind, AppealResult, ApplicantType, Channel
from workflow.errors import InvalidInput
from workflow.lifecycle import StepInput
from workflow.portal.config import PortalConfig
from workflow.portal.form import read_form
from workflow.portal.query_codes import new_token, shown
from workflow.portal.submissions import confirm, submit
from workflow.store.portal_records import PortalSubmissionRecord
from workflow.store.records import CaseRecord

AGENCY = "zbgd"
DEMO_DAY = date(2026, 11, 30)  # the story's last day; the open cases are still open on it
SEED = 2026
HANDLER = "李四"
# Demo data, printed when loaded: never a deployment's passwords.
USERS = {role: (f"demo-{role.value}", f"{role.value}-demo-2026") for role in Role}
_DISPLAY = {
    Role.REGISTRAR: "登记员（演示）", Role.HANDLER: "承办人（演示）", Role.HEAD: "负责人（演示）",
    Role.REPORTER: "统计员（演示）", Role.ADMIN: "管理员（演示）", Role.AUDITOR: "审计员（演示）",
}  # fmt: skip

# Receipt dates: the outcomes' cases from January 2025 (their appeals run into 2026), the
# answered ones through 2026, the open ones in the story's last weeks.
_STORY_DAYS = (
    [date(2025, 1, 6) + timedelta(days=14 * i) for i in range(25)]
    + [date(2026, 1, 12) + timedelta(days=21 * i) for i in range(15)]
    + [date(2026, 11, 16) + timedelta(days=2 * i) for i in range(6)]
)

_APPLICANTS = ("张三", "王五", "赵六", "孙七", "周八", "吴九", "郑十", "陈明", "刘洋", "杨帆")
_ORGANISATIONS = ("某科技有限公司", "某律师事务所", "某大学研究所", "某环保协会", "某置业有限公司")
_REQUESTS = (
    "2025年度财政预算执行情况", "某地块征收补偿方案", "某项目环境影响评价文件",
    "园区企业扶持资金拨付明细", "某道路改造工程的批复文件", "某厂房消防验收意见",
    "人才公寓分配办法及名单", "某招商引资协议", "园区规划调整的论证材料", "某项目用地预审意见",
)  # fmt: skip
# The steps an outcome needs before its answer (the definition's ``requires``).
_BEFORE: dict[str, list[tuple[int, str, dict[str, Any]]]] = {
    "unavailable.still_unclear": [
        (2, "request_correction", {"reason": "请明确所需信息的名称或文号", "days": 15}),
        (9, "receive_correction", {}),
    ],
    "not_processed.excessive": [
        (3, "ask_reasons", {"reason": "请说明申请的理由和用途", "days": 15}),
    ],
}
# Outcomes that end a case by themselves, with the steps that get there.
_ENDINGS: dict[str, list[tuple[int, str, dict[str, Any]]]] = {
    "other.correction_lapsed": [
        (2, "request_correction", {"reason": "请明确所需信息的名称或文号", "days": 15}),
        (45, "lapse_correction", {}),
    ],
    "other.fee_unpaid": [
        (5, "issue_fee_notice", {"amount": Decimal("300")}),
        (60, "lapse_fee", {}),
    ],
    "other.withdrawn": [(6, "withdraw", {"note": "申请人书面撤回申请"})],
}
# The open states, each reached by one step from 办理中 (received: by none).
_OPEN: dict[str, list[tuple[int, str, dict[str, Any]]]] = {
    "received": [],
    "needs_correction": [(2, "request_correction", {"reason": "请补充申请人身份证明", "days": 15})],
    "third_party_consultation": [(4, "consult_third_party", {"party": "某科技有限公司"})],
    "agency_consultation": [(4, "consult_agency", {"party": "淄博市自然资源局"})],
    "fee_pending": [(5, "issue_fee_notice", {"amount": Decimal("120")})],
    "extended": [(8, "extend", {"days": 20, "approver": "王主任", "reason": "涉及档案调取"})],
}


@dataclass
class _Story:
    application: Application
    clock: FixedClock
    rng: random.Random
    opened: int = 0
    numbers: list[str] = field(default_factory=list)

    def working_day(self, day: date) -> date:
        calendar = self.application.calendar
        return day if calendar.is_working_day(day) else calendar.next_working_day(day)

    def open(self, received: date) -> tuple[str, date]:
        received = self.working_day(received)
        self.clock.set(received)
        index = self.opened
        self.opened += 1
        kind = list(ApplicantType)[index % len(ApplicantType)]
        names = _APPLICANTS if kind is ApplicantType.NATURAL_PERSON else _ORGANISATIONS
        case = self.application.cases.open(
            NewCase(
                agency=AGENCY,
                applicant=self.rng.choice(names),
                applicant_type=kind,
                channel=list(Channel)[index % len(Channel)],
                received_on=received,
                request=self.rng.choice(_REQUESTS),
                contact=f"1380533{self.rng.randrange(10_000):04d}",
                by=HANDLER,
                handler=USERS[Role.HANDLER][0],  # the queue of demo-handler shows them
            )
        )
        self.numbers.append(case.number)
        return case.number, received

    def fire(self, number: str, on: date, trigger: str, **inputs: Any) -> date:
        on = self.working_day(on)
        self.clock.set(on)
        self.application.cases.fire(number, trigger, StepInput(on=on, by=HANDLER, **inputs))
        return on

    def steps(self, number: str, start: date, steps: list[tuple[int, str, dict[str, Any]]]) -> date:
        on = start
        for days, trigger, inputs in steps:
            on = self.fire(number, start + timedelta(days=days), trigger, **inputs)
        return on


def _answer(outcome: str) -> dict[str, Any]:
    inputs: dict[str, Any] = {"outcome": outcome, "reason": "经审查，依法作出本答复"}
    if outcome.startswith("disclosed") or outcome == "partially_disclosed":
        inputs["access"] = "以电子邮件方式提供"
    if outcome == "partially_disclosed":
        inputs["ground"] = "withheld.third_party_rights"
    if outcome == "unavailable.other_agency":
        inputs |= {"party": "淄博市自然资源局", "contact": "0533-3170000"}
    return inputs


def _appeals() -> list[tuple[AppealKind, AppealResult | None]]:
    """Every appeal kind with every result, and one of each still pending."""
    results: list[AppealResult | None] = [*AppealResult, None]
    return [(kind, result) for kind in AppealKind for result in results]


def _appeal(story: _Story, number: str, decided: date, kind: AppealKind, result: Any) -> None:
    on = decided + timedelta(days=30)
    if kind is AppealKind.LITIGATION_AFTER_RECONSIDERATION:  # the reconsideration comes first
        on = story.fire(number, on, "appeal", kind=AppealKind.RECONSIDERATION.value)
        on = story.fire(number, on + timedelta(days=60), "resolve_appeal", result="maintained")
        on += timedelta(days=15)
    on = story.fire(number, on, "appeal", kind=kind.value)
    if result is not None:
        on = story.fire(number, on + timedelta(days=60), "resolve_appeal", result=result.value)
        if result is AppealResult.CORRECTED:  # the re-decision the body ordered
            on = story.fire(number, on + timedelta(days=3), "reopen", reason="复议决定责令重新答复")
            story.fire(number, on + timedelta(days=15), "decide", **_answer("disclosed.provided"))


def load_demo(application: Application) -> list[str]:
    """Load the demo agency, cases and users into an empty store; what to print."""
    with application.database.transaction() as session:
        cases = session.scalar(select(func.count()).select_from(CaseRecord)) or 0
    if cases:
        raise InvalidInput(
            f"--demo loads an empty store only, and this one has cases ({cases}): "
            "point WORKFLOW_DB at a new file"
        )
    clock = FixedClock(date(2025, 1, 2))
    demo = Application(application.settings, clock)
    try:
        _load(demo, clock)
        portal = _portal_story(demo, clock)
    finally:
        demo.close()
    lines = [f"demo: agency {AGENCY} with {len(_STORY_DAYS)} cases received 2025-2026"]
    lines.append(
        "demo logins (demo data with fixed passwords, no change asked: never for real cases):"
    )
    lines += [
        f"  {role.value:<10} {name:<16} {password}" for role, (name, password) in USERS.items()
    ]
    return lines + portal


def _portal_story(demo: Application, clock: FixedClock) -> list[str]:
    """Two applications sent through the portal on the story's last day: one confirmed by
    the registrar (a case to follow with its query code), one waiting for confirmation."""
    clock.set(DEMO_DAY)
    config = PortalConfig()
    sent = []
    for name, sought in (
        ("陈明", "园区2025年度招商引资项目清单"),
        ("刘洋", "古侯路改造工程的批复文件"),
    ):
        fields = {
            "agency": AGENCY, "applicant_type": ApplicantType.NATURAL_PERSON.value, "name": name,
            "id_type": "resident_id", "id_number": "11010519491231002X", "phone": "13812345678",
            "description": sought, "carrier": "email", "delivery": "collect",
            "other_form_ok": "yes", "confirm": "yes",
        }  # fmt: skip
        form, errors = read_form(fields, {AGENCY: AGENCY})
        assert not errors, errors
        sent.append(submit(demo, config, form, new_token()))
    with demo.database.reading() as session:
        first = session.scalars(
            select(PortalSubmissionRecord).where(
                PortalSubmissionRecord.reference == sent[0].reference
            )
        ).one()
    confirm(demo, first.id, USERS[Role.REGISTRAR][0])
    with demo.database.reading() as session:  # the case the confirmation registered
        number = session.scalar(
            select(CaseRecord.number)
            .join(PortalSubmissionRecord, PortalSubmissionRecord.case_id == CaseRecord.id)
            .where(PortalSubmissionRecord.id == first.id)
        )
    assert number is not None, "the confirmed submission registered no case"
    assert sent[0].code is not None
    return [
        f"demo portal: /portal/follow with {number} and query code {shown(sent[0].code)};",
        f"  {sent[1].reference} waits for the registrar's confirmation (/console/submissions)",
    ]


def _load(demo: Application, clock: FixedClock) -> None:
    with demo.database.transaction() as session:
        add_agency(
            session, AGENCY, "淄博高端装备及现代服务业产业园管理中心", short_name="淄高装",
            address="淄博市高新区古侯路4317号", phone="0533-8100167",
            reconsideration_body="淄博高新技术产业开发区管理委员会",
            court="淄博市张店区人民法院", head="王主任",
        )  # fmt: skip
        for role, (name, password) in USERS.items():
            add_user(session, name, _DISPLAY[role], AGENCY, [GrantSpec(role, None)], clock.now())
            set_password(session, find_user(session, name), password, clock.now())
    story = _Story(demo, clock, random.Random(SEED))
    outcomes = list(demo.registry.for_receipt(_STORY_DAYS[0], DEFAULT_DEFINITION).outcomes)
    appeals = iter(_appeals())
    for outcome, received in zip(outcomes, _STORY_DAYS, strict=False):
        number, received = story.open(received)
        if outcome in _ENDINGS:
            story.steps(number, received, _ENDINGS[outcome])
            continue
        story.steps(number, received, _BEFORE.get(outcome, []))
        decided = story.fire(number, received + timedelta(days=20), "decide", **_answer(outcome))
        refused = not outcome.startswith(("disclosed", "other"))
        appeal = next(appeals, None) if refused else None
        if appeal is not None:
            _appeal(story, number, decided, *appeal)
    for received in _STORY_DAYS[len(outcomes) : -len(_OPEN)]:  # answered in time, disclosed
        number, received = story.open(received)
        story.fire(number, received + timedelta(days=12), "decide", **_answer("disclosed.provided"))
    for state, received in zip(_OPEN, _STORY_DAYS[-len(_OPEN) :], strict=True):
        number, received = story.open(received)
        story.steps(number, received, _OPEN[state])
