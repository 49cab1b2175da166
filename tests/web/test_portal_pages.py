"""The portal's rules in process: the home page is the portal; a bot's honeypot and an
address over its limits are refused without storing anything; identity copies are
encrypted, refused without a key, sniffed and read only by staff who may, logged;
the intake queue keeps to the caller's agencies and roles; the applicant's e-mails go
through the outbox; an admin's automatic confirmation registers at submission."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.portal.story import FIELDS
from tests.stores import TEST_PASSWORD, TestApplication, add_staff, make_app
from workflow.access.audit import audit_rows
from workflow.lifecycle import StepInput
from workflow.portal import query_codes
from workflow.portal.agency_choices import AgencyChoice, choose
from workflow.portal.config import PortalConfig
from workflow.portal.files import FileVault
from workflow.portal.throttle import PortalLimits
from workflow.store.portal_records import PortalFileRecord, PortalSubmissionRecord
from workflow.store.records import AgencyRecord, CaseRecord, OutboxRecord
from workflow.web import create_app

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
KEY = Fernet.generate_key().decode()


class Portal:
    def __init__(self, application: TestApplication, config: PortalConfig) -> None:
        self.application = application
        self.client = TestClient(create_app(application, portal=config))

    def apply(self, files: dict[str, tuple[str, bytes, str]] | None = None, **changes: str):  # type: ignore[no-untyped-def]
        data = {**FIELDS, "token": query_codes.new_token(), **changes}
        return self.client.post("/portal/apply", data=data, files=files)

    def staff(self, name: str, *roles: str, agency: str = "zbgd") -> TestClient:
        add_staff(self.application, name, *roles, agency=agency)
        client = TestClient(self.client.app)
        form = client.post("/console/login", data={"username": name, "password": TEST_PASSWORD})
        assert form.status_code == 200, form.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/console/").text)
        assert token is not None
        client.headers["X-CSRF-Token"] = token[1]
        return client

    def rows(self, table: type) -> list:  # type: ignore[type-arg]
        with self.application.database.reading() as session:
            return list(session.scalars(select(table)))

    def choose(self, choice: AgencyChoice) -> None:
        with self.application.database.transaction() as session:
            agency = session.scalars(select(AgencyRecord).where(AgencyRecord.code == "zbgd")).one()
            choose(session, agency.id, choice, "test", self.application.clock.now())


def _portal(tmp_path: Path, config: PortalConfig) -> Iterator[Portal]:
    application = make_app(f"sqlite:///{tmp_path / 'w.db'}")
    portal = Portal(application, config)
    with portal.client:
        yield portal


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    yield from _portal(
        tmp_path, PortalConfig(PortalLimits(submissions=3, failures=2), FileVault(KEY))
    )


@pytest.fixture
def keyless(tmp_path: Path) -> Iterator[Portal]:
    yield from _portal(tmp_path, PortalConfig())


def test_the_home_page_is_the_portal(portal: Portal) -> None:
    answer = portal.client.get("/", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/portal/")
    notice = portal.client.get("/portal/?q=某市")
    assert "向某市人民政府申请" in notice.text
    assert "淄博高端" not in notice.text
    assert "20个工作日内答复" in notice.text  # the definition's days


def test_a_filled_honeypot_or_a_made_up_token_stores_nothing(portal: Portal) -> None:
    assert portal.apply(homepage="http://spam.example").status_code == 400
    assert portal.apply(token="short").status_code == 400
    assert portal.rows(PortalSubmissionRecord) == []


def test_an_address_over_its_limits_waits(portal: Portal) -> None:
    for sought in ("某项目环境影响评价文件", "人才公寓分配办法", "园区规划调整的论证材料"):
        assert "查询码只显示这一次" in portal.apply(description=sought).text
    refused = portal.apply(description="另一项信息")
    assert refused.status_code == 429
    assert "操作过于频繁，请在60分钟后再试" in refused.text
    assert "另一项信息" in refused.text  # the form comes back filled
    for _ in range(2):
        assert (
            portal.client.post("/portal/follow", data={"key": "WS1", "code": "x"}).status_code
            == 404
        )
    assert portal.client.post("/portal/follow", data={"key": "WS1", "code": "x"}).status_code == 429


def test_an_identity_copy_is_required_sniffed_encrypted_and_its_reading_logged(
    portal: Portal,
) -> None:
    portal.choose(AgencyChoice(id_copy_required=True))
    missing = portal.apply()
    assert missing.status_code == 422
    assert "该机关要求提供身份证明复印件" in missing.text
    wrong = portal.apply(files={"id_copy": ("id.exe", b"MZ\x90\x00", "image/png")})
    assert "只接受PDF、PNG或JPEG格式的文件" in wrong.text
    assert portal.apply(files={"id_copy": ("身份证.png", PNG, "image/png")}).status_code == 200
    (stored,) = portal.rows(PortalFileRecord)
    assert stored.encrypted
    assert stored.content != PNG
    assert Fernet(KEY.encode()).decrypt(stored.content) == PNG
    (submission,) = portal.rows(PortalSubmissionRecord)
    link = f"/console/submissions/{submission.id}/files/{stored.id}"

    reporter = portal.staff("tongji", "reporter")
    assert reporter.get(link).status_code == 404  # not an intake role: not there
    registrar = portal.staff("dengji", "registrar")
    assert link in registrar.get("/console/submissions").text
    copy = registrar.get(link)
    assert copy.content == PNG
    assert copy.headers["content-disposition"].startswith('attachment; filename="file-')
    with portal.application.database.reading() as session:
        (entry,) = audit_rows(
            session, [submission.agency_id], everything=False, action="portal_file_read"
        )
    assert entry["actor"] == "user:dengji"


def test_without_a_key_no_identity_copy_is_taken(keyless: Portal) -> None:
    answer = keyless.apply(files={"id_copy": ("id.png", PNG, "image/png")})
    assert "本网站未配置加密存储，暂不能接收身份证明复印件" in answer.text
    assert keyless.rows(PortalSubmissionRecord) == []


def test_the_intake_queue_keeps_to_agencies_and_roles(portal: Portal) -> None:
    portal.apply()
    (submission,) = portal.rows(PortalSubmissionRecord)
    other = portal.staff("city-registrar", "registrar", agency="city")
    assert submission.reference not in other.get("/console/submissions").text
    assert other.post(f"/console/submissions/{submission.id}/confirm").status_code == 404
    handler = portal.staff("li", "handler")
    assert submission.reference in handler.get("/console/submissions").text
    assert handler.post(f"/console/submissions/{submission.id}/confirm").status_code == 403
    registrar = portal.staff("dengji", "registrar")
    done = registrar.post(f"/console/submissions/{submission.id}/confirm", follow_redirects=False)
    assert done.status_code == 303
    (case,) = portal.rows(CaseRecord)
    assert (case.channel, case.received_on, case.arrived_on) == (
        "online", portal.application.clock.today(), portal.application.clock.today(),
    )  # fmt: skip
    again = registrar.post(f"/console/submissions/{submission.id}/confirm")
    assert again.status_code == 422
    assert len(portal.rows(CaseRecord)) == 1


def test_the_code_and_the_registration_are_mailed_through_the_outbox(portal: Portal) -> None:
    answer = portal.apply(email="zhangsan@example.com")
    code = re.search(r"<code>([^<]+)</code>", answer.text)
    assert code is not None
    (submitted,) = portal.rows(OutboxRecord)
    assert (submitted.channel, submitted.recipient) == ("email", "zhangsan@example.com")
    assert code[1] in submitted.body
    (row,) = portal.rows(PortalSubmissionRecord)
    assert code[1] not in repr(row.data)
    assert row.code_hash != code[1]
    registrar = portal.staff("dengji", "registrar")
    registrar.post(f"/console/submissions/{row.id}/confirm")
    confirmed = portal.rows(OutboxRecord)[1]
    assert "zbgd-2026-0001" in confirmed.body
    assert code[1] not in confirmed.body


def test_an_admin_chooses_automatic_confirmation(portal: Portal) -> None:
    admin = portal.staff("guanli", "admin")
    assert (
        admin.post("/console/portal", data={"agency": "zbgd", "auto_confirm": "yes"}).status_code
        == 200
    )
    assert "已保存 zbgd 的设置" in admin.get("/console/portal?saved=zbgd").text
    answer = portal.apply()
    assert "申请已登记" in answer.text
    assert "最迟答复日期" in answer.text
    (case,) = portal.rows(CaseRecord)
    assert case.received_on == portal.application.clock.today()
    handler = portal.staff("li", "handler")
    assert handler.post("/console/portal", data={"agency": "zbgd"}).status_code == 404


def test_an_unconfirmed_application_is_withdrawn_and_may_be_sent_again(portal: Portal) -> None:
    answer = portal.apply()
    reference = re.search(r"WS\d{10}", answer.text)
    code = re.search(r"<code>([^<]+)</code>", answer.text)
    assert reference is not None
    assert code is not None
    key = {"key": reference[0], "code": code[1]}
    asked = portal.client.post("/portal/follow/withdraw", data=key)
    assert "确定撤回申请吗？" in asked.text
    assert portal.rows(PortalSubmissionRecord)[0].status == "submitted"
    done = portal.client.post("/portal/follow/withdraw", data={**key, "confirm": "yes"})
    assert "申请已撤回" in done.text
    assert portal.rows(PortalSubmissionRecord)[0].status == "withdrawn"
    registrar = portal.staff("dengji", "registrar")
    assert reference[0] not in registrar.get("/console/submissions").text
    assert "查询码只显示这一次" in portal.apply().text  # the same request, anew
    assert len(portal.rows(PortalSubmissionRecord)) == 2


def test_a_decided_application_is_not_withdrawn(portal: Portal) -> None:
    portal.choose(AgencyChoice(auto_confirm=True))
    answer = portal.apply()
    code = re.search(r"<code>([^<]+)</code>", answer.text)
    assert code is not None
    (case,) = portal.rows(CaseRecord)
    on = portal.application.clock.today()
    step = StepInput(on=on, by="li", outcome="disclosed.provided", access="电子邮件")
    portal.application.cases.fire(case.number, "decide", step)
    key = {"key": case.number, "code": code[1], "confirm": "yes"}
    refused = portal.client.post("/portal/follow/withdraw", data=key)
    assert refused.status_code == 409
    assert "该申请目前的状态不能撤回" in refused.text
    assert "撤回申请…" not in refused.text
    assert portal.rows(CaseRecord)[0].outcome == "disclosed.provided"
