"""Which schema a plan answers to, and its validation errors as located, readable findings.

Besides JSON Schema, dgbot's schemas use the keyword `advisory`: a subschema whose failures
are notices, not errors. It holds what dgbot expects on top of the NII prototype's forms
(which accepted any text there), so that plans written for the prototype validate unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from dgbot import spdx
from dgbot.dmp import fast
from dgbot.dmp.paths import JsonPath
from dgbot.dmp.source import Document
from dgbot.dmp.units import parse_amount, parse_size
from dgbot.records import Finding, Severity
from dgbot.resources import list_data, load_schema
from dgbot.words import _

# jsonschema is imported where it is used: a valid document never needs it (see dgbot.dmp.fast)
if TYPE_CHECKING:
    from jsonschema import FormatChecker
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator
    from referencing import Registry

PROFILES = ("basic", "amed", "jst", "meti", "moonshot")
MADMP_VERSIONS = ("1.2", "1.1", "1.0")  # newest first: the order tried without `$schema`
_VERSION_IN_URI = re.compile(r"(?<![0-9.])1\.([012])(?![0-9])")
ADVISORY = "advisory"
_EXTRA = ("additionalProperties", "unevaluatedProperties")
# Errors that say something is missing or extra: the values that are there are still good.
_KEEPS_VALUES = frozenset(("required", "dependentRequired", *_EXTRA))
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


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


def _advisory(validator: Any, advice: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    yield from validator.descend(instance, advice, schema_path=ADVISORY)


def _formats(base: type[Validator]) -> FormatChecker:
    """The draft's formats plus the size grammar of dgbot.dmp.units."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    checker.checkers.update(base.FORMAT_CHECKER.checkers)
    checker.checks("size")(lambda value: not isinstance(value, str) or parse_size(value) is not None)
    checker.checks("approximate-size")(
        lambda value: not isinstance(value, str) or parse_amount(value) is not None
    )
    return checker


@cache
def validator(name: str) -> Validator:
    """A validator for a shipped schema, with format checking switched on."""
    from jsonschema import Draft202012Validator
    from jsonschema.validators import extend, validator_for

    from dgbot.dmp.unique import unique_items

    schema = load_schema(name)
    # jsonschema's uniqueItems compares all pairs of a list of mappings: hostile plans make it hang
    base = validator_for(schema, default=Draft202012Validator)
    keywords = {"uniqueItems": unique_items, ADVISORY: _advisory}
    cls: type[Validator] = extend(base, keywords)  # type: ignore[no-untyped-call]
    return cls(schema, registry=_registry(), format_checker=_formats(base))


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


@dataclass(frozen=True)
class Checked:
    """A document's findings against a schema, and where its wrong values are."""

    findings: list[Finding]
    wrong: list[JsonPath]  # values an error refuses (not missing or extra keys, not advice)


def checked(document: Document, name: str, check: str = "dmp.schema") -> Checked:
    """Every validation error of the document against a schema, located and explained."""
    findings: list[Finding] = []
    wrong: list[JsonPath] = []
    if fast.accepts(document.data, name):  # advice included: it accepts only what has no notice either
        return Checked(findings, wrong)
    for error in validator(name).iter_errors(document.data):
        advice = ADVISORY in error.absolute_schema_path
        if error.validator in _EXTRA and isinstance(error.instance, dict):
            findings.extend(_unknown_keys(document, error, check))
            continue
        findings.append(_finding(document, error, check, advice))
        if not advice and error.validator not in _KEEPS_VALUES:
            wrong.append(tuple(error.absolute_path))
    return Checked(findings, wrong)


def errors(document: Document, name: str, check: str = "dmp.schema") -> list[Finding]:
    """Every validation error of the document against a schema, located and explained."""
    return checked(document, name, check).findings


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


def _property_names(schema: Any, base: str, depth: int = 0) -> list[str]:
    """The fields a schema allows by name, through its $ref, allOf, anyOf, oneOf, if/then/else."""
    if not isinstance(schema, dict) or depth > 8:
        return []
    base = schema.get("$id", base)
    names = list(schema.get("properties", {}))
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target = ref if not ref.startswith("#") else base + ref
        from referencing.exceptions import Unresolvable

        try:
            resolved = _registry().resolver().lookup(target)
        except Unresolvable:
            resolved = None  # a $ref we cannot follow only loses suggestions
        if resolved is not None:
            names += _property_names(resolved.contents, target.split("#")[0], depth + 1)
    parts = [schema.get(k) for k in ("if", "then", "else")]
    for sub in [*parts, *(schema.get(k, []) for k in ("allOf", "anyOf", "oneOf"))]:
        for item in sub if isinstance(sub, list) else [sub]:
            names += _property_names(item, base, depth + 1)
    return list(dict.fromkeys(names))


def _unknown_keys(document: Document, error: ValidationError, check: str) -> list[Finding]:
    """One finding per unknown field, at its key, with the closest allowed field as a suggestion."""
    from dgbot.dmp.messages import unknown_field

    known = _property_names(error.schema, "")
    instance: dict[str, Any] = error.instance  # type: ignore[assignment]  # checked by the caller
    extras = [k for k in _QUOTED.findall(error.message) if k in instance]
    extras = extras or [k for k in instance if k not in known]
    path = tuple(error.absolute_path)
    return [
        Finding(
            check, str(error.validator), Severity.ERROR, unknown_field(key, known), document.locate(path, key)
        )
        for key in extras
    ]


def _license(document: Document, error: ValidationError, check: str) -> Finding | None:
    """A licence field that is neither an SPDX id nor a URL, with the SPDX id it most likely means."""
    path = tuple(error.absolute_path)
    if (
        error.validator != "pattern"
        or not path
        or path[-1] != "license"
        or not isinstance(error.instance, str)
    ):
        return None
    from dgbot.dmp.messages import describe

    suggestion = spdx.suggest(error.instance)
    hint = (
        _('did you mean "{suggestion}"?').format(suggestion=suggestion)
        if suggestion
        else _("write an SPDX id such as CC-BY-4.0, or the licence's URL")
    )
    message = _("{value} is not an SPDX licence id or the web address of a licence").format(
        value=describe(error.instance)
    )
    return Finding(check, "license", Severity.ERROR, message, document.locate(path), hint)


def _finding(document: Document, error: ValidationError, check: str, advice: bool = False) -> Finding:
    if (licence := _license(document, error, check)) is not None:
        return licence
    hint = None
    if error.validator in ("anyOf", "oneOf") and error.context:
        forms = {e.relative_schema_path[0] for e in error.context}
        hint = _("closest of the {count} accepted forms shown").format(count=len(forms))
        error = _closest(error)
    from dgbot.dmp.messages import explain  # with jsonschema, which explains errors

    message, key = explain(error)
    location = document.locate(tuple(error.absolute_path), key)
    if advice:
        said = error.schema.get("description") if isinstance(error.schema, dict) else None
        return Finding(check, ADVISORY, Severity.NOTICE, message, location, said)
    return Finding(check, str(error.validator), Severity.ERROR, message, location, hint)
