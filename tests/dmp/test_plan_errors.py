"""Plan errors: one size grammar, every error in one pass, suggestions for unknown fields and licences."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dgbot.dmp import validate_bytes
from dgbot.dmp.units import parse_amount, parse_size, read_size
from dgbot.records import Severity

GB = 1024**3
GOVERNANCE = {
    "schema": "basic",
    "workflowIdentifier": "basic",
    "contentSize": "10GB",
    "datasetStructure": "with_code",
}


def _validate(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(severity, rule, "line json_path message") of every finding, for a plan written as indented JSON."""
    validation = validate_bytes(json.dumps(doc, ensure_ascii=False, indent=2).encode(), "dmp.json")
    return [(f.severity.value, f.rule, f"{f.location} {f.message}") for f in validation.findings]


def _line(doc: dict[str, Any], needle: str) -> int:
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# -- one size grammar -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("100GB", 100 * GB),
        ("100 GB", 100 * GB),
        ("100 gb", 100 * GB),
        ("1.5TB", int(1.5 * 1024 * GB)),
        ("20 GiB", 20 * GB),
        ("20 gib", 20 * GB),
        ("512 KiB", 512 * 1024),
        ("3 B", 3),
        ("2 PiB", 2 * 1024**5),
    ],
)
def test_the_size_grammar(text: str, size: int) -> None:
    assert parse_size(text) == size
    assert parse_amount(text) == size


@pytest.mark.parametrize(
    "text", ["100", "100 GBs", "100  GB", " 100GB", "GB", "1,5GB", "100 gigabytes", "iB", "1 iB", "-1GB"]
)
def test_texts_outside_the_grammar(text: str) -> None:
    assert parse_size(text) is None


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("約50GB", 50 * GB),
        ("50GB程度", 50 * GB),
        ("約 50 GB 程度", 50 * GB),
        ("５０ＧＢ", 50 * GB),
        ("50 GB前後", 50 * GB),
    ],
)
def test_the_prototypes_free_text_may_say_about(text: str, size: int) -> None:
    assert parse_amount(text) == size
    assert parse_size(text) is None  # only in the free-text amounts


def test_a_number_is_bytes_and_only_a_whole_one() -> None:
    assert (read_size(52428800), read_size(0), read_size(-1), read_size(1.5), read_size(True)) == (
        52428800,
        0,
        None,
        None,
        None,
    )


@pytest.mark.parametrize("written", ["100 GB", "100gb", "100 GiB", 107374182400])
def test_content_size_takes_every_size_planned_size_takes(written: Any) -> None:
    doc = {**GOVERNANCE, "contentSize": written, "datasets": [{"title": "d", "plannedSize": written}]}
    validation = validate_bytes(json.dumps(doc).encode(), "dmp.json")
    assert validation.valid, validation.findings
    assert validation.plan is not None
    assert validation.plan.size_limit == validation.plan.datasets[0].planned_size == 100 * GB


def test_a_size_error_is_at_the_sizes_own_line() -> None:
    doc = {**GOVERNANCE, "datasets": [{"title": "d", "path": "input_data", "plannedSize": "20 gigabytes"}]}
    ((severity, rule, text),) = _validate(doc)
    assert (severity, rule) == ("error", "format")
    assert text.startswith(
        f'dmp.json:{_line(doc, "gigabytes")}:22 $.datasets[0].plannedSize the text "20 gigabytes" '
        "is not a size"
    )


def test_an_over_limit_error_is_at_the_planned_sizes_line() -> None:
    doc = {**GOVERNANCE, "datasets": [{"title": "d", "path": "input_data", "plannedSize": "20 GB"}]}
    ((severity, rule, text),) = _validate(doc)
    assert (severity, rule) == ("error", "dataset-over-limit")
    assert text.startswith(
        f'dmp.json:{_line(doc, "20 GB")}:22 $.datasets[0].plannedSize dataset "d" plans 20 GB'
    )


# -- every error in one pass --------------------------------------------------------------


def test_semantic_errors_come_with_the_schema_errors() -> None:
    doc = {
        **GOVERNANCE,
        "datasets": [
            {"title": "bad path", "path": "../outside", "plannedSize": "1GB"},
            {"title": "too big", "path": "input_data", "plannedSize": "20GB"},
            {
                "title": "names",
                "path": "output_data",
                "accessRights": "open",
                "personalData": "yes",
                "license": "CC BY 4.0",
            },
        ],
    }
    found = {(severity, rule, text.split(" ", 2)[1]) for severity, rule, text in _validate(doc)}
    assert found == {
        ("error", "pattern", "$.datasets[0].path"),
        ("error", "license", "$.datasets[2].license"),
        ("error", "dataset-over-limit", "$.datasets[1].plannedSize"),
        ("warning", "open-personal-data", "$.datasets[2]"),
    }
    validation = validate_bytes(json.dumps(doc).encode(), "dmp.json")
    assert validation.plan is None and not validation.valid  # a plan with errors is never handed on


def test_a_wrong_value_is_left_out_of_the_semantic_checks() -> None:
    """The wrong entry is a hole: the entries after it keep their JSON paths."""
    doc = {**GOVERNANCE, "datasets": ["not a dataset", {"title": "too big", "plannedSize": "11GB"}]}
    found = [(rule, text.split(" ", 2)[1]) for _, rule, text in _validate(doc)]
    assert found == [("type", "$.datasets[0]"), ("dataset-over-limit", "$.datasets[1].plannedSize")]


def test_a_wrong_limit_leaves_no_limit_to_compare_with() -> None:
    doc = {**GOVERNANCE, "contentSize": "lots", "datasets": [{"title": "d", "plannedSize": "20GB"}]}
    assert [rule for _, rule, _ in _validate(doc)] == ["format"]


def test_a_missing_required_field_keeps_the_rest_checked() -> None:
    doc = {k: v for k, v in GOVERNANCE.items() if k != "workflowIdentifier"}
    doc["datasets"] = [{"title": "d", "plannedSize": "20GB"}]
    assert [rule for _, rule, _ in _validate(doc)] == ["required", "dataset-over-limit"]


def test_a_madmp_with_errors_is_still_checked_for_sizes() -> None:
    distribution = {"title": "files", "data_access": "open", "byte_size": 5 * GB}
    doc = {
        "dmp": {
            "title": "T",
            "dataset": [
                {
                    "title": "A",
                    "personal_data": "yes",
                    "sensitive_data": "maybe",
                    "distribution": [distribution],
                }
            ],
        }
    }
    rules = {rule for _, rule, _ in _validate(doc)}
    assert "open-personal-data" in rules and "enum" in rules


# -- unknown fields -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile_doc", "typo", "meant", "json_path"),
    [
        ({**GOVERNANCE}, "contentSzie", "contentSize", "$.contentSzie"),
        (
            {**GOVERNANCE, "schema": "jst", "researches": [{"title": "d"}]},
            "workflowIdentifer",
            "workflowIdentifier",
            "$.workflowIdentifer",
        ),
        ({**GOVERNANCE, "schema": "moonshot"}, "dataTitel", "dataTitle", "$.dataTitel"),
    ],
)
def test_an_unknown_top_level_field_suggests_the_known_one(
    profile_doc: dict[str, Any], typo: str, meant: str, json_path: str
) -> None:
    doc = {**profile_doc, typo: "x"}
    ((severity, rule, text),) = _validate(doc)
    assert (severity, rule) == ("error", "unevaluatedProperties")
    assert text == (
        f'dmp.json:{_line(doc, typo)}:3 {json_path} unknown field "{typo}" (did you mean "{meant}"?); '
        "it is not one of the fields allowed here"
    )


def test_each_unknown_field_is_its_own_finding_at_its_own_line() -> None:
    doc = {
        **GOVERNANCE,
        "schema": "amed",
        "researches": {"data": [{"title": "d", "releasePolicey": "公開", "dataAmout": "1GB"}]},
    }
    found = [text for _, _, text in _validate(doc)]
    assert found == [
        f"dmp.json:{_line(doc, 'releasePolicey')}:9 $.researches.data[0].releasePolicey unknown field "
        '"releasePolicey" (did you mean "releasePolicy"?); it is not one of the fields allowed here',
        f"dmp.json:{_line(doc, 'dataAmout')}:9 $.researches.data[0].dataAmout unknown field "
        '"dataAmout" (did you mean "dataAmount"?); it is not one of the fields allowed here',
    ]


# -- licences -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("CC BY 4.0", "CC-BY-4.0"),
        ("Apache 2.0", "Apache-2.0"),
        ("MIT License", "MIT"),
        ("CC BY-NC 4.0", "CC-BY-NC-4.0"),
    ],
)
def test_a_licence_name_suggests_its_spdx_id(written: str, meant: str) -> None:
    doc = {**GOVERNANCE, "datasets": [{"title": "d", "license": written}]}
    validation = validate_bytes(json.dumps(doc).encode(), "dmp.json")
    (finding,) = validation.findings
    assert (finding.severity, finding.rule, finding.location.json_path) == (
        Severity.ERROR,
        "license",
        "$.datasets[0].license",
    )
    assert (
        finding.message == f'the text "{written}" is not an SPDX licence id or the web address of a licence'
    )
    assert finding.hint == f'did you mean "{meant}"?'


def test_a_licence_dgbot_cannot_place_gets_the_general_hint() -> None:
    doc = {**GOVERNANCE, "datasets": [{"title": "d", "license": "社内規程による"}]}
    (finding,) = validate_bytes(json.dumps(doc, ensure_ascii=False).encode(), "dmp.json").findings
    assert finding.hint == "write an SPDX id such as CC-BY-4.0, or the licence's URL"
