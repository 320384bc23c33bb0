"""`uniqueItems` in linear time: jsonschema compares every pair of a list it cannot sort.

A list of mappings (or of mixed types) in a plan or `.dgbot.yml` made jsonschema's own
check compare all pairs: 20,000 entries, 200 million comparisons. Here each entry becomes
a hashable key that is equal exactly when JSON Schema calls the entries equal (1 and 1.0
are, true and 1 are not), and one pass over the keys finds the first repeat.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

from dgbot.dmp.messages import describe
from dgbot.words import _


def key(value: Any) -> Any:
    """A hashable stand-in for a JSON value, equal to another's exactly when the values are equal."""
    if isinstance(value, bool) or value is None:
        return ("constant", value)
    if isinstance(value, int | float):
        return ("number", value)  # 1 == 1.0 and hash(1) == hash(1.0)
    if isinstance(value, str):
        return ("text", value)
    if isinstance(value, list):
        return ("list", tuple(map(key, value)))
    if isinstance(value, dict):
        return ("mapping", frozenset((name, key(item)) for name, item in value.items()))
    return ("other", repr(value))


def first_repeat(values: list[Any]) -> tuple[int, int] | None:
    """The indices of the first entry given again and of its repeat, or None when all differ."""
    seen: dict[Any, int] = {}
    for index, value in enumerate(values):
        first = seen.setdefault(key(value), index)
        if first != index:
            return first, index
    return None


def unique_items(validator: Validator, unique: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """The `uniqueItems` keyword, as jsonschema's but linear, with a message that names the repeat."""
    if not unique or not validator.is_type(instance, "array"):
        return
    repeat = first_repeat(instance)
    if repeat is not None:
        first, again = repeat
        yield ValidationError(
            _("the entry at [{again}] repeats the one at [{first}] ({value}); give each entry once").format(
                again=again, first=first, value=describe(instance[first])
            )
        )
