"""Governance checks of a repository against its plan."""

from __future__ import annotations

from dgbot.checks.base import REGISTRY, Check, CheckSkipped, check, run_checks

# Importing a check module registers it; reports list the checks in this order.
# isort: off
from dgbot.checks import volume, structure, license, access, formats, datacite, drift, reproducibility
# isort: on

__all__ = [
    "REGISTRY",
    "Check",
    "CheckSkipped",
    "access",
    "check",
    "datacite",
    "drift",
    "formats",
    "license",
    "reproducibility",
    "run_checks",
    "structure",
    "volume",
]
