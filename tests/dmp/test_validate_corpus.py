"""Acceptance on real maDMPs: official examples pass, real published ones name their problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import corpus_files
from dgbot.dmp import validate_file
from dgbot.records import Severity

pytestmark = pytest.mark.corpus


def _errors(path: Path) -> list[str]:
    validation = validate_file(path, path.name)
    return [f"{f.location} {f.message}" for f in validation.findings if f.severity is Severity.ERROR]


@pytest.mark.parametrize("path", corpus_files("madmp/rda-examples-v1.2"), ids=lambda p: p.name)
def test_official_1_2_examples_are_valid(path: Path) -> None:
    validation = validate_file(path)
    assert validation.valid, _errors(path)
    assert validation.choice is not None and validation.choice.label == "RDA maDMP 1.2"
    assert validation.plan is not None and validation.plan.title


def test_official_example_with_modified_before_created_gets_a_warning() -> None:
    (path,) = [p for p in corpus_files("madmp/rda-examples-v1.2") if p.name == "ex10-fairsharing.json"]
    validation = validate_file(path, path.name)
    assert validation.valid
    (warning,) = [f for f in validation.findings if f.severity is Severity.WARNING]
    assert warning.rule == "modified-before-created"
    assert str(warning.location) == "ex10-fairsharing.json:63:5 $.dmp.modified"


def test_all_ten_official_examples_are_there() -> None:
    assert len(corpus_files("madmp/rda-examples-v1.2")) == 10


@pytest.mark.parametrize("path", corpus_files("madmp/rda-examples-v1.1"), ids=lambda p: p.name)
def test_2023_copies_report_date_times_without_timezone(path: Path) -> None:
    errors = _errors(path)
    if path.name == "ex9-dmp-long.json":  # its date-times carry a timezone; it is valid 1.1/1.0
        assert errors == []
        return
    assert errors, "a date-time without timezone must not pass"
    assert any("$.dmp.created" in e and "without a timezone" in e for e in errors), errors
    # every error is located: file:line:column and a JSON path
    assert all(e.startswith(f"{path.name}:") and " $." in e for e in errors)


def test_published_maDMP_with_string_is_reused_is_located() -> None:
    (path,) = [p for p in corpus_files("madmp/zenodo-published") if p.name == "1.json"]
    errors = _errors(path)
    assert (
        '1.json:36:22 $.dmp.dataset[0].is_reused expected true or false, found the text "produced"' in errors
    )
    assert any("$.dmp.created" in e and "without a timezone" in e for e in errors)


def test_damap_export_created_as_a_number_is_located() -> None:
    (path,) = corpus_files("madmp/damap-export")
    errors = _errors(path)
    assert any(
        "$.dmp.created" in e and "expected a text, found the number 1702466520326" in e for e in errors
    )
    assert any("$.dmp['dmp_id']" in e or "dmp_id" in e for e in errors)  # no dmp_id at all
    assert any("start_date" in e for e in errors)  # licence without start_date
    assert len(errors) >= 20  # every problem at once, not the first one only


@pytest.mark.parametrize("path", corpus_files("madmp/zenodo-published"), ids=lambda p: p.name)
def test_published_maDMPs_never_crash_and_locate_each_error(path: Path) -> None:
    validation = validate_file(path, path.name)
    for finding in validation.findings:
        assert finding.location.path == path.name
        assert finding.location.line is not None and finding.location.json_path is not None
