"""What a cell of a generated notebook shows: a record as a short table, never a JSON dump.

A record (a dict, or a list of dicts, from a step function) becomes rows of text: nested values
on one line, long lists and texts shortened. On a Jupyter kernel it is displayed as a Markdown
table (repository and plan text escaped, so none of it becomes markup) with an aligned plain-text
table beside it; the record itself rides in the output's metadata (`dgbot.record`), for tools.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from dgbot.notebooks.text import escape_markdown
from dgbot.render.escape import visible

ROWS = 20  # rows a table shows; the rest are counted
ITEMS = 5  # items of a list shown in one cell
WIDTH = 100  # characters of a cell


def _cell(value: Any) -> str:
    if value is None:
        text = "—"
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, Mapping):
        text = ", ".join(f"{k}: {_cell(v)}" for k, v in value.items()) or "—"
    elif isinstance(value, list | tuple):
        shown = [_cell(v) for v in value[:ITEMS]]
        more = f" … (+{len(value) - ITEMS} more)" if len(value) > ITEMS else ""
        text = (", ".join(shown) + more) or "—"
    else:
        text = str(value)
    text = visible(text)  # one line: control characters and line breaks escaped
    return text if len(text) <= WIDTH else text[: WIDTH - 1] + "…"


def rows(record: Any) -> tuple[list[str], list[list[str]]]:
    """The header and rows a record is shown as."""
    if isinstance(record, Mapping):
        return ["", ""], [[_cell(k), _cell(v)] for k, v in record.items()]
    if (
        isinstance(record, Sequence)
        and not isinstance(record, str)
        and all(isinstance(r, Mapping) for r in record)
    ):
        columns = list(dict.fromkeys(k for r in record for k in r))
        return [_cell(c) for c in columns], [[_cell(r.get(c)) for c in columns] for r in record]
    if isinstance(record, Sequence) and not isinstance(record, str):
        return [""], [[_cell(r)] for r in record]
    return [""], [[_cell(record)]]


def _cut(body: list[list[str]]) -> tuple[list[list[str]], str]:
    if len(body) <= ROWS:
        return body, "" if body else "(nothing)"
    return body[:ROWS], f"… {len(body) - ROWS} more row(s)"


def _line(cells: list[str]) -> str:
    return "| " + " | ".join(escape_markdown(c) or " " for c in cells) + " |"


def markdown(record: Any) -> str:
    """The record as a Markdown table, every cell escaped."""
    header, body = rows(record)
    body, note = _cut(body)
    lines = [_line(header), "|" + "---|" * len(header), *(_line(r) for r in body)]
    return "\n".join(lines) + (f"\n\n{escape_markdown(note)}" if note else "")


def plain(record: Any) -> str:
    """The record as aligned text columns."""
    header, body = rows(record)
    body, note = _cut(body)
    table = [header, *body] if any(header) else body
    widths = [max(len(r[i]) for r in table) for i in range(len(header))] if table else []
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in table]
    return "\n".join([*lines, *([note] if note else [])])


def show(record: Any) -> None:
    """Display the record as a table (Markdown on Jupyter, aligned text elsewhere)."""
    data = json.loads(json.dumps(record, default=str))
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # not on a kernel: a terminal reads the text table
        print(plain(data))
        return
    if get_ipython() is None:
        print(plain(data))
        return
    display(  # type: ignore[no-untyped-call]
        {"text/markdown": markdown(data), "text/plain": plain(data)},
        metadata={"dgbot": {"record": data}},
        raw=True,
    )
