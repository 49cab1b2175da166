"""Helpers for the letter tests: external programs, and a scratch override directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


def program(*names: str) -> str:
    """The path of the first of ``names`` on PATH, or skip the test saying what is missing."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(f"needs {' or '.join(names)} on PATH (not installed here)")


@pytest.fixture
def override(tmp_path: Path) -> Path:
    """An empty agency override directory."""
    directory = tmp_path / "override"
    directory.mkdir()
    return directory
