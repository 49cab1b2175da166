"""Hostile input by Hypothesis, over every kind of input the project reads.

Command-line arguments, import files, definitions, year files, notices, notification
configs and letter template overrides, each made hostile (random text and bytes, real
files mutated line by line, YAML and Jinja2 fragments), are fed to the real command line
on one SQLite store. Whatever the input: a correct result or one clear error line, never
a traceback or an "internal error"; a command that fails leaves the store as it was (no
partial write); and the store replays clean afterwards. A hang would exceed the deadline.
Example counts are modest, for CI's budget (``WORKFLOW_HOSTILE_EXAMPLES`` per kind, 20
by default, the same ones every run unless ``WORKFLOW_HOSTILE_RANDOM=1``);
``--hypothesis-show-statistics`` shows the exit codes the inputs met.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests import synthetic_2027
from tests.cli import Result, run
from tests.stores import make_app
from workflow.deadlines.calendar_files import dump_year
from workflow.resources import calendars_dir, definitions_dir, notifications_dir
from workflow.store.records import (
    AgencyRecord,
    CalendarYearRecord,
    CaseEventRecord,
    CaseRecord,
    LetterRecord,
    OutboxRecord,
)

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("WORKFLOW_HOSTILE_EXAMPLES", "20"))
HOSTILE = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=30),  # a hang, not a slow machine
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
    # The same examples on every run: CI judges the code, not the draw. Explore further
    # with WORKFLOW_HOSTILE_RANDOM=1 and more examples.
    derandomize=os.environ.get("WORKFLOW_HOSTILE_RANDOM") != "1",
)
TABLES = (AgencyRecord, CaseRecord, CaseEventRecord, LetterRecord, CalendarYearRecord, OutboxRecord)
NUMBER = "zbgd-2026-0001"
OPEN = [
    "case", "open", "--agency", "zbgd", "--applicant", "张三", "--applicant-type",
    "natural_person", "--channel", "online", "--received", "2026-11-20",
    "--request", "2025年度财政预算执行情况", "--by", "李四",
]  # fmt: skip
IMPORT_HEADER = (
    "number,agency,applicant_name,applicant_type,channel,received_on,request,closed_on,outcome"
)

# Text as a hostile caller types it: controls, surrogates (undecodable bytes), full-width
# forms, quotes, YAML and Jinja2 punctuation, numbers far out of range.
SAMPLES = [
    "", " ", "-1", "0", "10" * 15, "2026-02-30", "20261201", "2026-W49-2", "=1+1",
    "{{ 7*7 }}", "{% for %}", "&a [*a]", "\x00", "\u202e", "ｚｂｇｄ", "../../etc/passwd",
    "nan", "1e309", "--help", "2026-11-20", NUMBER, "zbgd", "received", "decide",
]  # fmt: skip
hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40),
    st.sampled_from(SAMPLES),
)


class Store:
    """The one store every example of a test runs on, with its row counts."""

    def __init__(self, tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.tmp, self.capsys = tmp, capsys
        self.app = make_app(f"sqlite:///{tmp / 'workflow.db'}", agencies=False)

    def counts(self) -> tuple[int, ...]:
        with self.app.database.reading() as session:
            return tuple(
                int(session.scalar(select(func.count()).select_from(table)) or 0)
                for table in TABLES
            )

    def run(self, *args: str) -> Result:
        """Run a command; check it answered cleanly and, if it failed, wrote nothing."""
        before = self.counts()
        result = run(self.capsys, *args)
        event(f"{args[0]}: exit {result.code}")  # --hypothesis-show-statistics: what was tried
        assert "Traceback" not in result.err + result.out, result
        assert "internal error" not in result.err, result
        assert result.code != 70, result
        if result.code != 0:
            errors = [line for line in result.err.splitlines() if line.startswith("error:")]
            assert len(errors) == 1, result
            assert self.counts() == before, f"a failed command wrote: {args!r}"
        return result

    def file(self, name: str, content: str | bytes) -> Path:
        path = self.tmp / "inputs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, "utf-8", errors="surrogateescape")
        return path


@pytest.fixture
def store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Store]:
    monkeypatch.setenv("WORKFLOW_DB", f"sqlite:///{tmp_path / 'workflow.db'}")
    monkeypatch.setenv("WORKFLOW_TODAY", "2026-11-26")
    monkeypatch.setenv("WORKFLOW_LOCK_WAIT", "5")
    monkeypatch.delenv("WORKFLOW_LETTER_FORMATS", raising=False)
    monkeypatch.chdir(tmp_path)  # the default outbox directory, files named relatively
    templates = tmp_path / "letter-templates"
    templates.mkdir()
    monkeypatch.setenv("WORKFLOW_LETTER_TEMPLATES", str(templates))
    opened = Store(tmp_path, capsys)
    assert run(capsys, "agency", "add", "zbgd", "--name", "淄博高端装备中心").code == 0
    assert run(capsys, *OPEN).code == 0
    yield opened
    assert run(capsys, "verify").code == 0  # whatever was accepted replays clean
    opened.app.close()


@st.composite
def mutated_lines(draw: st.DrawFn, text: str) -> str:
    """A real file with a few lines deleted, repeated, cut, or overwritten with hostile text."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "repeat", "cut", "replace", "insert"]))
        if action == "delete":
            del lines[at]
        elif action == "repeat":
            lines.insert(at, lines[at])
        elif action == "cut":
            lines[at] = lines[at][: draw(st.integers(0, len(lines[at])))]
        elif action == "replace":
            lines[at] = draw(hostile_text)
        else:
            lines.insert(at, draw(hostile_text))
    return "\n".join(lines) + "\n"


# -- command-line arguments ----------------------------------------------------------

COMMANDS = [
    ["case", "open"], ["case", "show"], ["case", "list"], ["case", "fire", NUMBER],
    ["case", "history"], ["calendar", "is-workday"], ["calendar", "add-workdays"],
    ["calendar", "between"], ["report", "annual"], ["agency", "set", "zbgd"],
    ["agency", "add"], ["letter", "list"], ["sweep"], ["verify"],
]  # fmt: skip
OPTIONS = [
    "--agency", "--applicant", "--applicant-type", "--channel", "--received", "--request",
    "--by", "--on", "--days", "--until", "--limit", "--year", "--as-of", "--name",
    "--short-name", "--case-number-pattern", "--letter-number-pattern", "--outcome",
    "--reason", "--json", "--state",
]  # fmt: skip


@HOSTILE
@given(
    command=st.sampled_from(COMMANDS),
    arguments=st.lists(st.one_of(st.sampled_from(OPTIONS), hostile_text), max_size=8),
)
def test_hostile_arguments(store: Store, command: list[str], arguments: list[str]) -> None:
    store.run(*command, *arguments)


@HOSTILE
@given(
    trigger=st.sampled_from(["extend", "decide", "request_correction", "withdraw", "x"]),
    values=st.lists(st.tuples(st.sampled_from(OPTIONS), hostile_text), max_size=5),
)
def test_hostile_step_inputs(store: Store, trigger: str, values: list[tuple[str, str]]) -> None:
    store.run("case", "fire", NUMBER, trigger, *[part for pair in values for part in pair])


# -- files --------------------------------------------------------------------------

GOOD_ROW = "OLD/1,zbgd,张三,natural_person,online,2025-03-10,某文件,2025-03-25,disclosed.provided"


@HOSTILE
@given(
    content=st.one_of(
        mutated_lines(f"{IMPORT_HEADER}\n{GOOD_ROW}\n{GOOD_ROW.replace('OLD/1', 'OLD/2')}"),
        st.binary(max_size=300),
        st.lists(st.lists(hostile_text, max_size=10), max_size=5).map(
            lambda rows: "\n".join([IMPORT_HEADER, *(",".join(row) for row in rows)])
        ),
    ),
    encoding=st.sampled_from(["utf-8-sig", "gb18030", "latin-1"]),
)
def test_hostile_import_files(store: Store, content: str | bytes, encoding: str) -> None:
    path = store.file("cases.csv", content)
    store.run("import", "cases", str(path), "--encoding", encoding)


SHIPPED_DEFINITION = (definitions_dir() / "disclosure.yaml").read_text("utf-8")


@HOSTILE
@given(content=st.one_of(mutated_lines(SHIPPED_DEFINITION), st.binary(max_size=200)))
def test_hostile_definitions(store: Store, content: str | bytes) -> None:
    directory = store.tmp / "definitions"
    directory.mkdir(exist_ok=True)
    for shipped in definitions_dir().glob("*.yaml"):
        (directory / shipped.name).write_bytes(shipped.read_bytes())
    target = directory / "disclosure.yaml"
    encoded = content if isinstance(content, bytes) else content.encode("utf-8", "replace")
    target.write_bytes(encoded)
    store.run("definition", "validate", str(target))
    store.run("--definitions", str(directory), "case", "show", NUMBER)


SHIPPED_2026 = (calendars_dir() / "2026.yaml").read_text("utf-8")
SYNTHETIC_2027 = dump_year(synthetic_2027.schedule())  # the store lacks 2027: it may load


@HOSTILE
@given(
    content=st.one_of(
        mutated_lines(SYNTHETIC_2027), mutated_lines(SHIPPED_2026), st.binary(max_size=200)
    )
)
def test_hostile_year_files(store: Store, content: str | bytes) -> None:
    path = store.file("2027.yaml", content)
    store.run("calendar", "load", str(path), "--force", "--no-recompute")


NOTICES = Path(__file__).parents[1] / "fixtures" / "holiday-notices"


@HOSTILE
@given(
    content=st.one_of(
        st.sampled_from(sorted(NOTICES.glob("*.txt"))).flatmap(
            lambda path: mutated_lines(path.read_text("utf-8"))
        ),
        mutated_lines(synthetic_2027.NOTICE),
        st.binary(max_size=200),
    )
)
def test_hostile_notices(store: Store, content: str | bytes) -> None:
    path = store.file("notice.txt", content)
    store.run("calendar", "import-notice", str(path), "--force", "--no-recompute")


NOTIFY = (
    "file: {directory: outbox}\nretry: {max_attempts: 3}\npeople:\n  zbgd:\n"
    "    王主任: {email: wang@example.org}\nagencies:\n  zbgd: {email: gongkai@example.org}\n"
)


@HOSTILE
@given(content=st.one_of(mutated_lines(NOTIFY), st.binary(max_size=200), hostile_text))
def test_hostile_notify_configs(store: Store, content: str | bytes) -> None:
    path = store.file("notify.yaml", content)
    store.run("outbox", "deliver", "--notify", str(path))


SHIPPED_ACKNOWLEDGEMENT = (notifications_dir() / "letters" / "acknowledgement.j2").read_text(
    "utf-8"
)
JINJA = st.sampled_from(
    ["{{", "}}", "{%", "%}", "{{ case.number }}", "{{ applicant.nope }}", "{% if %}",
     "{% for i in range(10**9) %}", "{{ 'x' * 10**9 }}", "{{ ''.__class__ }}", "{% endblock %}",
     "{% include 'nope.j2' %}", "<p>", "</p>", "<script>", "{{ 9 ** 9 ** 9 }}",
     "{% extends 'acknowledgement.j2' %}", "{{ lipsum(10**6) }}"]
)  # fmt: skip


@HOSTILE
@given(
    content=st.one_of(
        mutated_lines(SHIPPED_ACKNOWLEDGEMENT),
        st.lists(st.one_of(JINJA, hostile_text), max_size=12).map("".join),
    )
)
def test_hostile_template_overrides(store: Store, content: str) -> None:
    override = store.tmp / "letter-templates" / "zbgd"
    override.mkdir(parents=True, exist_ok=True)
    (override / "acknowledgement.j2").write_text(content, "utf-8", errors="surrogateescape")
    store.run(*OPEN)
