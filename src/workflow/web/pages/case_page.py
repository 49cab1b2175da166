"""``/console/cases/{number}``: one case, and its next steps one form away.

The case as the API shows it to this caller (``case_view``: masked by role, the read
audited), its clocks with the ledger's explanation, the timeline, letters with every
format's download, appeals, and the case's audit trail for those who may read it. Each
step the state allows is a form; "预览文书" renders the letter the step would issue in a
transaction that is rolled back (``preview_letters``), "提交" fires it through the API's
``fire_one`` with the version the form was loaded at: a case changed meanwhile is a 409
with a reload, a refusal comes back with the form filled and each reason beside its field.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from workflow.access import audit
from workflow.access.roles import Permission
from workflow.application import Application
from workflow.cases.receipt import RECEIPT_RULES
from workflow.codes import (
    AppealKind,
    AppealResult,
    ApplicantType,
    Channel,
    ClockStatus,
    Coded,
    ProvisionForm,
    ProvisionWay,
)
from workflow.errors import Forbidden, InvalidInput, StaleCase, WorkflowError
from workflow.identity_numbers import KIND_LABELS, IdentityKind
from workflow.letters.archive import letters_of
from workflow.letters.issuing import ArchivingIssuer
from workflow.letters.preview import preview_letters
from workflow.letters.render import Format
from workflow.web.auth import Caller
from workflow.web.cases_routes import case_view, fire_one
from workflow.web.dependencies import AppDep
from workflow.web.pages.console_caller import ConsoleCaller
from workflow.web.pages.queue_rows import standing
from workflow.web.pages.rendering import page, redirect
from workflow.web.pages.step_forms import needs_approval, read_step, refusal_errors, step_inputs
from workflow.web.scope import case_in_scope

router = APIRouter(prefix="/console", include_in_schema=False)
Number = Annotated[str, Path(max_length=64)]
FORMAT_LABELS = {Format.PDF: "PDF", Format.DOCX: "Word", Format.HTML: "网页", Format.TEXT: "纯文本"}
AUDIT_ROWS = 100


async def form_fields(request: Request) -> dict[str, str]:
    """The posted form's text fields (read once; the CSRF check read it already)."""
    return {key: value for key, value in (await request.form()).items() if isinstance(value, str)}


FormFields = Annotated[dict[str, str], Depends(form_fields)]


def _clock_rows(view: dict[str, Any]) -> list[dict[str, Any]]:
    """Each clock of the case with its status and where it stands, in words."""
    rows = []
    for clock in view["deadlines"].values():
        status = ClockStatus.of(clock["status"])
        text = ""
        if status is ClockStatus.RUNNING:
            text = standing(
                clock["remaining_workdays"],
                clock["overdue_workdays"],
                clock["extended_by"],
                clock["awaiting_calendar_year"],
            )[0]
            if clock["window"]:
                text += "（可选步骤的期间，不会超期）"
        elif status is ClockStatus.PAUSED:
            text = f"已暂停（{view['state_label']}）"
        rows.append({**clock, "status_label": status.label, "standing": text})
    return rows


def _render(
    request: Request,
    application: Application,
    caller: Caller,
    number: str,
    *,
    status: int = 200,
    open_form: str | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    preview: list[tuple[str, str]] | None = None,
    conflict: bool = False,
    done: str | None = None,
) -> Response:
    today = application.clock.today()
    view = case_view(application, caller, number, today)
    with application.database.reading() as session:
        case = case_in_scope(session, caller, number)
        definition = application.registry.for_case(
            session, case.definition_id, case.definition_version
        )
        letters = letters_of(session, number)
        trail = (
            audit.audit_rows(
                session, [case.agency_id], everything=False, case=number, limit=AUDIT_ROWS
            )
            if caller.principal.may(Permission.READ_AUDIT, case.agency_id)
            else None
        )
    may_fire = caller.principal.may(Permission.FIRE, case.agency_id)
    forms = []
    for name in view["allowed_triggers"]:
        spec = definition.triggers[name]
        if spec.automatic or not may_fire:
            continue
        forms.append(
            {
                "trigger": name,
                "label": spec.label,
                "inputs": step_inputs(definition, spec),
                "letters": [
                    definition.letters[kind].title for kind in spec.letters
                    if kind in definition.letters
                ],
                "approval": needs_approval(spec),
                "may_approve": caller.principal.may(Permission.APPROVE, case.agency_id),
            }
        )  # fmt: skip
    opening = next((event for event in view["events"] if event["trigger"] == "open"), None)
    outcomes = {code: spec.label for code, spec in definition.outcomes.items()}
    view["events"] = [{**e, "shown": _payload(e["payload"], outcomes)} for e in view["events"]]
    channel = Channel.of(view["channel"])
    return page(
        request,
        "console/case.html",
        caller=caller,
        status=status,
        case=view,
        channel_label=channel.label,
        receipt_rule=RECEIPT_RULES[channel],
        applicant_type=ApplicantType.of(view["applicant"]["type"]).label,
        application_details=_details((opening or {}).get("payload", {})),
        clocks=_clock_rows(view),
        state_labels={name: spec.label for name, spec in definition.states.items()},
        trigger_labels={name: spec.label for name, spec in definition.triggers.items()},
        outcome_labels=outcomes,
        appeal_kinds=AppealKind.labels(),
        appeal_results=AppealResult.labels(),
        letters=letters,
        letter_titles={kind: spec.title for kind, spec in definition.letters.items()},
        formats=list(FORMAT_LABELS.items()),
        trail=trail,
        forms=forms,
        open_form=open_form,
        values=values or {},
        errors=errors or {},
        preview=preview,
        conflict=conflict,
        done=done,
    )


PAYLOAD_LABELS = {
    "applicant": "申请人", "channel": "提交方式", "identity_number": "证件号码",
    "outcome": "答复结果", "ground": "不予公开部分的理由", "reason": "理由或事项",
    "days": "期限（工作日）", "until": "截止日期", "amount": "信息处理费（元）",
    "party": "第三方或有关机关", "contact": "联系方式", "objection": "第三方意见",
    "approver": "批准人", "access": "获取方式", "kind": "救济类型", "result": "审结结果",
    "note": "备注", "responsible_unknown": "无法确定负责公开的机关",
}  # fmt: skip


_CODED: dict[str, type[Coded]] = {"channel": Channel, "kind": AppealKind, "result": AppealResult}


def _payload(payload: dict[str, Any], outcomes: dict[str, str]) -> list[tuple[str, str]]:
    """An event's inputs as the timeline shows them: labelled, codes by their labels."""
    shown = []
    for key, label in PAYLOAD_LABELS.items():
        value = payload.get(key)
        if value in (None, "", [], False):
            continue
        if key in ("outcome", "ground"):
            value = outcomes.get(str(value), value)
        elif key in _CODED and (member := _CODED[key].parse(str(value))) is not None:
            value = member.label
        elif value is True:
            value = "是"
        shown.append((label, str(value)))
    return shown


def _details(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """Art. 29's contents the opening event recorded besides the case row, labelled."""
    found = []
    kind = IdentityKind.__members__.get(str(payload.get("identity_kind", "")).upper())
    if payload.get("identity_number"):
        found.append((KIND_LABELS[kind] if kind else "身份证明", str(payload["identity_number"])))
    form = ProvisionForm.parse(str(payload.get("provision_form", "")))
    if form is not None:
        found.append(("获取信息的形式", form.label))
    way = ProvisionWay.parse(str(payload.get("provision_way", "")))
    if way is not None:
        found.append(("获取信息的途径", way.label))
    return found


@router.get("/cases/{number}")
def case_page(
    request: Request, number: Number, caller: ConsoleCaller, application: AppDep, done: str = ""
) -> Response:
    return _render(request, application, caller, number, done=done[:64] or None)


@router.post("/cases/{number}/steps/{trigger}")
def take_step(
    request: Request,
    number: Number,
    trigger: Annotated[str, Path(max_length=64)],
    caller: ConsoleCaller,
    application: AppDep,
    form: FormFields,
) -> Response:
    """Preview the step's letter, or fire the step, from its form."""
    with application.database.reading() as session:
        case = case_in_scope(session, caller, number, Permission.FIRE)
        definition = application.registry.for_case(
            session, case.definition_id, case.definition_version
        )
    spec = definition.triggers.get(trigger)
    if spec is None or spec.automatic:
        raise InvalidInput(f"{trigger!r} is not a step a handler takes")
    inputs = step_inputs(definition, spec)
    body, errors = read_step(trigger, inputs, form, form.get("expect_version", ""))

    def again(status: int, **extra: Any) -> Response:
        return _render(
            request, application, caller, number, status=status, open_form=trigger,
            values=form, errors=errors, **extra,
        )  # fmt: skip

    if body is None:
        return again(422)
    if form.get("action") == "preview":
        try:
            return again(200, preview=_preview(application, caller, number, body, case.agency_id))
        except WorkflowError as error:
            errors = refusal_errors(error, inputs)
            return again(422)
    try:
        fire_one(application, caller, number, body)
    except StaleCase:
        return again(409, conflict=True)
    except Forbidden as error:
        errors = {"step": f"不能办理：{error.message}（延期等须经批准的步骤由负责人办理）"}
        return again(403)
    except InvalidInput as error:
        errors = refusal_errors(error, inputs)
        return again(422)
    return redirect(f"/console/cases/{number}?done={trigger}")


def _preview(
    application: Application, caller: Caller, number: str, body: Any, agency_id: int
) -> list[tuple[str, str]]:
    """The letters the step would issue, as text: (title, text) each; nothing stored."""
    issuer = application.letters
    if not isinstance(issuer, ArchivingIssuer):
        raise InvalidInput("letters are not enabled in this service")
    step = body.step(application.clock.today(), caller.principal.name)
    if step.approver is None and caller.principal.may(Permission.APPROVE, agency_id):
        step = replace(step, approver=caller.principal.name)
    letters = preview_letters(
        application.database, application.registry, issuer, number, body.trigger, step,
        [Format.TEXT],
    )  # fmt: skip
    return [
        (letter.name, letter.rendered.documents[Format.TEXT].decode("utf-8")) for letter in letters
    ]
