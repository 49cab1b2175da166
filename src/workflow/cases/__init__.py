"""The use cases over the store: open, fire, show, list, verify.

``CaseService``, ``NewCase`` and ``Fired`` are loaded on first use: a command that only
reads a case (``case show``) does not import the write path.
"""

from __future__ import annotations

import importlib
import typing

if typing.TYPE_CHECKING:
    from workflow.cases.service import CaseService, NewCase
    from workflow.cases.stepping import Fired

_LAZY = {
    "CaseService": "workflow.cases.service",
    "NewCase": "workflow.cases.service",
    "Fired": "workflow.cases.stepping",
}


def __getattr__(name: str) -> typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'workflow.cases' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = ["CaseService", "Fired", "NewCase"]
