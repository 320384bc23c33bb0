"""Data Management Plans: loading with positions, validation, the Plan, maDMP export."""

from __future__ import annotations

from dgbot.dmp.find import find_plan
from dgbot.dmp.load import PLAN_NAMES, load_document
from dgbot.dmp.plan import Plan
from dgbot.dmp.validate import Validation, validate_bytes, validate_document, validate_file

__all__ = [
    "PLAN_NAMES",
    "Plan",
    "Validation",
    "find_plan",
    "load_document",
    "validate_bytes",
    "validate_document",
    "validate_file",
]
