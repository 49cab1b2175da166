"""A command imports what it uses: the top-level help loads no store, `case` no reports."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from tests.cli import run
from workflow.cli import COMMANDS, cli


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_help_of_every_lazy_command_is_its_own(name: str) -> None:
    module, attribute, short_help = COMMANDS[name]
    command = getattr(importlib.import_module(f"workflow.cli.{module}"), attribute)
    assert command.name == name
    assert (command.help or "").split("\n\n")[0].replace("\n", " ").strip() == short_help
    assert cli.get_command(None, name) is command  # type: ignore[arg-type]


def _imported_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in out.stdout.split()}


def test_workflow_help_imports_no_store() -> None:
    loaded = _imported_after(
        "from workflow.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    )
    assert "sqlalchemy" not in loaded
    assert "workflow" in loaded


def test_the_case_commands_import_no_report_letter_or_scheduler_library() -> None:
    loaded = _imported_after("import workflow.cli.case_commands")
    heavy = {"alembic", "jinja2", "openpyxl", "docx", "weasyprint", "apscheduler", "markdown"}
    assert loaded & heavy == set()


def test_case_show_loads_the_read_path_only(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    """No migration tool, no write path, no template engine, no staff-access tables, no ORM:
    what `case show` does not use it does not import. Its reads are plain SQL; on SQLite
    they run on `sqlite3` alone, and SQLAlchemy is not imported at all."""
    opened = run(capsys, "case", "open", "--agency", "zbgd", "--applicant", "张三",
                 "--applicant-type", "自然人", "--channel", "互联网", "--received", "2026-11-20",
                 "--request", "财政预算执行情况")  # fmt: skip
    number = opened.out.strip()
    probe = (
        "import sys\nfrom workflow.cli import main\n"
        f"try:\n    main(['case', 'show', {number!r}])\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    shown, modules = out.stdout.rstrip("\n").rsplit("\n", 1)
    assert shown.startswith(f"{number}  淄博高端装备中心  办理中 [received]")
    assert "2026-11-20 登记 [open]" in shown
    loaded = set(modules.split())
    unused = {
        "alembic",
        "transitions",
        "jinja2",
        "workflow.cases.service",
        "workflow.cases.stepping",
        "workflow.store.access_records",
        "sqlalchemy.orm",
        "workflow.store.records",
    }
    assert loaded & unused == set()
    if db.startswith("sqlite"):
        assert not any(name.split(".")[0] == "sqlalchemy" for name in loaded)


def test_a_step_is_a_process_of_its_own(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    """An officer's commands run one per process: a step's records are the first the
    process builds, with no query before it that would have set the ORM up."""
    opened = run(capsys, "case", "open", "--agency", "zbgd", "--applicant", "张三",
                 "--applicant-type", "自然人", "--channel", "互联网", "--received", "2026-11-20",
                 "--request", "财政预算执行情况")  # fmt: skip
    number = opened.out.strip()
    step = ["case", "fire", number, "consult_third_party", "--party", "某科技有限公司"]
    done = subprocess.run(
        [sys.executable, "-m", "workflow", *step], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "→ 征求第三方意见 [third_party_consultation]" in done.stdout
    assert "政府信息公开征求第三方意见书" in done.stdout
