"""Whatever is typed into the portal's form (names, descriptions with markup and template
syntax, identity numbers, very long texts, control characters), the answer is a field
error beside its field or a correct submission, never a 500; markup comes back escaped
and a submission stores exactly what was typed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.portal.story import FIELDS, RESIDENT_ID
from tests.stores import TestApplication, make_app
from workflow.portal import query_codes
from workflow.portal.config import PortalConfig
from workflow.portal.throttle import PortalLimits
from workflow.store.portal_records import PortalSubmissionRecord
from workflow.web import create_app

MARKUP = [
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "{% raw %}",
    "${x}",
    "<b onmouseover=x>",
    "&amp;",
]
texts = st.one_of(
    st.text(max_size=60),
    st.sampled_from(MARKUP).map(lambda m: f"申请{m}信息"),
    st.text(alphabet="政府信息公开预算abc<>{}%&\"' \n\t\x00\x07", min_size=0, max_size=80),
    st.integers(90, 4000).map(lambda n: "长" * n),
)
identity = st.one_of(
    st.just(RESIDENT_ID),
    st.text(alphabet="0123456789Xx -", min_size=0, max_size=24),
    st.just("91350100M000100Y43"),
    texts,
)
choice = st.one_of(st.sampled_from(["", "zbgd", "city", "nowhere", "natural_person", "business",
                                     "resident_id", "credit_code", "passport", "paper", "email",
                                     "post", "collect"]), texts)  # fmt: skip
forms = st.fixed_dictionaries(
    {
        "agency": st.one_of(st.just("zbgd"), choice),
        "applicant_type": st.one_of(st.just("natural_person"), choice),
        "name": texts,
        "id_type": st.one_of(st.just("resident_id"), choice),
        "id_number": identity,
        "phone": st.one_of(st.just("13812345678"), texts),
        "email": st.one_of(st.just(""), st.just("a@example.com"), texts),
        "address": texts,
        "postcode": st.one_of(st.just(""), st.just("255000"), texts),
        "info_name": texts,
        "doc_number": texts,
        "description": texts,
        "carrier": st.one_of(st.just("paper"), choice),
        "delivery": st.one_of(st.just("collect"), choice),
        "other_form_ok": st.sampled_from(["yes", "no", ""]),
        "help_detail": texts,
        "confirm": st.sampled_from(["yes", "yes", ""]),
    }
)


# The example form with one field replaced: most of these are submissions.
one_field_changed = st.tuples(st.sampled_from(sorted(FIELDS)), st.one_of(texts, identity)).map(
    lambda change: {**FIELDS, change[0]: change[1]}
)


@pytest.fixture
def portal_client(tmp_path: Path) -> Iterator[tuple[TestClient, TestApplication]]:
    application = make_app(f"sqlite:///{tmp_path / 'w.db'}")
    limits = PortalLimits(submissions=1_000_000, lookups=1_000_000, failures=1_000_000)
    with TestClient(create_app(application, portal=PortalConfig(limits=limits))) as client:
        yield client, application


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.one_of(forms, one_field_changed))
def test_any_input_is_a_field_error_or_a_submission(
    portal_client: tuple[TestClient, TestApplication], fields: dict[str, str]
) -> None:
    client, application = portal_client
    answer = client.post("/portal/apply", data={**fields, "token": query_codes.new_token()})
    assert answer.status_code in (200, 422), answer.text[:500]
    assert "<script>alert(1)</script>" not in answer.text  # markup comes back escaped
    assert "<b onmouseover=x>" not in answer.text
    if answer.status_code == 422:
        assert re.search(r'<p class="error" id="f-[a-z_]+-error">[^<]+</p>', answer.text), (
            fields,
            answer.text[answer.text.find("<main") :][:400],
        )
        return
    reference = re.search(r"WS\d{10}", answer.text)
    assert reference is not None, answer.text[:500]
    with application.database.reading() as session:
        row = session.scalars(
            select(PortalSubmissionRecord).where(PortalSubmissionRecord.reference == reference[0])
        ).one()
    assert row.data["form"]["name"] == fields["name"].replace("\r\n", "\n").strip()


def test_the_example_form_is_submitted(portal_client: tuple[TestClient, TestApplication]) -> None:
    client, _ = portal_client
    answer = client.post("/portal/apply", data={**FIELDS, "token": query_codes.new_token()})
    assert answer.status_code == 200
    assert "查询码只显示这一次" in answer.text
