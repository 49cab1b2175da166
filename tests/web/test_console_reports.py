"""The report page in process: the tables, the charts with their numbers, downloads
audited, and the API's rules on who reads which agency's report."""

from __future__ import annotations

import re
from html import unescape
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from tests.web.conftest import NEW_CASE, Service
from workflow.store.access_records import AuditRecord


def _two_cases(service: Service) -> None:
    service.user("reg", "registrar")
    client = service.login("reg")
    for received in ("2026-03-02", "2026-11-20"):
        answer = client.post("/api/v1/cases", json={**NEW_CASE, "received_on": received})
        assert answer.status_code == 201, answer.text


def test_the_report_page_shows_the_tables_the_charts_and_downloads(
    sqlite_service: Service,
) -> None:
    service = sqlite_service
    _two_cases(service)
    service.user("zhou", "reporter")
    reporter = service.login("zhou")
    shown = reporter.get("/console/reports", params={"year": "2026", "agency": "zbgd"})
    assert shown.status_code == 200, shown.text
    assert "三、收到和处理政府信息公开申请情况" in shown.text
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in shown.text
    months = shown.text.split('id="chart-months"')[1].split("<h3")[0]
    assert "3月2件" not in months
    assert "3月1件" in months
    assert "11月1件" in months
    assert '<th scope="row">合计</th><td class="number">2</td>' in months
    assert "/console/reports/download?year=2026&amp;agency=zbgd&amp;format=xlsx" in shown.text

    links = re.findall(r'href="(/console/reports/download\?[^"]+)"', shown.text)
    assert len(links) == 3  # XLSX, Markdown, CSV; the DOCX draft is the form below
    for link in links[1:]:
        assert reporter.get(unescape(link)).status_code == 200, link
    xlsx = reporter.get(
        "/console/reports/download", params={"year": "2026", "agency": "zbgd", "format": "xlsx"}
    )
    assert xlsx.status_code == 200
    assert xlsx.headers["content-disposition"] == 'attachment; filename="report-2026.xlsx"'
    assert load_workbook(BytesIO(xlsx.content)).sheetnames
    form = {"year": "2026", "agency": "zbgd", "figures": "table2: {licensing: -1}"}
    refused = reporter.post("/console/reports/draft", data=form)
    assert refused.status_code == 422
    assert 'id="f-figures-error"' in refused.text
    assert "table2: {licensing: -1}" in refused.text
    template = shown.text.split('id="f-figures"')[1].split(">", 1)[1].split("</textarea>")[0]
    draft = reporter.post("/console/reports/draft", data={**form, "figures": unescape(template)})
    assert draft.status_code == 200, draft.text
    assert draft.content.startswith(b"PK")  # a DOCX is a zip
    with service.application.database.reading() as session:
        formats = session.scalars(
            select(AuditRecord.detail).where(AuditRecord.action == "report_exported")
        ).all()
    assert [detail["format"] for detail in formats] == ["md", "csv", "xlsx", "docx"]


def test_bad_choices_come_back_beside_their_fields_and_roles_are_the_apis(
    sqlite_service: Service,
) -> None:
    service = sqlite_service
    service.user("zhou", "reporter")
    reporter = service.login("zhou")
    wrong = reporter.get("/console/reports", params={"year": "20x6", "agency": "city"})
    assert wrong.status_code == 422
    assert 'id="f-year-error"' in wrong.text
    assert 'value="20x6"' in wrong.text
    assert 'id="f-agency-error"' in wrong.text  # city is not theirs
    refused = reporter.get(
        "/console/reports/download", params={"year": "2026", "agency": "city", "format": "csv"}
    )
    assert refused.status_code == 403
    service.user("li", "handler")
    assert service.login("li").get("/console/reports").status_code == 403
