"""Users, tokens and the calendar's notice import through the API: the same functions
as the console's pages, JSON errors with their codes."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.synthetic_2027 import NOTICE
from tests.web.conftest import Service


def test_users_and_tokens_through_the_api(sqlite_service: Service) -> None:
    service = sqlite_service
    service.user("root", "admin")
    admin = service.login("root")
    body = {"name": "qian7", "display_name": "钱七", "agency": "zbgd", "roles": ["handler"]}
    added = admin.post("/api/v1/users", json=body)
    assert added.status_code == 201, added.text
    password = added.json()["one_time_password"]
    fresh = TestClient(service.client.app)
    assert (
        fresh.post("/auth/login", data={"username": "qian7", "password": password}).status_code
        == 200
    )
    assert "qian7" in {row["name"] for row in admin.get("/api/v1/users").json()["users"]}
    wider = admin.post("/api/v1/users", json={**body, "name": "x", "roles": ["admin@*"]})
    assert wider.status_code == 403
    elsewhere = admin.post("/api/v1/users", json={**body, "name": "y", "agency": "city"})
    assert elsewhere.status_code == 422
    assert elsewhere.json()["error"]["message"] == "unknown agency 'city'"
    assert admin.post("/api/v1/users/qian7/disable").json() == {"name": "qian7", "disabled": True}

    token = admin.post(
        "/api/v1/tokens", json={"name": "portal", "roles": ["registrar@zbgd"], "days": 7}
    )
    assert token.status_code == 201
    bearer = {"Authorization": f"Bearer {token.json()['token']}"}
    assert service.client.get("/api/v1/cases", headers=bearer).status_code == 200
    assert admin.post("/api/v1/tokens/portal/revoke").status_code == 200
    assert service.client.get("/api/v1/cases", headers=bearer).status_code == 401
    assert (
        admin.post(
            "/api/v1/tokens", json={"name": "t", "roles": ["handler"], "days": 400}
        ).status_code
        == 422
    )


def test_a_notice_through_the_api(sqlite_service: Service) -> None:
    service = sqlite_service
    service.user("root", "admin")
    admin = service.login("root")
    bad = admin.post(
        "/api/v1/calendar/notices",
        json={"text": NOTICE.replace("一、元旦：", "一、元旦:另行通知。", 1)},
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"]["sentence"].startswith("一、元旦:另行通知。")
    loaded = admin.post("/api/v1/calendar/notices", json={"text": NOTICE})
    assert loaded.status_code == 201, loaded.text
    assert loaded.json()["years"] == [{"year": 2027, "action": "loaded", "note": None}]
    history = admin.get("/api/v1/calendar/history").json()["changes"]
    assert history[0]["year"] == 2027
    assert history[0]["action"] == "loaded"
    assert admin.post("/api/v1/calendar/recompute").json()["cases_changed"] == 0
