"""Errors on pages answered as pages: a Chinese title and what to do, the detail below,
the status kept; a page that needs a login sends the browser to the login page."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from workflow.web.pages.rendering import login_location, page, redirect

TITLES = {
    400: ("请求有误", "请返回上一页检查后重试。"),
    401: ("请先登录", "登录已过期或尚未登录。"),
    403: ("无权进行此操作", "您的角色不允许在此办理该事项。"),
    404: ("未找到", "没有这个页面，或者它不在您有权查看的机关范围内。"),
    405: ("不支持的请求方式", "请从页面上的按钮或链接进入。"),
    409: ("无法办理", "案件的状态不允许此操作，或已被他人更改：请重新载入后再试。"),
    422: ("输入有误", "请返回上一页，按提示修改后重新提交。"),
    429: ("尝试次数过多", "请稍后再试。"),
    500: ("系统内部错误", "错误已记录，请联系系统管理员。"),
    503: ("系统暂时不可用", "数据库暂时无法使用，请稍后再试。"),
}


def error_page(request: Request, status: int, detail: str) -> Response:
    if status == 401 and request.url.path.startswith("/console"):
        return redirect(login_location(request))
    title, advice = TITLES.get(status, ("出错了", "请返回上一页重试。"))
    return page(request, "error.html", status=status, title=title, advice=advice, detail=detail)
