"""Markdown text of the templates: the language chosen, plan values placed only as escaped text."""

from __future__ import annotations

import re
from collections.abc import Mapping

from dgbot.errors import ResourceError

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
# Every ASCII punctuation character may be backslash-escaped in CommonMark; these could start
# markup (emphasis, links, headings, lists, tables, math, code). <, > and & become entities,
# so no HTML (e.g. </script>) survives.
_MARKUP = set("\\`*_{}[]()#+-.!|~$\"'=:")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # lone surrogates cannot be written as UTF-8


def escape_markdown(value: str) -> str:
    """`value` as literal Markdown text on one line: markup, HTML and line breaks neutralized."""
    flat = " ".join(_CONTROL.sub(" ", _SURROGATE.sub("\ufffd", value)).split())
    return "".join(_ENTITIES.get(c) or (f"\\{c}" if c in _MARKUP else c) for c in flat)


def placeholders(source: str) -> set[str]:
    """The {{name}} placeholders a cell uses."""
    return set(PLACEHOLDER.findall(source))


def fill(source: str, values: Mapping[str, str], where: str) -> str:
    """Replace each {{name}} by its escaped value; an unknown name is a template bug."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise ResourceError(f"{where}: unknown placeholder {{{{{name}}}}}")
        return escape_markdown(values[name])

    return PLACEHOLDER.sub(replace, source)
