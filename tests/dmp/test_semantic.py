"""Rules beyond the schema: dates, sizes against contentSize, open personal data, embargoes."""

from __future__ import annotations

from pathlib import Path

import pytest

from dgbot.dmp import validate_file
from dgbot.records import Severity

HEAD = "schema: basic\nworkflowIdentifier: basic\ncontentSize: 10GB\ndatasetStructure: with_code\n"


def _findings(tmp_path: Path, body: str) -> list[tuple[str, str, str]]:
    (tmp_path / "dmp.yaml").write_text(HEAD + body)
    validation = validate_file(tmp_path / "dmp.yaml", "dmp.yaml")
    assert validation.plan is not None, validation.findings
    return [(f.severity.value, f.rule, f"{f.location} {f.message}") for f in validation.findings]


def test_modified_before_created_is_flagged(tmp_path: Path) -> None:
    (finding,) = _findings(tmp_path, "created: 2026-05-01\nmodified: 2026-04-30T23:00:00+09:00\n")
    assert finding[:2] == ("warning", "modified-before-created")
    assert finding[2].startswith("dmp.yaml:6:1 $.modified")


def test_dates_in_order_across_timezones_pass(tmp_path: Path) -> None:
    assert _findings(tmp_path, "created: 2026-05-01T09:00:00+09:00\nmodified: 2026-05-01T00:30:00Z\n") == []


def test_a_dataset_larger_than_the_plan_limit_is_an_error(tmp_path: Path) -> None:
    body = "datasets:\n  - title: Raw video\n    plannedSize: 12 GB\n  - title: Small\n    plannedSize: 1GB\n"
    (finding,) = _findings(tmp_path, body)
    assert finding[:2] == ("error", "dataset-over-limit")
    assert finding[2] == (
        'dmp.yaml:7:18 $.datasets[0].plannedSize dataset "Raw video" plans 12 GB, more than the '
        "plan's limit of 10GB (contentSize)"
    )


def test_limit_is_1024_based(tmp_path: Path) -> None:
    # 10 GB = 10 * 1024**3 bytes: exactly at the limit passes, one byte more does not
    exact = f"datasets:\n  - title: A\n    plannedSize: {10 * 1024**3}\n"
    assert _findings(tmp_path, exact) == []
    over = f"datasets:\n  - title: A\n    plannedSize: {10 * 1024**3 + 1}\n"
    assert [f[1] for f in _findings(tmp_path, over)] == ["dataset-over-limit"]


def test_sizes_that_round_alike_are_shown_with_the_digits_that_tell_them_apart(tmp_path: Path) -> None:
    body = "datasets:\n  - title: A\n    plannedSize: 10.01GB\n"  # format_size writes both as "10 GB"
    (finding,) = _findings(tmp_path, body)
    assert "plans 10.01 GB, more than the plan's limit of 10.00 GB" in finding[2]
    together = "datasets:\n  - title: A\n    plannedSize: 5GB\n  - title: B\n    plannedSize: 5.01GB\n"
    (finding,) = _findings(tmp_path, together)
    assert finding[1] == "total-over-limit" and "plan 10.01 GB, more than the limit of 10.00 GB" in finding[2]


def test_datasets_together_over_the_limit_warn(tmp_path: Path) -> None:
    body = "datasets:\n  - title: A\n    plannedSize: 6GB\n  - title: B\n    plannedSize: 6GB\n"
    (finding,) = _findings(tmp_path, body)
    assert finding[:2] == ("warning", "total-over-limit")
    assert "12 GB" in finding[2]
    assert "$.contentSize" in finding[2]


def test_a_dataset_inside_another_is_counted_once_in_the_total(tmp_path: Path) -> None:
    """BIDS plans declare the dataset and its sub-* folders: the outer one's size includes them."""
    body = (
        "datasets:\n  - title: All\n    path: .\n    plannedSize: 8GB\n"
        "  - title: Subject 1\n    path: sub-01\n    plannedSize: 5GB\n"
        "  - title: Subject 1 anatomy\n    path: ./sub-01/anat/\n    plannedSize: 4GB\n"
    )
    assert _findings(tmp_path, body) == []  # 8 GB in all, not 17 GB
    apart = body.replace("path: .\n", "path: derivatives\n")  # now All is beside sub-01: 8 + 5 GB
    (finding,) = _findings(tmp_path, apart)
    assert finding[:2] == ("warning", "total-over-limit") and "13 GB" in finding[2]


@pytest.mark.parametrize(("field", "word"), [("personalData", "personal"), ("sensitiveData", "sensitive")])
def test_personal_or_sensitive_data_with_open_access_is_flagged(
    tmp_path: Path, field: str, word: str
) -> None:
    body = f"datasets:\n  - title: Interviews\n    accessRights: open\n    {field}: 'yes'\n"
    (finding,) = _findings(tmp_path, body)
    assert finding[:2] == ("warning", "open-personal-data")
    assert f"holds {word} data but is planned for open access" in finding[2]


def test_personal_data_with_restricted_access_passes(tmp_path: Path) -> None:
    body = "datasets:\n  - title: Interviews\n    accessRights: shared\n    personalData: 'yes'\n"
    assert _findings(tmp_path, body) == []


def test_licence_start_after_issue_is_an_embargo_notice_not_an_error(tmp_path: Path) -> None:
    body = "datasets:\n  - title: A\n    issued: 2026-01-01\n    availableFrom: 2027-01-01\n"
    (finding,) = _findings(tmp_path, body)
    assert finding[:2] == ("notice", "embargo")
    assert "issued 2026-01-01, access opens 2027-01-01" in finding[2]


def test_embargoed_access_without_a_date_warns(tmp_path: Path) -> None:
    (finding,) = _findings(tmp_path, "datasets:\n  - title: A\n    accessRights: embargoed\n")
    assert finding[:2] == ("warning", "embargo-without-date")


@pytest.mark.corpus
def test_madmp_embargo_example_is_recognised() -> None:
    from conftest import corpus_files

    (path,) = [p for p in corpus_files("madmp/rda-examples-v1.2") if p.name == "ex4-dataset-embargo.json"]
    validation = validate_file(path, path.name)
    assert validation.valid
    notices = [f for f in validation.findings if f.severity is Severity.NOTICE]
    assert [f.rule for f in notices] == ["embargo"]
    assert "issued 2019-06-30, access opens 2021-06-30" in notices[0].message
