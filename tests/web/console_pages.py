"""Helpers of the console's page tests: a browser-like client logged in by the form."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, Service
from workflow.cases.service import NewCase


def console_client(service: Service, name: str) -> TestClient:
    """A client of its own, logged in through /console/login as a browser is."""
    client = TestClient(service.client.app)
    answer = client.post("/console/login", data={"username": name, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found[1]


def open_case(
    service: Service,
    applicant: str = "张三",
    request: str = "2025年度财政预算执行情况",
    *,
    agency: str = "zbgd",
    handler: str | None = None,
    channel: str = "in_person",
    received_on: date | None = None,
) -> str:
    case = service.application.cases.open(
        NewCase(
            agency=agency,
            applicant=applicant,
            applicant_type="natural_person",
            channel=channel,
            received_on=received_on or service.clock.today(),
            request=request,
            contact="13812345678",
            handler=handler,
            by="system",
        )
    )
    return case.number
