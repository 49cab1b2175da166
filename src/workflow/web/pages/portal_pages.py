"""The public portal's first pages: ``/portal/`` (申请须知, the agencies searchable by
name), ``/portal/apply`` (the form, Art. 29) and the page a submission answers with (the
number and the query code, shown once). No account; every step a plain form."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from workflow.application import Application
from workflow.cases.registry import DEFAULT_DEFINITION
from workflow.portal import query_codes
from workflow.portal.agency_choices import public_agencies
from workflow.portal.files import ID_COPY, MAX_BYTES, upload_problem
from workflow.portal.form import (
    APPLICANT_TYPES,
    CARRIERS,
    DELIVERIES,
    ID_TYPES,
    ApplicationForm,
    read_form,
)
from workflow.portal.progress import lookup, progress
from workflow.portal.repeats import Earlier, Submitted, existing, similar_earlier
from workflow.portal.submissions import submit
from workflow.portal.throttle import SUBMIT
from workflow.web.auth import address_of
from workflow.web.dependencies import AppDep
from workflow.web.pages.portal_forms import (
    PostedForm,
    portal_config,
    text_fields,
    throttle_message,
    upload,
)
from workflow.web.pages.rendering import page, redirect

router = APIRouter(prefix="/portal", include_in_schema=False)
root = APIRouter(include_in_schema=False)
HONEYPOT = "homepage"  # hidden from people; a bot that fills every field fills it


@root.get("/")
def home() -> Response:
    return redirect("/portal/")


def _periods(application: Application) -> dict[str, Any]:
    """The working days the notice states, from the definition in force."""
    definition = application.registry.for_receipt(application.clock.today(), DEFAULT_DEFINITION)
    clocks = definition.clocks
    return {
        "answer": clocks["answer"].days,
        "extension": clocks["answer"].max_extension,
        "correction_notice": clocks["correction_notice"].days,
        "correction": clocks["correction"].days,
        "third_party": clocks["third_party"].days,
    }


@router.get("/")
def notice(
    request: Request,
    application: AppDep,
    q: Annotated[str, Query(max_length=50)] = "",
) -> Response:
    with application.database.reading() as session:
        agencies = public_agencies(session, q)
    return page(
        request, "portal/notice.html", agencies=agencies, q=q, periods=_periods(application)
    )


def _agency_options(application: Application) -> tuple[dict[str, str], list[str]]:
    with application.database.reading() as session:
        agencies = public_agencies(session)
    return {code: name for code, name, _ in agencies}, [
        name for _, name, required in agencies if required
    ]


def _form_page(
    request: Request,
    application: Application,
    form: dict[str, Any],
    errors: dict[str, str],
    *,
    token: str,
    status: int = 200,
    similar: list[dict[str, str]] | None = None,
    throttle_message: str | None = None,
) -> Response:
    agencies, id_copy_agencies = _agency_options(application)
    return page(
        request,
        "portal/apply.html",
        status=status,
        form=form,
        errors=errors,
        token=token,
        similar=similar or [],
        throttle_message=throttle_message,
        agencies=[("", "请选择"), *list(agencies.items())],
        id_copy_agencies=id_copy_agencies,
        can_take_id_copy=portal_config(request).vault.can_encrypt,
        applicant_types=[("", "请选择"), *APPLICANT_TYPES],
        id_types=[("", "请选择"), *ID_TYPES],
        carriers=[("", "请选择"), *CARRIERS],
        deliveries=[("", "请选择"), *DELIVERIES],
    )


EMPTY = {name: "" for name in ApplicationForm.__dataclass_fields__} | {
    "other_form_ok": True,
    "help_needed": False,
}


@router.get("/apply")
def apply_form(
    request: Request,
    application: AppDep,
    agency: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    form = EMPTY | {"agency": agency}
    return _form_page(request, application, form, {}, token=query_codes.new_token())


@router.post("/apply")
def apply(request: Request, application: AppDep, posted: PostedForm) -> Response:
    raw = text_fields(posted)
    token = raw.get("token", "")
    if raw.get(HONEYPOT) or not query_codes.TOKEN.fullmatch(token):
        return page(
            request,
            "error.html",
            status=400,
            title="提交未被接受",
            advice="请从申请页面重新填写提交。",
            detail="表单缺少有效的提交标识。",
        )
    config = portal_config(request)
    id_copy = upload(posted, "id_copy", MAX_BYTES[ID_COPY])
    today = application.clock.today()
    with application.database.reading() as session:  # every check's reads at once
        agencies = {code: (name, required) for code, name, required in public_agencies(session)}
        form, errors = read_form(raw, {code: name for code, (name, _) in agencies.items()})
        wait = throttle_message(request, application, session, SUBMIT)
        repeated: Submitted | None = None
        similar: list[Earlier] = []
        if wait is None:
            repeated = existing(session, form, token, today)
        look_for_similar = not errors and raw.get("similar_seen") != "yes"
        if wait is None and repeated is None and look_for_similar:
            similar = similar_earlier(session, form, today)
    shown = form.to_json()
    if wait is not None:
        return _form_page(
            request, application, shown, errors, token=token, status=429, throttle_message=wait
        )
    if repeated is not None:
        return submitted_page(request, application, repeated)
    required = form.agency in agencies and agencies[form.agency][1]
    if id_copy is not None:
        problem = upload_problem(id_copy.content, ID_COPY, config.vault)
        if problem:
            errors["id_copy"] = problem
    elif required:
        errors["id_copy"] = "该机关要求提供身份证明复印件（PDF、PNG或JPEG，不超过5MB）"
    if errors:
        return _form_page(request, application, shown, errors, token=token, status=422)
    if similar:
        earlier = [
            {
                "reference": row.reference,
                "on": f"{row.submitted_on:%Y年%m月%d日}",
                "sought": _sought(row.form),
            }
            for row in similar
        ]
        return _form_page(request, application, shown, {}, token=token, similar=earlier)
    submitted = submit(application, config, form, token, id_copy, address=address_of(request))
    return submitted_page(request, application, submitted)


def _sought(form: dict[str, Any]) -> str:
    text = str(form.get("info_name") or form.get("doc_number") or form.get("description") or "")
    return text if len(text) <= 40 else text[:40] + "…"


def submitted_page(request: Request, application: Application, submitted: Submitted) -> Response:
    """The answer to a submission: its numbers, the code (when it may be shown), the
    receipt date and the latest answer date once confirmed."""
    view = submitted.view
    if view is None and submitted.code is not None:  # a repeat: read now
        with application.database.reading() as session:
            row = lookup(session, submitted.reference, submitted.code)
            assert row is not None
            view = progress(application, session, row)
    return page(
        request,
        "portal/submitted.html",
        submitted=submitted,
        code=query_codes.shown(submitted.code) if submitted.code else None,
        raw_code=submitted.code,
        view=view,
    )
