"""Letters: what a letter needs (context), its templates, and its formats.

What is exported here touches no store: a ``LetterContext`` in, documents out. The
engine's side is imported by module: ``issuing`` (``ArchivingIssuer``: number, context
from the records, render and archive, in the step's transaction), ``archive`` (letters
and documents as issued; DOCX and PDF derived once from the archived HTML),
``reissue`` and ``preview``.
"""

from workflow.letters.blocks import Block, BlockKind
from workflow.letters.context import (
    ApplicantData,
    CaseData,
    DeadlineData,
    LetterContext,
    LetterData,
    LetterheadData,
    OutcomeData,
    StepData,
)
from workflow.letters.numbering import DEFAULT_PATTERN, check_pattern, letter_number
from workflow.letters.remedy import RECONSIDERATION_FIRST_FROM, Remedy, remedy_for
from workflow.letters.render import (
    Format,
    RenderedLetter,
    compose,
    letter_template,
    render,
    render_letter,
)
from workflow.letters.templates import (
    Templates,
    available_templates,
    template_name,
    template_version,
)

__all__ = [
    "DEFAULT_PATTERN",
    "RECONSIDERATION_FIRST_FROM",
    "ApplicantData",
    "Block",
    "BlockKind",
    "CaseData",
    "DeadlineData",
    "Format",
    "LetterContext",
    "LetterData",
    "LetterheadData",
    "OutcomeData",
    "Remedy",
    "RenderedLetter",
    "StepData",
    "Templates",
    "available_templates",
    "check_pattern",
    "compose",
    "letter_number",
    "letter_template",
    "remedy_for",
    "render",
    "render_letter",
    "template_name",
    "template_version",
]
