"""What a webhook delivery means to dgbot, the same for every forge."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from dgbot.errors import EXIT_USAGE, DgbotError


class PayloadError(DgbotError):
    """A correctly signed delivery whose body dgbot cannot read; the message says where."""

    exit_code = EXIT_USAGE


@dataclass(frozen=True)
class Event:
    """A push or pull-request update dgbot governs: which commit of which repository, and why."""

    forge: str
    kind: str  # push, pull_request
    repository: str
    ref: str  # refs/heads/<branch> (the pull request's source branch for pull_request)
    commit: str
    before: str | None = None  # the previous head (push), for the changed files
    number: int | None = None  # the pull/merge request
    installation: int | None = None  # GitHub App installation
    changed: tuple[str, ...] = ()  # files the payload lists as added, modified or removed
    complete: bool = False  # whether `changed` is the whole change (else: compare before..commit)

    @property
    def lane(self) -> str:
        """Jobs of one lane run one at a time: a branch, or a pull request."""
        where = f"pull/{self.number}" if self.kind == "pull_request" else self.ref
        return f"{self.forge}:{self.repository}:{where}"

    @property
    def key(self) -> str:
        """The job's identity: a second delivery of the same event for the same commit is the same job."""
        what = f"pull_request/{self.number}" if self.kind == "pull_request" else self.kind
        return f"{self.forge}:{self.repository}:{what}:{self.commit}"

    def to_json(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in _EVENT_FIELDS}  # flat: no asdict deep copy
        data["changed"] = list(self.changed)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Event:
        return cls(**{**data, "changed": tuple(data.get("changed", ()))})


_EVENT_FIELDS = tuple(f.name for f in fields(Event))


@dataclass(frozen=True)
class Delivery:
    """One authenticated delivery: `outcome` is job (see `event`), ping or ignored."""

    forge: str
    id: str
    name: str  # the forge's event name header
    outcome: str
    repository: str | None = None
    event: Event | None = None
    reason: str = ""  # why it is ignored
