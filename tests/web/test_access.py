"""Staff access through the service: logins, sessions, CSRF, throttling, tokens, TOTP, audit."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, text

from tests.web.conftest import PASSWORD, Service
from workflow.access import accounts, audit
from workflow.access.accounts import (
    accept_password,
    check_password,
    set_password,
    set_role_policy,
)
from workflow.access.roles import Role
from workflow.access.sessions import digest
from workflow.errors import ConstraintViolation, NotAuthenticated
from workflow.store.access_records import AuditRecord, UserRecord, WebSessionRecord
from workflow.store.database import Database
from workflow.web.auth import SESSION_COOKIE
from workflow.web.server import prepare_store


def _actions(service: Service) -> list[str]:
    with service.application.database.reading() as session:
        return list(session.scalars(select(AuditRecord.action).order_by(AuditRecord.id)))


def test_login_sets_an_httponly_lax_cookie_whose_hash_only_is_stored(service: Service) -> None:
    service.user("li", "auditor")
    answer = service.client.post("/auth/login", data={"username": "li", "password": PASSWORD})
    assert answer.status_code == 200
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    value = answer.cookies[SESSION_COOKIE]
    with service.application.database.reading() as session:
        stored = session.scalars(select(WebSessionRecord.id_hash)).one()
    assert stored == digest(value)
    assert value not in stored
    assert answer.json()["roles"] == ["auditor"]


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(service: Service) -> None:
    service.user("li", "auditor")
    wrong = service.client.post("/auth/login", data={"username": "li", "password": "x" * 12})
    nobody = service.client.post("/auth/login", data={"username": "zz", "password": "x" * 12})
    assert wrong.status_code == nobody.status_code == 401
    assert wrong.json() == nobody.json()
    assert _actions(service) == ["login_failed", "login_failed"]


def test_a_login_checks_the_password_holding_no_write_lock(
    sqlite_service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """argon2 takes 100-200 ms: a login checks the password before its write transaction,
    so other writers (SQLite's lock is the whole store's) go on meanwhile."""
    sqlite_service.user("li", "handler")
    other = Database(sqlite_service.application.settings.db_url, lock_wait=0.2)
    written: list[str] = []

    class Hasher(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            with other.transaction() as session:  # StoreBusy after 0.2 s if the lock is held
                session.execute(text("UPDATE users SET display_name = display_name"))
            written.append("during the check")
            return super().verify(hash, password)

    monkeypatch.setattr(accounts, "_HASHER", Hasher())
    try:
        answer = sqlite_service.client.post(
            "/auth/login", data={"username": "li", "password": PASSWORD}
        )
    finally:
        other.dispose()
    assert answer.status_code == 200, answer.text
    assert written == ["during the check"]


def test_a_password_changed_after_its_check_is_refused(service: Service) -> None:
    service.user("li", "handler")
    database, now = service.application.database, service.clock.now()
    with database.reading() as session:
        checked = check_password(session, "li", PASSWORD)
    assert checked.matched
    with database.transaction() as session:
        user = session.scalars(select(UserRecord).where(UserRecord.name == "li")).one()
        set_password(session, user, "another-password-2026", now)
    with pytest.raises(NotAuthenticated), database.transaction() as session:
        accept_password(session, checked)


def test_an_unsafe_call_without_the_csrf_token_is_403(service: Service) -> None:
    service.user("li", "auditor")
    client = service.login("li")
    token = client.headers.pop("X-CSRF-Token")
    refused = client.post("/auth/logout")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["error"]["message"]
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 204
    assert client.get("/auth/me").status_code == 401


def test_a_cross_site_origin_is_refused_even_with_the_token(service: Service) -> None:
    service.user("li", "auditor")
    client = service.login("li")
    answer = client.post("/auth/logout", headers={"Origin": "https://evil.example"})
    assert answer.status_code == 403
    refused = service.client.post(
        "/auth/login",
        data={"username": "li", "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert refused.status_code == 403


def test_a_session_ends_after_20_idle_minutes(service: Service) -> None:
    service.user("li", "auditor")
    client = service.login("li")
    service.clock.advance(timedelta(minutes=19))
    assert client.get("/api/v1/audit").status_code == 200
    service.clock.advance(timedelta(minutes=19))  # 19 after the last use: still alive
    assert client.get("/api/v1/audit").status_code == 200
    service.clock.advance(timedelta(minutes=21))
    answer = client.get("/api/v1/audit")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "not_authenticated"


def test_a_session_ends_at_its_absolute_lifetime_however_busy(service: Service) -> None:
    service.user("li", "auditor")
    client = service.login("li")
    for _ in range(12 * 4 - 1):
        service.clock.advance(timedelta(minutes=15))
        assert client.get("/api/v1/audit").status_code == 200
    service.clock.advance(timedelta(minutes=15))
    assert client.get("/api/v1/audit").status_code == 401


def test_a_password_change_ends_every_other_session(service: Service) -> None:
    service.user("li", "auditor")
    laptop, phone = service.login("li"), service.login("li")
    changed = laptop.post(
        "/auth/password",
        data={"current_password": PASSWORD, "new_password": "another long passphrase"},
    )
    assert changed.status_code == 200
    laptop.headers["X-CSRF-Token"] = changed.json()["csrf_token"]
    assert phone.get("/api/v1/audit").status_code == 401
    assert laptop.get("/api/v1/audit").status_code == 200


def test_the_first_administrator_must_change_the_one_time_password(service: Service) -> None:
    done = prepare_store(service.application)
    line = next(line for line in done if "one-time password" in line)
    password = line.rsplit(" ", 1)[1]
    assert not any("one-time" in again for again in prepare_store(service.application))
    client = service.login("admin", password)
    assert client.get("/auth/me").json()["must_change_password"] is True
    held = client.get("/api/v1/audit")
    assert held.status_code == 403
    assert "one-time password" in held.json()["error"]["message"]
    changed = client.post(
        "/auth/password", data={"current_password": password, "new_password": PASSWORD + "!"}
    )
    client.headers["X-CSRF-Token"] = changed.json()["csrf_token"]
    assert client.get("/api/v1/audit").status_code == 200


def test_failed_logins_are_throttled_per_account_across_the_right_password(
    service: Service,
) -> None:
    service.user("li", "auditor")
    for _ in range(5):
        wrong = {"username": "li", "password": "not the password"}
        assert service.client.post("/auth/login", data=wrong).status_code == 401
    held = service.client.post("/auth/login", data={"username": "li", "password": PASSWORD})
    assert held.status_code == 429
    assert int(held.headers["Retry-After"]) > 0
    service.clock.advance(timedelta(minutes=16))
    again = service.client.post("/auth/login", data={"username": "li", "password": PASSWORD})
    assert again.status_code == 200


def test_failed_logins_are_throttled_per_address_over_many_accounts(service: Service) -> None:
    service.user("li", "auditor")
    for number in range(20):
        guess = {"username": f"guess{number}", "password": "not the password"}
        assert service.client.post("/auth/login", data=guess).status_code == 401
    held = service.client.post("/auth/login", data={"username": "li", "password": PASSWORD})
    assert held.status_code == 429


def test_a_role_can_require_a_second_factor(service: Service) -> None:
    service.user("wang", "head")
    with service.application.database.transaction() as session:
        set_role_policy(session, Role.HEAD, totp_required=True)
    client = service.login("wang")
    assert client.get("/auth/me").json()["second_factor"] == "enrol"
    assert client.get("/api/v1/audit").status_code == 403
    secret = client.post("/auth/totp/enrol").json()["secret"]
    code = pyotp.TOTP(secret).at(service.clock.now())
    assert client.post("/auth/totp", data={"code": "000000"}).status_code == 401
    assert client.post("/auth/totp", data={"code": code}).status_code == 200
    assert client.get("/auth/me").json()["second_factor"] is None


def test_tokens_work_until_revoked_or_expired_and_record_their_use(service: Service) -> None:
    from tests.cli import run  # noqa: F401  (the CLI path is tested in test_user_cli)

    secret = service.token("portal", "auditor@zbgd", days=1)
    bearer = {"Authorization": f"Bearer {secret}"}
    assert service.client.get("/api/v1/audit", headers=bearer).status_code == 200
    with service.application.database.reading() as session:
        used = session.execute(text("SELECT last_used_at FROM api_tokens")).scalar_one()
    assert used is not None
    service.clock.advance(timedelta(days=2))
    assert service.client.get("/api/v1/audit", headers=bearer).status_code == 401
    wrong = {"Authorization": "Bearer wf_not-a-token"}
    assert service.client.get("/api/v1/audit", headers=wrong).status_code == 401


def test_token_calls_need_no_csrf_token(service: Service) -> None:
    secret = service.token("script", "auditor@zbgd")
    answer = service.client.get("/api/v1/audit.csv", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")


def test_the_audit_log_records_logins_and_exports_and_refuses_changes(service: Service) -> None:
    service.user("li", "auditor")
    client = service.login("li")
    exported = client.get("/api/v1/audit.csv")
    assert exported.text.startswith("\ufeffid,at,actor,action")
    assert "user:li,login" in exported.text
    entries = client.get("/api/v1/audit").json()["entries"]
    assert [entry["action"] for entry in entries] == ["audit_exported", "login"]
    database = service.application.database
    with pytest.raises(ConstraintViolation, match="append-only"), database.transaction() as session:
        session.execute(text("UPDATE audit_log SET actor = 'someone else'"))
    with pytest.raises(ConstraintViolation, match="append-only"), database.transaction() as session:
        session.execute(text("DELETE FROM audit_log"))


def test_reading_the_audit_log_needs_auditor_or_admin(service: Service) -> None:
    service.user("zhang", "handler")
    answer = service.login("zhang").get("/api/v1/audit")
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "forbidden"


def test_the_audit_export_keeps_a_formula_as_text() -> None:
    row = dict.fromkeys(audit.COLUMNS, "") | {"actor": "user:li", "detail": '=HYPERLINK("x")'}
    exported = audit.audit_csv([row])
    assert "'=HYPERLINK" in exported
    assert ",=HYPERLINK" not in exported
