"""Where the shipped data lives: definitions, calendars and templates.

In a checkout (and an editable install) they are the repository's top-level
``definitions/`` and ``notifications/``; a wheel carries copies inside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent


def _locate(name: str) -> Path:
    for candidate in (_CHECKOUT / name, _PACKAGE / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"shipped directory {name!r} not found beside {_PACKAGE}")


def definitions_dir() -> Path:
    return _locate("definitions")


def calendars_dir() -> Path:
    return definitions_dir() / "calendars" / "cn"


def notifications_dir() -> Path:
    return _locate("notifications")
