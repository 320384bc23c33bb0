"""dgbot: research-data governance for repositories with a Data Management Plan."""

from __future__ import annotations

__version__ = "0.1.0"
