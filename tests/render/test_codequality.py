"""GitLab Code Quality: the fields GitLab documents, and fingerprints that survive edits."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from dgbot.records import CheckResult, Finding, Location, Severity, Verdict, fingerprint_findings
from dgbot.render import render_codequality

# What docs.gitlab.com/ci/testing/code_quality/ lists for a report: a JSON array of issues,
# each with description, check_name, fingerprint (unique), severity and a location given
# by path plus lines.begin or positions.begin.line.
GITLAB_CODE_QUALITY = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path"],
                "properties": {
                    "path": {"type": "string", "minLength": 1, "not": {"pattern": "^/"}},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
                "anyOf": [
                    {"required": ["lines"]},
                    {
                        "required": ["positions"],
                        "properties": {"positions": {"required": ["begin"]}},
                    },
                ],
            },
        },
    },
}


def _issues(verdict: Verdict) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = json.loads(render_codequality(verdict))
    return issues


def test_every_report_has_the_fields_gitlab_reads(any_verdict: Verdict) -> None:
    issues = _issues(any_verdict)
    Draft202012Validator(GITLAB_CODE_QUALITY).validate(issues)
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints)


def test_one_issue_per_finding_and_per_check_that_could_not_run(failing: Verdict) -> None:
    issues = _issues(failing)
    assert len(issues) == len(failing.findings) + 1
    assert [i["severity"] for i in issues] == [
        "critical",
        "critical",
        "critical",
        "critical",
        "minor",
        "blocker",
    ]
    first = issues[0]
    assert first["check_name"] == "dgbot/dmp.schema/enum"
    assert first["location"] == {"path": "dmp.json", "lines": {"begin": 12}}
    assert first["description"].startswith('$.datasets[0].accessRights: the text "<script>')
    crash = issues[-1]
    assert crash["check_name"] == "dgbot/license/crashed"
    assert crash["description"] == "dgbot could not run the check license (Licence): KeyError: 'spdx'"


def test_unicode_paths_and_messages_are_kept(failing: Verdict) -> None:
    text = render_codequality(failing)
    assert '"path": "input_data/被験者 名簿.csv"' in text and "Daten über Probanden" in text


def test_a_finding_without_a_file_points_at_the_plan(failing: Verdict, without_plan: Verdict) -> None:
    volume = next(i for i in _issues(failing) if i["check_name"] == "dgbot/volume/limit")
    assert volume["location"] == {"path": "dmp.json", "lines": {"begin": 1}}
    yaml_plan = replace(failing, plan={"path": "plans/dmp.yaml", "sha256": None})
    volume = next(i for i in _issues(yaml_plan) if i["check_name"] == "dgbot/volume/limit")
    assert volume["location"]["path"] == "plans/dmp.yaml"
    (lost,) = _issues(without_plan)
    assert lost["location"] == {"path": "dmp.json", "lines": {"begin": 1}}  # where a plan is expected


def _at(finding: Finding, **where: Any) -> Finding:
    return replace(finding, location=replace(finding.location, **where))


def test_fingerprints_survive_lines_added_above(failing: Verdict) -> None:
    moved = tuple(_at(f, line=(f.location.line or 0) + 40, column=9) for f in failing.findings)
    assert fingerprint_findings(moved) == fingerprint_findings(failing.findings)


@pytest.mark.parametrize(
    "change",
    [
        {"path": "other.json"},
        {"json_path": "$.datasets[1].accessRights"},
    ],
)
def test_fingerprints_change_with_what_the_finding_is_about(failing: Verdict, change: dict[str, Any]) -> None:
    first = failing.findings[0]
    assert fingerprint_findings([_at(first, **change)]) != fingerprint_findings([first])
    assert fingerprint_findings([replace(first, rule="type")]) != fingerprint_findings([first])
    assert fingerprint_findings([replace(first, check="dmp.semantic")]) != fingerprint_findings([first])


def test_a_lone_finding_keeps_its_fingerprint_when_its_message_changes(failing: Verdict) -> None:
    volume = next(f for f in failing.findings if f.check == "volume")
    grown = replace(volume, message="the data take 14.5 GiB, over the plan's limit of 10 GiB")
    assert fingerprint_findings([volume]) == fingerprint_findings([grown])


def test_the_message_tells_apart_what_nothing_else_does() -> None:
    a = Finding("access", "secret-file", Severity.ERROR, "looks like a private key")
    b = Finding("access", "secret-file", Severity.ERROR, "looks like an API token")
    prints = fingerprint_findings([a, b, a])
    assert len(set(prints)) == 3  # the exact duplicate gets a counter
    assert prints[:2] == fingerprint_findings([a, b])  # stable in order
    assert fingerprint_findings([a])[0] not in prints  # alone, the message is not part of it


def test_fingerprints_are_unique_for_many_findings(many: Callable[..., Verdict]) -> None:
    verdict = many(5_000)
    issues = _issues(verdict)
    assert len({i["fingerprint"] for i in issues}) == 5_000


def test_same_verdict_same_bytes(any_verdict: Verdict) -> None:
    assert render_codequality(any_verdict) == render_codequality(any_verdict)


def test_lone_surrogates_do_not_break_the_file() -> None:
    finding = Finding("dmp.schema", "enum", Severity.ERROR, "bad \ud800 value", Location("x\udc80.json", 1))
    verdict = Verdict((CheckResult("dmp", "Data Management Plan", findings=(finding,)),), "0.1.0")
    text = render_codequality(verdict)
    text.encode("utf-8")
    (issue,) = json.loads(text)
    assert issue["description"] == "bad \\ud800 value"  # shown escaped, as every renderer shows it
    assert issue["location"]["path"] == "x\ufffd.json"  # data GitLab reads: replaced
