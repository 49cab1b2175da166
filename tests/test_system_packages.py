"""scripts/system-packages.sh, and `make run` / `make test` through it, on a simulated machine.

The script finds everything through PATH, so each test gives it a PATH holding only the shell
tools it runs and stand-ins for the system: `ldconfig` and `fc-list` report what is
"installed", `id` says who runs, `sudo` may or may not work, and `apt-get` records its calls
and installs its packages into that simulated system.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.letters.conftest import program

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "system-packages.sh"

RUN_PACKAGES = [
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz-subset0",
    "fontconfig",
    "fonts-noto-cjk",
]
TEST_PACKAGES = [
    *RUN_PACKAGES,
    "poppler-utils",
    "libreoffice-writer-nogui",
    "chromium",
    "chromium-driver",
]
# What each package puts on the simulated system: programs on PATH, shared libraries in
# `ldconfig -p`, Chinese fonts in `fc-list :lang=zh`.
PROVIDES: dict[str, dict[str, list[str]]] = {
    "libpango-1.0-0": {"libraries": ["libpango-1.0.so.0"]},
    "libpangoft2-1.0-0": {"libraries": ["libpangoft2-1.0.so.0"]},
    "libharfbuzz-subset0": {"libraries": ["libharfbuzz-subset.so.0"]},
    "fontconfig": {"programs": ["fc-list"]},
    "fonts-noto-cjk": {"fonts": ["Noto Serif CJK SC"]},
    "poppler-utils": {"programs": ["pdftotext", "pdffonts"]},
    "libreoffice-writer-nogui": {"programs": ["libreoffice"]},
    "chromium": {"programs": ["chromium"]},
    "chromium-driver": {"programs": ["chromedriver"]},
}
SHELL_TOOLS = ("bash", "env", "grep", "cat", "true")

FAKE_APT_GET = """#!{python}
import json, os, sys
from pathlib import Path
state = Path({state!r})
with (state / "calls.jsonl").open("a") as log:
    log.write(json.dumps({{"argv": sys.argv[1:], "as": os.environ.get("FAKE_AS", "root"),
        "frontend": os.environ.get("DEBIAN_FRONTEND")}}) + "\\n")
if sys.argv[1:2] == ["install"] and not (state / "broken-mirror").exists():
    provides = json.loads((state / "provides.json").read_text())
    for package in (a for a in sys.argv[2:] if not a.startswith("-")):
        for what, items in provides[package].items():
            for item in items:
                if what == "programs":
                    path = state / "bin" / item
                    body = f"cat {{state}}/fonts" if item == "fc-list" else "exit 0"
                    path.write_text(f"#!/bin/sh\\n{{body}}\\n")
                    path.chmod(0o755)
                else:
                    with (state / what).open("a") as listing:
                        listing.write(item + "\\n")
"""


@dataclass
class Machine:
    """A simulated machine: its PATH directory, who runs, and what apt-get was asked."""

    state: Path

    @property
    def bin(self) -> Path:
        return self.state / "bin"

    def install(self, *packages: str) -> None:
        subprocess.run([str(self.bin / "apt-get"), "install", *packages], check=True)
        (self.state / "calls.jsonl").unlink()

    def calls(self) -> list[dict[str, object]]:
        log = self.state / "calls.jsonl"
        if not log.exists():
            return []
        return [json.loads(line) for line in log.read_text().splitlines()]

    def env(self) -> dict[str, str]:
        return {"PATH": str(self.bin), "HOME": str(self.state), "LC_ALL": "C.UTF-8"}


def _script(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(0o755)


def make_machine(tmp_path: Path, *, uid: int, sudo: bool) -> Machine:
    state = tmp_path / "machine"
    (state / "bin").mkdir(parents=True)
    machine = Machine(state)
    for tool in SHELL_TOOLS:
        found = shutil.which(tool)
        assert found is not None, tool
        (machine.bin / tool).symlink_to(found)
    (state / "provides.json").write_text(json.dumps(PROVIDES))
    _script(machine.bin / "apt-get", FAKE_APT_GET.format(python=sys.executable, state=str(state)))
    _script(machine.bin / "id", f'#!/bin/sh\n[ "$1" = -u ] && echo {uid}\n')
    _script(machine.bin / "ldconfig", f"#!/bin/sh\ncat {state}/libraries 2>/dev/null\n")
    (state / "fonts").touch()  # what fc-list, once "fontconfig" installs it, lists
    if sudo:
        _script(
            machine.bin / "sudo",
            '#!/bin/sh\n[ "$1" = -n ] && shift\nexport FAKE_AS=sudo\nexec "$@"\n',
        )
    return machine


def run_script(machine: Machine, profile: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), profile], env=machine.env(), capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def root_machine(tmp_path: Path) -> Machine:
    return make_machine(tmp_path, uid=0, sudo=False)


def test_a_machine_with_everything_installs_nothing(root_machine: Machine) -> None:
    root_machine.install(*TEST_PACKAGES)
    done = run_script(root_machine, "test")
    assert done.returncode == 0, done.stderr
    assert root_machine.calls() == []


@pytest.mark.parametrize(("profile", "packages"), [("run", RUN_PACKAGES), ("test", TEST_PACKAGES)])
def test_root_updates_then_installs_what_the_profile_misses(
    root_machine: Machine, profile: str, packages: list[str]
) -> None:
    done = run_script(root_machine, profile)
    assert done.returncode == 0, done.stderr
    assert f"installing system packages: {' '.join(packages)}" in done.stdout
    assert root_machine.calls() == [
        {"argv": ["update", "-q"], "as": "root", "frontend": None},
        {
            "argv": ["install", "-y", "-q", "--no-install-recommends", *packages],
            "as": "root",
            "frontend": "noninteractive",
        },
    ]


def test_only_the_missing_packages_are_installed(root_machine: Machine) -> None:
    root_machine.install(*[p for p in TEST_PACKAGES if p not in ("poppler-utils", "chromium")])
    done = run_script(root_machine, "test")
    assert done.returncode == 0, done.stderr
    installs = [call["argv"] for call in root_machine.calls() if call["argv"][0] == "install"]
    assert installs == [
        ["install", "-y", "-q", "--no-install-recommends", "poppler-utils", "chromium"]
    ]


def test_sudo_without_a_password_installs(tmp_path: Path) -> None:
    machine = make_machine(tmp_path, uid=1000, sudo=True)
    machine.install(*RUN_PACKAGES)
    done = run_script(machine, "test")
    assert done.returncode == 0, done.stderr
    assert [call["as"] for call in machine.calls()] == ["sudo", "sudo"]


def test_without_privileges_it_stops_with_the_one_command(tmp_path: Path) -> None:
    machine = make_machine(tmp_path, uid=1000, sudo=False)
    machine.install(*RUN_PACKAGES)
    done = run_script(machine, "test")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "system packages missing: poppler-utils libreoffice-writer-nogui chromium chromium-driver",
        "install them with: sudo apt-get update && sudo apt-get install -y -q "
        "--no-install-recommends poppler-utils libreoffice-writer-nogui chromium chromium-driver",
    ]
    assert machine.calls() == []


def test_an_install_that_leaves_a_package_missing_fails(root_machine: Machine) -> None:
    (root_machine.state / "broken-mirror").touch()
    done = run_script(root_machine, "run")
    assert done.returncode == 1
    assert "still missing after apt-get install: " + " ".join(RUN_PACKAGES) in done.stderr


@pytest.mark.parametrize("target", ["run", "walkthrough", "test"])
def test_make_targets_stop_before_anything_else_on_a_bare_machine(
    tmp_path: Path, target: str
) -> None:
    """A clean clone on a machine without the packages: `make run`, `make walkthrough` and
    `make test` name the command and build nothing (no virtualenv, no demo, no tests)."""
    make = shutil.which("make")
    assert make is not None
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)],
        check=True,
        capture_output=True,
    )
    # The clone holds the committed tree; this checkout's Makefile and script are what is tested.
    shutil.copy(ROOT / "Makefile", clone / "Makefile")
    (clone / "scripts").mkdir(exist_ok=True)
    shutil.copy(SCRIPT, clone / "scripts" / "system-packages.sh")
    machine = make_machine(tmp_path, uid=1000, sudo=False)
    env = machine.env() | {"PYTHON": sys.executable}
    done = subprocess.run(
        [make, "-C", str(clone), target], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    expected = TEST_PACKAGES if target == "test" else RUN_PACKAGES
    assert (
        "install them with: sudo apt-get update && sudo apt-get install -y -q "
        f"--no-install-recommends {' '.join(expected)}"
    ) in done.stderr
    assert not (clone / ".venv").exists()


def test_a_letter_test_missing_a_program_fails_under_make_test(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Outside `make test` a missing program skips; under it (and CI) it fails naming the fix."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("WORKFLOW_REQUIRE_SYSTEM_PACKAGES", raising=False)
    with pytest.raises(pytest.skip.Exception, match="poppler-utils"):
        program("pdftotext")
    monkeypatch.setenv("WORKFLOW_REQUIRE_SYSTEM_PACKAGES", "1")
    with pytest.raises(pytest.fail.Exception, match=r"run `scripts/system-packages.sh test`"):
        program("pdftotext")
