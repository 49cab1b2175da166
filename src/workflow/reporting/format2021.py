"""The 2021 Format's tables 三 and 四 (国办公开办函〔2021〕30号): rows, columns, labels.

The layout is the published form and does not vary; which outcome falls in which row
is data in each workflow definition (``outcomes: ... row:``). Row codes are the JSON
contract: ``1``, ``2``, ``3.1`` ... ``3.6.3``, ``3.7``, ``4``.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflow.codes import AppealKind, AppealResult, ApplicantType

TITLE_TABLE3 = "三、收到和处理政府信息公开申请情况"
TITLE_TABLE4 = "四、政府信息公开行政复议、行政诉讼情况"
FLOW_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# Table 三's columns: the six applicant types, then the total.
APPLICANT_COLUMNS: tuple[str, ...] = tuple(ApplicantType.labels())
TOTAL = "total"
COLUMNS: tuple[str, ...] = (*APPLICANT_COLUMNS, TOTAL)
COLUMN_LABELS: dict[str, str] = {**ApplicantType.labels(), TOTAL: "总计"}
APPLICANTS_LABEL = "申请人情况"
ORGANISATIONS_LABEL = "法人或其他组织"


@dataclass(frozen=True)
class Row:
    """One row of table 三: its code and its labels at up to three levels.

    ``section`` is 一/二/三/四's text, ``group`` the (一)…(七) text, ``item`` the numbered
    sub-row; a level a row does not have is empty.
    """

    code: str
    section: str
    group: str = ""
    item: str = ""

    @property
    def label(self) -> str:
        return self.item or self.group or self.section

    @property
    def full_label(self) -> str:
        return " ".join(part for part in (self.section, self.group, self.item) if part)


_RESULTS = "三、本年度办理结果"
_WITHHELD = "（三）不予公开"
_UNAVAILABLE = "（四）无法提供"
_NOT_PROCESSED = "（五）不予处理"
_OTHER = "（六）其他处理"

TABLE3_ROWS: tuple[Row, ...] = (
    Row("1", "一、本年新收政府信息公开申请数量"),
    Row("2", "二、上年结转政府信息公开申请数量"),
    Row("3.1", _RESULTS, "（一）予以公开"),
    Row("3.2", _RESULTS, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    Row("3.3.1", _RESULTS, _WITHHELD, "1.属于国家秘密"),
    Row("3.3.2", _RESULTS, _WITHHELD, "2.其他法律行政法规禁止公开"),
    Row("3.3.3", _RESULTS, _WITHHELD, "3.危及“三安全一稳定”"),
    Row("3.3.4", _RESULTS, _WITHHELD, "4.保护第三方合法权益"),
    Row("3.3.5", _RESULTS, _WITHHELD, "5.属于三类内部事务信息"),
    Row("3.3.6", _RESULTS, _WITHHELD, "6.属于四类过程性信息"),
    Row("3.3.7", _RESULTS, _WITHHELD, "7.属于行政执法案卷"),
    Row("3.3.8", _RESULTS, _WITHHELD, "8.属于行政查询事项"),
    Row("3.4.1", _RESULTS, _UNAVAILABLE, "1.本机关不掌握相关政府信息"),
    Row("3.4.2", _RESULTS, _UNAVAILABLE, "2.没有现成信息需要另行制作"),
    Row("3.4.3", _RESULTS, _UNAVAILABLE, "3.补正后申请内容仍不明确"),
    Row("3.5.1", _RESULTS, _NOT_PROCESSED, "1.信访举报投诉类申请"),
    Row("3.5.2", _RESULTS, _NOT_PROCESSED, "2.重复申请"),
    Row("3.5.3", _RESULTS, _NOT_PROCESSED, "3.要求提供公开出版物"),
    Row("3.5.4", _RESULTS, _NOT_PROCESSED, "4.无正当理由大量反复申请"),
    Row("3.5.5", _RESULTS, _NOT_PROCESSED, "5.要求行政机关确认或重新出具已获取信息"),
    Row(
        "3.6.1",
        _RESULTS,
        _OTHER,
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    Row(
        "3.6.2",
        _RESULTS,
        _OTHER,
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    Row("3.6.3", _RESULTS, _OTHER, "3.其他"),
    Row("3.7", _RESULTS, "（七）总计"),
    Row("4", "四、结转下年度继续办理"),
)
ROW_CODES: tuple[str, ...] = tuple(row.code for row in TABLE3_ROWS)
# The rows an outcome may be mapped to: everything under 三 but its total.
RESULT_ROWS: frozenset[str] = frozenset(
    code for code in ROW_CODES if code.startswith("3.") and code != "3.7"
)

# Table 四: three kinds of appeal, each with five cells.
APPEAL_KINDS: dict[str, str] = AppealKind.labels()
LITIGATION_LABEL = "行政诉讼"
PENDING = "pending"  # the cell of appeals not decided by the report's date
# The form's own headings of the results (every AppealResult has one), then pending.
_RESULT_HEADINGS = {
    AppealResult.MAINTAINED: "结果维持",
    AppealResult.CORRECTED: "结果纠正",
    AppealResult.OTHER: "其他结果",
}
APPEAL_RESULTS: dict[str, str] = {
    **{result.value: _RESULT_HEADINGS[result] for result in AppealResult},
    PENDING: "尚未审结",
}
APPEAL_CELLS: tuple[str, ...] = (*APPEAL_RESULTS, TOTAL)
APPEAL_CELL_LABELS: dict[str, str] = {**APPEAL_RESULTS, TOTAL: "总计"}
