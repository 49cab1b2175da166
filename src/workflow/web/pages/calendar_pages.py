"""``/console/calendar``: the store's calendar years with their notices and origin, what
was done to them and the due dates each load moved; an administrator imports next
year's State Council notice by pasting its text (as ``workflow calendar import-notice``:
a sentence the parser cannot read is refused, quoted), then the deadlines are
recomputed. Case numbers are shown only for cases in the caller's scope."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import select

from workflow.access.roles import Permission
from workflow.application import Application
from workflow.cases.calendar_changes import history_rows
from workflow.cases.calendar_loading import CalendarLoad, explicit, notice_version
from workflow.cases.calendar_years import describe_years
from workflow.errors import InvalidInput, NoticeParseError
from workflow.store.records import CaseRecord
from workflow.web.auth import Caller
from workflow.web.dependencies import AppDep
from workflow.web.pages.console_caller import ConsoleCaller
from workflow.web.pages.rendering import page, redirect
from workflow.web.scope import require

router = APIRouter(prefix="/console", include_in_schema=False)
MAX_NOTICE = 20_000  # characters: a yearly notice is about two thousand
ACTIONS = {
    "loaded": "载入",
    "replaced": "替换",
    "corrected": "随版本更正",
    "kept": "保留本机版本",
    "unchanged": "未变",
}
ORIGINS = {"shipped": "随系统发布", "notice": "导入的通知", "file": "年度文件"}


def import_notice(
    application: Application, caller: Caller, text: str, name: str, *, replace: bool
) -> CalendarLoad:
    """Load a pasted notice for ``caller`` (the holiday calendar is national: an
    administrator of any agency may load it), then recompute; audited."""
    require(caller, Permission.ADMINISTER)
    version, _ = notice_version([text], name)
    done = application.load_calendar_years(
        explicit([version], replace=replace), caller.principal.actor
    )
    with application.database.transaction() as session:
        caller.audit(
            session,
            application.clock.now(),
            "calendar_imported",
            year=version.year,
            actions=[outcome.action for outcome in done.outcomes],
            moved=len(done.report.as_json()["changes"]) if done.report is not None else 0,
        )
    return done


def history_in_scope(application: Application, caller: Caller) -> list[dict[str, Any]]:
    """The changes, newest first, with moved deadlines of other agencies' cases counted
    but not named."""
    scope = caller.principal.agencies(Permission.READ_CASES)
    with application.database.reading() as session:
        rows = history_rows(session)
        numbers = sorted({moved["case"] for row in rows for moved in row["deadlines"]})
        mine = set(
            session.scalars(
                select(CaseRecord.number).where(
                    CaseRecord.number.in_(numbers), CaseRecord.agency_id.in_(sorted(scope))
                )
            )
        )
    for row in rows:
        shown = [moved for moved in row["deadlines"] if moved["case"] in mine]
        row["hidden"] = len(row["deadlines"]) - len(shown)
        row["deadlines"] = shown
    return rows[::-1]


def _history_shown(application: Application, caller: Caller) -> list[dict[str, Any]]:
    rows = history_in_scope(application, caller)
    for row in rows:
        row["action_label"] = ACTIONS.get(row["action"], row["action"])
        row["origin_label"] = ORIGINS.get(row["origin"], row["origin"])
    return rows


def _page(
    request: Request,
    caller: Caller,
    application: Application,
    values: dict[str, str],
    errors: dict[str, str],
    loaded: str | None = None,
) -> Response:
    years = describe_years(application.calendar_years)
    for year in years:
        year["origin_label"] = ORIGINS.get(year["origin"], year["origin"])
    return page(
        request,
        "console/calendar/calendar.html",
        caller=caller,
        status=422 if errors else 200,
        years=years,
        history=_history_shown(application, caller),
        may_import=caller.principal.may(Permission.ADMINISTER),
        values=values,
        errors=errors,
        loaded=loaded,
    )


@router.get("/calendar")
def calendar_page(
    request: Request, caller: ConsoleCaller, application: AppDep, loaded: str | None = None
) -> Response:
    return _page(request, caller, application, {"notice": "", "replace": ""}, {}, loaded)


@router.post("/calendar/import")
def import_page(
    request: Request,
    caller: ConsoleCaller,
    application: AppDep,
    notice: str = Form(""),
    replace: str = Form(""),
) -> Response:
    require(caller, Permission.ADMINISTER)
    values = {"notice": notice, "replace": replace}
    problem = None
    if not notice.strip():
        problem = "请粘贴国务院办公厅节假日安排通知的全文"
    elif len(notice) > MAX_NOTICE:
        problem = f"通知全文不应超过{MAX_NOTICE}字"
    else:
        try:
            done = import_notice(application, caller, notice, "粘贴的通知", replace=bool(replace))
        except NoticeParseError as error:
            problem = f"无法读取这一句：「{error.sentence}」（{error.problem}）"
        except InvalidInput as error:
            problem = f"未载入：{error}"
        else:
            years = ",".join(str(outcome.version.year) for outcome in done.outcomes)
            return redirect(f"/console/calendar?loaded={years}")
    return _page(request, caller, application, values, {"notice": problem})
