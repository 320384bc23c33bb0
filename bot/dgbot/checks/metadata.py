"""Reading a repository's metadata files: GIN's datacite.yml, an RO-Crate's root licence and
a BIDS dataset's licence (dataset_description.json).

datacite.yml is composed into YAML nodes with PyYAML's safe loader, never constructed into
objects: each value keeps its position, and scalars keep their text, as GIN's Go decoder
reads them into its string fields ("yes" stays "yes", 1.2 stays "1.2").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dgbot.dmp.paths import JsonPath, format_path
from dgbot.records import Location
from dgbot.snapshot.model import Snapshot
from dgbot.words import _

# PyYAML is imported where a YAML file is read (a Node exists only after that), not with the
# checks: most repositories hold none, and importing it costs a check as much as its listing.
if TYPE_CHECKING:
    import yaml

DATACITE = "datacite.yml"
RO_CRATES = ("ro-crate-metadata.json", "ro-crate-metadata.jsonld")
BIDS_DESCRIPTION = "dataset_description.json"
MAX_DESCRIPTION_BYTES = 1024 * 1024  # a few KB in practice
MAX_YAML_BYTES = 1024 * 1024  # a datacite.yml is a few KB; refuse to parse anything huge
MAX_JSON_BYTES = 64 * 1024 * 1024  # an RO-Crate lists every file, so it may be large
_NULL = "tag:yaml.org,2002:null"


class Unreadable(Exception):
    """A metadata file that cannot be read or parsed; carries a message and a position."""

    def __init__(self, file: str, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.file, self.message, self.line, self.column = file, message, line, column

    def location(self) -> Location:
        return Location(self.file, self.line, self.column)


@dataclass(frozen=True)
class Node:
    """A YAML node of a file, with the JSON path it sits at."""

    file: str
    node: yaml.Node
    parts: JsonPath = ()

    @property
    def kind(self) -> str:
        import yaml

        if isinstance(self.node, yaml.MappingNode):
            return "mapping"
        if isinstance(self.node, yaml.SequenceNode):
            return "list"
        return "nothing" if self.node.tag == _NULL else "text"

    def text(self) -> str | None:
        """The scalar's text ("" for null), None for a list or mapping."""
        kind = self.kind
        return "" if kind == "nothing" else str(self.node.value) if kind == "text" else None

    def entries(self) -> Iterator[tuple[str, Node]]:
        """Key and value of a mapping (the last of duplicate keys wins, as in GIN's decoder)."""
        import yaml

        if isinstance(self.node, yaml.MappingNode):
            seen: dict[str, yaml.Node] = {}
            for key, value in self.node.value:
                seen[str(key.value)] = value
            for name, value in seen.items():
                yield name, Node(self.file, value, (*self.parts, name))

    def child(self, key: str) -> Node | None:
        return next((value for name, value in self.entries() if name == key), None)

    def items(self) -> list[Node]:
        import yaml

        if not isinstance(self.node, yaml.SequenceNode):
            return []
        return [Node(self.file, item, (*self.parts, i)) for i, item in enumerate(self.node.value)]

    def location(self, key: str | None = None) -> Location:
        """Where this node is; with `key`, where that field is (or this node, when it is missing)."""
        child = self.child(key) if key is not None else None
        if child is not None:
            return child.location()
        mark = self.node.start_mark
        parts = (*self.parts, key) if key is not None else self.parts
        return Location(self.file, mark.line + 1, mark.column + 1, format_path(parts))


def parse_yaml(raw: bytes, file: str) -> Node:
    """The root node of a YAML file; Unreadable for bad encoding, bad YAML, or an empty file."""
    if len(raw) > MAX_YAML_BYTES:
        said = _("{path} is {size} KB, too large for a metadata file").format(
            path=file, size=len(raw) // 1024
        )
        raise Unreadable(file, said)
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        said = _("{path} is not valid UTF-8 (byte 0x{byte:02x} at {offset})")
        raise Unreadable(file, said.format(path=file, byte=raw[exc.start], offset=exc.start)) from None
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        said = _("{path} is not valid YAML: {problem}").format(path=file, problem=problem)
        raise Unreadable(file, said, line, column) from None
    except (yaml.YAMLError, RecursionError) as exc:
        said = _("{path} is not valid YAML: {problem}").format(path=file, problem=type(exc).__name__)
        raise Unreadable(file, said) from None
    if root is None:
        raise Unreadable(file, _("{path} is empty").format(path=file), 1, 1)
    return Node(file, root)


def read_datacite(snapshot: Snapshot) -> Node | None:
    """The root node of datacite.yml, None without one; Unreadable when it cannot be read."""
    if snapshot.find(DATACITE) is None:
        return None
    raw = snapshot.read(DATACITE)
    if raw is None:
        said = _("{path} is annexed; GIN reads it from git, so keep it out of the annex")
        raise Unreadable(DATACITE, said.format(path=DATACITE))
    return parse_yaml(raw, DATACITE)


def _root_entity(graph: list[Any]) -> tuple[int, dict[str, Any]] | None:
    entities = [(i, e) for i, e in enumerate(graph) if isinstance(e, dict)]
    about = "./"
    for _index, entity in entities:
        if entity.get("@id") in RO_CRATES and isinstance(entity.get("about"), dict):
            about = str(entity["about"].get("@id", about))
    return next(((i, e) for i, e in entities if e.get("@id") == about), None)


def _licence_text(graph: list[Any], value: Any) -> Any:
    """A licence as a URL or name: a local "#id" leads to its entity's identifier, url or name."""
    ref = value.get("@id") if isinstance(value, dict) else value
    if not isinstance(ref, str) or ref.startswith(("http://", "https://")):
        return ref
    entity = next((e for e in graph if isinstance(e, dict) and e.get("@id") == ref), None)
    if entity is None:
        return ref
    for key in ("identifier", "url", "name"):
        field = entity.get(key)
        field = field.get("@id") if isinstance(field, dict) else field
        if isinstance(field, str):
            return field
    return ref


def ro_crate_licenses(snapshot: Snapshot) -> tuple[str, list[tuple[str, str]]] | None:
    """The RO-Crate file and its root entity's licences (value, JSON path); None without a crate."""
    path = next((p for p in RO_CRATES if snapshot.find(p) is not None), None)
    if path is None:
        return None
    raw = snapshot.read(path)
    if raw is None or len(raw) > MAX_JSON_BYTES:
        raise Unreadable(path, _("{path} is annexed or too large to read").format(path=path))
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise Unreadable(
            path, _("{path} is not valid JSON: {problem}").format(path=path, problem=exc)
        ) from None
    graph = data.get("@graph") if isinstance(data, dict) else None
    found = _root_entity(graph) if isinstance(graph, list) else None
    if found is None or not isinstance(graph, list):
        said = _('{path} has no root data entity ("@id": "./") in its @graph').format(path=path)
        raise Unreadable(path, said)
    index, root = found
    values = root.get("license")
    listed = values if isinstance(values, list) else [] if values is None else [values]
    licences = []
    for i, value in enumerate(listed):
        text = _licence_text(graph, value)
        where = f"$['@graph'][{index}].license" + (f"[{i}]" if isinstance(values, list) else "")
        if isinstance(text, str):
            licences.append((text, where))
    return path, licences


def _line_of(raw: bytes, needle: bytes) -> int | None:
    at = raw.find(needle)
    return None if at < 0 else raw.count(b"\n", 0, at) + 1


def bids_license(snapshot: Snapshot) -> tuple[str, Location] | None:
    """The `License` of a BIDS dataset_description.json at the top and where it is; None
    without the file or the field; Unreadable when the file cannot be read or is no JSON object."""
    path = BIDS_DESCRIPTION
    if snapshot.find(path) is None:
        return None
    raw = snapshot.read(path)
    if raw is None:
        raise Unreadable(
            path, _("{path} is annexed, so its licence cannot be read from git").format(path=path)
        )
    if len(raw) > MAX_DESCRIPTION_BYTES:
        said = _("{path} is {size} KB, too large for a dataset description")
        raise Unreadable(path, said.format(path=path, size=len(raw) // 1024))
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        said = _("{path} is not valid UTF-8 (byte 0x{byte:02x} at {offset})")
        raise Unreadable(path, said.format(path=path, byte=raw[exc.start], offset=exc.start)) from None
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        said = _("{path} is not valid JSON: {problem}").format(path=path, problem=getattr(exc, "msg", exc))
        raise Unreadable(path, said, line) from None
    except RecursionError:
        raise Unreadable(path, _("{path} is nested too deeply to read").format(path=path)) from None
    if not isinstance(data, dict):
        raise Unreadable(path, _("{path} is not a JSON object").format(path=path), 1, 1)
    value = data.get("License")
    if value is None:
        return None
    where = Location(path, _line_of(raw, b'"License"'), json_path="$.License")
    if not isinstance(value, str):
        said = _("{path}: License is {kind}, not text").format(path=path, kind=type(value).__name__)
        raise Unreadable(path, said, where.line)
    return value, where
