"""The API's OpenAPI document: kept in the repository, and true of the application.

The fuzz runs schemathesis in process against the application's own document, on
SQLite, with a token holding every role on every agency: whatever it generates, the
answer is never a 500, never a status the document does not list, and always a body of
the schema the document gives for its status.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.stores import TODAY, TestApplication, make_app
from workflow.access.accounts import GrantSpec
from workflow.access.tokens import create_token
from workflow.cases.service import NewCase
from workflow.clock import FixedClock
from workflow.settings import Settings
from workflow.web import create_app
from workflow.web.spec import SPEC_FILE, current_spec, spec_text


def test_the_kept_document_is_the_applications() -> None:
    kept = json.loads(SPEC_FILE.read_text("utf-8"))
    assert kept == current_spec(), (
        "the API changed: if on purpose, run `python -m workflow.web.spec` and commit openapi.json"
    )
    assert SPEC_FILE.read_text("utf-8") == spec_text(kept)


def test_every_operation_has_a_stable_id_and_documents_its_errors() -> None:
    spec = current_spec()
    ids = [op["operationId"] for methods in spec["paths"].values() for op in methods.values()]
    assert len(ids) == len(set(ids))
    assert all("__" not in operation for operation in ids)  # not FastAPI's generated ones
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            if path == "/health":
                continue
            responses = operation["responses"]
            assert {"401", "403", "503"} <= set(responses), (method, path)
            error = responses["401"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/ErrorResponse"}


# The application is built at import (its document needs no store) on a store the
# module's fixture fills; schemathesis reads the document from the application itself.
STORE = Path(tempfile.mkdtemp(prefix="workflow-fuzz-")) / "w.db"
APPLICATION = TestApplication(
    Settings(db_url=f"sqlite:///{STORE}"), FixedClock(TODAY), letters=False
)
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(APPLICATION))
AUTH: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def fuzzed_store() -> Iterator[None]:
    """The store: the schema, two agencies, a case, and a token with every role everywhere."""
    make_app(f"sqlite:///{STORE}").close()
    APPLICATION.cases.open(
        NewCase("zbgd", "张三", "natural_person", "online", date(2026, 11, 20), "预算")
    )
    now = APPLICATION.clock.now()
    everywhere = [GrantSpec.parse(f"{role}@*") for role in
                  ("registrar", "handler", "head", "reporter", "admin", "auditor")]  # fmt: skip
    with APPLICATION.database.transaction() as session:
        secret = create_token(session, "fuzz", everywhere, now + timedelta(days=1), "test", now)
    AUTH["Authorization"] = f"Bearer {secret}"
    yield
    APPLICATION.close()
    shutil.rmtree(STORE.parent, ignore_errors=True)


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same inputs in CI every time: a failure reproduces
    suppress_health_check=list(HealthCheck),
)
def test_no_generated_input_gets_a_500_or_an_undocumented_status(case: Any) -> None:
    case.call_and_validate(
        headers=AUTH,
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
