"""Helpers for the letter tests: external programs, override directories, an app with letters."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.stores import TestApplication, make_app, store_url

# The Debian package of each program a letter test runs (scripts/system-packages.sh installs it).
PACKAGES = {
    "pdftotext": "poppler-utils",
    "pdffonts": "poppler-utils",
    "libreoffice": "libreoffice-writer-nogui",
    "soffice": "libreoffice-writer-nogui",
    "chromium": "chromium",
}


def program(*names: str) -> str:
    """The path of the first of ``names`` on PATH.

    When none is installed the test skips saying what is missing, except under `make test`
    and CI (``WORKFLOW_REQUIRE_SYSTEM_PACKAGES=1``), where it fails naming the install command.
    """
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    package = PACKAGES.get(names[0], names[0])
    missing = f"needs {' or '.join(names)} on PATH (Debian package {package})"
    if os.environ.get("WORKFLOW_REQUIRE_SYSTEM_PACKAGES") == "1":
        pytest.fail(f"{missing}: run `scripts/system-packages.sh test`", pytrace=False)
    pytest.skip(f"{missing}, not installed here")


@pytest.fixture
def override(tmp_path: Path) -> Path:
    """An empty agency override directory."""
    directory = tmp_path / "override"
    directory.mkdir()
    return directory


@pytest.fixture
def letters_app(
    store_kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestApplication]:
    """The application with letters on, on a fresh store (SQLite and PostgreSQL).

    ``WORKFLOW_LETTER_TEMPLATES`` points at an empty directory: a test that wants an
    agency's override writes ``<tmp>/letter-templates/<agency code>/...``.
    """
    root = tmp_path / "letter-templates"
    root.mkdir()
    monkeypatch.setenv("WORKFLOW_LETTER_TEMPLATES", str(root))
    monkeypatch.delenv("WORKFLOW_LETTER_FORMATS", raising=False)
    with store_url(store_kind, tmp_path) as url:
        application = make_app(url, letters=True)
        try:
            yield application
        finally:
            application.close()
