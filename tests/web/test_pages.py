"""Pages answer as pages: errors in Chinese with their status, a login that goes only
to the console, the CSRF token required on every form, the headers that keep pages to
this server; the API keeps answering JSON."""

from __future__ import annotations

from tests.web.conftest import PASSWORD, Service


def test_errors_on_pages_are_pages_and_on_the_api_json(sqlite_service: Service) -> None:
    client = sqlite_service.client
    page = client.get("/console/no-such-page")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>未找到</h1>" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]

    api = client.get("/api/v1/no-such-route")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"


def test_a_console_page_without_a_session_goes_to_the_login_and_back(
    sqlite_service: Service,
) -> None:
    answer = sqlite_service.client.get("/console/?view=mine", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/login?next=%2Fconsole%2F%3Fview%3Dmine"


def test_logging_in_goes_only_to_a_console_page(sqlite_service: Service) -> None:
    sqlite_service.user("li", "handler")
    for target, landing in [
        ("/console/?view=mine", "/console/?view=mine"),
        ("https://elsewhere.example/", "/console/"),
        ("//elsewhere.example/console", "/console/"),
        ("/console/..\\\\elsewhere", "/console/"),
    ]:
        answer = sqlite_service.client.post(
            "/console/login",
            data={"username": "li", "password": PASSWORD, "next": target},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"] == landing
        assert "httponly" in answer.headers["set-cookie"].lower()


def test_a_form_without_the_csrf_token_is_refused(sqlite_service: Service) -> None:
    sqlite_service.user("li", "handler")
    client = sqlite_service.client
    client.post("/console/login", data={"username": "li", "password": PASSWORD})
    refused = client.post("/console/logout", data={})
    assert refused.status_code == 403
    assert "无权进行此操作" in refused.text
    home = client.get("/console/")
    assert home.status_code == 200  # still logged in
    token = home.text.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/console/logout", data={"csrf_token": token}).status_code == 200
    assert client.get("/console/", follow_redirects=False).status_code == 303


def test_repeated_wrong_passwords_are_throttled_on_the_page(sqlite_service: Service) -> None:
    sqlite_service.user("li", "handler")
    statuses = [
        sqlite_service.client.post(
            "/console/login", data={"username": "li", "password": "wrong"}
        ).status_code
        for _ in range(12)
    ]
    assert statuses[0] == 401
    assert statuses[-1] == 429
    last = sqlite_service.client.post("/console/login", data={"username": "li", "password": "x"})
    assert "登录失败次数过多" in last.text
    assert 'value="li"' in last.text
