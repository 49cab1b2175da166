"""``/api/docs``: the API's operations read from its own OpenAPI document, as plain HTML.

FastAPI's default page loads Swagger UI from a CDN; the service fetches nothing from
outside, so this page is rendered here, needs no script, and links the JSON spec.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import escape

router = APIRouter()


@router.get("/api/docs", include_in_schema=False, response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    spec: dict[str, Any] = request.app.openapi()
    rows: list[str] = []
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            statuses = ", ".join(sorted(operation.get("responses", {})))
            rows.append(
                "<tr>"
                f"<td><code>{escape(method.upper())}</code></td>"
                f"<td><code>{escape(path)}</code></td>"
                f"<td><code>{escape(operation.get('operationId', ''))}</code></td>"
                f"<td>{escape(operation.get('summary', ''))}</td>"
                f"<td>{escape(statuses)}</td>"
                "</tr>"
            )
    title = escape(spec["info"]["title"])
    page = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title} API</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:.2em .6em;text-align:left;
vertical-align:top}}tr:nth-child(even){{background:#f4f4f4}}</style></head>
<body><h1>{title} API</h1>
<p>接口说明（OpenAPI）：<a href="{escape(request.app.openapi_url)}">openapi.json</a></p>
<table><thead><tr><th>方法</th><th>路径</th><th>operationId</th><th>说明</th><th>状态码</th>
</tr></thead><tbody>{"".join(rows)}</tbody></table></body></html>"""
    return HTMLResponse(page)
