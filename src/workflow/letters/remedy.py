"""Which remedy a reply letter offers: decided by the letter's date of issue, not by the template.

Every reply letter tells the applicant how to challenge it: reconsideration within 60
days (行政复议法 Art. 20) before the body the agency's letterhead names, litigation within
6 months (行政诉讼法 Art. 46) before its court, or 15 days after a reconsideration decision
(行政诉讼法 Art. 45).

Since the revised 行政复议法 came into force on 2024-01-01, a refusal to disclose (in whole
or in part) must go to reconsideration first (Art. 23(1)(四)); a letter issued on or after
that day that refuses disclosure says so and offers no direct litigation. Any other
letter, and every letter issued before that day, offers reconsideration or litigation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

RECONSIDERATION_FIRST_FROM = date(2024, 1, 1)


@dataclass(frozen=True)
class Remedy:
    """What the remedy clause of one letter says; the template supplies the wording."""

    reconsideration_first: bool
    reconsideration_days: int = 60
    litigation_months: int = 6
    litigation_after_reconsideration_days: int = 15


def remedy_for(issued_on: date, refusal: bool) -> Remedy:
    """The remedy a reply letter issued on ``issued_on`` must offer."""
    return Remedy(reconsideration_first=refusal and issued_on >= RECONSIDERATION_FIRST_FROM)
