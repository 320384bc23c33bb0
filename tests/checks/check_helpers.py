"""Building Plans and Snapshots by hand for check tests (imported by the tests in this folder)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dgbot.config import Settings
from dgbot.dmp.plan import Dataset, Plan
from dgbot.dmp.units import parse_size
from dgbot.records import Finding, Severity
from dgbot.snapshot.model import MODE_FILE, MODE_SUBMODULE, MODE_SYMLINK, FileEntry, Snapshot

GB = 1024**3
MB = 1024**2


@dataclass(frozen=True)
class Annexed:
    """An annexed file whose content is not here: its key (and so its size) is all git knows."""

    size: int | None
    locked: bool = True


@dataclass(frozen=True)
class Submodule:
    """A git submodule (a DataLad subdataset)."""


@dataclass(frozen=True)
class Link:
    """A symlink kept in git that is no annexed file (e.g. to a folder of the repository)."""

    target: str


Spec = bytes | str | Annexed | Submodule | Link


def _entry(path: str, spec: Spec) -> FileEntry:
    if isinstance(spec, Annexed):
        digest = hashlib.sha256(path.encode()).hexdigest()
        key = (
            f"SHA256E-s{spec.size}--{digest}.bin" if spec.size is not None else f"URL--https&c%%x.org%{path}"
        )
        return FileEntry(path, MODE_SYMLINK if spec.locked else MODE_FILE, spec.size, key)
    if isinstance(spec, Submodule):
        return FileEntry(path, MODE_SUBMODULE, None)
    if isinstance(spec, Link):
        return FileEntry(path, MODE_SYMLINK, len(spec.target.encode()))
    data = spec.encode() if isinstance(spec, str) else spec
    return FileEntry(path, MODE_FILE, len(data))


def make_snapshot(files: Mapping[str, Spec]) -> Snapshot:
    """A work-tree snapshot of `files`: text or bytes are kept in git, Annexed ones in the annex."""
    entries = tuple(sorted((_entry(p, s) for p, s in files.items()), key=lambda e: e.path))
    contents = {
        p: (s.encode() if isinstance(s, str) else s) for p, s in files.items() if isinstance(s, str | bytes)
    } | {p: s.target.encode() for p, s in files.items() if isinstance(s, Link)}
    return Snapshot(Path("/repo"), None, entries, contents.get)


def make_plan(datasets: Iterable[Dataset] = (), **fields: Any) -> Plan:
    """A basic-profile plan (10GB, with_code) with `datasets` and any Plan fields overridden."""
    label = fields.pop("size_limit_label", "10GB")
    values: dict[str, Any] = {
        "source": "dmp.json",
        "sha256": "0" * 64,
        "form": "profile",
        "profile": "basic",
        "title": "Test plan",
        "size_limit": parse_size(label) if label else None,
        "size_limit_label": label,
        "dataset_structure": "with_code",
    }
    values.update(fields)
    return Plan(datasets=tuple(datasets), **values)


def dataset(index: int, title: str, path: str | None, **fields: Any) -> Dataset:
    """A dataset declared at $.datasets[index]."""
    return Dataset(title=title, path=path, json_path=f"$.datasets[{index}]", **fields)


def summary(findings: Iterable[Finding]) -> list[tuple[str, Severity, str | None, str | None]]:
    """(rule, severity, path, json path) of each finding, in order."""
    return [(f.rule, f.severity, f.location.path, f.location.json_path) for f in findings]


def run(check: Any, plan: Plan, snapshot: Snapshot, settings: Settings | None = None) -> list[Finding]:
    return list(check(plan, snapshot, settings or Settings()))
