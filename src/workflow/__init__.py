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
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from workflow.clock import Clock, FixedClock, SystemClock
from workflow.deadlines import ClockEntry, WorkingCalendar, load_calendar
from workflow.errors import WorkflowError

if TYPE_CHECKING:
    from workflow.application import Application
    from workflow.cases.service import CaseService, NewCase
    from workflow.definition import load_definition
    from workflow.lifecycle import StepInput
    from workflow.settings import Settings

try:
    __version__ = version("workflow")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

# Loaded on first use: they import SQLAlchemy or YAML, which a plain import should not.
_LAZY = {
    "Application": "workflow.application",
    "CaseService": "workflow.cases.service",
    "NewCase": "workflow.cases.service",
    "Settings": "workflow.settings",
    "StepInput": "workflow.lifecycle",
    "load_definition": "workflow.definition",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'workflow' has no attribute {name!r}")
    return getattr(import_module(module), name)


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
