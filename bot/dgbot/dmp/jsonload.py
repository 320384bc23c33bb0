"""JSON with positions: the stdlib parses; positions are looked up only when a message needs one.

Looking up a path walks the text from the root and skips every sibling value with the
stdlib's C scanner, so locating an error in a 5 MB file costs milliseconds, not a full
tokenization. Duplicate keys, non-JSON constants and excessive depth are found by a slower
diagnostic scan that only runs once the stdlib has already refused (or flagged) the text.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]  # in the stdlib, not in typeshed
from typing import Any, NoReturn

from dgbot.dmp.paths import JsonPath
from dgbot.dmp.source import MAX_DEPTH, MAX_DIGITS, LoadFailure, Position, line_col

_TOKEN = re.compile(r'[ \t\r\n]*(?:("(?:[^"\\]|\\.)*")|([{}\[\]:,])|([^\s{}\[\]:,"]+))', re.DOTALL)
_SPACE = re.compile(r"[ \t\r\n]*")
_SKIPPER = json.JSONDecoder()


class _Reject(Exception):
    """Duplicate key or non-JSON constant: the diagnostic scan then says where."""


class _TooLong(Exception):
    """An integer literal longer than any plan needs (Python refuses > 4300 digits anyway)."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _Reject
    return result


def _constant(name: str) -> NoReturn:
    raise _Reject(name)  # NaN / Infinity are not JSON


def _int(digits: str) -> int:
    if len(digits) > MAX_DIGITS:
        raise _TooLong(digits)
    return int(digits)


def load_json(text: str) -> tuple[Any, JsonPositions]:
    """Parse JSON text; raise LoadFailure located at the problem."""
    try:
        data = json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant, parse_int=_int)
    except json.JSONDecodeError as exc:
        raise LoadFailure(f"invalid JSON: {exc.msg}", (exc.lineno, exc.colno)) from None
    except _TooLong as exc:
        digits = str(exc)
        message = f"a number with {len(digits)} digits is too long for a plan"
        raise LoadFailure(message, line_col(text, text.find(digits)), "limit") from None
    except (_Reject, RecursionError):
        diagnose_json(text)  # raises the located failure
        raise LoadFailure("invalid JSON") from None
    if _depth(data) > MAX_DEPTH:
        diagnose_json(text)
    return data, JsonPositions(text)


def _depth(data: Any) -> int:
    deepest, todo = 0, [(data, 1)]
    while todo:
        node, depth = todo.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                break
            todo.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


@dataclass(frozen=True)
class JsonPositions:
    """Positions in valid JSON text, found on demand by path."""

    text: str
    found: dict[JsonPath, tuple[int, int | None] | None] = field(default_factory=dict, compare=False)

    def value(self, path: JsonPath) -> Position | None:
        found = self._find(path)
        return line_col(self.text, found[0]) if found else None

    def key(self, path: JsonPath) -> Position | None:
        found = self._find(path)
        return line_col(self.text, found[1]) if found and found[1] is not None else None

    def _find(self, path: JsonPath) -> tuple[int, int | None] | None:
        if path not in self.found:
            self.found[path] = _walk(self.text, path)
        return self.found[path]


def _walk(text: str, path: JsonPath) -> tuple[int, int | None] | None:
    """Offsets of the value at `path` and of its key (None for list items), or None."""
    at, key_at = _space(text, 0), None
    for part in path:
        opener = text[at : at + 1]
        if opener == "{" and isinstance(part, str):
            found = _member(text, at, part)
        elif opener == "[" and isinstance(part, int):
            found = _item(text, at, part)
        else:
            return None
        if found is None:
            return None
        at, key_at = found
    return at, key_at


def _space(text: str, at: int) -> int:
    match = _SPACE.match(text, at)
    assert match is not None  # the pattern also matches the empty string
    return match.end()


def _member(text: str, at: int, name: str) -> tuple[int, int | None] | None:
    """Offset of the value of key `name` in the object at `at`, and of its key."""
    at = _space(text, at + 1)
    while text[at : at + 1] == '"':
        key_at = at
        key, at = scanstring(text, at + 1)
        at = _space(text, _space(text, at) + 1)  # past ":"
        if key == name:
            return at, key_at
        at = _space(text, _SKIPPER.raw_decode(text, at)[1])
        if text[at : at + 1] != ",":
            return None
        at = _space(text, at + 1)
    return None


def _item(text: str, at: int, index: int) -> tuple[int, int | None] | None:
    """Offset of item `index` of the array at `at`."""
    at = _space(text, at + 1)
    if text[at : at + 1] == "]":
        return None
    for _ in range(index):
        at = _space(text, _SKIPPER.raw_decode(text, at)[1])
        if text[at : at + 1] != ",":
            return None
        at = _space(text, at + 1)
    return at, None


@dataclass
class _Frame:
    is_object: bool
    seen: dict[str, Position] = field(default_factory=dict)


def diagnose_json(text: str) -> None:
    """Raise a located LoadFailure for a duplicate key, NaN/Infinity or nesting past the limit."""
    newlines = [m.start() for m in re.finditer("\n", text)]

    def at(offset: int) -> Position:
        line = bisect.bisect_left(newlines, offset)
        return line + 1, offset - (newlines[line - 1] + 1 if line else 0) + 1

    stack: list[_Frame] = []
    expect_key = False
    for match in _TOKEN.finditer(text):
        string, punct, bare = match.groups()
        offset = match.start(1) if string else match.start(2) if punct else match.start(3)
        if punct in (":", ","):
            expect_key = punct == "," and bool(stack) and stack[-1].is_object
        elif punct in ("}", "]"):
            stack.pop()
        elif expect_key and string is not None:
            _check_key(stack[-1], json.loads(string), at(offset))
            expect_key = False
        elif bare in ("NaN", "Infinity", "-Infinity"):
            raise LoadFailure(f"invalid JSON: {bare} is not a JSON number", at(offset))
        elif punct in ("{", "["):
            if len(stack) >= MAX_DEPTH:
                raise LoadFailure(
                    f"the plan is nested more than {MAX_DEPTH} levels deep", at(offset), "limit"
                )
            stack.append(_Frame(punct == "{"))
            expect_key = punct == "{"


def _check_key(frame: _Frame, name: str, position: Position) -> None:
    if name in frame.seen:
        first = frame.seen[name][0]
        raise LoadFailure(f"duplicate key {name!r} (first given on line {first})", position, "duplicate-key")
    frame.seen[name] = position
