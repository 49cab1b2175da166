"""The README's calendar examples are executed: what it shows is what the command prints."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.cli import run

README = Path(__file__).resolve().parent.parent / "README.md"


def _examples() -> list[tuple[list[str], str]]:
    """(arguments, expected output) for each `$ workflow calendar ...` line with output shown."""
    examples: list[tuple[list[str], str]] = []
    for block in re.findall(r"```console\n(.*?)```", README.read_text("utf-8"), re.S):
        lines = block.splitlines()
        for index, line in enumerate(lines):
            if not line.startswith("$ workflow calendar"):
                continue
            command = line[2:].split("  #")[0]
            output: list[str] = []
            for following in lines[index + 1 :]:
                if following.startswith("$ "):
                    break
                output.append(following)
            # `explain ledger.yaml` needs the file; `recompute` and `import-notice` a store:
            # shown, not replayed here
            needs = ("ledger.yaml", "recompute", "import-notice")
            if output and not any(need in command for need in needs):
                examples.append((shlex.split(command)[1:], "\n".join(output)))
    return examples


EXAMPLES = _examples()


def test_the_readme_has_calendar_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize(
    ("args", "expected"), EXAMPLES, ids=lambda v: " ".join(v) if isinstance(v, list) else ""
)
def test_readme_example(capsys: pytest.CaptureFixture[str], args: list[str], expected: str) -> None:
    result = run(capsys, *args)
    shown = (result.out + result.err).split()
    assert shown == expected.split()  # the README wraps long lines
