"""The last line of `dgbot check` and `dgbot ci`: the verdict of the whole run and every failed check."""

from __future__ import annotations

from dgbot.records import CheckResult, Finding, Location, Severity, Verdict
from dgbot.render import render_report, render_text
from dgbot.render.verdictline import describe_run


def _finding(check: str, severity: Severity, where: str = "dmp.json") -> Finding:
    return Finding(check, "rule", severity, f"{check} is not as planned", Location(where))


def _check(check_id: str, *severities: Severity, **outcome: str) -> CheckResult:
    findings = tuple(_finding(check_id, s) for s in severities)
    return CheckResult(check_id, check_id.title(), findings=findings, **outcome)


PASSED = [
    _check(name) for name in ("config", "dmp", "volume", "access", "formats", "datacite", "drift", "execute")
]
E, W, N = Severity.ERROR, Severity.WARNING, Severity.NOTICE


def test_every_failed_check_is_named_with_its_counts_then_the_tally() -> None:
    checks = (
        *PASSED[:2],
        _check("structure", E, E, E),
        _check("license", E),
        *PASSED[2:],
        _check("reproducibility", skipped="no run to compare"),
    )
    line = describe_run(Verdict(checks, "0.1.0"))
    assert line == "failed: structure (3 errors), license (1 error); 8 passed, 1 skipped"


def test_the_first_failing_check_is_not_the_whole_story() -> None:
    checks = (_check("dmp"), _check("structure", E, W), _check("license", E))
    text = render_text(Verdict(checks, "0.1.0"), whole_run=True)
    assert text.splitlines()[-1] == "failed: structure (1 error, 1 warning), license (1 error); 1 passed"
    assert render_report(Verdict(checks, "0.1.0"), "text") == text  # what `dgbot check` prints


def test_a_pass_names_the_checks_that_warned_and_counts_notices() -> None:
    checks = (*PASSED, _check("license", W), _check("volume2", N, N))
    assert (
        describe_run(Verdict(checks, "0.1.0"))
        == "passed with warnings: license (1 warning); 10 passed; 2 notices"
    )
    assert describe_run(Verdict(tuple(PASSED), "0.1.0")) == "passed: 8 passed"


def test_a_check_that_could_not_run_is_not_a_pass() -> None:
    checks = (*PASSED[:3], _check("license", crashed="KeyError: 'spdx'"), _check("structure", E))
    line = describe_run(Verdict(checks, "0.1.0"))
    assert line == "could not finish: license could not run; failed: structure (1 error); 3 passed"
    alone = describe_run(Verdict((*PASSED[:3], _check("license", crashed="x")), "0.1.0"))
    assert alone == "could not finish: license could not run; 3 passed"


def test_nothing_run_is_said() -> None:
    checks = (_check("volume", skipped="disabled in .dgbot.yml"), _check("license", skipped="x"))
    assert describe_run(Verdict(checks, "0.1.0")) == "nothing checked: every check was skipped"


def test_hostile_check_ids_stay_on_the_line() -> None:
    line = describe_run(Verdict((_check("x\n::error::owned", E),), "0.1.0"))
    assert line == "failed: x\\n::error::owned (1 error); 0 passed"
