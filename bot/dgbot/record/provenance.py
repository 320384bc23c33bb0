"""Provenance of a run: repository state, environment, and files with sizes, hashes and annex keys."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from dgbot.fs.budget import HashBudget
from dgbot.record.gpu import gpu_inventory
from dgbot.snapshot import FileEntry, Snapshot

PROVENANCE_VERSION = 1
_SHA256_BACKENDS = ("SHA256", "SHA256E")


@dataclass(frozen=True)
class Stamp:
    """What tells a file changed during a run without reading it: size, mtime, annex key."""

    size: int | None
    mtime_ns: int
    key: str | None


def stamps(snapshot: Snapshot) -> dict[str, Stamp]:
    """A stamp per file of a work-tree snapshot (lstat only: annexed content is never read)."""
    found = {}
    for entry in snapshot.files:
        try:
            info = os.lstat(snapshot.root / entry.path)
        except OSError:
            continue
        found[entry.path] = Stamp(entry.size, info.st_mtime_ns, entry.key)
    return found


def changed(before: Mapping[str, Stamp], after: Snapshot, skip: str) -> list[FileEntry]:
    """Files of `after` that are new or changed since `before`, outside the folder `skip`."""
    now = stamps(after)
    prefix = skip.rstrip("/") + "/"
    return [
        entry
        for entry in after.files
        if not entry.path.startswith(prefix)
        and entry.path in now
        and before.get(entry.path) != now[entry.path]
    ]


def file_record(root: Path, entry: FileEntry, budget: HashBudget) -> dict[str, Any]:
    """Path, size and SHA-256 of a file; an annexed one by its key (SHA-256 only when the key holds it).

    Only regular files inside the repository are hashed, within the run's time (`budget`); for any
    other file `unhashed` says why.
    """
    full = root / entry.path
    if entry.key is not None:
        return {
            "path": entry.path,
            "size": entry.size,
            "sha256": key_sha256(entry.key),
            "annex_key": entry.key,
            "content_present": full.exists(),  # a locked file's link resolves only with content
        }
    digest = budget.sha256(root, entry.path)
    record = {"path": entry.path, "size": entry.size, "sha256": digest, "annex_key": None}
    if digest is None and entry.path in budget.skipped:
        record["unhashed"] = budget.skipped[entry.path]
    return record


def file_records(root: Path, entries: Iterable[FileEntry], budget: HashBudget) -> list[dict[str, Any]]:
    return [file_record(root, entry, budget) for entry in entries if entry.mode != 0o160000]


def key_sha256(key: str) -> str | None:
    """The SHA-256 a SHA256/SHA256E key names (its hash, without the E backend's extension)."""
    backend, _, name = key.partition("--")
    if backend.split("-")[0] not in _SHA256_BACKENDS:
        return None
    digest = name.split(".")[0]
    return digest if len(digest) == 64 and all(c in "0123456789abcdef" for c in digest) else None


def repository_state(root: Path, exclude: str) -> dict[str, Any]:
    """The commit checked out and whether the work tree differs from it (dgbot's report folder aside).

    `changes` names what differs (git status codes), at most 100 paths: a `datalad rerun` for one
    unlocks the outputs it regenerates, which shows here and nowhere else.
    """
    commit = _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    status = _git(root, "status", "--porcelain", "-z", "--", ".", f":(exclude){exclude}")
    changes = [line for line in (status or "").split("\0") if line.strip()]
    return {
        "commit": commit.strip() if commit else None,
        "dirty": None if status is None else bool(changes),
        "changes": [{"status": line[:2].strip(), "path": line[3:]} for line in changes[:100]],
    }


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Python, installed packages, platform and GPUs of the machine that ran the notebooks."""
    packages = {
        dist.metadata["Name"]: dist.version for dist in metadata.distributions() if dist.metadata["Name"]
    }
    return {
        "python": {"version": platform.python_version(), "implementation": platform.python_implementation()},
        "packages": dict(sorted(packages.items(), key=lambda item: item[0].lower())),
        "platform": {
            "system": platform.system(),
            "release": platform.release(),
            "machine": platform.machine(),
            "platform": platform.platform(),
        },
        "gpu": gpu_inventory(environ),
    }
