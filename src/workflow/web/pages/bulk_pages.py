"""``/console/bulk``: one action over a selection of cases, previewed first, then run.

The form contract (shared with the queue, which posts its ticked rows here):
``POST /console/bulk/preview`` with ``case`` repeated (case numbers), ``action``
(``reassign`` or a trigger's name) and the step's inputs by their API names (``on``,
``reason``, ``days``, ``outcome`` ... and ``handler`` for a reassignment). The preview is
the API's (``bulk_routes.preview_selection``: which cases each guard accepts or refuses
and why); running is the API's too (``fire_selection``), with one batch id in the
audit log. Nothing is changed before the officer confirms the preview.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from workflow.access.roles import Permission
from workflow.application import Application
from workflow.cases.case_list import CaseFilter, list_cases
from workflow.web.auth import Caller
from workflow.web.bulk_routes import fire_selection, preview_selection
from workflow.web.dependencies import AppDep
from workflow.web.models import FireBody
from workflow.web.pages.console_caller import ConsoleCaller
from workflow.web.pages.rendering import page
from workflow.web.reassignment import preview_reassignment, reassign_selection
from workflow.web.scope import require

router = APIRouter(prefix="/console", include_in_schema=False)
REASSIGN = "reassign"
MAX_CASES = 500  # as the API's bulk body
LISTED = 200  # rows of the selection list; a state narrows it
# The step's inputs a bulk form offers, with their labels (the CLI's options, in Chinese).
INPUTS: tuple[tuple[str, str, str | None], ...] = (
    ("handler", "新承办人（改派时）", "用户名；须能办理该机关的案件。"),
    ("on", "办理日期", "YYYY-MM-DD；不填为今天。"),
    ("outcome", "答复结果", "答复（decide）时选择。"),
    ("reason", "理由", None),
    ("days", "天数（工作日）", None),
    ("until", "期限至", "YYYY-MM-DD"),
    ("party", "第三方或机关", None),
    ("contact", "联系方式", None),
    ("note", "备注", None),
)


def _actions(application: Application) -> list[tuple[str, str]]:
    triggers: dict[str, str] = {}
    for definition in application.registry.definitions():
        for name, trigger in definition.triggers.items():
            if not trigger.automatic:
                triggers.setdefault(name, trigger.label)
    return [(REASSIGN, "改派承办人"), *sorted(triggers.items(), key=lambda item: item[1])]


def _outcomes(application: Application) -> list[tuple[str, str]]:
    found: dict[str, str] = {}
    for definition in application.registry.definitions():
        for code, outcome in definition.outcomes.items():
            found.setdefault(code, outcome.label)
    return [("", "（不适用）"), *found.items()]


def _open_cases(application: Application, caller: Caller, state: str | None) -> Any:
    """The oldest open cases the caller may advance (of one state, if chosen)."""
    criteria = CaseFilter(
        open_only=True,
        state=state or None,
        agency_ids=caller.principal.agencies(Permission.FIRE),
        limit=LISTED,
    )
    with application.database.reading() as session:
        return list_cases(
            session, application.registry, application.calendar, criteria, application.clock.today()
        ).rows


def _render(
    request: Request,
    caller: Caller,
    application: Application,
    values: dict[str, Any],
    errors: dict[str, str],
    state: str = "",
) -> Response:
    states = _states(application)
    return page(
        request,
        "console/bulk/select.html",
        caller=caller,
        status=422 if errors else 200,
        rows=_open_cases(application, caller, state if state in states else None),
        listed=LISTED,
        state=state,
        states=[("", "全部办理中的状态"), *states.items()],
        actions=_actions(application),
        outcomes=_outcomes(application),
        inputs=INPUTS,
        values=values,
        errors=errors,
    )


@router.get("/bulk")
def bulk_page(
    request: Request,
    caller: ConsoleCaller,
    application: AppDep,
    state: str = "",
    case: Annotated[list[str] | None, Query(max_length=MAX_CASES)] = None,
) -> Response:
    """The selection form; ``case`` (repeated) comes ticked, as the queue sends its rows."""
    require(caller, Permission.FIRE)
    values: dict[str, Any] = {
        "cases": case or [],
        "action": "",
        **{name: "" for name, _, _ in INPUTS},
    }
    return _render(request, caller, application, values, {}, state)


def _parse(
    application: Application, form: FormData
) -> tuple[dict[str, Any], dict[str, str], FireBody | None]:
    """The form's values, its errors by field, and the step (None for a reassignment or
    when there are errors)."""
    values: dict[str, Any] = {
        "cases": [str(number) for number in form.getlist("case")][: MAX_CASES + 1],
        "action": str(form.get("action", "")),
        **{name: str(form.get(name, "")).strip() for name, _, _ in INPUTS},
    }
    errors: dict[str, str] = {}
    if not values["cases"]:
        errors["case"] = "请至少勾选一件案件"
    elif len(values["cases"]) > MAX_CASES:
        errors["case"] = f"一次最多办理{MAX_CASES}件"
    if values["action"] not in {code for code, _ in _actions(application)}:
        errors["action"] = "请选择要办理的操作"
    body = None
    if values["action"] == REASSIGN:
        if not values["handler"]:
            errors["handler"] = "改派须填写新承办人的用户名"
    elif "action" not in errors:
        given = {name: value for name, value in values.items() if name in _STEP and value}
        try:
            body = FireBody(trigger=values["action"], **given)
        except ValidationError as error:
            for problem in error.errors():
                field = str(problem["loc"][0]) if problem["loc"] else "action"
                errors.setdefault(field, f"格式有误：{problem['msg']}")
    return values, errors, None if errors else body


_STEP = {name for name, _, _ in INPUTS} - {"handler"}


def _labels(application: Application) -> dict[str, str]:
    return dict(_actions(application))


def _states(application: Application) -> dict[str, str]:
    return {
        name: state.label
        for definition in application.registry.definitions()
        for name, state in definition.states.items()
    }


@router.post("/bulk/preview")
async def preview_page(request: Request, caller: ConsoleCaller, application: AppDep) -> Response:
    require(caller, Permission.FIRE)
    values, errors, body = _parse(application, await request.form())
    if errors:
        return _render(request, caller, application, values, errors)
    if body is None:
        results = preview_reassignment(application, caller, values["cases"], values["handler"])
    else:
        results = preview_selection(application, caller, values["cases"], body)
    return page(
        request,
        "console/bulk/preview.html",
        caller=caller,
        values=values,
        label=_labels(application)[values["action"]],
        results=results,
        accepted=[result["case"] for result in results if result["accepted"]],
        inputs=INPUTS,
        states=_states(application),
    )


@router.post("/bulk/run")
async def run_page(request: Request, caller: ConsoleCaller, application: AppDep) -> Response:
    require(caller, Permission.FIRE)
    values, errors, body = _parse(application, await request.form())
    if errors:
        return _render(request, caller, application, values, errors)
    if body is None:
        done = reassign_selection(application, caller, values["cases"], values["handler"])
    else:
        done = fire_selection(application, caller, values["cases"], body)
    return page(
        request,
        "console/bulk/done.html",
        caller=caller,
        label=_labels(application)[values["action"]],
        done=done,
        accepted=sum(1 for result in done["results"] if result["accepted"]),
        may_audit=caller.principal.may(Permission.READ_AUDIT),
        states=_states(application),
    )
