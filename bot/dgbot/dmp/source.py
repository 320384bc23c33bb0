"""A loaded plan file: its value, its bytes, and where each node came from."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Protocol

from dgbot.dmp.paths import JsonPath, format_path
from dgbot.records import Finding, Location, Severity

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 1_000_000
MAX_ALIAS_NODES = 100_000
MAX_DIGITS = 100  # longest integer literal accepted

Position = tuple[int, int]  # 1-based line and column


class Positions(Protocol):
    """Where each value (and each mapping key) of a document is in its text."""

    def value(self, path: JsonPath) -> Position | None: ...

    def key(self, path: JsonPath) -> Position | None: ...


@dataclass
class PositionIndex:
    """Positions recorded while parsing (YAML), by JSON path."""

    values: dict[JsonPath, Position] = field(default_factory=dict)
    keys: dict[JsonPath, Position] = field(default_factory=dict)

    def value(self, path: JsonPath) -> Position | None:
        return self.values.get(path)

    def key(self, path: JsonPath) -> Position | None:
        return self.keys.get(path)


@dataclass(frozen=True)
class Document:
    """A parsed plan: JSON-compatible data plus where each of its nodes came from."""

    path: str
    format: str  # "json" or "yaml"
    data: Any
    sha256: str
    positions: Positions = field(repr=False, compare=False)

    def locate(self, parts: JsonPath, key: str | None = None) -> Location:
        """Location of the value at `parts` (or of its mapping key `key`), else its nearest parent."""
        full: JsonPath = (*parts, key) if key is not None else parts
        json_path = format_path(full)
        if key is not None and (pos := self.positions.key(full)) is not None:
            return Location(self.path, pos[0], pos[1], json_path)
        probe = parts
        while (pos := self.positions.value(probe)) is None and probe:
            probe = probe[:-1]
        line, column = pos if pos is not None else (None, None)
        return Location(self.path, line, column, json_path)


class LoadFailure(Exception):
    """Raised inside the loaders; turned into a Finding by load_document, never escapes."""

    def __init__(self, message: str, position: Position | None = None, rule: str = "syntax"):
        super().__init__(message)
        self.message = message
        self.position = position
        self.rule = rule

    def finding(self, path: str) -> Finding:
        line, column = self.position if self.position else (None, None)
        return Finding(
            check="dmp.load",
            rule=self.rule,
            severity=Severity.ERROR,
            message=self.message,
            location=Location(path, line, column),
        )


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def line_col(text: str, offset: int) -> Position:
    """1-based line and column of a character offset in text (for one-off lookups)."""
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1
