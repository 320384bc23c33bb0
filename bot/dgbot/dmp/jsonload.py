"""JSON with positions: the stdlib parses; positions are looked up only when a message needs one.

Positions come from JsonPositions (dgbot.dmp.jsonpos), which never tokenizes the whole text
for a lookup. Duplicate keys, non-JSON constants and excessive depth are found by a slower
diagnostic scan that only runs once the stdlib has already refused (or flagged) the text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, NoReturn

from dgbot.dmp.jsonpos import JsonPositions, LineIndex
from dgbot.dmp.source import MAX_DEPTH, MAX_DIGITS, LoadFailure, Position, line_col

_TOKEN = re.compile(r'[ \t\r\n]*(?:("(?:[^"\\]|\\.)*")|([{}\[\]:,])|([^\s{}\[\]:,"]+))', re.DOTALL)


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


@dataclass
class _Frame:
    is_object: bool
    seen: dict[str, Position] = field(default_factory=dict)


def diagnose_json(text: str) -> None:
    """Raise a located LoadFailure for a duplicate key, NaN/Infinity or nesting past the limit."""
    at = LineIndex.of(text).position
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
