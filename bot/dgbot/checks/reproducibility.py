"""reproducibility: the outputs a re-run produced against those the repository recorded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from dgbot.checks.base import CheckSkipped, check
from dgbot.config import Settings
from dgbot.dmp.plan import Plan
from dgbot.errors import UnsafePathError
from dgbot.fs.read import RECORD_LIMIT, read_regular
from dgbot.records import Finding, Location, Severity
from dgbot.snapshot.model import Snapshot

CHECK = "reproducibility"
PROVENANCE = "provenance.json"  # what `dgbot run` writes into the report folder


def _record(snapshot: Snapshot, settings: Settings) -> tuple[str, dict[str, Any]]:
    """The provenance of the last `dgbot run` in this work tree (dgbot's own output, read from disk)."""
    if snapshot.commit is not None:
        raise CheckSkipped("notebooks run in the repository's CI, not on a commit alone")
    path = snapshot.root / settings.report_dir / PROVENANCE
    try:  # a symlink (to /dev/zero, to a forged record) or a FIFO is refused, never read
        record = json.loads(read_regular(path.parent, path.name, RECORD_LIMIT).decode("utf-8"))
    except FileNotFoundError:
        raise CheckSkipped(
            "no run to compare: `dgbot run` (or `dgbot ci`) executes the notebooks first"
        ) from None
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path} cannot be read: {exc}") from None
    return str(path), record


def _short(digest: str | None) -> str:
    return digest[:12] if digest else "nothing"


@check(
    CHECK,
    "Reproducibility",
    Severity.ERROR,
    """After `dgbot run` (or the execute stage of `dgbot ci`), every output the plan lists in
    reproducibility.outputs must come out of the re-run as the repository recorded it:
    byte for byte, except notebooks, which are compared with execution counts, metadata,
    timestamps and memory addresses masked. An output the run no longer makes is an error;
    one it makes for the first time is a notice.""",
)
def check_reproducibility(plan: Plan, snapshot: Snapshot, settings: Settings) -> Iterator[Finding]:
    """The re-run's outputs against the recorded ones, from the run's provenance."""
    if not plan.reproducibility.outputs:
        raise CheckSkipped("the plan lists no outputs to reproduce")
    try:
        where, record = _record(snapshot, settings)
    except UnsafePathError as exc:  # hostile content: a failure located at the record, not a crash
        where = f"{settings.report_dir.rstrip('/')}/{PROVENANCE}"
        yield Finding(
            CHECK, "unsafe-path", Severity.ERROR, f"the run's record is refused: {exc}", Location(where)
        )
        return
    block = record.get("reproducibility")
    if record.get("status") != "success" or not isinstance(block, dict):
        why = (
            "the run failed"
            if record.get("status") != "success"
            else "the run recorded no outputs to compare"
        )
        yield Finding(CHECK, "no-rerun", Severity.ERROR, f"{why}, so nothing was reproduced", Location(where))
        return
    for output in block.get("outputs", []):
        path, before, after = output.get("path"), output.get("recorded"), output.get("rerun")
        if before == after:
            continue
        if before is None:
            message, rule, severity = (
                f"{path} is new: the run made it, the repository had none",
                "new-output",
                Severity.NOTICE,
            )
        elif after is None:
            message, rule, severity = (
                f"{path} was not made again by the re-run",
                "missing-output",
                Severity.ERROR,
            )
        else:
            message = f"{path} came out different (recorded {_short(before)}…, re-run {_short(after)}…)"
            rule, severity = "changed-output", Severity.ERROR
        yield Finding(
            CHECK,
            rule,
            severity,
            message,
            Location(path),
            hint="fix seeds and sources of randomness, or record the new outputs with `dgbot record`",
        )
