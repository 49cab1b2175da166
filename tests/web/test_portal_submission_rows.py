"""A submission's rows on both stores: with automatic confirmation, one write transaction
leaves the submission confirmed with its case, the applicant's two e-mails in order and
the address's hit counted; the same token again shows the same code, the same request
with another token is the first one (its code not shown), and each counts its hit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.portal.story import FIELDS
from tests.stores import TestApplication, make_app, store_url
from workflow.portal import query_codes
from workflow.portal.agency_choices import AgencyChoice, choose
from workflow.portal.config import PortalConfig
from workflow.portal.form import read_form
from workflow.portal.progress import lookup, progress
from workflow.portal.submissions import submit
from workflow.portal.throttle import SUBMIT, PortalLimits
from workflow.store.portal_records import PortalHitRecord, PortalSubmissionRecord
from workflow.store.records import AgencyRecord, CaseRecord, LetterRecord, OutboxRecord
from workflow.web import create_app

CODE = re.compile(r"<code>([0-9A-Z-]{19})</code>")


@pytest.fixture
def automatic(store_kind: str, tmp_path: Path) -> Iterator[tuple[TestApplication, TestClient]]:
    with store_url(store_kind, tmp_path) as url:
        application = make_app(url, letters=True)
        with application.database.transaction() as session:
            zbgd = session.scalars(select(AgencyRecord).where(AgencyRecord.code == "zbgd")).one()
            choose(
                session, zbgd.id, AgencyChoice(auto_confirm=True), "test", application.clock.now()
            )
        portal = create_app(application, portal=PortalConfig(PortalLimits(submissions=5)))
        with TestClient(portal) as client:
            yield application, client


def _rows(application: TestApplication, table: type) -> list:  # type: ignore[type-arg]
    with application.database.reading() as session:
        return list(session.scalars(select(table).order_by(table.id)))  # type: ignore[attr-defined]


def test_an_automatic_submission_and_its_repeats(
    automatic: tuple[TestApplication, TestClient],
) -> None:
    application, client = automatic
    token = query_codes.new_token()
    fields = {**FIELDS, "email": "zhangsan@example.com", "token": token}
    first = client.post("/portal/apply", data=fields)
    assert first.status_code == 200
    assert "申请已登记" in first.text
    code = CODE.search(first.text)
    assert code is not None
    (case,) = _rows(application, CaseRecord)
    assert case.number in first.text
    assert case.channel == "online"
    assert case.received_on == case.arrived_on == application.clock.today()
    (submission,) = _rows(application, PortalSubmissionRecord)
    assert (submission.status, submission.case_id) == ("confirmed", case.id)
    assert (submission.confirmed_on, submission.confirmed_by) == (case.received_on, "system")
    assert submission.data["form"]["email"] == "zhangsan@example.com"
    assert query_codes.matches(code[1], submission.code_salt, submission.code_hash)
    submitted, registered = _rows(application, OutboxRecord)
    assert submitted.key == f"portal:{submission.reference}:submitted"
    assert code[1] in submitted.body and submitted.case_id is None  # noqa: PT018
    assert registered.key == f"portal:{submission.reference}:confirmed"
    assert case.number in registered.body and code[1] not in registered.body  # noqa: PT018
    assert registered.case_id == case.id
    (letter,) = _rows(application, LetterRecord)
    assert letter.kind == "acknowledgement"
    assert letter.number in first.text  # the receipt offered for download

    again = client.post("/portal/apply", data=fields)  # a double click: the code again
    assert CODE.search(again.text) is not None
    assert CODE.search(again.text)[1] == code[1]  # type: ignore[index]
    same = client.post("/portal/apply", data={**fields, "token": query_codes.new_token()})
    assert "您今天已经提交过相同的申请" in same.text
    assert submission.reference in same.text and case.number in same.text  # noqa: PT018
    assert CODE.search(same.text) is None
    assert len(_rows(application, PortalSubmissionRecord)) == 1
    assert len(_rows(application, CaseRecord)) == 1
    hits = _rows(application, PortalHitRecord)
    assert [hit.action for hit in hits] == [SUBMIT]  # the repeats, answered before, count none


@pytest.mark.parametrize("automatically", [True, False], ids=["automatic", "waiting"])
def test_the_answer_shows_what_following_the_submission_shows(
    automatic: tuple[TestApplication, TestClient], automatically: bool
) -> None:
    """The answer's view is read in the submission's own transaction, from what it wrote:
    it is the view the follow page reads afterwards, with the case's clock and receipt."""
    application, _ = automatic
    if not automatically:
        with application.database.transaction() as session:
            zbgd = session.scalars(select(AgencyRecord).where(AgencyRecord.code == "zbgd")).one()
            choose(session, zbgd.id, AgencyChoice(), "test", application.clock.now())
    form, errors = read_form(FIELDS, {"zbgd": "淄博高端装备及现代服务业产业园管理中心"})
    assert not errors
    submitted = submit(application, PortalConfig(), form, query_codes.new_token())
    assert submitted.code is not None
    assert submitted.view is not None
    with application.database.reading() as session:
        row = lookup(session, submitted.reference, submitted.code)
        assert row is not None
        assert submitted.view == progress(application, session, row)
    if automatically:
        assert submitted.view.case_number == submitted.case_number is not None
        assert submitted.view.answer is not None
        assert submitted.view.answer.due_on is not None
        assert [letter.kind for letter in submitted.view.letters] == ["acknowledgement"]
    else:
        assert submitted.view.case_number is None
        assert submitted.view.may_withdraw
