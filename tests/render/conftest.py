"""Verdicts as the checks produce them, for every report format: passing, failing, hostile."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dgbot.records import CheckResult, Finding, Location, Severity, Verdict

HOSTILE = (
    "<script>alert(1)</script> @here [x](javascript:alert(1)) | a | b | `rm -rf` "
    "<details open><summary>x</summary> ![img](https://evil.example/p.png) #1 & &lt;"
)
COMMIT = "0123456789abcdef0123456789abcdef01234567"
PLAN = {"path": "dmp.json", "sha256": "ab" * 32, "schema": "basic"}
DMP = ("dmp", "Data Management Plan", "The plan parses and follows its profile or the maDMP standard.")


def _check(spec: tuple[str, str, str], *findings: Finding, **outcome: str) -> CheckResult:
    id_, title, about = spec
    return CheckResult(id_, title, findings=findings, description=about, **outcome)


VOLUME = ("volume", "Data volume", "Total size of the experiment data against the plan's limit.")
STRUCTURE = ("structure", "Folder structure", "Folders required by the plan's datasetStructure.")
LICENSE = ("license", "Licence", "The plan's licence, LICENSE, datacite.yml and RO-Crate agree.")
ACCESS = ("access", "Access and personal data", "Sensitive data is not published openly.")
DATACITE = ("datacite", "GIN datacite.yml", "datacite.yml follows the rules of GIN's DOI service.")


def make_passing() -> Verdict:
    """Every check passed; one notice."""
    notice = Finding(
        "dmp.semantic",
        "no-contact",
        Severity.NOTICE,
        "the plan names no contact person",
        Location("dmp.json"),
    )
    checks = (_check(DMP, notice), _check(VOLUME), _check(STRUCTURE))
    return Verdict(checks, "0.1.0", repository="repo", commit=COMMIT, plan=PLAN)


def make_failing() -> Verdict:
    """Failures with a hostile message, a crash, a skip, a finding with no file and unicode."""
    hostile = Finding(
        "dmp.schema",
        "enum",
        Severity.ERROR,
        f'the text "{HOSTILE}" is not allowed here',
        Location("dmp.json", 12, 5, "$.datasets[0].accessRights"),
        hint="one of: open, restricted, closed",
    )
    missing = Finding(
        "dmp.schema", "required", Severity.ERROR, 'missing field "title"', Location("dmp.json", 1, 1, "$")
    )
    volume = Finding(
        "volume", "limit", Severity.ERROR, "the data take 12.0 GiB, over the plan's limit of 10 GiB"
    )
    folder = Finding(
        "structure", "missing-folder", Severity.ERROR, "required folder input_data/ is missing", Location(".")
    )
    unicode = Finding(
        "access",
        "personal-data",
        Severity.WARNING,
        "「被験者名簿.csv」は個人情報を含む可能性があります — Daten über Probanden",
        Location("input_data/被験者 名簿.csv", 3),
    )
    checks = (
        _check(DMP, hostile, missing),
        _check(VOLUME, volume),
        _check(STRUCTURE, folder),
        _check(LICENSE, crashed="KeyError: 'spdx'"),
        _check(ACCESS, unicode),
        _check(DATACITE, skipped="no datacite.yml in the repository"),
    )
    return Verdict(checks, "0.1.0", repository="repo", commit=COMMIT, plan=PLAN)


def make_without_plan() -> Verdict:
    """No plan could be read: the verdict names none, and a finding has no file."""
    lost = Finding("dmp.load", "no-plan", Severity.ERROR, "no dmp.json, dmp.yaml or dmp.yml found")
    return Verdict((_check(DMP, lost),), "0.1.0")


def make_many(count: int, message: str = "value {i} is not allowed here") -> Verdict:
    """A failing verdict with `count` findings spread over two checks."""
    findings = [
        Finding(
            "dmp.schema",
            "enum",
            Severity.ERROR if i % 3 else Severity.WARNING,
            message.format(i=i),
            Location("dmp.json", i + 1, 3, f"$.datasets[{i}].format"),
        )
        for i in range(count)
    ]
    half = count // 2
    checks = (_check(DMP, *findings[:half]), _check(STRUCTURE, *findings[half:]))
    return Verdict(checks, "0.1.0", commit=COMMIT, plan=PLAN)


VERDICTS: dict[str, Callable[[], Verdict]] = {
    "passing": make_passing,
    "failing": make_failing,
    "without-plan": make_without_plan,
}


@pytest.fixture
def passing() -> Verdict:
    return make_passing()


@pytest.fixture
def failing() -> Verdict:
    return make_failing()


@pytest.fixture
def without_plan() -> Verdict:
    return make_without_plan()


@pytest.fixture(params=sorted(VERDICTS))
def any_verdict(request: pytest.FixtureRequest) -> Verdict:
    return VERDICTS[request.param]()


@pytest.fixture
def many() -> Callable[..., Verdict]:
    return make_many


@pytest.fixture
def hostile() -> str:
    return HOSTILE
