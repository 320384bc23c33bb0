"""GitHub Actions workflow commands (`::error file=...,line=...::message`) from a verdict."""

from __future__ import annotations

from collections.abc import Callable

from dgbot.records import Finding, Severity, Verdict
from dgbot.render.escape import visible
from dgbot.words import ngettext

# GitHub shows 10 annotations of each kind per step (50 per job); the rest are dropped silently.
PER_KIND = 10
_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTICE: "notice"}
MESSAGE_LIMIT = 4_000  # characters of one annotation's message; GitHub folds longer ones anyway


def escape_data(text: str) -> str:
    """The message part of a workflow command: %, CR and LF escaped as the runner expects."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (file=, title=): also ":" and "," escaped, which end a property."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(finding: Finding, path_of: Callable[[str], str]) -> str:
    """One annotation; repository text is made `visible` first, so only dgbot's own line breaks remain."""
    loc = finding.location
    props = [f"title={escape_property(visible(f'dgbot {finding.check}: {finding.rule}'))}"]
    if loc.path:
        props.insert(0, f"file={escape_property(visible(path_of(loc.path)))}")
        if loc.line is not None:
            props.insert(1, f"line={loc.line}")
            if loc.column is not None:
                props.insert(2, f"col={loc.column}")
    message = visible(finding.message if not loc.json_path else f"{loc.json_path}: {finding.message}")
    if finding.hint:
        message += f"\n{visible(finding.hint)}"
    message = message[:MESSAGE_LIMIT]
    return f"::{_COMMAND[finding.severity]} {','.join(props)}::{escape_data(message)}"


def render_annotations(
    verdict: Verdict, path_of: Callable[[str], str] = str, per_kind: int = PER_KIND
) -> list[str]:
    """Workflow commands for the most severe findings, at most `per_kind` of each severity.

    `path_of` maps a repository path to the path GitHub knows (relative to the workspace).
    When findings are left out, one more notice says how many and where to read them all.
    """
    shown: dict[Severity, list[Finding]] = {severity: [] for severity in Severity}
    for finding in verdict.findings:
        shown[finding.severity].append(finding)
    room = dict.fromkeys(Severity, per_kind)
    if any(len(found) > per_kind for found in shown.values()):
        room[Severity.NOTICE] = per_kind - 1  # the note below is a notice too
    dropped = sum(max(0, len(shown[s]) - room[s]) for s in Severity)
    # errors first, then warnings, then notices (Severity's order)
    lines = [_command(f, path_of) for severity in Severity for f in shown[severity][: room[severity]]]
    if dropped:
        note = ngettext(
            "{count} more finding not shown as annotations (GitHub shows {limit} of each kind per step); "
            "see the job summary and report.",
            "{count} more findings not shown as annotations (GitHub shows {limit} of each kind per step); "
            "see the job summary and report.",
            dropped,
        ).format(count=dropped, limit=per_kind)
        lines.append(f"::notice title=dgbot::{escape_data(note)}")
    return lines
