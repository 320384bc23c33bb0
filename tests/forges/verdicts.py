"""Verdicts to publish: failing, passing, with a reproducibility check, with very many findings."""

from __future__ import annotations

from dgbot.records import CheckResult, Finding, Location, Severity, Verdict

SHA = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c"
PLAN = {"path": "dmp.json", "sha256": "ab" * 32, "schema": "basic profile"}


def _dmp(*findings: Finding) -> CheckResult:
    return CheckResult(
        "dmp", "Data Management Plan", findings=findings, description="The plan follows its profile."
    )


def failing(sha: str = SHA, *, repro: bool = False) -> Verdict:
    """The plan has an error, the data volume is over the limit."""
    wrong = Finding(
        "dmp.schema",
        "enum",
        Severity.ERROR,
        'the text "100 GB" is not allowed here',
        Location("dmp.json", 3, 14, "$.contentSize"),
        hint='did you mean "100GB"?',
    )
    over = Finding(
        "volume", "limit", Severity.ERROR, "the data take 12.0 GiB, over the plan's limit of 10 GiB"
    )
    note = Finding(
        "access",
        "personal-data",
        Severity.WARNING,
        "input_data/names.csv may hold personal data",
        Location("input_data/names.csv", 2),
    )
    checks = [
        _dmp(wrong),
        CheckResult("volume", "Data volume", (over,)),
        CheckResult("access", "Access", (note,)),
    ]
    if repro:
        checks.append(CheckResult("reproducibility", "Reproducibility", ()))
    return Verdict(tuple(checks), "0.1.0", repository="lab/data", commit=sha, plan=PLAN)


def passing(sha: str = SHA) -> Verdict:
    checks = (
        _dmp(),
        CheckResult("volume", "Data volume"),
        CheckResult("reproducibility", "Reproducibility", skipped="no notebooks"),
    )
    return Verdict(checks, "0.1.0", repository="lab/data", commit=sha, plan=PLAN)


def many_findings(count: int, sha: str = SHA) -> Verdict:
    """A verdict whose Markdown report is far longer than any forge takes."""
    findings = tuple(
        Finding(
            "formats",
            "unplanned-format",
            Severity.ERROR,
            f"file number {i} has a format the plan does not list " + "x" * 120,
            Location(f"data/run-{i:06d}/recording.bin", i + 1),
        )
        for i in range(count)
    )
    checks = (_dmp(), CheckResult("formats", "File formats", findings))
    return Verdict(checks, "0.1.0", repository="lab/data", commit=sha, plan=PLAN)
