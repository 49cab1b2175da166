"""Receipt channels (Art. 29, 31), the arrival date beside the confirmation, and applications
received under the 2007 Regulation, on real stores. Dates counted by hand (DOMAIN.md §3).

| channel | arrived | confirmed (receipt date) | next WD after arrival | shown |
|---|---|---|---|---|
| email | Mon 2026-03-02 | Tue 03-03 | 03-03 | nothing |
| email | Mon 2026-03-02 | Wed 03-04 | 03-03 | 1 WD late |
| ordinary_post | Fri 2026-02-13 | Tue 02-24 | Sat 02-14 (make-up day) | 1 WD late (02-15..23 off) |
| in_person | any | — | — | refused: the receipt is the arrival |
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.cli import run
from tests.stores import TestApplication
from tests.test_cases import open_case, show
from workflow.errors import InvalidInput, TransitionRejected
from workflow.importing import CaseImport
from workflow.lifecycle import StepInput


@pytest.mark.parametrize(
    ("channel", "arrived", "received", "warning"),
    [
        ("email", date(2026, 3, 2), date(2026, 3, 3), None),
        (
            "email",
            date(2026, 3, 2),
            date(2026, 3, 4),
            "confirmed 2026-03-04, 1 WD after 2026-03-03, the next working day after the "
            "application arrived on 2026-03-02 (Art. 31: confirm on the day it arrives)",
        ),
        (
            "ordinary_post",
            date(2026, 2, 13),
            date(2026, 2, 24),
            "confirmed 2026-02-24, 1 WD after 2026-02-14, the next working day after the "
            "application arrived on 2026-02-13 (Art. 31: confirm on the day it arrives)",
        ),
    ],
)
def test_a_confirmation_later_than_the_next_working_day_is_shown(
    app: TestApplication, channel: str, arrived: date, received: date, warning: str | None
) -> None:
    number = open_case(app, received=received, channel=channel, arrived_on=arrived)
    data = show(app, number, received)
    assert (data["channel"], data["arrived_on"]) == (channel, arrived.isoformat())
    assert data["warnings"] == ([warning] if warning else [])


def test_an_arrival_date_only_where_the_receipt_is_a_confirmation(app: TestApplication) -> None:
    refused = r"for in_person \(当面提交\) the receipt date is the arrival"
    with pytest.raises(InvalidInput, match=refused):
        open_case(app, channel="in_person", arrived_on=date(2026, 2, 11))
    with pytest.raises(InvalidInput, match="is after the receipt"):
        open_case(app, channel="online", arrived_on=date(2026, 2, 13))
    oral = open_case(app, channel="oral")
    assert show(app, oral, date(2026, 2, 12))["warnings"] == []


def test_case_open_prints_the_warning(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    opened = run(
        capsys, "case", "open", "--agency", "zbgd", "--applicant", "张三",
        "--applicant-type", "natural_person", "--channel", "email", "--arrived", "2026-03-02",
        "--received", "2026-03-04", "--request", "某文件",
    )  # fmt: skip
    assert opened.code == 0, opened
    number, warning = opened.out.strip().splitlines()
    assert number == "zbgd-2026-0001"
    assert warning.startswith("warning: confirmed 2026-03-04, 1 WD after 2026-03-03")


# The 2007 Regulation (before 2019-05-15): 15 WD, one extension of at most 15 WD.
#
# | imported case | received | definition |
# |---|---|---|
# | A | Tue 2019-05-14 | disclosure_2007 |
# | B | Wed 2019-05-15 | disclosure (2019) |
#
# A reopened Mon 2026-11-02: 15 WD: 11-03..06, 11-09..13, 11-16..20, 11-23 → due Mon 11-23.

HEADER = "number,agency,applicant_name,applicant_type,channel,received_on,request,closed_on,outcome"


def test_applications_before_2019_05_15_follow_the_2007_regulation(
    app: TestApplication, tmp_path: Path
) -> None:
    rows = [
        "zbgd-2019-0001,zbgd,张三,自然人,in_person,2019-05-14,某批复,2019-05-30,disclosed.provided",
        "zbgd-2019-0002,zbgd,李四,自然人,in_person,2019-05-15,某规划,2019-06-10,disclosed.provided",
    ]
    path = tmp_path / "cases.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    CaseImport(app.database, app.registry, app.clock).run(path)
    old = show(app, "zbgd-2019-0001", date(2026, 11, 2))
    new = show(app, "zbgd-2019-0002", date(2026, 11, 2))
    assert old["definition"]["id"] == "disclosure_2007"
    assert new["definition"] == {"id": "disclosure", "version": 3}
    app.cases.fire("zbgd-2019-0001", "reopen", StepInput(on=date(2026, 11, 2), by="李四"))
    answer = show(app, "zbgd-2019-0001", date(2026, 11, 2))["deadlines"]["answer"]
    assert answer["due_on"] == "2026-11-23"
    extension = StepInput(on=date(2026, 11, 3), by="李四", days=16, approver="王主任")
    with pytest.raises(TransitionRejected, match=r"an extension is 1 to 15 WD \(got 16\)"):
        app.cases.fire("zbgd-2019-0001", "extend", extension)
