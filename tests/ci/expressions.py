"""The subset of GitHub `${{ }}` and GitLab `$[[ inputs ]]` / `rules:if` expressions our templates use.

Small evaluators written for the tests, so the templates' commands and conditions are run as
the runners would run them. An expression outside the subset fails the test loudly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_GITHUB = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_STRING = re.compile(r"^'((?:[^']|'')*)'$")
_NAME = re.compile(r"^[A-Za-z_][\w-]*(?:\.[\w-]+)*$")


def _lookup(context: Mapping[str, Any], dotted: str) -> Any:
    value: Any = context
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def github_eval(expression: str, context: Mapping[str, Any]) -> Any:
    """Evaluate `a || b`, `a && b`, `a == b`, `a != b`, always(), 'strings', true/false and dotted names."""
    expression = expression.strip()
    for operator in ("||", "&&"):
        if operator in expression:
            left, right = expression.split(operator, 1)
            value = github_eval(left, context)
            if operator == "||":
                return value if value else github_eval(right, context)
            return github_eval(right, context) if value else value
    for operator in ("!=", "=="):
        if operator in expression:
            left, right = (str(github_eval(side, context)) for side in expression.split(operator, 1))
            return (left == right) is (operator == "==")
    if expression == "always()":
        return True
    if (literal := _STRING.match(expression)) is not None:
        return literal.group(1).replace("''", "'")
    if expression in ("true", "false"):
        return expression == "true"
    assert _NAME.match(expression), f"expression outside the tested subset: {expression!r}"
    value = _lookup(context, expression)
    return "" if value is None else value


def _text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def github_substitute(text: str, context: Mapping[str, Any]) -> str:
    """Every ${{ }} in `text` replaced by its value, as the runner does before running a step."""
    return _GITHUB.sub(lambda m: _text(github_eval(m.group(1), context)), text)


_INPUT = re.compile(r"\$\[\[\s*inputs\.([\w-]+)\s*\]\]")


def gitlab_interpolate(node: Any, inputs: Mapping[str, Any]) -> Any:
    """GitLab's input interpolation: a scalar that is only `$[[ inputs.x ]]` takes x's typed value."""
    if isinstance(node, dict):
        return {key: gitlab_interpolate(value, inputs) for key, value in node.items()}
    if isinstance(node, list):
        return [gitlab_interpolate(item, inputs) for item in node]
    if not isinstance(node, str):
        return node
    whole = _INPUT.fullmatch(node.strip())
    if whole:
        return inputs[whole.group(1)]
    return _INPUT.sub(lambda m: _text(inputs[m.group(1)]), node)


_VARIABLE = re.compile(r"^\$(\w+)$")
_QUOTED = re.compile(r'^"([^"]*)"$')


def _gitlab_value(term: str, variables: Mapping[str, str]) -> str | None:
    term = term.strip()
    if (name := _VARIABLE.match(term)) is not None:
        return variables.get(name.group(1)) or None
    if (quoted := _QUOTED.match(term)) is not None:
        return quoted.group(1)
    raise AssertionError(f"rules:if term outside the tested subset: {term!r}")


def gitlab_if(expression: str, variables: Mapping[str, str]) -> bool:
    """`rules:if` with &&, ==, != and bare variables (true when set and not empty)."""
    if "&&" in expression:
        return all(gitlab_if(part, variables) for part in expression.split("&&"))
    for operator in ("!=", "=="):
        if operator in expression:
            left, right = (_gitlab_value(t, variables) for t in expression.split(operator, 1))
            return (left == right) == (operator == "==")
    return _gitlab_value(expression, variables) is not None


def gitlab_job_runs(job: Mapping[str, Any], variables: Mapping[str, str]) -> bool:
    """Whether GitLab creates the job: the first rule that matches decides (no rules: always)."""
    rules = job.get("rules")
    if not rules:
        return True
    scope = {**variables, **{k: str(v) for k, v in job.get("variables", {}).items()}}
    for rule in rules:
        if "if" not in rule or gitlab_if(rule["if"], scope):
            return rule.get("when", "on_success") != "never"
    return False
