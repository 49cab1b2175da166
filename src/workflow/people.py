"""A person the engine addresses: a name within an agency.

``case.handler`` and ``agency.head`` are names, and a name is a person only within
its agency: two officers called 王伟 in two agencies are two people, who must never
get each other's reminders or see each other's cases. Until user accounts exist (and
for people without one) a person is the agency's code and the name; an account maps
onto this value. The agency itself (its own mailbox, for a case with nobody named)
is a ``Person`` without a name.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_PLAIN = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class Person:
    agency: str  # the agency's code
    name: str | None = None  # None: the agency itself

    def __str__(self) -> str:
        """``zbgd/李四``, or ``zbgd`` for the agency itself (as the notification config says)."""
        return self.agency if self.name is None else f"{self.agency}/{self.name}"

    @property
    def token(self) -> str:
        """ASCII and stable, for message keys: ``zbgd.lisi``, ``zbgd.p<12 hex>``, ``zbgd``."""
        agency = _token(self.agency, "a")
        return agency if self.name is None else f"{agency}.{_token(self.name, 'p')}"


def _token(text: str, prefix: str) -> str:
    """The text when it is plain ASCII, else ``prefix`` + 12 hex digits of its SHA-256."""
    if _PLAIN.fullmatch(text):
        return text
    return prefix + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
