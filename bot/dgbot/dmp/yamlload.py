"""YAML to JSON-compatible data, built from parser events so limits hold before memory grows.

Scalars follow the YAML 1.2 core schema (as JSON does): `YES`, `no`, `on` and dates stay
strings, so `useDocker: YES` means the text "YES" and `created: 2024-04-01` a date string.
Only the standard tags are accepted; anything else (e.g. `!!python/object`) is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from dgbot.dmp.paths import JsonPath
from dgbot.dmp.source import (
    MAX_ALIAS_NODES,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_NODES,
    LoadFailure,
    Position,
    PositionIndex,
)

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_LIBYAML_DEPTH = "maximum nesting depth"

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_INT_BASE = re.compile(r"^0(?:o[0-7]+|x[0-9a-fA-F]+)$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_SPECIAL_FLOAT = {
    ".inf": float("inf"),
    "+.inf": float("inf"),
    "-.inf": float("-inf"),
    ".nan": float("nan"),
}
_STD = "tag:yaml.org,2002:"


def _plain(text: str) -> Any:
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    if _INT_BASE.match(text):
        return int(text, 0)
    if _FLOAT.match(text):
        return float(text)
    return _SPECIAL_FLOAT.get(text.lower(), text)


def _scalar(event: yaml.ScalarEvent) -> Any:
    if event.implicit[0] and len(event.value) > MAX_DIGITS and _INT.match(event.value):
        raise LoadFailure(
            f"a number with {len(event.value)} digits is too long for a plan", _pos(event), "limit"
        )
    tag = event.tag
    if tag is None:
        return _plain(event.value) if event.implicit[0] else event.value
    if tag in ("!", _STD + "str"):
        return event.value
    if tag in (_STD + "int", _STD + "float", _STD + "bool", _STD + "null"):
        value = _plain(event.value)
        kind = tag[len(_STD) :]
        if kind == "float" and type(value) in (int, float):
            return float(value)
        if type(value) is {"int": int, "bool": bool, "null": type(None)}.get(kind):
            return value
        raise LoadFailure(f"{event.value!r} is not a valid {kind}", _pos(event))
    raise LoadFailure(f"YAML tag {tag} is not allowed in a plan", _pos(event), rule="yaml-tag")


def _pos(event: yaml.Event) -> Position:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


@dataclass
class _Frame:
    path: JsonPath
    value: Any
    anchor: str | None = None
    start: int = 0  # node count when the container opened, to size its anchor
    key: str | None = None  # mapping: the key waiting for its value
    first: dict[str, Position] = field(default_factory=dict)


@dataclass
class _Builder:
    index: PositionIndex = field(default_factory=PositionIndex)
    stack: list[_Frame] = field(default_factory=list)
    anchors: dict[str, tuple[Any, int]] = field(default_factory=dict)
    nodes: int = 0
    alias_nodes: int = 0
    root: Any = None
    documents: int = 0

    def child_path(self) -> JsonPath | None:
        """Path of the next value, or None when the next scalar is a mapping key."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.value, list):
            return (*top.path, len(top.value))
        return None if top.key is None else (*top.path, top.key)

    def add(self, value: Any, event: yaml.Event, size: int = 1) -> None:
        self.nodes += size
        if self.nodes > MAX_NODES:
            raise LoadFailure(f"the plan has more than {MAX_NODES:,} values", _pos(event), "limit")
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        if isinstance(top.value, list):
            top.value.append(value)
        else:
            assert top.key is not None
            top.value[top.key] = value
            top.key = None

    def key(self, event: yaml.Event) -> None:
        if not isinstance(event, yaml.ScalarEvent):
            raise LoadFailure("a mapping key must be plain text, not a list or mapping", _pos(event))
        top = self.stack[-1]
        name = event.value
        if name == "<<" and event.implicit[0]:
            raise LoadFailure(
                "YAML merge keys (<<) are not supported in plans; write the fields out in full",
                _pos(event),
                "yaml-merge",
            )
        if name in top.first:
            line = top.first[name][0]
            raise LoadFailure(
                f"duplicate key {name!r} (first given on line {line})", _pos(event), "duplicate-key"
            )
        top.first[name] = _pos(event)
        self.index.keys[(*top.path, name)] = _pos(event)
        top.key = name


def _feed(builder: _Builder, event: yaml.Event) -> None:
    if isinstance(event, yaml.DocumentStartEvent):
        builder.documents += 1
        if builder.documents > 1:
            raise LoadFailure("a plan file must hold one YAML document, found a second", _pos(event))
        return
    if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
        return
    path = builder.child_path()
    if path is None and not isinstance(event, yaml.MappingEndEvent):
        builder.key(event)
        return
    if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
        frame = builder.stack.pop()
        if frame.anchor:
            builder.anchors[frame.anchor] = (frame.value, builder.nodes - frame.start)
        builder.add(frame.value, event, size=0)
        return
    assert path is not None
    builder.index.values[path] = _pos(event)
    if isinstance(event, yaml.AliasEvent):
        _alias(builder, event)
    elif isinstance(event, yaml.ScalarEvent):
        value = _scalar(event)
        builder.add(value, event)
        if event.anchor:
            builder.anchors[event.anchor] = (value, 1)
    else:
        _open(builder, event, path)


def _alias(builder: _Builder, event: yaml.AliasEvent) -> None:
    if event.anchor not in builder.anchors:
        raise LoadFailure(f"alias *{event.anchor} refers to no anchor before it", _pos(event))
    value, size = builder.anchors[event.anchor]
    builder.alias_nodes += size
    if builder.alias_nodes > MAX_ALIAS_NODES:
        raise LoadFailure(
            f"aliases expand to more than {MAX_ALIAS_NODES:,} values (an alias bomb?)",
            _pos(event),
            "limit",
        )
    builder.add(value, event, size=size)


def _open(builder: _Builder, event: yaml.Event, path: JsonPath) -> None:
    if len(builder.stack) >= MAX_DEPTH:
        raise LoadFailure(f"the plan is nested more than {MAX_DEPTH} levels deep", _pos(event), "limit")
    tag = getattr(event, "tag", None)
    kind = "seq" if isinstance(event, yaml.SequenceStartEvent) else "map"
    if tag not in (None, "!", _STD + kind):
        raise LoadFailure(f"YAML tag {tag} is not allowed in a plan", _pos(event), "yaml-tag")
    anchor = getattr(event, "anchor", None)
    builder.stack.append(_Frame(path, [] if kind == "seq" else {}, anchor, builder.nodes))
    builder.nodes += 1


def load_yaml(text: str) -> tuple[Any, PositionIndex]:
    """Parse one YAML document; raise LoadFailure (with position) on anything unsafe or invalid."""
    try:
        return _load_with(text, _Parser)
    except LoadFailure as failure:
        if _LIBYAML_DEPTH not in failure.message or failure.position is None:
            raise
        # libyaml stops at its own nesting limit (1000) while scanning ahead, before our
        # limit (64) is seen in the events. The text before that point nests deep enough to
        # cross ours, so parsing only that part reports where ours is crossed.
        line, column = failure.position
        lines = text.split("\n", line)
        head = "\n".join([*lines[: line - 1], lines[line - 1][: column - 1]])
        _load_with(head, _Parser)
        raise  # not reached while MAX_DEPTH is below libyaml's limit


def _load_with(text: str, loader: type[yaml.SafeLoader]) -> tuple[Any, PositionIndex]:
    builder = _Builder()
    try:
        for event in yaml.parse(text, Loader=loader):
            _feed(builder, event)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        position = (mark.line + 1, mark.column + 1) if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise LoadFailure(f"invalid YAML: {problem}", position) from None
    except yaml.YAMLError as exc:
        raise LoadFailure(f"invalid YAML: {exc}") from None
    if builder.documents == 0:
        raise LoadFailure("the file holds no YAML document (only comments or blank lines)", (1, 1), "empty")
    return builder.root, builder.index
