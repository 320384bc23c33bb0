"""Positions in valid JSON text, found on demand by path, each container scanned at most once.

Looking up a path walks the text from the root. The first visit of an object or array
skips over its members with the stdlib's C scanner and remembers where each starts, so
locating every item of a list of 20,000 datasets costs one pass over the list, not one
pass per item; line and column come from one index of line starts, by bisection.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from json.decoder import scanstring  # type: ignore[attr-defined]  # in the stdlib, not in typeshed

from dgbot.dmp.paths import JsonPath, PathPart
from dgbot.dmp.source import Position

_SPACE = re.compile(r"[ \t\r\n]*")
_NEWLINE = re.compile("\n")
_SKIPPER = json.JSONDecoder()
Offsets = tuple[int, int | None]  # of a value, and of its key (None for list items)


@dataclass(frozen=True)
class LineIndex:
    """Where each line of a text starts, so an offset becomes a line and column by bisection."""

    starts: list[int]

    @classmethod
    def of(cls, text: str) -> LineIndex:
        return cls([0, *(match.end() for match in _NEWLINE.finditer(text))])

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


@dataclass(frozen=True)
class JsonPositions:
    """Positions in valid JSON text, by JSON path."""

    text: str
    children: dict[int, dict[PathPart, Offsets]] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex.of(self.text)

    def value(self, path: JsonPath) -> Position | None:
        found = self._find(path)
        return self.lines.position(found[0]) if found else None

    def key(self, path: JsonPath) -> Position | None:
        found = self._find(path)
        return self.lines.position(found[1]) if found and found[1] is not None else None

    def _find(self, path: JsonPath) -> Offsets | None:
        found: Offsets = (_space(self.text, 0), None)
        for part in path:
            step = None if isinstance(part, bool) else self._members(found[0]).get(part)
            if step is None:
                return None
            found = step
        return found

    def _members(self, at: int) -> dict[PathPart, Offsets]:
        """Where each member of the container at `at` starts (empty for a scalar)."""
        if at not in self.children:
            opener = self.text[at : at + 1]
            scan = _object if opener == "{" else _array if opener == "[" else None
            self.children[at] = scan(self.text, at) if scan is not None else {}
        return self.children[at]


def _space(text: str, at: int) -> int:
    match = _SPACE.match(text, at)
    assert match is not None  # the pattern also matches the empty string
    return match.end()


def _skip(text: str, at: int) -> int:
    """Offset after the value at `at` and the space that follows it."""
    return _space(text, _SKIPPER.raw_decode(text, at)[1])


def _object(text: str, at: int) -> dict[PathPart, Offsets]:
    members: dict[PathPart, Offsets] = {}
    at = _space(text, at + 1)
    while text[at : at + 1] == '"':
        key_at = at
        key, at = scanstring(text, at + 1)
        at = _space(text, _space(text, at) + 1)  # past ":"
        members[key] = (at, key_at)
        at = _skip(text, at)
        if text[at : at + 1] != ",":
            break
        at = _space(text, at + 1)
    return members


def _array(text: str, at: int) -> dict[PathPart, Offsets]:
    items: dict[PathPart, Offsets] = {}
    at = _space(text, at + 1)
    if text[at : at + 1] == "]":
        return items
    while True:
        items[len(items)] = (at, None)
        at = _skip(text, at)
        if text[at : at + 1] != ",":
            return items
        at = _space(text, at + 1)
