"""A compiled fast path for valid documents: jsonschema runs only for the ones that have errors.

Importing jsonschema costs a new process more than the whole rest of a check of a small
repository. Most documents are valid, and saying so needs no messages: jsonschema-rs
(compiled, quick to import) says it; jsonschema still finds and locates every error.

The fast path may only ever say "valid" where jsonschema would, so it judges the way
jsonschema does wherever the two could differ, and steps aside where it cannot:
- `pattern` is Python's `re.search`, as in jsonschema, not the Rust regex engine (`$`
  before a final newline, what `\\s` matches);
- the formats are checked by the same tests jsonschema makes (the same libraries);
- a schema using any keyword or format not listed here, or a document holding an integer
  past 2**53 (compared as a float in Rust), gets no fast path;
- dgbot's `advisory` subschemas (dgbot.dmp.schema) are judged as plain constraints, so a
  document that draws a notice goes to jsonschema too, which reports it;
- anything jsonschema-rs cannot take (a value of another type, lone surrogates) is left
  to jsonschema.
`tests/dmp/test_fast.py` compares the two on the corpus plans and on mutations of them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from datetime import date
from functools import cache
from typing import Any

from dgbot.dmp.units import parse_amount, parse_size
from dgbot.resources import list_data, load_schema

# Keywords whose meaning jsonschema-rs shares with jsonschema (JSON-Schema-Test-Suite); values
# of DATA are instances or words, not schemas; MAPS hold schemas under names of their own.
KEYWORDS = frozenset(
    (
        *("$schema", "$id", "$ref", "$defs", "$comment", "definitions", "title", "description", "default"),
        *("examples", "type", "enum", "const", "properties", "required", "additionalProperties"),
        *("unevaluatedProperties", "propertyNames", "minProperties", "maxProperties", "items", "minItems"),
        *("maxItems", "uniqueItems", "minLength", "maxLength", "pattern", "format", "minimum", "maximum"),
        *("exclusiveMinimum", "exclusiveMaximum", "allOf", "anyOf", "oneOf", "not", "if", "then", "else"),
    )
)
_DATA = frozenset(("$schema", "$id", "$ref", "$comment", "title", "description", "default", "examples"))
_DATA |= {"enum", "const", "required"}
_MAPS = frozenset(("properties", "$defs", "definitions"))
DRAFTS = ("http://json-schema.org/draft-07/schema#", "https://json-schema.org/draft/2020-12/schema")
_LARGEST_EXACT = 2**53  # integers beyond are rounded to a float by jsonschema-rs
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)  # jsonschema's


def _is_date(value: str) -> bool:
    try:
        return bool(_DATE.fullmatch(value) and date.fromisoformat(value))
    except ValueError:
        return False


def _is_datetime(value: str) -> bool:
    from rfc3339_validator import validate_rfc3339  # type: ignore[import-untyped]

    return bool(validate_rfc3339(value.upper()))


def _is_uri(value: str) -> bool:
    from rfc3986_validator import validate_rfc3986  # type: ignore[import-untyped]

    return bool(validate_rfc3986(value, rule="URI"))


FORMATS: dict[str, Callable[[str], bool]] = {
    "date": _is_date,
    "date-time": _is_datetime,
    "email": lambda value: "@" in value,
    "uri": _is_uri,
    "size": lambda value: parse_size(value) is not None,
    "approximate-size": lambda value: parse_amount(value) is not None,
}


class _Pattern:
    """The `pattern` keyword as jsonschema reads it: Python's `re.search`."""

    def __init__(self, parent: dict[str, Any], value: str, path: list[str | int]):
        self.regex = re.compile(value)

    def validate(self, instance: Any) -> None:
        if isinstance(instance, str) and self.regex.search(instance) is None:
            raise ValueError("does not match")


def _schemas(node: Any) -> Iterator[dict[str, Any]]:
    """Every schema object in a schema, itself included."""
    if isinstance(node, list):
        for item in node:
            yield from _schemas(item)
    elif isinstance(node, dict):
        yield node
        for name, value in node.items():
            if name in _MAPS and isinstance(value, dict):
                for child in value.values():
                    yield from _schemas(child)
            elif name not in _DATA:
                yield from _schemas(value)


def _strict(node: Any) -> Any:
    """The schema with each `advisory` subschema as one more constraint (in allOf)."""
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _MAPS and isinstance(value, dict):
            out[key] = {name: _strict(child) for name, child in value.items()}
        elif key != "advisory":
            out[key] = value if key in _DATA else _strict(value)
    if "advisory" in node:
        out["allOf"] = [*out.get("allOf", []), _strict(node["advisory"])]
    return out


def supported(schema: dict[str, Any]) -> bool:
    """Whether the fast path judges `schema` exactly as jsonschema does (see the module)."""
    if schema.get("$schema") not in DRAFTS:
        return False
    for node in _schemas(_strict(schema)):
        if not KEYWORDS.issuperset(node) or node.get("format", "date") not in FORMATS:
            return False
    return True


@cache
def _registry() -> tuple[Any, bool]:
    """The shipped profile and maDMP schemas, and whether every one is supported."""
    import jsonschema_rs

    resources = []
    for folder in ("profiles", "madmp"):
        for name in list_data("schemas", folder):
            contents = _strict(load_schema(f"{folder}/{name}"))
            resources.append((contents["$id"], contents))
    return jsonschema_rs.Registry(resources), all(supported(contents) for _, contents in resources)


def _outside_refs(schema: dict[str, Any]) -> bool:
    """Whether `schema` refers to any other document than itself (a "$ref" not starting with #)."""
    own = schema.get("$id")
    return any(
        not ref.startswith("#") and ref.partition("#")[0] != own
        for node in _schemas(schema)
        if isinstance(ref := node.get("$ref", "#"), str)
    )


@cache
def _validator(name: str) -> Any:
    """A compiled validator for a shipped schema, or None where there is no fast path.

    A schema that refers only to itself (basic, the maDMP ones) is compiled alone; one that
    refers to others gets every shipped schema beside it, each of which must be supported.
    """
    import jsonschema_rs

    schema = _strict(load_schema(name))
    if not supported(schema):
        return None
    options: dict[str, Any] = {}
    if _outside_refs(schema):
        registry, all_supported = _registry()
        if not all_supported:
            return None
        options["registry"] = registry
    return jsonschema_rs.validator_for(
        schema,
        validate_formats=True,
        formats=FORMATS,
        keywords={"pattern": _Pattern},
        **options,
    )


def _exact(value: Any) -> bool:
    """Whether every number in `value` means the same to jsonschema-rs (no integer past 2**53, no NaN)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif not _exact_number(item):
            return False
    return True


def _exact_number(item: Any) -> bool:
    if isinstance(item, float):
        return math.isfinite(item)
    return not isinstance(item, int) or -_LARGEST_EXACT <= item <= _LARGEST_EXACT


def prepare() -> None:
    """Import jsonschema-rs now, while the caller waits for something else (git listing a tree)."""
    import jsonschema_rs  # noqa: F401


def accepts(data: Any, name: str) -> bool:
    """True when `data` is certainly valid against the shipped schema `name`; False: ask jsonschema."""
    try:
        validator = _validator(name)
        return validator is not None and _exact(data) and bool(validator.is_valid(data))
    except Exception:  # whatever jsonschema-rs cannot take, jsonschema judges
        return False
