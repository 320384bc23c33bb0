"""Sizes as DMPs write them ("10GB", "1.5 TB") to bytes, 1024-based as the NII prototype."""

from __future__ import annotations

import re

UNITS = {"B": 0, "KB": 1, "MB": 2, "GB": 3, "TB": 4, "PB": 5, "EB": 6}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGTPE]?i?B)\s*$", re.IGNORECASE)


def parse_size(text: str) -> int | None:
    """Bytes for "10GB" / "1.5 TiB" / "500 mb" (1 GB = 1024**3 bytes); None if unreadable."""
    match = _SIZE.match(text)
    if match is None:
        return None
    unit = match.group(2).upper().replace("I", "")
    return int(float(match.group(1)) * 1024 ** UNITS[unit])


def format_size(size: int) -> str:
    """A short human form of a byte count, 1024-based: 1073741824 -> "1 GB"."""
    value = float(size)
    for unit in UNITS:
        if abs(value) < 1024 or unit == "EB":
            text = f"{value:.1f}".rstrip("0").rstrip(".")
            return f"{text} {unit}"
        value /= 1024
    raise AssertionError("unreachable")
