"""Workflow engine for disclosure-on-request applications (政府信息公开条例, 2019).

The application's entry points: ``Application`` wires settings, clock, calendar, store,
definitions and services (``Application(Settings.resolve(), SystemClock())``; its
``cases`` is the ``CaseService`` that opens cases with a ``NewCase`` and fires triggers
with a ``StepInput``); ``load_definition`` reads a definition file; ``load_calendar`` the
working-day calendar. The rest is imported from the concept modules. The store-backed
parts are loaded on first use, so importing the package stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from workflow.clock import Clock, FixedClock, SystemClock
from workflow.errors import WorkflowError

if TYPE_CHECKING:
    from workflow.application import Application
    from workflow.cases.service import CaseService, NewCase
    from workflow.deadlines import ClockEntry, WorkingCalendar, load_calendar
    from workflow.definition import load_definition
    from workflow.lifecycle import StepInput
    from workflow.settings import Settings

# Loaded on first use: they import SQLAlchemy or YAML, which a plain import should not
# (`workflow --help` imports this package).
_LAZY = {
    "Application": "workflow.application",
    "CaseService": "workflow.cases.service",
    "ClockEntry": "workflow.deadlines",
    "WorkingCalendar": "workflow.deadlines",
    "load_calendar": "workflow.deadlines",
    "NewCase": "workflow.cases.service",
    "Settings": "workflow.settings",
    "StepInput": "workflow.lifecycle",
    "load_definition": "workflow.definition",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":  # importlib.metadata costs a command's start-up: on demand
        return _version()
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'workflow' has no attribute {name!r}")
    return getattr(import_module(module), name)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("workflow")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


__all__ = [
    "Application",
    "CaseService",
    "Clock",
    "ClockEntry",
    "FixedClock",
    "NewCase",
    "Settings",
    "StepInput",
    "SystemClock",
    "WorkflowError",
    "WorkingCalendar",
    "load_calendar",
    "load_definition",
]
