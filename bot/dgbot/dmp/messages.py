"""JSON Schema errors in words a researcher who has never seen JSON Schema understands."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

from dgbot.dmp.units import AMOUNT_EXAMPLES, SIZE_EXAMPLES

_TYPE_NAMES = {
    "object": "a set of fields (an object)",
    "array": "a list",
    "string": "a text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}
_LOCAL_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")
_COLONLESS_OFFSET = re.compile(r"^(\d{4}-\d{2}-\d{2}T[\d:.]+)([+-]\d{2})(\d{2})$")
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")
Explained = tuple[str, str | None]  # message, and the mapping key it is about (if any)


def describe(value: Any) -> str:
    """A short description of a value as the researcher wrote it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null (nothing)"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f'the text "{shown}"'
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return "a set of fields"


def _choices(values: Iterable[Any]) -> str:
    return ", ".join(f'"{v}"' if isinstance(v, str) else describe(v) for v in values)


def suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    if not close:
        lowered = {o.lower(): o for o in options}
        close = [lowered[word.lower()]] if word.lower() in lowered else []
    return f' (did you mean "{close[0]}"?)' if close else ""


def unknown_field(name: str, known: Iterable[str]) -> str:
    return f'unknown field "{name}"{suggest(name, known)}; it is not one of the fields allowed here'


def _type(e: ValidationError) -> Explained:
    value = e.validator_value
    wanted = [str(w) for w in value] if isinstance(value, list) else [str(value)]
    names = " or ".join(_TYPE_NAMES.get(w, w) for w in wanted)
    return f"expected {names}, found {describe(e.instance)}", None


def _required(e: ValidationError) -> Explained:
    missing = _QUOTED.search(e.message)
    name = missing.group(1) if missing else str(e.message)
    return f'the required field "{name}" is missing', None


def _enum(e: ValidationError) -> Explained:
    options = list(e.validator_value) if isinstance(e.validator_value, list) else []
    hint = (
        suggest(e.instance, [o for o in options if isinstance(o, str)]) if isinstance(e.instance, str) else ""
    )
    return f"{describe(e.instance)} is not allowed here{hint}; allowed: {_choices(options)}", None


def _const(e: ValidationError) -> Explained:
    return (
        f"{describe(e.instance)} is not allowed here; it must be {_choices([e.validator_value])}",
        None,
    )


def _format(e: ValidationError) -> Explained:
    kind = e.validator_value
    text = describe(e.instance)
    if kind == "size":
        return (
            f"{text} is not a size: write a number and a unit (B, KB, MB, GB, TB, PB or KiB to PiB; "
            f"1 KB = 1024 B), such as {SIZE_EXAMPLES}",
            None,
        )
    if kind == "approximate-size":
        return (
            f"dgbot cannot read {text} as an amount, so it does not compare it with contentSize; "
            f"it reads amounts such as {AMOUNT_EXAMPLES}",
            None,
        )
    if kind == "date-time" and isinstance(e.instance, str) and _LOCAL_DATE_TIME.match(e.instance):
        return (
            f"{text} is a date-time without a timezone; add one, e.g. {e.instance}Z or {e.instance}+09:00",
            None,
        )
    if kind == "date-time" and isinstance(e.instance, str) and (bad := _COLONLESS_OFFSET.match(e.instance)):
        fixed = f"{bad.group(1)}{bad.group(2)}:{bad.group(3)}"
        return f"{text} writes its timezone without a colon; write it as {fixed}", None
    examples = {
        "date": "2024-04-01",
        "date-time": "2024-04-01T09:00:00+09:00",
        "email": "name@example.org",
    }
    example = f" (e.g. {examples[kind]})" if kind in examples else ""
    return f"{text} is not a valid {kind}{example}", None


def _extra(e: ValidationError) -> Explained:
    schema = e.schema if isinstance(e.schema, dict) else {}
    known = list(schema.get("properties", {}))
    extras = [k for k in _QUOTED.findall(e.message) if isinstance(e.instance, dict) and k in e.instance]
    if not extras and isinstance(e.instance, dict):
        extras = [k for k in e.instance if k not in known]
    name = extras[0] if extras else "?"
    more = f" (and {len(extras) - 1} more)" if len(extras) > 1 else ""  # dgbot.dmp.schema names each
    return unknown_field(name, known) + more, name


def _sizes(e: ValidationError) -> Explained:
    limit = e.validator_value
    words = {
        "minItems": f"the list needs at least {limit} entr{'y' if limit == 1 else 'ies'}",
        "maxItems": f"the list may have at most {limit} entries",
        "minLength": "the text must not be empty"
        if limit == 1
        else f"the text needs at least {limit} characters",
        "maxLength": f"the text may have at most {limit} characters",
        "minimum": f"the number must be at least {limit}",
        "maximum": f"the number must be at most {limit}",
        "exclusiveMinimum": f"the number must be above {limit}",
        "pattern": "the text does not have the expected form",
    }
    return f"{words[str(e.validator)]}, found {describe(e.instance)}", None


_EXPLAIN: dict[str, Callable[[ValidationError], Explained]] = {
    "type": _type,
    "required": _required,
    "enum": _enum,
    "const": _const,
    "format": _format,
    "additionalProperties": _extra,
    "unevaluatedProperties": _extra,
    **dict.fromkeys(
        (
            "minItems",
            "maxItems",
            "minLength",
            "maxLength",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "pattern",
        ),
        _sizes,
    ),
}


def explain(error: ValidationError) -> Explained:
    """A plain-language message for a validation error, and the key it points at."""
    handler = _EXPLAIN.get(str(error.validator))
    if handler is None:
        return error.message, None
    return handler(error)
