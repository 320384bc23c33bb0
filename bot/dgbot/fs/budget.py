"""The time one command may spend hashing repository files, and what it left unhashed and why."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from dgbot.errors import UnsafePathError
from dgbot.fs.read import hash_regular
from dgbot.words import _

HASH_SECONDS = 600.0  # a run's total; files in git are small, data is annexed and hashed by key


@dataclass
class HashBudget:
    """A total time for hashing, shared by every file one command hashes (a run, a crate)."""

    seconds: float = HASH_SECONDS
    deadline: float = field(init=False)
    skipped: dict[str, str] = field(default_factory=dict)  # path -> why it was not hashed

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.seconds

    def sha256(self, root: Path, relpath: str, follow: bool = True) -> str | None:
        """SHA-256 of a regular file inside `root`; None (and why, in `skipped`) when refused or late."""
        try:
            found = hash_regular(root, relpath, self.deadline, follow)
        except (UnsafePathError, OSError) as exc:
            self.refuse(relpath, exc)
            return None
        if found is None:
            said = _("{path} was not hashed: the {seconds} s dgbot spends hashing ran out")
            reason = said.format(path=relpath, seconds=f"{self.seconds:g}")
            self.skipped.setdefault(relpath, reason)
        return found

    def refuse(self, relpath: str, exc: UnsafePathError | OSError) -> None:
        """Note that `relpath` was not read, and why."""
        if isinstance(exc, UnsafePathError):
            reason = str(exc)
        else:
            reason = _("{path} cannot be read: {reason}").format(path=relpath, reason=exc.strerror or exc)
        self.skipped.setdefault(relpath, reason)
