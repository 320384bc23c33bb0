"""Reading a verdict JSON back (`dgbot publish --verdict FILE`): validated, located, consistent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dgbot.dmp.jsonload import load_json
from dgbot.dmp.schema import errors
from dgbot.dmp.source import Document, LoadFailure, digest
from dgbot.errors import EXIT_FAILURE, DgbotError
from dgbot.records import CheckResult, Finding, Location, Severity, Verdict
from dgbot.words import _

SCHEMA = "verdict.schema.json"
MAX_VERDICT_BYTES = 512 * 1024 * 1024
SHOWN = 20  # problems listed in the message


class VerdictFileError(DgbotError):
    """The verdict file cannot be trusted: unreadable, not JSON, off-schema or inconsistent."""

    exit_code = EXIT_FAILURE


def _fail(name: str, problems: list[str]) -> VerdictFileError:
    more = (
        "\n  " + _("... and {count} more").format(count=len(problems) - SHOWN)
        if len(problems) > SHOWN
        else ""
    )
    listed = "\n".join(f"  {p}" for p in problems[:SHOWN])
    said = _("{name} is not a verdict dgbot can publish:").format(name=name)
    return VerdictFileError(f"{said}\n{listed}{more}")


def _document(path: Path, name: str) -> Document:
    try:
        if path.stat().st_size > MAX_VERDICT_BYTES:
            raise _fail(name, [_("{name}: the file is larger than 512 MB").format(name=name)])
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        data, positions = load_json(text)
    except OSError as exc:
        said = _("{name}: cannot read the file: {reason}").format(name=name, reason=exc.strerror or exc)
        raise _fail(name, [said]) from None
    except UnicodeDecodeError as exc:
        raise _fail(
            name, [_("{name}: not UTF-8 (offset {offset})").format(name=name, offset=exc.start)]
        ) from None
    except LoadFailure as failure:
        raise _fail(name, [f"{failure.finding(name).location}: {failure.message}"]) from None
    return Document(name, "json", data, digest(raw), positions)


def _finding(data: dict[str, Any]) -> Finding:
    location = Location(data["path"], data["line"], data["column"], data["json_path"])
    return Finding(
        data["check"], data["rule"], Severity(data["severity"]), data["message"], location, data["hint"]
    )


def _check(data: dict[str, Any]) -> CheckResult:
    findings = tuple(_finding(f) for f in data["findings"])
    return CheckResult(
        data["id"], data["title"], findings, data["skipped"], data["crashed"], data["description"]
    )


def _inconsistencies(document: Document, verdict: Verdict) -> list[str]:
    data, problems = document.data, []
    for index, (check, recorded) in enumerate(zip(verdict.checks, data["checks"], strict=True)):
        if check.status.value != recorded["status"]:
            where = document.locate(("checks", index, "status"))
            said = _("{where}: says {recorded} but its findings make it {status}")
            problems.append(
                said.format(where=where, recorded=repr(recorded["status"]), status=repr(check.status.value))
            )
    if verdict.status.value != data["status"]:
        where = document.locate(("status",))
        said = _("{where}: says {recorded}, its checks make it {status}")
        problems.append(
            said.format(where=where, recorded=repr(data["status"]), status=repr(verdict.status.value))
        )
    if verdict.counts() != data["counts"]:
        where = document.locate(("counts",))
        problems.append(_("{where}: the counts do not match the findings").format(where=where))
    return problems


def load_verdict(path: Path, name: str | None = None) -> Verdict:
    """The Verdict written by `dgbot check --format json`; VerdictFileError says every problem, located."""
    name = name or str(path)
    document = _document(path, name)
    found = errors(document, SCHEMA, check="verdict")
    if found:
        raise _fail(name, [f"{f.location}: {f.message}" for f in found])
    data = document.data
    verdict = Verdict(
        tuple(_check(c) for c in data["checks"]),
        data["dgbot_version"],
        repository=data["repository"],
        commit=data["commit"],
        plan=data["plan"],
        language=data.get("language"),
    )
    problems = _inconsistencies(document, verdict)
    if problems:
        raise _fail(name, problems)
    return verdict
