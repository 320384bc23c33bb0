"""Which schema a plan answers to, and its validation errors as located, readable findings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from dgbot.dmp import fast
from dgbot.dmp.source import Document
from dgbot.records import Finding, Severity
from dgbot.resources import list_data, load_schema

# jsonschema is imported where it is used: a valid document never needs it (see dgbot.dmp.fast)
if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator
    from referencing import Registry

PROFILES = ("basic", "amed", "jst", "meti", "moonshot")
MADMP_VERSIONS = ("1.2", "1.1", "1.0")  # newest first: the order tried without `$schema`
_VERSION_IN_URI = re.compile(r"(?<![0-9.])1\.([012])(?![0-9])")


@dataclass(frozen=True)
class SchemaChoice:
    """The schema a document is validated against, and why that one."""

    name: str  # resource name under schemas/
    form: str  # "profile" or "madmp"
    label: str  # e.g. "jst profile", "RDA maDMP 1.2"
    explicit: bool = True  # chosen by the document itself (`schema` / `$schema`)


@cache
def _registry() -> Registry[Any]:
    from referencing import Registry, Resource

    resources = []
    for folder in ("profiles", "madmp"):
        for name in list_data("schemas", folder):
            contents = load_schema(f"{folder}/{name}")
            resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Validator:
    """A validator for a shipped schema, with format checking switched on."""
    from jsonschema import Draft202012Validator
    from jsonschema.validators import extend, validator_for

    from dgbot.dmp.unique import unique_items

    schema = load_schema(name)
    # jsonschema's uniqueItems compares all pairs of a list of mappings: hostile plans make it hang
    base = validator_for(schema, default=Draft202012Validator)
    cls: type[Validator] = extend(base, {"uniqueItems": unique_items})  # type: ignore[no-untyped-call]
    return cls(schema, registry=_registry(), format_checker=cls.FORMAT_CHECKER)


def profile_schema(profile: str) -> str:
    return f"profiles/{profile}.schema.json"


def madmp_schema(version: str) -> str:
    return f"madmp/madmp-{version}.schema.json"


def madmp_version(data: dict[str, Any]) -> str | None:
    """The maDMP version a document names in `$schema`, if it names one we know."""
    declared = data.get("$schema")
    if not isinstance(declared, str):
        return None
    match = _VERSION_IN_URI.search(declared)
    return f"1.{match.group(1)}" if match else None


def errors(document: Document, name: str, check: str = "dmp.schema") -> list[Finding]:
    """Every validation error of the document against a schema, located and explained."""
    if fast.accepts(document.data, name):
        return []
    return [_finding(document, err, check) for err in validator(name).iter_errors(document.data)]


def is_valid(data: Any, name: str) -> bool:
    return fast.accepts(data, name) or bool(validator(name).is_valid(data))


def _closest(error: ValidationError) -> ValidationError:
    """The error of the alternative the author most likely meant: one whose shape fits."""
    from jsonschema.exceptions import best_match

    depth = len(error.absolute_path)
    wrong_shape = {
        e.relative_schema_path[0]
        for e in error.context
        if e.validator == "type" and len(e.absolute_path) == depth
    }
    fitting = [e for e in error.context if e.relative_schema_path[0] not in wrong_shape]
    chosen: ValidationError = best_match(fitting or error.context)
    return chosen


def _finding(document: Document, error: ValidationError, check: str) -> Finding:
    hint = None
    if error.validator in ("anyOf", "oneOf") and error.context:
        forms = {e.relative_schema_path[0] for e in error.context}
        hint = f"closest of the {len(forms)} accepted forms shown"
        error = _closest(error)
    from dgbot.dmp.messages import explain  # with jsonschema, which explains errors

    message, key = explain(error)
    location = document.locate(tuple(error.absolute_path), key)
    return Finding(check, str(error.validator), Severity.ERROR, message, location, hint)
