"""Sizes as DMPs write them ("10GB", "1.5 TiB", "約50GB") to bytes, 1024-based as the NII prototype.

One grammar for every size field of a plan: a whole number of bytes (a JSON number), or a
number and a unit, B, KB, MB, GB, TB, PB or KiB ... PiB, in any case, with or without a
space between them; every unit is 1024-based (1 KB = 1 KiB = 1024 B). The NII prototype's
free-text amounts (`dataAmount`) may also say "about": 約50GB, 50GB程度, 50 GB 前後.
"""

from __future__ import annotations

import re
import unicodedata

from dgbot.words import _

UNITS = {"B": 0, "KB": 1, "MB": 2, "GB": 3, "TB": 4, "PB": 5, "EB": 6}
_NUMBER_UNIT = r"(\d+(?:\.\d+)?) ?((?:[KMGTP]i?)?B)"
_SIZE = re.compile(rf"^{_NUMBER_UNIT}$", re.IGNORECASE)
_APPROXIMATE = re.compile(
    rf"^(?:約|およそ|最大)?\s*{_NUMBER_UNIT}\s*(?:程度|前後|以下|未満|まで)?$", re.IGNORECASE
)
SIZE_EXAMPLES = '"500MB", "1.5 TB" or 52428800 (bytes)'
AMOUNT_EXAMPLES = '"50GB", "約50GB" or "50 GB程度"'


def _bytes(match: re.Match[str] | None) -> int | None:
    if match is None:
        return None
    unit = match.group(2).upper().replace("I", "")
    return int(float(match.group(1)) * 1024 ** UNITS[unit])


def parse_size(text: str) -> int | None:
    """Bytes for "10GB" / "1.5 TiB" / "500 mb" (1 GB = 1024**3 bytes); None if not of the grammar."""
    return _bytes(_SIZE.match(text))


def parse_amount(text: str) -> int | None:
    """Bytes for a free-text amount of the NII prototype ("約50GB", "５０ＧＢ程度"); None if unreadable."""
    return _bytes(_APPROXIMATE.match(unicodedata.normalize("NFKC", text).strip()))


def read_size(value: object, approximate: bool = False) -> int | None:
    """Bytes for a size field's value: a whole number of bytes, or a text of the grammar."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str):
        return parse_amount(value) if approximate else parse_size(value)
    return None


def format_size(size: int) -> str:
    """A short human form of a byte count, 1024-based: 1073741824 -> "1 GB"."""
    value = float(size)
    for unit in UNITS:
        if abs(value) < 1024 or unit == "EB":
            text = f"{value:.1f}".rstrip("0").rstrip(".")
            return f"{text} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


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
