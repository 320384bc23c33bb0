"""What a run did to the outputs the plan says a re-run must reproduce: digests before and after.

Notebooks are compared with their volatile parts masked (execution counts, metadata, cell
ids, timestamps and memory addresses in outputs), every other file byte for byte. Annexed
files whose content is absent are compared by the SHA-256 their key names.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dgbot.checks.scope import Globs
from dgbot.errors import UnsafePathError
from dgbot.fs.budget import HashBudget
from dgbot.fs.read import read_regular
from dgbot.notebooks.content import MAX_NOTEBOOK_BYTES
from dgbot.record.provenance import key_sha256
from dgbot.snapshot import FileEntry, Snapshot

_VOLATILE = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"  # timestamps
    r"|\b0x[0-9a-fA-F]{6,}\b"  # memory addresses in reprs
)


def declared(snapshot: Snapshot, patterns: Iterable[str]) -> list[FileEntry]:
    """The files matching the plan's `reproducibility.outputs` patterns (fnmatch on the path)."""
    return [snapshot.files[i] for i in Globs(patterns).select(snapshot.path_text)]


def _masked_output(output: dict[str, Any]) -> Any:
    kept = {k: v for k, v in output.items() if k not in ("execution_count", "metadata", "transient")}
    return json.loads(_VOLATILE.sub("<masked>", json.dumps(kept, sort_keys=True)))


def notebook_digest(raw: bytes) -> str | None:
    """SHA-256 of a notebook's cell types, sources and outputs, volatile parts masked."""
    try:
        cells = json.loads(raw)["cells"]
        shape = [
            [c["cell_type"], c.get("source", ""), [_masked_output(o) for o in c.get("outputs", [])]]
            for c in cells
        ]
    except (ValueError, KeyError, TypeError):
        return None
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()


def digest(root: Path, entry: FileEntry, budget: HashBudget) -> str | None:
    """How a declared output is compared: masked for notebooks, SHA-256 otherwise (within `budget`)."""
    if entry.key is not None and not (root / entry.path).exists():
        return key_sha256(entry.key)
    if entry.path.endswith(".ipynb"):
        try:
            raw = read_regular(root, entry.path, MAX_NOTEBOOK_BYTES, follow=True)
        except (UnsafePathError, OSError) as exc:  # a symlink out, a FIFO, too large
            budget.refuse(entry.path, exc)
            return None
        return notebook_digest(raw)
    return budget.sha256(root, entry.path)


def reproducibility(
    root: Path, before: dict[str, str | None], after: Snapshot, patterns: Iterable[str], budget: HashBudget
) -> dict[str, Any]:
    """The provenance block: every declared output with its digest before and after the run."""
    now = {e.path: digest(root, e, budget) for e in declared(after, patterns)}
    outputs = [
        {"path": path, "recorded": before.get(path), "rerun": now.get(path)}
        for path in sorted(before.keys() | now.keys())
    ]
    return {"patterns": list(patterns), "outputs": outputs}
