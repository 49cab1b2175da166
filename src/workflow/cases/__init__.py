"""The use cases over the store: open, fire, show, list, verify."""

from workflow.cases.service import CaseService, NewCase
from workflow.cases.stepping import Fired

__all__ = ["CaseService", "Fired", "NewCase"]
