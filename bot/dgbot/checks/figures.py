"""Figures for messages: sizes that read apart when they differ, and shares of a limit."""

from __future__ import annotations

import math

from dgbot.dmp.units import apart

__all__ = ["apart", "share"]  # apart lives beside format_size; the plan's own checks use it too


def share(part: int, whole: int) -> str:
    """`part` as a percentage of `whole`: "95%"; "0.4%" or "<0.1%" for a small part that is not
    nothing; "99.9%" (rounded down) for a part just under the whole, never a rounded "100%"."""
    ratio = 100 * part / whole
    if part == 0 or part == whole:
        return f"{round(ratio)}%"
    if ratio < 0.1:
        return "<0.1%"
    if ratio < 1:
        return f"{ratio:.1f}%"
    if round(ratio) == 100:
        return f"{math.floor(ratio * 10) / 10:.1f}%" if part < whole else f"{math.ceil(ratio * 10) / 10:.1f}%"
    return f"{round(ratio)}%"
