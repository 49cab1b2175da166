"""What the portal runs with: its rate limits and the key its files are encrypted with,
both from the environment (``throttle.py``, ``files.py``)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from workflow.portal.files import FileVault
from workflow.portal.throttle import PortalLimits


@dataclass(frozen=True)
class PortalConfig:
    limits: PortalLimits = field(default_factory=PortalLimits)
    vault: FileVault = field(default_factory=lambda: FileVault(None))

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> PortalConfig:
        return cls(PortalLimits.from_environment(environ), FileVault.from_environment(environ))
