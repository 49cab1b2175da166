"""``/console/intake``: registering an application (登记) from any channel.

The receipt date's rule for the chosen channel is shown (Art. 31; ``static/intake.js``
changes it as the channel changes, the page says all rules without it); Art. 29's
contents are asked for, the identity number checked by its checksum; an earlier, much
the same application of the same applicant at the agency is shown before saving, with a
link, and saving then needs a confirmation. Saving issues the acknowledgement letter
(the case page lists it) through the same ``CaseService.open`` the API uses.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select

from workflow.access.roles import Permission
from workflow.application import Application
from workflow.cases.duplicates import Similar, similar_cases
from workflow.cases.receipt import RECEIPT_RULES
from workflow.cases.service import NewCase
from workflow.codes import ApplicantType, Channel, ProvisionForm, ProvisionWay
from workflow.errors import InvalidInput
from workflow.identity_numbers import KIND_LABELS, IdentityKind, identity_number_problem, normalise
from workflow.store.records import AgencyRecord
from workflow.web.auth import Caller
from workflow.web.dependencies import AppDep
from workflow.web.pages.case_page import form_fields
from workflow.web.pages.console_caller import ConsoleCaller
from workflow.web.pages.rendering import page, redirect
from workflow.web.scope import require

router = APIRouter(prefix="/console", include_in_schema=False)
LIMITS = {"applicant": 200, "contact": 300, "request": 10_000, "identity_number": 32}
FIELDS = (
    "agency", "channel", "received_on", "arrived_on", "applicant", "applicant_type",
    "identity_kind", "identity_number", "contact", "request", "provision_form", "provision_way",
    "assign",
)  # fmt: skip
ASSIGN = {"me": "由我承办", "none": "暂不分配（由承办人领取）"}


def _agencies(application: Application, caller: Caller) -> list[tuple[str, str]]:
    scope = caller.principal.agencies(Permission.OPEN_CASES)
    with application.database.reading() as session:
        return [
            (code, name)
            for code, name in session.execute(
                select(AgencyRecord.code, AgencyRecord.name)
                .where(AgencyRecord.id.in_(sorted(scope)))
                .order_by(AgencyRecord.code)
            )
        ]


def _form(
    request: Request,
    application: Application,
    caller: Caller,
    values: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    duplicates: list[Similar] | None = None,
    status: int = 200,
) -> Response:
    channel = Channel.parse(values.get("channel", "")) or Channel.IN_PERSON
    return page(
        request,
        "console/intake.html",
        caller=caller,
        status=status,
        values=values,
        errors=errors or {},
        duplicates=duplicates or [],
        agencies=_agencies(application, caller),
        channels=[(member.value, member.label) for member in Channel],
        rules=[(member.value, member.label, RECEIPT_RULES[member]) for member in Channel],
        rule=RECEIPT_RULES[channel],
        applicant_types=list(ApplicantType.labels().items()),
        identity_kinds=[("", "（未提供）")]
        + [(kind.value, KIND_LABELS[kind]) for kind in IdentityKind],
        provision_forms=[("", "（未说明）"), *ProvisionForm.labels().items()],
        provision_ways=[("", "（未说明）"), *ProvisionWay.labels().items()],
        assign_options=list(ASSIGN.items()),
    )


@router.get("/intake")
def intake_form(request: Request, caller: ConsoleCaller, application: AppDep) -> Response:
    if not caller.principal.agencies(Permission.OPEN_CASES):
        require(caller, Permission.OPEN_CASES)
    today = application.clock.today().isoformat()
    return _form(request, application, caller, {"received_on": today, "assign": "me"})


def check_intake(values: dict[str, str], agencies: set[str]) -> dict[str, str]:
    """Each field's problem in Chinese."""
    errors: dict[str, str] = {}
    for name, limit in LIMITS.items():
        if len(values.get(name, "")) > limit:
            errors[name] = f"不超过{limit}个字符"
    if values.get("agency") not in agencies:
        errors["agency"] = "请选择受理机关"
    if Channel.parse(values.get("channel", "")) is None:
        errors["channel"] = "请选择提交方式"
    if not values.get("applicant"):
        errors.setdefault("applicant", "请填写申请人姓名或名称（第二十九条）")
    if values.get("applicant_type") not in ApplicantType.codes():
        errors["applicant_type"] = "请选择申请人类型"
    if not values.get("request"):
        errors.setdefault(
            "request", "请填写申请公开的政府信息的名称、文号或便于查询的其他特征性描述"
        )
    for name in ("received_on", "arrived_on"):
        text = values.get(name, "")
        if text:
            try:
                date.fromisoformat(text)
            except ValueError:
                errors[name] = "请按YYYY-MM-DD填写日期"
    if not values.get("received_on"):
        errors["received_on"] = "请填写收到申请之日"
    kind, number = values.get("identity_kind", ""), values.get("identity_number", "")
    if number and kind not in {k.value for k in IdentityKind}:
        errors["identity_kind"] = "请选择身份证明的种类"
    elif number and (problem := identity_number_problem(IdentityKind(kind), number)):
        errors["identity_number"] = problem
    elif kind and not number:
        errors["identity_number"] = "请填写证件号码，或将种类改为“未提供”"
    if values.get("provision_form") and values["provision_form"] not in ProvisionForm.codes():
        errors["provision_form"] = "请从列表中选择"
    if values.get("provision_way") and values["provision_way"] not in ProvisionWay.codes():
        errors["provision_way"] = "请从列表中选择"
    return errors


def _engine_error(error: InvalidInput) -> dict[str, str]:
    """The engine's refusal beside the field it is about."""
    text = error.message
    if "arriv" in text:
        return {"arrived_on": f"到达日期有误：{text}"}
    if "receipt date" in text or "calendar" in text:
        return {"received_on": f"收到日期有误：{text}"}
    return {"request": f"不能登记：{text}"}


@router.post("/intake")
def register(
    request: Request,
    caller: ConsoleCaller,
    application: AppDep,
    form: Annotated[dict[str, str], Depends(form_fields)],
) -> Response:
    values = {name: form.get(name, "").strip() for name in FIELDS}
    agencies = {code for code, _ in _agencies(application, caller)}
    errors = check_intake(values, agencies)
    if errors:
        return _form(request, application, caller, values, errors=errors, status=422)
    number = normalise(values["identity_number"]) if values["identity_number"] else None
    if form.get("confirm_duplicate") != "1":
        with application.database.reading() as session:
            duplicates = similar_cases(
                session, values["agency"], values["applicant"], values["request"], number
            )
        if duplicates:
            return _form(request, application, caller, values, duplicates=duplicates, status=409)
    new = NewCase(
        agency=values["agency"],
        applicant=values["applicant"],
        applicant_type=values["applicant_type"],
        channel=values["channel"],
        received_on=date.fromisoformat(values["received_on"]),
        arrived_on=date.fromisoformat(values["arrived_on"]) if values["arrived_on"] else None,
        request=values["request"],
        contact=values["contact"] or None,
        by=caller.principal.name,
        unassigned=values["assign"] == "none",
        identity_kind=values["identity_kind"] or None,
        identity_number=number,
        provision_form=values["provision_form"] or None,
        provision_way=values["provision_way"] or None,
    )
    try:
        case = application.cases.open(new)
    except InvalidInput as error:
        return _form(request, application, caller, values, errors=_engine_error(error), status=422)
    return redirect(f"/console/cases/{case.number}?done=open")
