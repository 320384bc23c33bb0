"""JSON paths as dgbot prints them: $.dmp.dataset[0]['e-Rad']."""

from __future__ import annotations

import re
from collections.abc import Iterable

PathPart = str | int
JsonPath = tuple[PathPart, ...]

_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def format_path(parts: Iterable[PathPart]) -> str:
    """ "$" for the root, ".key" for identifier keys, "['key']" otherwise, "[i]" for items."""
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENT.match(part):
            out.append(f".{part}")
        else:
            escaped = part.replace("\\", "\\\\").replace("'", "\\'")
            out.append(f"['{escaped}']")
    return "".join(out)


_PART = re.compile(r"\.([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]")


def parse_path(text: str) -> JsonPath:
    """The parts of a path written by format_path (the inverse of it)."""
    if not text.startswith("$"):
        raise ValueError(f"not a JSON path: {text!r}")
    parts: list[PathPart] = []
    position = 1
    while position < len(text):
        match = _PART.match(text, position)
        if match is None:
            raise ValueError(f"not a JSON path: {text!r}")
        name, index, quoted = match.groups()
        if index is not None:
            parts.append(int(index))
        else:
            parts.append(name if name is not None else re.sub(r"\\(.)", r"\1", quoted))
        position = match.end()
    return tuple(parts)
