"""Figures for messages: sizes that read apart when they differ, and shares of a limit."""

from __future__ import annotations

import math

from dgbot.dmp.units import UNITS, format_size
from dgbot.words import _

_STEPS = tuple(UNITS)  # "B", "KB", ... in order
MAX_DIGITS = 3  # decimals tried before falling back to a byte count


def _unit(size: int) -> tuple[str, int]:
    """The unit format_size writes `size` in, and its factor."""
    power = 0
    while power < len(_STEPS) - 1 and abs(size) >= 1024 ** (power + 1):
        power += 1
    return _STEPS[power], 1024**power


def apart(first: int, second: int) -> tuple[str, str]:
    """Both sizes as format_size writes them, or, where that hides a difference, with the
    decimals that show it (in the larger one's unit), or else as byte counts.

    "13.5 GB, more than the 13.5 GB" becomes "13.52 GB, more than the 13.50 GB".
    """
    short = format_size(first), format_size(second)
    if first == second or short[0] != short[1]:
        return short
    unit, factor = _unit(max(first, second))
    for digits in range(2, MAX_DIGITS + 1):
        texts = (f"{first / factor:.{digits}f} {unit}", f"{second / factor:.{digits}f} {unit}")
        if texts[0] != texts[1]:
            return texts
    return _("{count} bytes").format(count=f"{first:,}"), _("{count} bytes").format(count=f"{second:,}")


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
