"""What a notebook's content is, for drift and edit detection: its cells, by id, in order."""

from __future__ import annotations

import hashlib
from typing import Any

import nbformat

CellHashes = tuple[tuple[str, str], ...]  # (cell id, hash of its type and source), in order
HASH_LENGTH = 16  # hex digits: plenty to tell edits apart, short enough to keep metadata readable
MAX_NOTEBOOK_BYTES = 256 * 1024 * 1024  # a notebook is parsed whole: bound what is read of one


def cell_hash(cell: Any) -> str:
    source = cell.get("source", "")
    text = "".join(source) if isinstance(source, list) else str(source)
    digest = hashlib.sha256(f"{cell.get('cell_type', '')}\0{text}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:HASH_LENGTH]


def cell_hashes(notebook: nbformat.NotebookNode) -> CellHashes:
    """The content of a notebook: outputs, execution counts and metadata are not content."""
    return tuple((str(cell.get("id", "")), cell_hash(cell)) for cell in notebook.cells)


def recorded(notebook: nbformat.NotebookNode) -> dict[str, Any] | None:
    """The generation record dgbot keeps in a notebook's metadata, or None for other notebooks."""
    record = notebook.metadata.get("dgbot")
    if not isinstance(record, dict) or not isinstance(record.get("cells"), list):
        return None
    return record


def recorded_hashes(record: dict[str, Any]) -> CellHashes:
    """The cells as dgbot generated them, from the record's "id:hash" entries."""
    pairs = (str(entry).rpartition(":") for entry in record["cells"])
    return tuple((cell, digest) for cell, _, digest in pairs)


def parse(text: str) -> nbformat.NotebookNode:
    """nbformat's reader, typed (nbformat has no type hints)."""
    notebook: nbformat.NotebookNode = nbformat.reads(text, as_version=4)  # type: ignore[no-untyped-call]
    return notebook


def dump(notebook: nbformat.NotebookNode) -> str:
    """nbformat's writer (sorted keys, one-space indent) plus the final newline editors add."""
    text: str = nbformat.writes(notebook)  # type: ignore[no-untyped-call]
    return text + "\n"


def read_notebook(raw: bytes) -> nbformat.NotebookNode | None:
    """A notebook from bytes, or None when it is not a readable notebook."""
    try:
        return parse(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        return None


def changed_cells(old: CellHashes, new: CellHashes) -> tuple[str, ...]:
    """Ids of cells that differ: changed, added or removed (in the order of `new`, then removed)."""
    before, after = dict(old), dict(new)
    differ = [cell for cell, digest in new if before.get(cell) != digest]
    differ += [cell for cell, _ in old if cell not in after]
    if not differ and [c for c, _ in old] != [c for c, _ in new]:
        differ = [c for c, _ in new]  # same cells, another order
    return tuple(differ)
