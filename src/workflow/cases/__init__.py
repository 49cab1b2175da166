"""The use cases over the store: open, fire, show, list, verify."""

from workflow.cases.service import CaseService, Fired, NewCase

__all__ = ["CaseService", "Fired", "NewCase"]
