"""Workflow definitions: YAML -> typed frozen model -> validated graph."""

from workflow.definition.loader import Vocabulary, load_definition
from workflow.definition.model import WorkflowDefinition

__all__ = ["Vocabulary", "WorkflowDefinition", "load_definition"]
