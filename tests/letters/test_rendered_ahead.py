"""A step's letters are rendered outside its write transaction (issue 16, defect 8).

On SQLite a write transaction holds the lock of the whole store; a letter rendered inside
it made one agency's slow override template stop every other agency's commands. The
template here loops about two seconds (the sandbox's ranges, nothing it refuses); the
other agency's application waits at most one second for the lock, as a busy office's
would give up.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from tests.letters.casework import fire, letters, open_case, text
from tests.stores import TODAY, TestApplication, make_app
from workflow.cases import attempts
from workflow.clock import FixedClock
from workflow.resources import notifications_dir
from workflow.settings import Settings
from workflow.store.records import CaseRecord

SLOW_APPLICANT = "慢"
# About two seconds of work in the sandbox, for one applicant: within its bounds (8,000
# iterations, each splitting 20,000 characters), as a slow agency template may be. Each
# piece is short: one long C call would hold the GIL and starve the test's other thread.
SLOW = (
    f"{{% if applicant.name == '{SLOW_APPLICANT}' %}}{{% set s = 'ab' * 9999 %}}"
    "{% for i in range(8000) %}{% if s.split('a') | length %}{% endif %}{% endfor %}{% endif %}"
)


def slow_acknowledgement(root: Path, agency: str) -> None:
    shipped = (notifications_dir() / "letters" / "acknowledgement.j2").read_text("utf-8")
    directory = root / agency
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "acknowledgement.j2").write_text(
        shipped.replace("{% block body %}", "{% block body %}" + SLOW, 1), "utf-8"
    )


class WriteTransactions:
    """The duration of every write transaction on an engine, and a signal at each rollback."""

    def __init__(self) -> None:
        self.durations: list[float] = []
        self.began = threading.Event()
        self.rolled_back = threading.Event()
        self._started: dict[int, float] = {}

    @contextmanager
    def watching(self, app: TestApplication) -> Iterator[WriteTransactions]:
        assert app.cases is not None  # built first: its schema check is not a command's
        engine = app.database.engine
        listeners: list[tuple[str, Any]] = [
            ("begin", self._begin),
            ("commit", self._end),
            ("rollback", self._rollback),
        ]
        for name, listener in listeners:
            event.listen(engine, name, listener)
        try:
            yield self
        finally:
            for name, listener in listeners:
                event.remove(engine, name, listener)

    def _begin(self, connection: Any) -> None:
        if not connection.get_execution_options().get("workflow_read_only", False):
            self._started[id(connection)] = time.perf_counter()
            self.began.set()

    def _end(self, connection: Any) -> None:
        started = self._started.pop(id(connection), None)
        if started is not None:
            self.durations.append(time.perf_counter() - started)

    def _rollback(self, connection: Any) -> None:
        self._end(connection)
        self.rolled_back.set()


def impatient(app: TestApplication) -> TestApplication:
    """A second application on the same store that waits at most one second for a lock."""
    settings = Settings(db_url=app.settings.db_url, lock_wait=1.0)
    return TestApplication(settings, FixedClock(TODAY), letters=True)


def test_a_slow_letter_of_one_agency_does_not_hold_another_agency_back(
    letters_app: TestApplication, tmp_path: Path
) -> None:
    slow_acknowledgement(tmp_path / "letter-templates", "zbgd")
    other = impatient(letters_app)
    opened: dict[str, str] = {}
    took: dict[str, float] = {}

    def open_slowly() -> None:
        started = time.perf_counter()
        opened["zbgd"] = open_case(letters_app, agency="zbgd", applicant=SLOW_APPLICANT)
        took["zbgd"] = time.perf_counter() - started

    try:
        with WriteTransactions().watching(letters_app) as writes:
            slow = threading.Thread(target=open_slowly)
            slow.start()
            assert writes.began.wait(30)
            time.sleep(0.3)  # the slow command is rendering its letter by now
            started = time.perf_counter()
            opened["city"] = open_case(other, agency="city")  # while zbgd's letter renders
            took["city"] = time.perf_counter() - started
            rendering = slow.is_alive()
            slow.join(60)
    finally:
        other.close()
    assert rendering, "the other agency's case opened only after the slow letter was done"
    assert took["zbgd"] > 1.0, "the template was not slow; the test proves nothing"
    # The city's case opened without waiting for the lock more than its 1 s (else StoreBusy),
    # while the letter rendered. Two attempts: the one that learnt the letter's context, and
    # the one that wrote it, each a fraction of the time the letter took to render.
    assert len(writes.durations) == 2
    assert max(writes.durations) < took["zbgd"] / 2
    assert f"申请编号：{opened['zbgd']}" in text(letters_app, opened["zbgd"])
    assert [letter.number for letter in letters(letters_app, opened["zbgd"])] == [
        "淄高装公开〔2026〕1号"
    ]


def test_a_number_taken_while_the_letter_renders_is_rendered_again(
    letters_app: TestApplication, tmp_path: Path
) -> None:
    """Another process (here another application on the store, as a second worker is)
    takes the numbers the slow letter was rendered with: it is rendered again."""
    slow_acknowledgement(tmp_path / "letter-templates", "zbgd")
    other = impatient(letters_app)
    opened: dict[str, str] = {}

    def open_slowly() -> None:
        opened["slow"] = open_case(letters_app, agency="zbgd", applicant=SLOW_APPLICANT)

    try:
        with WriteTransactions().watching(letters_app) as writes:
            slow = threading.Thread(target=open_slowly)
            slow.start()
            assert writes.rolled_back.wait(30), "the first attempt never ended"
            # Same agency: takes the case number and the 文号 the slow letter was rendered with.
            opened["quick"] = open_case(other, agency="zbgd")
            slow.join(60)
    finally:
        other.close()
    assert not slow.is_alive()
    numbers = {key: [letter.number for letter in letters(letters_app, case)]
               for key, case in opened.items()}  # fmt: skip
    assert numbers == {"quick": ["淄高装公开〔2026〕1号"], "slow": ["淄高装公开〔2026〕2号"]}
    slow_text = text(letters_app, opened["slow"])
    assert "淄高装公开〔2026〕2号" in slow_text
    assert f"申请编号：{opened['slow']}" in slow_text
    with letters_app.database.reading() as session:
        cases = session.scalars(select(CaseRecord.number).order_by(CaseRecord.id)).all()
    assert cases == [opened["quick"], opened["slow"]]


def test_an_agency_s_commands_in_one_process_render_in_turn(
    letters_app: TestApplication, tmp_path: Path
) -> None:
    """A second command of the agency waits for the first one's turn, before its first
    attempt, instead of taking its numbers: its letter is rendered once, outside the
    store's lock, and no write transaction is held while a letter renders."""
    slow_acknowledgement(tmp_path / "letter-templates", "zbgd")
    opened: dict[str, str] = {}

    def open_slowly() -> None:
        opened["slow"] = open_case(letters_app, agency="zbgd", applicant=SLOW_APPLICANT)

    with WriteTransactions().watching(letters_app) as writes:
        slow = threading.Thread(target=open_slowly)
        slow.start()
        assert writes.rolled_back.wait(30), "the first attempt never ended"
        started = time.perf_counter()
        opened["quick"] = open_case(letters_app, agency="zbgd")
        waited = time.perf_counter() - started
        slow.join(60)
    assert not slow.is_alive()
    numbers = {key: [letter.number for letter in letters(letters_app, case)]
               for key, case in opened.items()}  # fmt: skip
    assert numbers == {"slow": ["淄高装公开〔2026〕1号"], "quick": ["淄高装公开〔2026〕2号"]}
    assert f"申请编号：{opened['quick']}" in text(letters_app, opened["quick"])
    assert waited > 1.0, "the quick command did not wait for the slow one's turn"
    # each: the attempt that learns the letter's context, the one that writes it
    assert len(writes.durations) == 4
    assert max(writes.durations) < waited / 2


def test_the_last_attempt_renders_inside_the_transaction(
    letters_app: TestApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(attempts, "AHEAD_ATTEMPTS", 1)
    with WriteTransactions().watching(letters_app) as writes:
        number = open_case(letters_app)
    assert len(writes.durations) == 1
    assert f"申请编号：{number}" in text(letters_app, number)


def test_shipped_letters_are_rendered_in_the_step_s_one_transaction(
    letters_app: TestApplication, tmp_path: Path
) -> None:
    """The shipped templates, in the formats every letter is rendered in at issue, render
    as quickly as the attempt that would learn their contexts: the command runs once. An
    agency with templates of its own (here a copy of the shipped one) is rendered ahead."""
    directory = tmp_path / "letter-templates" / "zbgd"
    directory.mkdir(parents=True)
    shutil.copy(notifications_dir() / "letters" / "acknowledgement.j2", directory)
    with WriteTransactions().watching(letters_app) as writes:
        city = open_case(letters_app, agency="city")
        fire(letters_app, city, "consult_third_party", date(2026, 2, 26), party="某某公司")
        assert len(writes.durations) == 2, "an opening and a step, each one transaction"
        own = open_case(letters_app, agency="zbgd")
        assert len(writes.durations) == 4, "the agency's own template is rendered ahead"
    assert [letter.number for letter in letters(letters_app, city)] == [
        "某市府公开〔2026〕1号",
        "某市府公开〔2026〕2号",
        "某市府公开〔2026〕3号",
    ]
    assert f"申请编号：{city}" in text(letters_app, city, kind="acknowledgement")
    assert f"申请编号：{own}" in text(letters_app, own)


def test_a_letter_with_a_slow_format_at_issue_is_rendered_ahead(
    letters_app: TestApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKFLOW_LETTER_FORMATS", "docx")
    app = make_app(letters_app.settings.db_url, letters=True, agencies=False)
    try:
        with WriteTransactions().watching(app) as writes:
            number = open_case(app, agency="city")
        assert len(writes.durations) == 2, "the attempt learning the context, the one writing"
        assert f"申请编号：{number}" in text(app, number)
    finally:
        app.close()
