"""What the letters of consultations, Art. 35 and fees state, issued through the engine.

Dates are counted by hand on the 2026 calendar (received Thu 2026-02-12):

| letter | step date | period | stated |
|---|---|---|---|
| 要求说明理由通知书 | 03-02 | 10 WD: 03-03..06, 03-09..13, 03-16 | 于2026年3月16日前（含当日）|
| 延迟答复告知书 | 03-10 | --until 05-29 | 于2026年5月29日前（含当日）, and the reasons |
| 收费通知书 | 03-03 | 20 WD from the applicant's receipt, not recorded yet | the period |
| 答复书 other.fee_unpaid | 04-08 | 20 WD from the receipt 03-09: due 04-07 | the amount |
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.letters.casework import drive, fire, letters, open_case, text
from tests.stores import TestApplication


def test_consulting_an_agency_that_did_not_make_the_information(
    letters_app: TestApplication,
) -> None:
    app = letters_app
    other = open_case(app)
    fire(app, other, "consult_other_agency", date(2026, 3, 5), party="淄博市国家保密局",
         reason="所申请信息是否属于国家秘密需经认定")  # fmt: skip
    letter = text(app, other, kind="agency_consultation_other")
    assert letter.startswith("淄博高端装备及现代服务业产业园管理中心政府信息公开征求意见函")
    assert "淄博市国家保密局：" in letter
    assert "第三十三条第三款" in letter
    assert "所申请信息是否属于国家秘密需经认定" in letter
    assert "共同制作" not in letter
    assert "视为同意公开" not in letter

    joint = open_case(app)
    fire(app, joint, "consult_agency", date(2026, 3, 5), party="淄博市财政局")
    letter = text(app, joint, kind="agency_consultation")
    assert "共同制作" in letter
    assert "第三十四条" in letter
    assert "视为同意公开" in letter


def test_art_35_letters(letters_app: TestApplication) -> None:
    app = letters_app
    number = open_case(app)
    fire(app, number, "ask_reasons", date(2026, 3, 2), reason="一个月内申请120件")
    asked = text(app, number, kind="reasons_request")
    assert asked.startswith(
        "淄博高端装备及现代服务业产业园管理中心政府信息公开申请要求说明理由通知书"
    )
    assert "一个月内申请120件" in asked
    assert "请您于2026年3月16日前（含当日）向本机关书面说明申请理由" in asked
    fire(app, number, "set_delayed_deadline", date(2026, 3, 10), until=date(2026, 5, 29),
         reason="所涉文件逾万页，需逐页审查")  # fmt: skip
    delayed = text(app, number, kind="delay_notice")
    assert "期限内答复，理由如下：所涉文件逾万页，需逐页审查。" in delayed
    assert "将于2026年5月29日前（含当日）作出答复" in delayed

    refused = open_case(app)
    fire(app, refused, "ask_reasons", date(2026, 3, 2), reason="一个月内申请120件")
    fire(app, refused, "decide", date(2026, 3, 17), outcome="not_processed.excessive",
         reason="申请人未说明理由")  # fmt: skip
    decision = text(app, refused, kind="decision")
    assert "本机关已要求您说明理由" in decision
    assert "第三十五条" in decision


def test_fee_letters(letters_app: TestApplication) -> None:
    app = letters_app
    number = open_case(app)
    fire(app, number, "issue_fee_notice", date(2026, 3, 3), amount=Decimal("1700"))
    notice = text(app, number, kind="fee_notice")
    assert "（四）缴纳期限：请您自收到本通知之日起20个工作日内缴纳。" in notice
    assert "2026年3月31日" not in notice  # 20 WD from the sending date: not the applicant's
    fire(app, number, "fee_notice_served", date(2026, 3, 9))
    fire(app, number, "lapse_fee", date(2026, 4, 8))
    unpaid = text(app, number, kind="decision")
    assert "缴纳信息处理费人民币1700元" in unpaid
    assert "缴纳期限已于2026年4月7日届满" in unpaid


def test_the_third_party_is_told_before_disclosure_over_its_objection(
    letters_app: TestApplication,
) -> None:
    app = letters_app
    number = drive(app, "public_interest")
    notice = text(app, number, kind="third_party_disclosure_notice")
    assert "淄博某某精密机械有限公司：" in notice
    assert "贵方不同意公开" in notice
    assert "不公开可能对公共利益造成重大影响" in notice
    assert "第十五条和第三十二条" in notice
    assert "专项资金拨付明细关系公共资金使用。" in notice
    kinds = [letter.kind for letter in letters(app, number)]
    assert kinds.index("third_party_disclosure_notice") < kinds.index("decision")


def test_answers_that_cite_what_happened_before(letters_app: TestApplication) -> None:
    app = letters_app
    unknown = open_case(app)
    fire(app, unknown, "decide", date(2026, 3, 10), outcome="unavailable.other_agency",
         reason="所申请信息不属于本机关职责范围", responsible_unknown=True)  # fmt: skip
    assert "本机关无法确定负责公开该政府信息的行政机关" in text(app, unknown, kind="decision")

    unclear = open_case(app)
    fire(app, unclear, "request_correction", date(2026, 2, 13), reason="请写明文件名称")
    fire(app, unclear, "receive_correction", date(2026, 2, 24))
    fire(app, unclear, "decide", date(2026, 3, 2), outcome="unavailable.still_unclear")
    said = text(app, unclear, kind="decision")
    assert "本机关已于2026年2月13日依照《中华人民共和国政府信息公开条例》第三十条" in said
    assert "您于2026年2月24日提交的补正后的申请内容仍不明确" in said

    partial = open_case(app)
    fire(app, partial, "decide", date(2026, 3, 10), outcome="partially_disclosed",
         reason="银行账户信息属于商业秘密", access="邮寄",
         ground="withheld.third_party_rights")  # fmt: skip
    said = text(app, partial, kind="decision")
    assert (
        "对不予公开的内容，本机关根据《中华人民共和国政府信息公开条例》第十五条、第三十二条的规定，"
        "作出不予公开（保护第三方合法权益）的决定，理由如下：银行账户信息属于商业秘密。"
    ) in said


def test_email_and_oral_applications_are_acknowledged_by_their_rule(
    letters_app: TestApplication,
) -> None:
    app = letters_app
    email = open_case(app, channel="email")
    said = text(app, email, kind="acknowledgement")
    assert "提交方式：电子邮件提交" in said
    assert "第三十一条第（三）项的规定，以双方确认之日为收到申请之日" in said
    oral = open_case(app, channel="oral")
    said = text(app, oral, kind="acknowledgement")
    assert "提交方式：口头提出" in said
    assert "第二十九条第一款的规定，由本机关代为填写政府信息公开申请" in said
