"""``workflow user`` and ``workflow token``: accounts and tokens from the operator's shell."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.cli import one_line_error, run
from workflow.access.accounts import accept_password, check_password
from workflow.application import Application
from workflow.settings import Settings
from workflow.store.access_records import AuditRecord


def _app(url: str) -> Application:
    return Application(Settings(db_url=url))


def test_user_add_prints_a_one_time_password_that_logs_in(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    added = run(capsys, "user", "add", "li", "--display-name", "李四", "--agency", "zbgd",
                "--role", "handler", "--role", "reporter@zbgd/*")  # fmt: skip
    assert added.code == 0, added
    password = added.out.strip().rsplit(" ", 1)[1]
    application = _app(db)
    try:
        with application.database.transaction() as session:
            user = accept_password(session, check_password(session, "li", password))
            assert user.must_change_password
            actions = list(session.scalars(select(AuditRecord.action)))
    finally:
        application.close()
    assert actions == ["user_added"]
    listed = run(capsys, "user", "list", "--json").json()["users"]
    assert listed[0]["roles"] == ["handler@zbgd", "reporter@zbgd/*"]
    assert listed[0]["must_change_password"] is True
    assert password not in run(capsys, "user", "list").out


def test_user_commands_refuse_bad_roles_and_unknown_agencies_in_one_line(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_role = one_line_error(
        run(capsys, "user", "add", "li", "--agency", "zbgd", "--role", "boss")
    )
    assert "unknown role 'boss'" in bad_role
    no_agency = one_line_error(run(capsys, "user", "add", "li", "--role", "handler@nowhere"))
    assert "unknown agency 'nowhere'" in no_agency
    assert "no user named 'zz'" in one_line_error(run(capsys, "user", "disable", "zz"))


def test_disable_and_reset_password(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    first = run(capsys, "user", "add", "li", "--agency", "zbgd", "--role", "handler").out
    assert run(capsys, "user", "disable", "li").code == 0
    reset = run(capsys, "user", "reset-password", "li")
    new_password = reset.out.strip().rsplit(" ", 1)[1]
    assert new_password != first.strip().rsplit(" ", 1)[1]
    assert run(capsys, "user", "list", "--json").json()["users"][0]["disabled"] is True


def test_token_create_list_revoke(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    created = run(capsys, "token", "create", "portal", "--role", "registrar@zbgd",
                  "--expires", "2027-01-31")  # fmt: skip
    assert created.code == 0, created
    secret = created.out.strip().rsplit(" ", 1)[1]
    assert secret.startswith("wf_")
    listed = run(capsys, "token", "list", "--json").json()["tokens"]
    assert listed[0]["name"] == "portal"
    assert secret not in run(capsys, "token", "list", "--json").out
    assert run(capsys, "token", "revoke", "portal").code == 0
    assert run(capsys, "token", "list", "--json").json()["tokens"][0]["revoked"] is True
    assert "exists" in one_line_error(
        run(capsys, "token", "create", "portal", "--role", "registrar@zbgd")
    )
