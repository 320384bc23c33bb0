"""JUnit XML as junitparser (and GitLab's test report) reads it: one test case per check."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

from junitparser import Error, Failure, JUnitXml, Skipped, TestCase, TestSuite

from dgbot.records import CheckResult, Finding, Location, Severity, Verdict
from dgbot.render import render_junit
from dgbot.render.junit import LISTED_LIMIT


def _suite(verdict: Verdict) -> TestSuite:
    xml = JUnitXml.fromstring(render_junit(verdict))
    suites = list(xml)
    assert len(suites) == 1
    suite: TestSuite = suites[0]
    return suite


def _cases(verdict: Verdict) -> dict[str, TestCase]:
    return {case.classname: case for case in _suite(verdict)}


def test_one_suite_one_case_per_check(failing: Verdict) -> None:
    suite = _suite(failing)
    assert suite.name == "dgbot"
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (6, 3, 1, 1)
    assert [case.classname for case in suite] == [f"dgbot.{c.id}" for c in failing.checks]
    assert [case.name for case in suite] == [c.title for c in failing.checks]
    totals = ET.fromstring(render_junit(failing).split("\n", 1)[1])
    assert totals.tag == "testsuites" and totals.get("tests") == "6" and totals.get("failures") == "3"


def test_results_follow_each_checks_outcome(failing: Verdict) -> None:
    cases = _cases(failing)
    kinds = {name: [type(r) for r in case.result] for name, case in cases.items()}
    assert kinds == {
        "dgbot.dmp": [Failure],
        "dgbot.volume": [Failure],
        "dgbot.structure": [Failure],
        "dgbot.license": [Error],
        "dgbot.access": [],
        "dgbot.datacite": [Skipped],
    }
    assert cases["dgbot.access"].is_passed


def test_a_failure_lists_its_findings(failing: Verdict, hostile: str) -> None:
    (failure,) = _cases(failing)["dgbot.dmp"].result
    assert failure.message == "Data Management Plan: 2 errors"
    assert failure.type == "GovernanceFailure"
    text = failure.text
    assert "dmp.json:12:5 $.datasets[0].accessRights: error: the text" in text
    assert hostile in text  # carried as XML text, escaped by the serializer, read back intact
    assert "hint: one of: open, restricted, closed" in text
    assert 'dmp.json:1:1 $: error: missing field "title" [dmp.schema/required]' in text


def test_crash_and_skip_carry_their_reason(failing: Verdict) -> None:
    cases = _cases(failing)
    (error,) = cases["dgbot.license"].result
    assert error.message == "KeyError: 'spdx'" and "could not run the check license" in error.text
    (skipped,) = cases["dgbot.datacite"].result
    assert skipped.message == "no datacite.yml in the repository"


def test_warnings_and_notices_go_to_system_out(failing: Verdict, passing: Verdict) -> None:
    out = _cases(failing)["dgbot.access"].system_out
    assert out.startswith("input_data/被験者 名簿.csv:3: warning: 「被験者名簿.csv」は個人情報")
    assert _cases(passing)["dgbot.dmp"].system_out.endswith(
        "the plan names no contact person [dmp.semantic/no-contact]"
    )
    assert _cases(failing)["dgbot.volume"].system_out is None


def test_the_suite_records_what_the_verdict_was_computed_from(failing: Verdict) -> None:
    props = {p.name: p.value for p in _suite(failing).properties()}  # type: ignore[no-untyped-call]
    assert props == {
        "dgbot_version": "0.1.0",
        "repository": "repo",
        "commit": failing.commit,
        "plan_path": "dmp.json",
        "plan_sha256": "ab" * 32,
        "plan_schema": "basic",
    }


def test_characters_xml_cannot_carry_are_shown_escaped() -> None:
    nasty = "nul\x00 esc\x1b[0m vt\x0b surrogate\ud800 fine\tand\nnewline ]]> <![CDATA["
    finding = Finding("dmp.schema", "enum", Severity.ERROR, nasty, Location("dmp.json", 2), hint=nasty)
    verdict = Verdict((CheckResult("dmp", nasty, findings=(finding,), crashed=None),), "0.1.0")
    text = render_junit(verdict)
    text.encode("utf-8")  # no lone surrogate left
    (case,) = list(_suite(verdict))
    shown = "nul\\x00 esc\\x1b[0m vt\\x0b surrogate\\ud800 fine\\tand\\nnewline ]]> <![CDATA["
    assert case.name == shown
    assert f"dmp.json:2: error: {shown} [dmp.schema/enum]\n    hint: {shown}" in case.result[0].text


def test_very_many_findings_are_listed_up_to_a_limit(many: Callable[..., Verdict]) -> None:
    verdict = many(4 * LISTED_LIMIT)  # the dmp check gets 1,333 errors
    (failure,) = _cases(verdict)["dgbot.dmp"].result
    lines = [line for line in failure.text.splitlines() if line.startswith("dmp.json:")]
    assert len(lines) == LISTED_LIMIT
    assert failure.text.endswith("... 333 more findings not listed")


def test_same_verdict_same_bytes(any_verdict: Verdict) -> None:
    assert render_junit(any_verdict) == render_junit(any_verdict)
    assert render_junit(any_verdict).startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')
