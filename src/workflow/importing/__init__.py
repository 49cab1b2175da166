"""Import of past cases and appeals from CSV or XLSX: validated in full, written at once."""

from __future__ import annotations

from workflow.importing.appeals import APPEAL_COLUMNS, AppealImport, AppealsImported
from workflow.importing.cases import CASE_COLUMNS, CaseImport, CasesImported

__all__ = [
    "APPEAL_COLUMNS",
    "CASE_COLUMNS",
    "AppealImport",
    "AppealsImported",
    "CaseImport",
    "CasesImported",
]
