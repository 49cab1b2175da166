"""``/console/admin/agencies/{code}``: an agency's letterhead data, edited by its
administrator with ``workflow agency set``'s function. A reply letter is refused while
the body that hears a reconsideration or the court is missing
(``letters.record_data.require_remedy_bodies``): the page says so."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from workflow.access.roles import Permission
from workflow.cases.agencies import set_agency
from workflow.errors import InvalidInput
from workflow.letters.record_data import letterhead_gaps
from workflow.web.dependencies import AppDep
from workflow.web.pages.console_caller import ConsoleCaller
from workflow.web.pages.rendering import page, redirect
from workflow.web.scope import agency_in_scope

router = APIRouter(prefix="/console", include_in_schema=False)
# (field, label, help), in the order of a letterhead
FIELDS = (
    ("name", "机关全称", "文书抬头和落款使用。"),
    ("short_name", "简称", "文号中使用，如“淄高装”。"),
    ("address", "地址", None),
    ("postcode", "邮政编码", None),
    ("phone", "电话", None),
    ("email", "电子邮箱", None),
    ("seal_text", "印章文字", "未填写时文书显示“（印章）”。"),
    (
        "reconsideration_body",
        "行政复议机关",
        "答复类告知书须载明；未填写时系统不出具答复类告知书。",
    ),
    ("court", "人民法院", "答复类告知书须载明可向其提起行政诉讼的人民法院。"),
    ("head", "负责人", None),
)
REQUIRED = {"name", "reconsideration_body", "court"}
LIMITS = {"postcode": 16, "phone": 64, "short_name": 64}


def _shown(
    request: Request,
    caller: ConsoleCaller,
    code: str,
    values: dict[str, str],
    errors: dict[str, str],
    gaps: list[str],
) -> Response:
    return page(
        request,
        "console/admin/agency.html",
        caller=caller,
        status=422 if errors else 200,
        code=code,
        fields=FIELDS,
        required=REQUIRED,
        values=values,
        errors=errors,
        gaps=gaps,
    )


@router.get("/admin/agencies/{code}")
def agency_form(
    code: str, request: Request, caller: ConsoleCaller, application: AppDep
) -> Response:
    with application.database.reading() as session:
        agency = agency_in_scope(session, caller, code, Permission.ADMINISTER)
        values = {name: getattr(agency, name) or "" for name, _, _ in FIELDS}
        gaps = letterhead_gaps(agency)
    return _shown(request, caller, code, values, {}, gaps)


@router.post("/admin/agencies/{code}")
async def save_agency(
    code: str, request: Request, caller: ConsoleCaller, application: AppDep
) -> Response:
    form = await request.form()
    values = {name: str(form.get(name, "")).strip() for name, _, _ in FIELDS}
    errors: dict[str, str] = {}
    for name, label, _ in FIELDS:
        if name in REQUIRED and not values[name]:
            errors[name] = f"请填写{label}"
        elif len(values[name]) > LIMITS.get(name, 200):
            errors[name] = f"{label}不超过{LIMITS.get(name, 200)}个字"
    if not errors:
        try:
            with application.database.transaction() as session:
                agency = agency_in_scope(session, caller, code, Permission.ADMINISTER)
                set_agency(session, code, **{k: v or None for k, v in values.items()})
                caller.audit(
                    session,
                    application.clock.now(),
                    "agency_changed",
                    agency_id=agency.id,
                    code=code,
                    fields=sorted(k for k, v in values.items() if v),
                )
        except InvalidInput as error:
            errors["name"] = f"未保存：{error}"
        else:
            return redirect("/console/admin?done=agency")
    with application.database.reading() as session:
        gaps = letterhead_gaps(agency_in_scope(session, caller, code, Permission.ADMINISTER))
    return _shown(request, caller, code, values, errors, gaps)
