"""JSON Schema errors in words a researcher who has never seen JSON Schema understands."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

from dgbot.dmp.units import AMOUNT_EXAMPLES, SIZE_EXAMPLES
from dgbot.words import N_, _, ngettext

_TYPE_NAMES = {
    "object": N_("a set of fields (an object)"),
    "array": N_("a list"),
    "string": N_("a text"),
    "integer": N_("a whole number"),
    "number": N_("a number"),
    "boolean": N_("true or false"),
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
        return _("null (nothing)")
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return _('the text "{text}"').format(text=shown)
    if isinstance(value, int | float):
        return _("the number {number}").format(number=value)
    if isinstance(value, list):
        return _("a list of {count}").format(count=len(value))
    return _("a set of fields")


def _choices(values: Iterable[Any]) -> str:
    return ", ".join(f'"{v}"' if isinstance(v, str) else describe(v) for v in values)


def suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    if not close:
        lowered = {o.lower(): o for o in options}
        close = [lowered[word.lower()]] if word.lower() in lowered else []
    return _(' (did you mean "{word}"?)').format(word=close[0]) if close else ""


def unknown_field(name: str, known: Iterable[str]) -> str:
    said = _('unknown field "{name}"{suggestion}; it is not one of the fields allowed here')
    return said.format(name=name, suggestion=suggest(name, known))


def _type(e: ValidationError) -> Explained:
    value = e.validator_value
    wanted = [str(w) for w in value] if isinstance(value, list) else [str(value)]
    names = _(" or ").join(_(_TYPE_NAMES[w]) if w in _TYPE_NAMES else w for w in wanted)
    return _("expected {types}, found {value}").format(types=names, value=describe(e.instance)), None


def _required(e: ValidationError) -> Explained:
    missing = _QUOTED.search(e.message)
    name = missing.group(1) if missing else str(e.message)
    return _('the required field "{name}" is missing').format(name=name), None


def _enum(e: ValidationError) -> Explained:
    options = list(e.validator_value) if isinstance(e.validator_value, list) else []
    hint = (
        suggest(e.instance, [o for o in options if isinstance(o, str)]) if isinstance(e.instance, str) else ""
    )
    said = _("{value} is not allowed here{suggestion}; allowed: {allowed}")
    return said.format(value=describe(e.instance), suggestion=hint, allowed=_choices(options)), None


def _const(e: ValidationError) -> Explained:
    return (
        _("{value} is not allowed here; it must be {allowed}").format(
            value=describe(e.instance), allowed=_choices([e.validator_value])
        ),
        None,
    )


def _format(e: ValidationError) -> Explained:
    kind = e.validator_value
    text = describe(e.instance)
    if kind == "size":
        return (
            _(
                "{value} is not a size: write a number and a unit (B, KB, MB, GB, TB, PB or KiB to PiB; "
                "1 KB = 1024 B), such as {examples}"
            ).format(value=text, examples=SIZE_EXAMPLES),
            None,
        )
    if kind == "approximate-size":
        return (
            _(
                "dgbot cannot read {value} as an amount, so it does not compare it with contentSize; "
                "it reads amounts such as {examples}"
            ).format(value=text, examples=AMOUNT_EXAMPLES),
            None,
        )
    if kind == "date-time" and isinstance(e.instance, str) and _LOCAL_DATE_TIME.match(e.instance):
        return (
            _("{value} is a date-time without a timezone; add one, e.g. {text}Z or {text}+09:00").format(
                value=text, text=e.instance
            ),
            None,
        )
    if kind == "date-time" and isinstance(e.instance, str) and (bad := _COLONLESS_OFFSET.match(e.instance)):
        fixed = f"{bad.group(1)}{bad.group(2)}:{bad.group(3)}"
        return _("{value} writes its timezone without a colon; write it as {fixed}").format(
            value=text, fixed=fixed
        ), None
    examples = {
        "date": "2024-04-01",
        "date-time": "2024-04-01T09:00:00+09:00",
        "email": "name@example.org",
    }
    if kind in examples:
        return _("{value} is not a valid {format} (e.g. {example})").format(
            value=text, format=kind, example=examples[kind]
        ), None
    return _("{value} is not a valid {format}").format(value=text, format=kind), None


def _extra(e: ValidationError) -> Explained:
    schema = e.schema if isinstance(e.schema, dict) else {}
    known = list(schema.get("properties", {}))
    extras = [k for k in _QUOTED.findall(e.message) if isinstance(e.instance, dict) and k in e.instance]
    if not extras and isinstance(e.instance, dict):
        extras = [k for k in e.instance if k not in known]
    name = extras[0] if extras else "?"
    more = _(" (and {count} more)").format(count=len(extras) - 1) if len(extras) > 1 else ""
    return unknown_field(name, known) + more, name  # dgbot.dmp.schema names each of the more


def _sizes(e: ValidationError) -> Explained:
    limit = e.validator_value
    count = limit if isinstance(limit, int) else 0
    words = {
        "minItems": ngettext(
            "the list needs at least {limit} entry", "the list needs at least {limit} entries", count
        ),
        "maxItems": _("the list may have at most {limit} entries"),
        "minLength": _("the text must not be empty")
        if limit == 1
        else _("the text needs at least {limit} characters"),
        "maxLength": _("the text may have at most {limit} characters"),
        "minimum": _("the number must be at least {limit}"),
        "maximum": _("the number must be at most {limit}"),
        "exclusiveMinimum": _("the number must be above {limit}"),
        "pattern": _("the text does not have the expected form"),
    }
    rule = words[str(e.validator)].format(limit=limit)
    return _("{rule}, found {value}").format(rule=rule, value=describe(e.instance)), None


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
