"""The last line of `dgbot check` and `dgbot ci`: the verdict of the whole run, naming what failed.

Each sentence is one whole template with named placeholders, translated where it is used (dgbot.words).
"""

from __future__ import annotations

from dgbot.records import CheckResult, Severity, Status, Verdict
from dgbot.render.escape import visible
from dgbot.render.status import describe_counts
from dgbot.words import N_, _, join

PASSED = N_("passed: {tally}")
PASSED_WITH_WARNINGS = N_("passed with warnings: {warned}; {tally}")
FAILED = N_("failed: {failed}; {tally}")
FAILED_AND_CRASHED = N_("could not finish: {crashed} could not run; failed: {failed}; {tally}")
CRASHED = N_("could not finish: {crashed} could not run; {tally}")
NOTHING = N_("nothing checked: every check was skipped")
TALLY = N_("{passed} passed")
TALLY_SKIPPED = N_("{passed} passed, {skipped} skipped")
WITH_NOTICES = N_("{line}; {notices}")
CHECK_COUNTS = N_("{check} ({counts})")


def _named(checks: list[CheckResult], severities: tuple[Severity, ...] = tuple(Severity)) -> str:
    """`structure (3 errors), license (1 error)`: each check with the counts of `severities`."""
    named = []
    for check in checks:
        counts = {k: v for k, v in check.counts().items() if Severity(k) in severities}
        about = describe_counts(counts)
        named.append(_(CHECK_COUNTS).format(check=check.id, counts=about) if about else check.id)
    return visible(join(named))


def _tally(checks: tuple[CheckResult, ...]) -> str:
    passed = sum(c.status is Status.SUCCESS for c in checks)
    skipped = sum(c.status is Status.SKIPPED for c in checks)
    return (
        _(TALLY_SKIPPED).format(passed=passed, skipped=skipped) if skipped else _(TALLY).format(passed=passed)
    )


def describe_run(verdict: Verdict) -> str:
    """`failed: structure (3 errors), license (1 error); 8 passed, 1 skipped`, or how the run passed."""
    checks = verdict.checks
    failed = [c for c in checks if c.status is Status.FAILURE]
    crashed = [c for c in checks if c.status is Status.ERROR]
    if not failed and not crashed and all(c.status is Status.SKIPPED for c in checks):
        return _(NOTHING)
    tally = _tally(checks)
    if crashed:
        names = visible(join(c.id for c in crashed))
        if failed:
            return _(FAILED_AND_CRASHED).format(crashed=names, failed=_named(failed), tally=tally)
        return _(CRASHED).format(crashed=names, tally=tally)
    if failed:
        return _(FAILED).format(failed=_named(failed), tally=tally)
    warned = [c for c in checks if c.counts()["warning"]]
    line = (
        _(PASSED_WITH_WARNINGS).format(warned=_named(warned, (Severity.WARNING,)), tally=tally)
        if warned
        else _(PASSED).format(tally=tally)
    )
    notices = verdict.counts()["notice"]
    return (
        _(WITH_NOTICES).format(line=line, notices=describe_counts({"notice": notices})) if notices else line
    )
