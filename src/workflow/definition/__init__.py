"""Workflow definitions: YAML -> typed frozen model -> validated graph."""

from workflow.definition.loader import load_definition
from workflow.definition.model import WorkflowDefinition
from workflow.definition.vocabulary import Vocabulary

__all__ = ["Vocabulary", "WorkflowDefinition", "load_definition"]
