"""Administration in process: a user added with roles and a one-time password shown
once that then works, a password reset, a user disabled, a token created and revoked,
an agency's letterhead with the remedy bodies required, the audit view and its CSV;
bad input answered beside its field, and the roles of the API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import Service


def _secret(html: str) -> str:
    return html.split('<code id="secret">')[1].split("</code>")[0]


def test_an_admin_adds_a_user_whose_one_time_password_works(sqlite_service: Service) -> None:
    service = sqlite_service
    service.user("root", "admin")
    admin = service.login("root")
    form = {"name": "", "display_name": "王五", "agency": "city", "roles": ["handler"]}
    refused = admin.post("/console/admin/users/new", data=form)
    assert refused.status_code == 422
    assert 'id="f-name-error"' in refused.text
    assert 'id="f-agency-error"' in refused.text  # city is not one root administers
    assert 'value="王五"' in refused.text

    added = admin.post("/console/admin/users/new", data={**form, "name": "wang5", "agency": "zbgd"})
    assert added.status_code == 200, added.text
    password = _secret(added.text)
    assert password not in admin.get("/console/admin").text  # shown once
    fresh = TestClient(service.client.app)
    login = fresh.post("/auth/login", data={"username": "wang5", "password": password})
    assert login.status_code == 200
    assert login.json()["must_change_password"] is True

    again = admin.post("/console/admin/users/new", data={**form, "name": "wang5", "agency": "zbgd"})
    assert again.status_code == 422
    assert "already exists" in again.text

    reset = admin.post("/console/admin/users/wang5/reset-password")
    second = _secret(reset.text)
    assert second != password
    assert (
        fresh.post("/auth/login", data={"username": "wang5", "password": password}).status_code
        == 401
    )
    assert (
        admin.post("/console/admin/users/wang5/disable", follow_redirects=False).status_code == 303
    )
    assert (
        fresh.post("/auth/login", data={"username": "wang5", "password": second}).status_code == 401
    )

    audit = admin.get("/console/admin/audit", params={"action": "user_added"})
    assert "user_added" in audit.text
    assert "user=wang5" in audit.text
    csv = admin.get("/console/admin/audit.csv", params={"action": "user_added"})
    assert csv.text.startswith("\ufeffid,at,actor,action")
    assert "wang5" in csv.text


def test_tokens_are_created_shown_once_and_revoked(sqlite_service: Service) -> None:
    service = sqlite_service
    service.user("root", "admin")
    admin = service.login("root")
    form = {"name": "portal", "agency": "zbgd", "roles": ["registrar"], "days": "0"}
    refused = admin.post("/console/admin/tokens/new", data=form)
    assert refused.status_code == 422
    assert 'id="f-days-error"' in refused.text
    created = admin.post("/console/admin/tokens/new", data={**form, "days": "30"})
    secret = _secret(created.text)
    bearer = {"Authorization": f"Bearer {secret}"}
    assert service.client.get("/api/v1/cases", headers=bearer).status_code == 200
    assert (
        admin.post("/console/admin/tokens/portal/revoke", follow_redirects=False).status_code == 303
    )
    assert service.client.get("/api/v1/cases", headers=bearer).status_code == 401


def test_an_agency_needs_its_remedy_bodies(sqlite_service: Service) -> None:
    service = sqlite_service
    service.user("root", "admin")
    admin = service.login("root")
    shown = admin.get("/console/admin/agencies/zbgd")
    assert shown.status_code == 200
    assert "尚未填写行政复议机关" not in shown.text  # zbgd has both
    cleared = admin.post(
        "/console/admin/agencies/zbgd", data={"name": "某机关", "reconsideration_body": ""}
    )
    assert cleared.status_code == 422
    assert 'id="f-reconsideration_body-error"' in cleared.text
    assert 'id="f-court-error"' in cleared.text
    saved = admin.post(
        "/console/admin/agencies/zbgd",
        data={"name": "某机关", "reconsideration_body": "某市人民政府", "court": "某区人民法院"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert "某市人民政府" in admin.get("/console/admin").text
    assert admin.get("/console/admin/agencies/city").status_code == 422  # not theirs


def test_administration_is_for_admins(sqlite_service: Service) -> None:
    service = sqlite_service
    service.user("li", "handler")
    service.user("audit", "auditor")
    handler = service.login("li")
    assert handler.get("/console/admin").status_code == 403
    assert handler.get("/console/admin/users/new").status_code == 403
    refused = handler.post(
        "/console/admin/users/new", data={"name": "x", "agency": "zbgd", "roles": ["admin"]}
    )
    assert refused.status_code == 403
    assert handler.post("/console/admin/users/li/reset-password").status_code == 403
    assert handler.get("/console/admin/audit").status_code == 403
    auditor = service.login("audit")
    assert auditor.get("/console/admin").status_code == 200
    assert auditor.get("/console/admin/audit").status_code == 200
    assert auditor.get("/console/admin/users/new").status_code == 403


def test_second_factor_roles_are_set_by_an_admin_of_every_agency(sqlite_service: Service) -> None:
    service = sqlite_service
    service.user("root", "admin")
    service.user("super", "admin@*")
    local = service.login("root")
    assert 'id="f-totp-head" name="totp" value="head" disabled' in local.get("/console/admin").text
    assert local.post("/console/admin/roles", data={"totp": ["head"]}).status_code == 403
    admin = service.login("super")
    saved = admin.post("/console/admin/roles", data={"totp": ["head"]}, follow_redirects=False)
    assert saved.status_code == 303
    shown = admin.get("/console/admin").text
    assert 'value="head" checked' in shown
    assert 'value="handler" checked' not in shown
