"""The definition is data: a province that renames a clock or changes a period is read
right, or refused at load with file, line and key; never a bare KeyError at a step."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from tests.stores import TODAY, TestApplication
from workflow.cases.agencies import add_agency
from workflow.cases.service import NewCase
from workflow.clock import FixedClock
from workflow.definition import load_definition
from workflow.errors import DefinitionError, TransitionRejected
from workflow.lifecycle import StepInput, vocabulary
from workflow.resources import definitions_dir
from workflow.settings import Settings

SHIPPED = (definitions_dir() / "disclosure.yaml").read_text("utf-8")


def _write(tmp_path: Path, text: str) -> Path:
    """The shipped definitions, with ``disclosure.yaml`` replaced by ``text``."""
    directory = tmp_path / "definitions"
    directory.mkdir(exist_ok=True)
    for shipped in definitions_dir().glob("*.yaml"):  # the definitions it names (``earlier``)
        (directory / shipped.name).write_text(shipped.read_text("utf-8"), "utf-8")
    path = directory / "disclosure.yaml"
    path.write_text(text, "utf-8")
    return path


def test_a_definition_that_renames_the_answer_clock_is_refused_at_load(tmp_path: Path) -> None:
    renamed = re.sub(r"\banswer\b(?!_)", "reply", SHIPPED)
    assert "{extend_clock: reply}" in renamed
    path = _write(tmp_path, renamed)
    with pytest.raises(DefinitionError) as caught:
        load_definition(path, vocabulary())
    error = caught.value
    assert error.path == str(path)
    assert error.line == renamed[: renamed.index("when: answer_extended")].count("\n") + 1
    assert error.key == "triggers.receive_third_party_reply.transitions[0].when"
    assert error.problem.startswith(
        "condition answer_extended reads the clock 'answer', which the definition does not declare"
    )
    assert str(error).startswith(f"{path}:{error.line}: {error.key}: ")


def test_a_guard_that_reads_an_undeclared_clock_is_refused_at_load(tmp_path: Path) -> None:
    # Without the routing conditions, the first rule that reads `answer` is a guard.
    text = re.sub(r"\n      - \{source: \w+, dest: extended, when: answer_extended\}", "", SHIPPED)
    text = re.sub(r"\banswer\b(?!_)", "reply", text)
    with pytest.raises(DefinitionError) as caught:
        load_definition(_write(tmp_path, text), vocabulary())
    assert re.fullmatch(r"triggers\.\w+\.guards", str(caught.value.key))
    assert re.match(r"guard \w+ reads the clock 'answer'", caught.value.problem)


def test_a_correction_notice_of_5_wd_is_refused_in_its_own_words(tmp_path: Path) -> None:
    text = SHIPPED.replace(
        "    label: 补正告知期限\n    days: 7\n", "    label: 补正告知期限\n    days: 5\n"
    )
    directory = _write(tmp_path, text).parent
    app = TestApplication(
        Settings(db_url=f"sqlite:///{tmp_path / 'seam.db'}", definitions_dir=directory),
        FixedClock(TODAY),
        letters=False,
    )
    app.initialise("tests")
    try:
        with app.database.transaction() as session:
            add_agency(session, "zbgd", "淄博高端装备及现代服务业产业园管理中心")
        number = app.cases.open(
            NewCase("zbgd", "张三", "natural_person", "online", date(2026, 3, 2), "预算")
        ).number
        # receipt on Mon 2 March: 5 WD is Mon 9 March, 7 WD would be Wed 11 March
        with pytest.raises(TransitionRejected) as caught:
            app.cases.fire(
                number, "request_correction", StepInput(on=date(2026, 3, 10), reason="写明名称")
            )
        assert caught.value.reasons == (
            "the correction notice is due within 5 WD of receipt (by 2026-03-09); "
            "2026-03-10 is 1 WD late",
        )
    finally:
        app.close()
