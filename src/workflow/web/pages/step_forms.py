"""A legal step as a form: exactly the inputs the definition's trigger takes (its letter
needs no others), each with a Chinese label and help, codes offered by their labels; and
the form read back into the API's ``FireBody``, each problem beside its field.

The approver of a step that needs one is the head who fires it (as in the API), so it
is not asked for; the step's date (``on``) and a note are offered on every step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from workflow.codes import AppealKind, AppealResult
from workflow.definition import WorkflowDefinition
from workflow.definition.model import TriggerSpec
from workflow.errors import WorkflowError
from workflow.web.models import FireBody


@dataclass(frozen=True)
class Input:
    name: str
    label: str
    kind: str  # text | textarea | number | date | select | checkbox
    help: str = ""
    options: tuple[tuple[str, str], ...] = ()


_INPUTS: dict[str, Input] = {
    "reason": Input(
        "reason", "理由或事项", "textarea", "补正的事项、不予公开的理由或法律依据，一行一项"
    ),
    "days": Input(
        "days",
        "期限（工作日）",
        "number",
        "以工作日计；与“截止日期”只填一项",
    ),
    "until": Input(
        "until",
        "截止日期",
        "date",
        "明确的截止日；与“期限（工作日）”只填一项",
    ),
    "amount": Input(
        "amount", "信息处理费（元）", "text", "按《政府信息公开信息处理费管理办法》计算"
    ),
    "party": Input(
        "party",
        "第三方或有关机关",
        "text",
        "被征求意见的第三方，或负责公开的机关名称",
    ),
    "contact": Input(
        "contact",
        "其联系方式",
        "text",
        "地址、电话或电子邮箱",
    ),
    "access": Input(
        "access",
        "获取信息的方式、途径和时间",
        "textarea",
        "例如：邮寄纸质件，或到本机关查阅的地点和时间",
    ),
    "objection": Input(
        "objection", "第三方意见及理由", "textarea", "第三方不同意公开的，写明其理由"
    ),
    "responsible_unknown": Input(
        "responsible_unknown",
        "无法确定负责公开的机关",
        "checkbox",
    ),
}
STEP_DATE = Input(
    "on",
    "办理日期",
    "date",
    "该步骤的法定日期，默认今天；可补录近期日期",
)
NOTE = Input(
    "note",
    "备注",
    "textarea",
    "随事件保存，不出现在文书中",
)
_LIMITS = {
    "reason": 2000,
    "access": 2000,
    "objection": 2000,
    "note": 2000,
    "party": 200,
    "contact": 300,
}


def step_inputs(definition: WorkflowDefinition, trigger: TriggerSpec) -> list[Input]:
    """The form's inputs for ``trigger``, in the definition's order, then the date and note."""
    found: list[Input] = []
    for name in trigger.inputs:
        if name == "approver":
            continue
        if name == "outcome":
            options = [(code, spec.label) for code, spec in definition.outcomes.items()]
            found.append(
                Input(
                    "outcome", "答复结果", "select", "决定的类型（按年度报告分类）", tuple(options)
                )
            )
        elif name == "ground":
            options = [
                (code, spec.label)
                for code, spec in definition.outcomes.items()
                if spec.ground_of_withheld
            ]
            found.append(
                Input(
                    "ground",
                    "不予公开部分的理由",
                    "select",
                    "部分公开时必填",
                    (("", "（不适用）"), *options),
                )
            )
        elif name == "kind":
            found.append(
                Input("kind", "救济类型", "select", "", tuple(AppealKind.labels().items()))
            )
        elif name == "result":
            found.append(
                Input("result", "审结结果", "select", "", tuple(AppealResult.labels().items()))
            )
        elif name in _INPUTS:
            found.append(_INPUTS[name])
    return [*found, STEP_DATE, NOTE]


def needs_approval(trigger: TriggerSpec) -> bool:
    return "approver" in trigger.inputs


def read_step(
    trigger: str, inputs: list[Input], form: Mapping[str, str], version: str
) -> tuple[FireBody | None, dict[str, str]]:
    """The ``FireBody`` the form gives, or the problems by field name."""
    values: dict[str, Any] = {"trigger": trigger}
    errors: dict[str, str] = {}
    for item in inputs:
        text = form.get(item.name, "").strip()
        if item.kind == "checkbox":
            if form.get(item.name) == "1":
                values[item.name] = True
            continue
        if not text:
            continue
        if len(text) > _LIMITS.get(item.name, 200):
            errors[item.name] = f"不超过{_LIMITS.get(item.name, 200)}个字符"
        elif item.kind == "date":
            try:
                values[item.name] = date.fromisoformat(text)
            except ValueError:
                errors[item.name] = "请按YYYY-MM-DD填写日期"
        elif item.kind == "number":
            if text.isdigit() and 1 <= int(text) <= 366:
                values[item.name] = int(text)
            else:
                errors[item.name] = "请填写1到366之间的整数"
        elif item.name == "amount":
            try:
                values[item.name] = Decimal(text)
            except InvalidOperation:
                errors[item.name] = "请填写金额，例如 12.50"
        elif item.kind == "select" and text not in {code for code, _ in item.options}:
            errors[item.name] = "请从列表中选择"
        else:
            values[item.name] = text
    if version.isdigit():
        values["expect_version"] = int(version)
    if errors:
        return None, errors
    try:
        return FireBody(**values), {}
    except ValidationError as error:
        for problem in error.errors():
            name = str(problem["loc"][0]) if problem["loc"] else "step"
            errors[name] = "取值超出允许范围"
        return None, errors


_OPTION = re.compile(r"--([a-z][a-z-]*)")


def refusal_errors(error: WorkflowError, inputs: list[Input]) -> dict[str, str]:
    """The engine's reasons for refusing a step, each beside the input it names (``--reason``),
    the rest under ``step``."""
    names = {item.name for item in inputs}
    reasons = getattr(error, "reasons", ()) or (error.message,)
    errors: dict[str, str] = {}
    for reason in reasons:
        named = [found.replace("-", "_") for found in _OPTION.findall(reason)]
        target = next((name for name in named if name in names), "step")
        errors[target] = (errors[target] + "；" if target in errors else "") + f"不能办理：{reason}"
    return errors
