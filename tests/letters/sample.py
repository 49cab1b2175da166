"""One fixed case, and the context of each letter it can produce (the goldens are made from it).

The agency is the one whose 2023 annual report is in the reference folder; the applicant,
the third party and the figures are invented. Dates follow the 2026 calendar: received
Thu 2026-02-12, answer due 2026-03-18 (20 WD), extended to 2026-04-16.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from workflow.letters import (
    ApplicantData,
    CaseData,
    DeadlineData,
    LetterContext,
    LetterData,
    LetterheadData,
    OutcomeData,
    StepData,
)

AGENCY = LetterheadData(
    code="zbgdzb",
    name="淄博高端装备及现代服务业产业园管理中心",
    short_name="淄高装",
    reconsideration_body="淄博市人民政府",
    court="淄博市张店区人民法院",
    seal_text="（印章）",
    address="淄博市高新区古侯路4317号217室",
    postcode="255035",
    phone="0533-8100167",
    email="zbgdzbzx@zb.shandong.cn",
)
APPLICANT = ApplicantData(name="李明", type="natural_person", contact="13800000000")
CASE = CaseData(
    number="ZBGDZB-2026-0012",
    received_on=date(2026, 2, 12),
    channel="online",
    request="2025年度产业园企业技术改造专项资金拨付明细（含企业名称、拨付金额、拨付时间）",
)
DEADLINES = {"answer": DeadlineData(due_on=date(2026, 3, 18), days=20)}
NUMBER = "淄高装公开〔2026〕12号"
DECIDED_ON = date(2026, 3, 10)

TITLES = {
    "acknowledgement": "政府信息公开申请登记回执",
    "correction_notice": "政府信息公开申请补正告知书",
    "extension_notice": "政府信息公开申请延期答复告知书",
    "third_party_consultation": "政府信息公开征求第三方意见书",
    "third_party_notice": "政府信息公开申请征求第三方意见告知书",
    "agency_consultation": "关于征求政府信息公开意见的函",
    "fee_notice": "政府信息公开信息处理费收费通知书",
    "delay_notice": "政府信息公开申请说明理由告知书",
    "agency_consultation_other": "政府信息公开征求意见函",
    "reasons_request": "政府信息公开申请要求说明理由通知书",
    "third_party_disclosure_notice": "政府信息公开决定公开告知书",
    "decision": "政府信息公开申请答复书",
}

STEPS = {
    "acknowledgement": StepData(trigger="receive", occurred_on=date(2026, 2, 12)),
    "correction_notice": StepData(
        trigger="request_correction",
        occurred_on=date(2026, 2, 24),
        reason="请明确所申请的专项资金名称及文件依据（文号）\n请明确所需信息的时间范围",
        days=15,
        until=date(2026, 3, 16),
    ),
    "extension_notice": StepData(
        trigger="extend",
        occurred_on=date(2026, 3, 16),
        reason="所申请信息涉及多个年度、数量较大，需要调档核对",
        days=20,
        until=date(2026, 4, 16),
    ),
    "third_party_consultation": StepData(
        trigger="consult_third_party",
        occurred_on=date(2026, 2, 26),
        party="淄博某某精密机械有限公司",
        reason="所申请信息包含贵方获得专项资金的金额及项目情况",
        days=15,
    ),
    "third_party_notice": StepData(trigger="consult_third_party", occurred_on=date(2026, 2, 26)),
    "agency_consultation": StepData(
        trigger="consult_agency",
        occurred_on=date(2026, 2, 26),
        party="淄博市财政局",
        reason="专项资金拨付文件由本机关与贵机关联合印发",
        days=15,
    ),
    "fee_notice": StepData(
        trigger="charge_fee",
        occurred_on=date(2026, 3, 2),
        amount=Decimal("1700"),
        fee_method="per_page",
        quantity=150,
        payment="通过非税收入缴款码缴纳，缴款码随本通知书送达；也可到本机关政务服务窗口缴纳",
        days=20,
        until=date(2026, 3, 30),
    ),
    "delay_notice": StepData(
        trigger="ask_reasons",
        occurred_on=date(2026, 3, 3),
        variant="reasons",
        reason="您在本月内已提出申请45件，涉及信息1200余项",
        until=date(2026, 3, 24),
    ),
    "agency_consultation_other": StepData(
        trigger="consult_other_agency",
        occurred_on=date(2026, 2, 26),
        party="淄博市国家保密局",
        reason="所申请的专项资金拨付文件是否属于国家秘密需经认定",
        days=15,
    ),
    "third_party_disclosure_notice": StepData(
        trigger="notify_third_party",
        occurred_on=date(2026, 3, 9),
        party="淄博某某精密机械有限公司",
        reason="所申请的专项资金拨付金额关系公共财政资金的使用，不公开可能对公共利益造成重大影响",
    ),
    "reasons_request": StepData(
        trigger="ask_reasons",
        occurred_on=date(2026, 3, 3),
        reason="您在本月内已提出申请45件，涉及信息1200余项",
        days=10,
        until=date(2026, 3, 17),
    ),
}

REASONS = (
    "所申请信息中的企业银行账户信息属于企业商业秘密\n"
    "经书面征求第三方意见，第三方不同意公开并说明了合理理由"
)
ACCESS = "本机关将于2026年3月13日前通过电子邮件将相关信息发送至您申请时留存的电子邮箱"

# outcome code -> (label, refusal, the step's extra fields, access)
OUTCOMES: dict[str, tuple[str, bool, dict[str, object], str | None]] = {
    "disclosed.already_public": (
        "予以公开",
        False,
        {},
        "该信息已在淄博高新区门户网站“政府信息公开—财政资金”栏目公开，网址：https://www.zibo.gov.cn/",
    ),
    "disclosed.provided": ("予以公开", False, {}, ACCESS),
    "partially_disclosed": ("部分公开", True, {"reason": REASONS}, ACCESS),
    "withheld.state_secret": (
        "不予公开：属于国家秘密",
        True,
        {"reason": "所申请信息已被依法确定为国家秘密，保密期限尚未届满"},
        None,
    ),
    "withheld.prohibited_by_law": (
        "不予公开：其他法律行政法规禁止公开",
        True,
        {
            "reason": (
                "《中华人民共和国统计法》第三十九条规定，"
                "统计调查中获得的能够识别单个统计调查对象的资料应当保密"
            )
        },
        None,
    ),
    "withheld.security_stability": (
        "不予公开：危及“三安全一稳定”",
        True,
        {"reason": "所申请信息涉及重点企业安全生产防护设施布局，公开后可能危及公共安全"},
        None,
    ),
    "withheld.third_party_rights": (
        "不予公开：保护第三方合法权益",
        True,
        {"reason": REASONS},
        None,
    ),
    "withheld.internal_affairs": (
        "不予公开：属于三类内部事务信息",
        True,
        {"reason": "所申请的会议室使用安排属于本机关后勤管理信息"},
        None,
    ),
    "withheld.process_information": (
        "不予公开：属于四类过程性信息",
        True,
        {"reason": "所申请的资金分配方案讨论稿尚处于研究论证阶段，不是正式形成的政府信息"},
        None,
    ),
    "withheld.enforcement_file": (
        "不予公开：属于行政执法案卷",
        True,
        {"reason": "所申请的调查询问笔录属于行政执法案卷信息"},
        None,
    ),
    "withheld.administrative_inquiry": (
        "不予公开：属于行政查询事项",
        True,
        {"reason": "所申请的企业资质核验结果可通过资质查询系统自行查询"},
        "山东省政务服务网“企业资质查询”栏目",
    ),
    "unavailable.not_held": (
        "无法提供：本机关不掌握相关政府信息",
        False,
        {"reason": "本机关检索了2025年度收文、发文及财务档案，未发现所申请信息"},
        None,
    ),
    "unavailable.other_agency": (
        "无法提供：本机关不掌握相关政府信息",
        False,
        {
            "reason": "专项资金的拨付由淄博市财政局负责，本机关未制作、获取所申请信息",
            "party": "淄博市财政局",
            "contact": "0533-3180000，地址：淄博市张店区人民西路",
        },
        None,
    ),
    "unavailable.needs_creation": (
        "无法提供：没有现成信息需要另行制作",
        False,
        {"reason": "本机关未对拨付资金按企业规模进行分类统计"},
        None,
    ),
    "unavailable.still_unclear": ("无法提供：补正后申请内容仍不明确", False, {}, None),
    "not_processed.petition": (
        "不予处理：信访举报投诉类申请",
        False,
        {},
        "淄博市12345政务服务便民热线或者国家信访信息系统",
    ),
    "not_processed.duplicate": (
        "不予处理：重复申请",
        False,
        {"note": "淄高装公开〔2026〕3号《政府信息公开申请答复书》"},
        None,
    ),
    "not_processed.publication": (
        "不予处理：要求提供公开出版物",
        False,
        {},
        "《淄博市人民政府公报》可在淄博市图书馆及淄博市人民政府网站查阅",
    ),
    "not_processed.excessive": (
        "不予处理：无正当理由大量反复申请",
        False,
        {"reason": "您在三个月内提出申请130件，所说明的理由与申请内容无关"},
        None,
    ),
    "not_processed.confirmation": (
        "不予处理：要求行政机关确认或重新出具已获取信息",
        False,
        {},
        None,
    ),
    "other.correction_lapsed": (
        "其他处理：申请人无正当理由逾期不补正",
        False,
        {"until": date(2026, 3, 16)},
        None,
    ),
    "other.fee_unpaid": (
        "其他处理：申请人逾期未按收费通知要求缴纳费用",
        False,
        {"amount": Decimal("1700"), "until": date(2026, 3, 30)},
        None,
    ),
    "other.special_regime": (
        "其他处理：其他",
        False,
        {},
        "持有效身份证明到淄博市不动产登记中心申请查询",
    ),
    "other.withdrawn": ("其他处理：申请人撤回申请", False, {}, None),
    "other.other": (
        "其他处理：其他",
        False,
        {"reason": "您的申请内容为咨询政策的适用问题，本机关已于2026年3月5日通过电话作出解答"},
        None,
    ),
}
# still unclear after correction: the notice of 02-24 and the corrected application of 03-02
CORRECTED = replace(CASE, correction_notice_on=date(2026, 2, 24), corrected_on=date(2026, 3, 2))
# the withheld part's ground (--ground) of a partial disclosure
GROUNDS = {
    "partially_disclosed": {
        "ground_label": "不予公开（保护第三方合法权益）",
        "ground_basis": "第十五条、第三十二条",
    }
}
# decisions that follow a lapse are issued after it
ISSUED = {"other.correction_lapsed": date(2026, 3, 17), "other.fee_unpaid": date(2026, 3, 31)}
KINDS = tuple(kind for kind in TITLES if kind != "decision")


def context(kind: str, outcome: str | None = None, issued_on: date | None = None) -> LetterContext:
    """The letter ``kind`` (or the decision ``outcome``) of the sample case."""
    if kind == "decision":
        assert outcome is not None
        label, refusal, extra, access = OUTCOMES[outcome]
        issued_on = issued_on or ISSUED.get(outcome)
        step = StepData(trigger="decide", occurred_on=issued_on or DECIDED_ON, **extra)  # type: ignore[arg-type]
        return LetterContext(
            agency=AGENCY,
            applicant=APPLICANT,
            case=CORRECTED if outcome == "unavailable.still_unclear" else CASE,
            letter=LetterData(
                kind="decision",
                title=TITLES["decision"],
                number=NUMBER,
                issued_on=issued_on or DECIDED_ON,
            ),
            step=step,
            outcome=OutcomeData(
                code=outcome,
                label=label,
                refusal=refusal,
                access=access,
                **GROUNDS.get(outcome, {}),
            ),
            deadlines=DEADLINES,
        )
    step = STEPS[kind]
    return LetterContext(
        agency=AGENCY,
        applicant=APPLICANT,
        case=CASE,
        letter=LetterData(
            kind=kind,
            title=TITLES[kind],
            number=NUMBER,
            issued_on=issued_on or step.occurred_on,
        ),
        step=step,
        deadlines=DEADLINES,
    )


def with_applicant(ctx: LetterContext, **changes: object) -> LetterContext:
    return replace(ctx, applicant=replace(ctx.applicant, **changes))  # type: ignore[arg-type]
