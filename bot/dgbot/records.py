"""Results as records: a Finding is one located problem, a Verdict the fold over them."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"


class Status(StrEnum):
    """Outcome of a check or of a whole verdict."""

    SUCCESS = "success"
    FAILURE = "failure"
    ERROR = "error"  # dgbot could not decide (an internal error), never a silent pass
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Location:
    """Where a finding points: a file, optionally a 1-based line/column and a JSON path."""

    path: str | None = None
    line: int | None = None
    column: int | None = None
    json_path: str | None = None

    def __str__(self) -> str:
        head = self.path or ""
        if self.line is not None:
            head += f":{self.line}"
            if self.column is not None:
                head += f":{self.column}"
        if self.json_path:
            return f"{head} {self.json_path}" if head else self.json_path
        return head


@dataclass(frozen=True)
class Finding:
    """One problem (or notice) found by a check, with a stable rule id."""

    check: str  # check id, e.g. "dmp.schema"
    rule: str  # what was broken, stable for fingerprints, e.g. "required"
    severity: Severity
    message: str
    location: Location = field(default_factory=Location)
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        loc = self.location
        return {
            "check": self.check,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "path": loc.path,
            "line": loc.line,
            "column": loc.column,
            "json_path": loc.json_path,
            "hint": self.hint,
        }


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: its findings and, when it could not run, why."""

    id: str
    title: str
    findings: tuple[Finding, ...] = ()
    skipped: str | None = None  # reason, when the check did not run
    crashed: str | None = None  # message, when the check raised
    description: str = ""  # what the check verifies, for reports

    @property
    def status(self) -> Status:
        if self.crashed is not None:
            return Status.ERROR
        if self.skipped is not None:
            return Status.SKIPPED
        if any(f.severity is Severity.ERROR for f in self.findings):
            return Status.FAILURE
        return Status.SUCCESS

    def counts(self) -> dict[str, int]:
        """Findings of this check per severity, every severity present."""
        return count_severities(self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "status": self.status.value,
            "skipped": self.skipped,
            "crashed": self.crashed,
            "findings": [f.to_dict() for f in self.findings],
        }


_STATUS_ORDER = (Status.ERROR, Status.FAILURE)


@dataclass(frozen=True)
class Verdict:
    """The governance verdict of one run, computed from what it was computed from."""

    checks: tuple[CheckResult, ...]
    dgbot_version: str
    repository: str | None = None
    commit: str | None = None
    plan: Mapping[str, Any] | None = None  # path, sha256, profile, form
    language: str | None = None  # of its messages (dgbot.words); None in verdicts older than the field

    @property
    def status(self) -> Status:
        statuses = {c.status for c in self.checks}
        for worst in _STATUS_ORDER:
            if worst in statuses:
                return worst
        return Status.SUCCESS

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for c in self.checks for f in c.findings)

    def counts(self) -> dict[str, int]:
        return count_severities(self.findings)

    def to_dict(self) -> dict[str, Any]:
        """The verdict as documented by schemas/verdict.schema.json."""
        return {
            "verdict_version": 1,
            "status": self.status.value,
            "dgbot_version": self.dgbot_version,
            "repository": self.repository,
            "commit": self.commit,
            "plan": dict(self.plan) if self.plan is not None else None,
            **({"language": self.language} if self.language is not None else {}),
            "counts": self.counts(),
            "checks": [c.to_dict() for c in self.checks],
        }


def sort_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Findings in reading order: by file, line, column, then message."""

    def key(f: Finding) -> tuple[str, int, int, str]:
        loc = f.location
        return (loc.path or "", loc.line or 0, loc.column or 0, f.message)

    return tuple(sorted(findings, key=key))


def count_severities(findings: Iterable[Finding]) -> dict[str, int]:
    """How many findings of each severity, in severity order, zeros included."""
    counted = {s.value: 0 for s in Severity}
    for finding in findings:
        counted[finding.severity.value] += 1
    return counted


def fingerprint_findings(findings: Iterable[Finding]) -> tuple[str, ...]:
    """A stable, unique identity per finding (SHA-256 hex), for Code Quality and SARIF.

    Built from the check, the rule, the path and the JSON path, never the line, so a
    finding keeps its identity when lines are added above it. The message joins in only
    for findings those four do not tell apart, and a counter for exact duplicates.
    """
    listed = tuple(findings)
    keys = [(f.check, f.rule, f.location.path or "", f.location.json_path or "") for f in listed]
    tally = Counter(keys)
    seen: Counter[tuple[str, ...]] = Counter()
    prints = []
    for finding, key in zip(listed, keys, strict=True):
        full: tuple[str, ...] = (*key, finding.message) if tally[key] > 1 else key
        seen[full] += 1
        parts = [*full, str(seen[full])] if seen[full] > 1 else list(full)
        prints.append(hashlib.sha256(json.dumps(["dgbot/v1", *parts]).encode()).hexdigest())
    return tuple(prints)
