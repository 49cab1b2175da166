"""The authorization matrix: every route of the API × every role × a grant on the case's
own agency, on another agency, and on the agency above it with its subtree.

The routes come from the application's route table (its OpenAPI operations): a route
this file has no rule for fails the first test, so a new route cannot be left out. What
each role may do is written out here from the roles' definitions, not read from the code
under test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.stores import add_staff, make_app
from tests.web.conftest import NEW_CASE, Service
from workflow.cases.agencies import add_agency, set_agency
from workflow.cases.service import NewCase
from workflow.web import create_app

ROLES = ("registrar", "handler", "head", "reporter", "admin", "auditor")
SCOPES = ("own", "other", "subtree")
# What each role may do, as the roles are defined (the list).
MAY: dict[str, set[str]] = {
    "registrar": {"read", "open"},
    "handler": {"read", "fire"},
    "head": {"read", "fire", "reports"},
    "reporter": {"reports"},
    "admin": {"administer", "audit"},
    "auditor": {"read", "reports", "audit"},
}
# Routes a session uses for itself, and the public ones: outside the matrix.
OWN_SESSION = {"login", "logout", "whoami", "change_password", "enrol_totp", "verify_totp"}
PUBLIC = {"health"}


@dataclass
class World:
    service: Service
    own_case: str  # in zbgd, under city
    other_case: str  # in "other", outside city
    own_case_id: int

    def grant(self, role: str, scope: str) -> str:
        where = {"own": "zbgd", "other": "other", "subtree": "city/*"}[scope]
        return f"{role}@{where}"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    path: Path = tmp_path_factory.mktemp("matrix")
    application = make_app(f"sqlite:///{path / 'w.db'}")
    with application.database.transaction() as session:
        set_agency(session, "zbgd", "city")
        add_agency(session, "other", "另一机关")
    new = {key: value for key, value in NEW_CASE.items() if key != "received_on"}
    from datetime import date

    own = application.cases.open(NewCase(**{**new, "received_on": date(2026, 11, 20)}))
    other = application.cases.open(
        NewCase(**{**new, "agency": "other", "received_on": date(2026, 11, 20)})
    )
    add_staff(application, "clerk", "handler")  # a user of zbgd, for the user routes
    with TestClient(create_app(application)) as client:
        world = World(Service(application, client), own.number, other.number, own.id)
        world.service.token("portal-1", "registrar@zbgd")
        yield world


Request = tuple[str, str, dict[str, Any]]


def _denied_case(role: str, scope: str, need: str) -> int | None:
    """The status a case route must answer, or None when the caller gets through."""
    if scope == "other" or "read" not in MAY[role]:
        return 404
    if need != "read" and need not in MAY[role]:
        return 403
    return None


ROUTES: dict[str, tuple[str, Callable[[World], Request]]] = {
    # operation_id: (what it needs, how to call it on the own agency's case)
    "show_case": ("read", lambda w: ("GET", f"/api/v1/cases/{w.own_case}", {})),
    "show_case_by_id": ("read", lambda w: ("GET", f"/api/v1/cases/by-id/{w.own_case_id}", {})),
    "list_letters": ("read", lambda w: ("GET", f"/api/v1/cases/{w.own_case}/letters", {})),
    "download_letter": (
        "read",
        lambda w: (
            "GET",
            f"/api/v1/cases/{w.own_case}/letters/document",
            {"params": {"format": "html"}},
        ),
    ),
    "fire_trigger": (
        "fire",
        lambda w: (
            "POST",
            f"/api/v1/cases/{w.own_case}/fire",
            {"json": {"trigger": "consult_third_party"}},
        ),
    ),
    "preview_letter": (
        "fire",
        lambda w: (
            "POST",
            f"/api/v1/cases/{w.own_case}/letters/preview",
            {"json": {"trigger": "request_correction", "format": "txt"}},
        ),
    ),
    "preview_bulk_fire": (
        "fire",
        lambda w: (
            "POST",
            "/api/v1/cases/bulk-fire/preview",
            {"json": {"cases": [w.own_case], "trigger": "consult_third_party"}},
        ),
    ),
    "bulk_fire": (
        "fire",
        lambda w: (
            "POST",
            "/api/v1/cases/bulk-fire",
            {"json": {"cases": [w.own_case], "trigger": "consult_third_party"}},
        ),
    ),
    "list_cases": ("list", lambda w: ("GET", "/api/v1/cases", {})),
    "open_case": ("open", lambda w: ("POST", "/api/v1/cases", {"json": NEW_CASE})),
    "annual_report": (
        "reports",
        lambda w: ("GET", "/api/v1/reports/annual", {"params": {"year": 2026, "agency": "zbgd"}}),
    ),
    "add_agency": (
        "administer",
        lambda w: (
            "POST",
            "/api/v1/agencies",
            {"json": {"code": "x", "name": "某", "parent": "zbgd"}},
        ),
    ),
    "list_agencies": ("agencies", lambda w: ("GET", "/api/v1/agencies", {})),
    "list_calendar_years": ("anyone", lambda w: ("GET", "/api/v1/calendar/years", {})),
    "list_audit": ("audit", lambda w: ("GET", "/api/v1/audit", {})),
    "export_audit": ("audit", lambda w: ("GET", "/api/v1/audit.csv", {})),
    "list_outbox": ("audit", lambda w: ("GET", "/api/v1/outbox", {})),
    "list_scheduler_runs": ("everywhere", lambda w: ("GET", "/api/v1/scheduler/runs", {})),
    "list_users": ("administer_list", lambda w: ("GET", "/api/v1/users", {})),
    "add_user": (
        "administer",
        lambda w: (
            "POST",
            "/api/v1/users",
            {"json": {"name": "newcomer", "agency": "zbgd", "roles": ["handler"]}},
        ),
    ),
    "reset_user_password": (
        "administer_named",
        lambda w: ("POST", "/api/v1/users/clerk/reset-password", {}),
    ),
    "disable_user": ("administer_named", lambda w: ("POST", "/api/v1/users/clerk/disable", {})),
    "list_tokens": ("administer_list", lambda w: ("GET", "/api/v1/tokens", {})),
    "create_token": (
        "administer_named",
        lambda w: (
            "POST",
            "/api/v1/tokens",
            {"json": {"name": "portal", "roles": ["registrar@zbgd"], "days": 30}},
        ),
    ),
    "revoke_token": ("administer_named", lambda w: ("POST", "/api/v1/tokens/portal-1/revoke", {})),
    "import_calendar_notice": (
        "administer_any",
        lambda w: ("POST", "/api/v1/calendar/notices", {"json": {"text": "not a notice"}}),
    ),
    "calendar_history": ("anyone", lambda w: ("GET", "/api/v1/calendar/history", {})),
    "recompute_calendar": ("administer_any", lambda w: ("POST", "/api/v1/calendar/recompute", {})),
}


def test_every_route_has_a_rule(world: World) -> None:
    spec = world.service.client.app.openapi()  # type: ignore[attr-defined]
    operations = {
        operation["operationId"]
        for methods in spec["paths"].values()
        for operation in methods.values()
    }
    assert operations - OWN_SESSION - PUBLIC == set(ROUTES)


def _check(world: World, operation: str, role: str, scope: str, answer: Any) -> None:
    need = ROUTES[operation][0]
    status, body = (
        answer.status_code,
        answer.json()
        if answer.headers.get("content-type", "").startswith("application/json")
        else None,
    )
    assert status != 500, answer.text
    case_routes = {"read", "fire"}
    if need in case_routes and operation in ("preview_bulk_fire", "bulk_fire"):
        assert status == 200, answer.text
        result = body["results"][0]
        denied = _denied_case(role, scope, need)
        if denied is None:
            assert result.get("error", {}).get("code") not in ("case_not_found", "forbidden")
        else:
            expected = "case_not_found" if denied == 404 else "forbidden"
            assert result["error"]["code"] == expected
    elif need in case_routes:
        denied = _denied_case(role, scope, need)
        if denied is None:
            assert status not in (401, 403, 404), answer.text
        else:
            assert status == denied, answer.text
    elif need == "list":
        assert status == 200
        numbers = {row["number"] for row in body["cases"]}
        assert world.other_case not in numbers or scope == "other"
        assert world.own_case not in numbers or scope != "other"
        visible = "read" in MAY[role]
        expected = world.other_case if scope == "other" else world.own_case
        assert (expected in numbers) == visible
    elif need in ("open", "reports", "administer"):
        visible = any(MAY[role]) and scope != "other"
        if need in MAY[role] and visible:
            assert status not in (401, 403, 404), answer.text
        elif scope == "other" and need != "open":
            assert status == 422, answer.text  # the agency is not one the caller can see
        else:
            assert status == 403, answer.text
    elif need == "agencies":
        codes = {row["code"] for row in body["agencies"]}
        assert ("zbgd" in codes) == (scope != "other")
        assert ("other" in codes) == (scope == "other")
    elif need == "anyone":
        assert status == 200
    elif need == "audit":
        assert status == (200 if "audit" in MAY[role] else 403), answer.text
    elif need == "everywhere":
        assert status == 403
    elif need == "administer_list":  # the caller's own agencies' rows, or refused
        assert status == (200 if "administer" in MAY[role] else 403), answer.text
    elif need == "administer_named":  # a user or token of zbgd: unknown outside its scope
        if "administer" not in MAY[role]:
            assert status == 403, answer.text
        elif scope == "other":
            assert status == 422, answer.text
        elif status == 422:  # made by an earlier caller of the matrix: the name is taken
            assert "exists" in body["error"]["message"], answer.text
        else:
            assert status not in (401, 403, 404), answer.text
    elif need == "administer_any":  # deployment-wide (the national holiday calendar)
        if "administer" in MAY[role]:
            assert status not in (401, 403, 404), answer.text
        else:
            assert status == 403, answer.text


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", sorted(ROUTES))
def test_matrix(world: World, operation: str, role: str, scope: str) -> None:
    name = f"{operation}-{role}-{scope}".replace("_", "-")[:64]
    secret = world.service.token(name, world.grant(role, scope))
    method, path, options = ROUTES[operation][1](world)
    answer = world.service.client.request(
        method, path, headers={"Authorization": f"Bearer {secret}"}, **options
    )
    _check(world, operation, role, scope, answer)
