"""The README's console examples are executed, in order, as one story in one store.

Every ```console block is run top to bottom in one scratch directory that holds the input files of
`docs/examples/`, with `WORKFLOW_DB` pointing at one SQLite store there. What a block shows after a
`$ ` line is compared with what the command printed, word by word (the README wraps long lines):

- a word `...` stands for any run of words (what varies, or what is left out);
- a command with nothing shown after it must succeed (exit 0); its output is not compared;
- `$ export NAME=VALUE` sets the environment of the commands that follow (e.g. `WORKFLOW_TODAY`,
  the story's "today"), `$ cat FILE` shows an input file, `$ cd DIR` is not allowed (one directory);
- a trailing `  # comment` is not part of the command, and `\\` continues it on the next line.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli import run

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
EXAMPLES = ROOT / "docs" / "examples"
ELISION = "..."


@dataclass(frozen=True)
class Example:
    line: int  # of the `$ ` line in README.md
    command: str
    expected: tuple[str, ...]  # the lines shown after it; empty: only its success is checked


def examples(text: str) -> list[Example]:
    found: list[Example] = []
    for block in re.finditer(r"^```console\n(.*?)^```", text, re.S | re.M):
        first_line = text.count("\n", 0, block.start(1)) + 1
        lines = block.group(1).splitlines()
        index = 0
        while index < len(lines):
            if not lines[index].startswith("$ "):
                index += 1
                continue
            start = index
            command = lines[index][2:]
            while command.endswith("\\") and index + 1 < len(lines):
                index += 1
                command = command[:-1] + " " + lines[index].strip()
            index += 1
            shown: list[str] = []
            while index < len(lines) and not lines[index].startswith("$ "):
                shown.append(lines[index])
                index += 1
            found.append(Example(first_line + start, _strip_comment(command), tuple(shown)))
    return found


def _ansi_c(command: str) -> str:
    """``$'a\\nb'`` (bash's ANSI-C quoting, for a reason of several lines) as a quoted string."""
    return re.sub(
        r"\$'((?:[^'\\]|\\.)*)'",
        lambda m: shlex.quote(
            m.group(1).encode().decode("unicode_escape").encode("latin-1").decode()
        ),
        command,
    )


def _strip_comment(command: str) -> str:
    return re.split(r"\s{2,}#\s", command, maxsplit=1)[0].strip()


def matches(expected: tuple[str, ...], printed: str) -> bool:
    """Word by word; `...` stands for any text, a run of words or part of one (`(hash ...)`)."""
    pattern, after_elision = "", True
    for word in " ".join(expected).split():
        if word == ELISION:
            pattern += r".*?"
            after_elision = True
            continue
        pattern += (r"\s*" if after_elision else r"\s+") + ".*?".join(
            re.escape(part) for part in word.split(ELISION)
        )
        after_elision = word.endswith(ELISION)
    return re.fullmatch(pattern + r"\s*", printed, re.S) is not None


STORY = examples(README.read_text("utf-8"))


def test_the_readme_tells_one_story_with_many_examples() -> None:
    assert len(STORY) >= 30
    assert sum(1 for example in STORY if example.expected) >= 20


def test_every_readme_console_example_prints_what_it_shows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(EXAMPLES, tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("WORKFLOW_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("WORKFLOW_DB", f"sqlite:///{tmp_path / 'workflow.db'}")
    failures: list[str] = []
    for example in STORY:
        try:
            words = shlex.split(_ansi_c(example.command))
        except ValueError as exc:
            failures.append(f"README.md:{example.line}: $ {example.command}\n{exc}")
            continue
        if words[0] == "export":
            name, _, value = words[1].partition("=")
            monkeypatch.setenv(name, value)
            continue
        if words[0] == "cat":
            shown_file = tmp_path / words[1]
            if not shown_file.is_file():
                failures.append(f"README.md:{example.line}: no file {words[1]} in docs/examples")
                continue
            code, printed = 0, shown_file.read_text("utf-8")
        else:
            if words[0] != "workflow":
                failures.append(f"README.md:{example.line}: not runnable here: {words[0]}")
                continue
            result = run(capsys, *words[1:])
            code, printed = result.code, result.out + result.err
        if example.expected:
            if not matches(example.expected, printed):
                failures.append(
                    f"README.md:{example.line}: $ {example.command}\n--- shown\n"
                    + "\n".join(example.expected)
                    + f"\n--- printed (exit {code})\n{printed}"
                )
        elif code != 0:
            failures.append(
                f"README.md:{example.line}: $ {example.command}\nexit {code}:\n{printed}"
            )
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize(
    ("expected", "printed", "ok"),
    [
        (("a b",), "a\n  b\n", True),
        (("a ... c",), "a x y c", True),
        (("a ... c",), "a c", True),
        (("a", "...", "c"), "a\nx\ny\nc\n", True),
        (("a b",), "a b c", False),
        (("a (b)",), "a [b]", False),
        (("(hash ...): 3 days",), "(hash 6158b87c245b): 3 days", True),
        (("(hash ...): 3 days",), "(hash 6158b87c245b): 4 days", False),
    ],
)
def test_examples_compare_word_by_word_with_elision(
    expected: tuple[str, ...], printed: str, ok: bool
) -> None:
    assert matches(expected, printed) is ok
