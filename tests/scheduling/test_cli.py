"""``workflow sweep``, ``scheduler runs|digest`` and ``outbox list|deliver`` as a user types them.

The JSON shapes asserted here are the documented, stable contracts.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import update

from tests.cli import Result, run
from tests.scheduling.casework import open_case, set_today
from tests.stores import TestApplication
from workflow.cases.service import find_case
from workflow.store.records import ClockRecord

RECEIVED = date(2026, 2, 12)
BEFORE_5 = date(2026, 3, 11)
RUN_KEYS = {
    "run", "as_of", "started_at", "finished_at", "status", "worker", "cases", "timers_fired",
    "lapses_fired", "reminders_queued", "dropped", "refused", "rearmed", "collapsed", "busy",
    "errors", "failures", "refusals",
}  # fmt: skip
MESSAGE_KEYS = {
    "id", "key", "kind", "case", "channel", "recipient", "subject", "body", "status", "attempts",
    "created_at", "next_attempt_at", "sent_at", "last_error",
}  # fmt: skip


@pytest.fixture
def cli_today(monkeypatch: pytest.MonkeyPatch) -> date:
    """The command line's "today"."""
    monkeypatch.setenv("WORKFLOW_TODAY", BEFORE_5.isoformat())
    return BEFORE_5


def workflow(capsys: pytest.CaptureFixture[str], app: TestApplication, *args: str) -> Result:
    return run(capsys, "--db", app.settings.db_url, *args)


def test_sweep_prints_counts_and_its_json_is_the_run_record(
    app: TestApplication, capsys: pytest.CaptureFixture[str], cli_today: date
) -> None:
    number = open_case(app, RECEIVED)
    text = workflow(capsys, app, "sweep")
    assert text.code == 0
    assert text.out.startswith(f"sweep {BEFORE_5} (run 1): 1 timers fired (lapses: 0), 2 reminders")

    again = workflow(capsys, app, "sweep", "--as-of", BEFORE_5.isoformat(), "--json")
    assert again.code == 0
    data = again.json()
    assert set(data) == RUN_KEYS
    assert (data["run"], data["status"], data["timers_fired"]) == (2, "finished", 0)

    runs = workflow(capsys, app, "scheduler", "runs", "--json").json()["runs"]
    assert [(r["run"], r["timers_fired"], r["reminders_queued"]) for r in runs] == [
        (2, 0, 0),
        (1, 1, 2),
    ]
    assert set(runs[0]) == RUN_KEYS

    messages = workflow(capsys, app, "outbox", "list", "--status", "pending", "--json").json()
    assert [set(m) for m in messages["messages"]] == [MESSAGE_KEYS] * 2
    assert {m["case"] for m in messages["messages"]} == {number}


def test_a_failing_case_makes_the_sweep_exit_1_and_a_future_date_is_refused(
    app: TestApplication, capsys: pytest.CaptureFixture[str], cli_today: date
) -> None:
    number = open_case(app, RECEIVED)
    with app.database.transaction() as session:
        case_id = find_case(session, number).id
        session.execute(
            update(ClockRecord)
            .where(ClockRecord.case_id == case_id, ClockRecord.name == "answer")
            .values(due_on=date(2027, 1, 15))
        )
    failed = workflow(capsys, app, "sweep")
    assert failed.code == 1
    assert f"failed (left pending): {number}: CalendarNotPublished" in failed.out

    ahead = workflow(capsys, app, "sweep", "--as-of", "2026-03-12")
    assert (ahead.code, ahead.out) == (2, "")
    assert ahead.err.startswith("error: a sweep cannot run ahead of today")
    assert len(ahead.err.splitlines()) == 1


def test_outbox_deliver_writes_files_where_the_notify_config_says(
    app: TestApplication, capsys: pytest.CaptureFixture[str], tmp_path: Path, cli_today: date
) -> None:
    open_case(app, RECEIVED)
    notify = tmp_path / "conf" / "notify.yaml"
    notify.parent.mkdir()
    notify.write_text("file: {directory: drop}\n", encoding="utf-8")
    workflow(capsys, app, "sweep")
    result = workflow(capsys, app, "outbox", "deliver", "--notify", str(notify), "--json")
    assert result.json() == {"sent": 2, "retrying": 0, "failed": 0, "errors": []}
    assert len(list((tmp_path / "conf" / "drop").glob("reminder:*.txt"))) == 2
    listed = workflow(capsys, app, "outbox", "list")
    assert listed.out.splitlines()[-1] == "2 message(s)"
    assert all(" sent " in line for line in listed.out.splitlines()[:-1])


def test_scheduler_digest_is_queued_once_a_day(
    app: TestApplication, capsys: pytest.CaptureFixture[str], cli_today: date
) -> None:
    open_case(app, RECEIVED)
    set_today(app, BEFORE_5)
    first = workflow(capsys, app, "scheduler", "digest", "--due-within", "5", "--json").json()
    assert first == {
        "as_of": BEFORE_5.isoformat(),
        "due_within": 5,
        "people": 2,
        "queued": 2,
        "already_queued": 0,
    }
    again = workflow(capsys, app, "scheduler", "digest", "--due-within", "5")
    assert again.out.strip() == f"digest {BEFORE_5}: 0 queued, 2 already queued, for 2 people"


def test_a_bad_notify_config_is_one_line_naming_the_key(
    app: TestApplication, capsys: pytest.CaptureFixture[str], tmp_path: Path, cli_today: date
) -> None:
    notify = tmp_path / "notify.yaml"
    notify.write_text("people:\n  zbgd:\n    李四: {channel: email}\n", encoding="utf-8")
    result = workflow(capsys, app, "outbox", "deliver", "--notify", str(notify))
    assert result.code == 4  # the operator's file
    assert result.err == (
        f"error: {notify}: people.zbgd.李四.channel: channel email needs a email address\n"
    )


def test_a_notify_config_naming_an_agency_the_store_lacks_is_refused(
    app: TestApplication, capsys: pytest.CaptureFixture[str], tmp_path: Path, cli_today: date
) -> None:
    notify = tmp_path / "notify.yaml"
    notify.write_text("people:\n  zbdg:\n    李四: {email: lisi@example.org}\n", encoding="utf-8")
    for command in (("sweep",), ("scheduler", "digest")):
        result = workflow(capsys, app, *command, "--notify", str(notify))
        assert result.code == 4  # the operator's file
        assert result.err == (
            f"error: {notify}: no agency zbdg in the store; agencies: city, zbgd\n"
        )
