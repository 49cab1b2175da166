"""``/api/docs``: the API's operations and the shapes of their bodies and answers, read from
its own OpenAPI document, as plain HTML.

FastAPI's default page loads Swagger UI from a CDN; the service fetches nothing from
outside, so this page is rendered here, needs no script, and links the JSON spec.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

router = APIRouter()
REF = "#/components/schemas/"
FIELDS_HEAD = (
    "<table><thead><tr><th>字段</th><th>类型</th><th>必有</th><th>说明</th></tr></thead><tbody>"
)


@router.get("/api/docs", include_in_schema=False, response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    spec: dict[str, Any] = request.app.openapi()
    rows: list[str] = []
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.get("responses", {})
            statuses = ", ".join(sorted(responses))
            answered = [
                type_of(media["schema"])
                for status, response in responses.items()
                if status.startswith("2")
                for kind, media in response.get("content", {}).items()
                if kind == "application/json" and "schema" in media
            ]
            rows.append(
                "<tr>"
                f"<td><code>{escape(method.upper())}</code></td>"
                f"<td><code>{escape(path)}</code></td>"
                f"<td><code>{escape(operation.get('operationId', ''))}</code></td>"
                f"<td>{escape(operation.get('summary', ''))}</td>"
                f"<td>{escape(statuses)}</td>"
                f"<td>{Markup(', ').join(answered)}</td>"
                "</tr>"
            )
    schemas = spec.get("components", {}).get("schemas", {})
    title = escape(spec["info"]["title"])
    page = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title} API</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:.2em .6em;text-align:left;
vertical-align:top}}tr:nth-child(even){{background:#f4f4f4}}</style></head>
<body><h1>{title} API</h1>
<p>接口说明（OpenAPI）：<a href="{escape(request.app.openapi_url)}">openapi.json</a></p>
<table><thead><tr><th>方法</th><th>路径</th><th>operationId</th><th>说明</th><th>状态码</th>
<th>答复</th></tr></thead><tbody>{"".join(rows)}</tbody></table>
<h2>数据结构</h2>{"".join(_schema(name, schema) for name, schema in schemas.items())}
</body></html>"""
    return HTMLResponse(page)


def _schema(name: str, schema: dict[str, Any]) -> str:
    """One component: its description and, for an object, each field with its type."""
    parts = [f'<h3 id="{escape(name)}">{escape(name)}</h3>']
    if "description" in schema:
        parts.append(f"<p>{escape(schema['description'])}</p>")
    if "enum" in schema:
        parts.append(
            f"<p>{Markup(' | ').join(Markup('<code>%s</code>') % v for v in schema['enum'])}</p>"
        )
    fields = schema.get("properties", {})
    if fields:
        required = set(schema.get("required", ()))
        parts.append(FIELDS_HEAD)
        for field, spec in fields.items():
            parts.append(
                f"<tr><td><code>{escape(field)}</code></td><td>{type_of(spec)}</td>"
                f"<td>{'是' if field in required else ''}</td>"
                f"<td>{escape(spec.get('description', ''))}</td></tr>"
            )
        parts.append("</tbody></table>")
    return "".join(parts)


def type_of(schema: dict[str, Any]) -> Markup:
    """A JSON schema in a few words: a component links to its section."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(REF)
        return Markup('<a href="#{0}">{0}</a>').format(name)
    for union in ("anyOf", "oneOf"):
        if union in schema:
            return Markup(" | ").join(type_of(part) for part in schema[union])
    kind = schema.get("type", "any")
    if kind == "array":
        return Markup("[%s]") % type_of(schema.get("items", {}))
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return Markup("{string: %s}") % type_of(schema["additionalProperties"])
    if "const" in schema:
        return Markup("<code>%s</code>") % str(schema["const"]).lower()
    return Markup("%s (%s)") % (kind, schema["format"]) if "format" in schema else escape(kind)
