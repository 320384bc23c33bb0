"""The execution records without a kernel: colour codes removed, papermill's added cells not counted."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from dgbot.notebooks.execution import CellError, describe, first_error, strip_ansi


def test_strip_ansi_removes_colours_and_cursor_codes() -> None:
    coloured = "\x1b[0;31mValueError\x1b[0m: bad \x1b[1;32mvalue\x1b[39m\x1b[K\x1b]0;title\x07"
    assert strip_ansi(coloured) == "ValueError: bad value"


def error_output(name: str, value: str) -> nbformat.NotebookNode:
    return new_output("error", ename=name, evalue=value, traceback=[f"\x1b[31m{name}\x1b[0m: {value}"])


def test_first_error_counts_only_the_notebooks_own_cells() -> None:
    banner = new_markdown_cell(
        "An Exception was encountered", metadata={"tags": ["papermill-error-cell-tag"]}
    )
    injected = new_code_cell("a = 2", metadata={"tags": ["injected-parameters"]})
    failing = new_code_cell("raise KeyError('k')", outputs=[error_output("KeyError", "'k'")])
    notebook = new_notebook(
        cells=[banner, new_code_cell("a = 1"), injected, new_markdown_cell("text"), failing]
    )
    error = first_error(notebook)
    assert error == CellError(2, "KeyError", "'k'", "KeyError: 'k'")
    assert describe(error) == "cell 3 raised KeyError: 'k'"


def test_a_clean_sys_exit_is_no_error() -> None:
    exited = new_code_cell("import sys; sys.exit(0)", outputs=[error_output("SystemExit", "0")])
    assert first_error(new_notebook(cells=[exited])) is None
    failed = new_code_cell("sys.exit(3)", outputs=[error_output("SystemExit", "3")])
    assert first_error(new_notebook(cells=[exited, failed])) == CellError(
        1, "SystemExit", "3", "SystemExit: 3"
    )
