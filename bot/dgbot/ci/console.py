"""What `dgbot ci` prints: the findings, a line per stage saying what it did, the verdict last.

Each sentence is one whole template with named placeholders, so it can be translated as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dgbot.records import CheckResult, Status, Verdict
from dgbot.render.escape import visible
from dgbot.render.status import describe_counts
from dgbot.render.text import render_findings
from dgbot.render.verdictline import describe_run

PLAN_VALID = "plan: {plan} is valid"
PLAN_INVALID = "plan: {plan} is invalid ({counts})"
STAGE_PASSED = "{stage}: passed"
STAGE_PASSED_WITH = "{stage}: passed ({counts})"
STAGE_FAILED = "{stage}: failed ({counts})"
STAGE_SKIPPED = "{stage}: skipped: {reason}"
STAGE_CRASHED = "{stage}: could not run: {reason}"
EXECUTED = "notebooks: executed {names}; {outcome}"
EXECUTED_ALL_RAN = "every one ran to the end"
EXECUTED_SOME_FAILED = "{failed} of {count} did not finish ({names})"
CHECKS = "checks: {ran} ran, {passed} passed, {failed} failed"
CHECKS_SKIPPED = "checks: {ran} ran, {passed} passed, {failed} failed, {skipped} skipped"
CHECKS_NONE = "checks: none ran ({skipped} skipped)"
REPORTS = "reports: {folder} ({files})"
# The checks that stand for a stage of their own, in pipeline order; the rest are "checks".
STAGE_OF = {"drift": "drift", "reproducibility": "reproducibility"}
_PLAN_CHECKS = ("config", "dmp", "execute")


def _stage(name: str, result: CheckResult) -> str:
    counts = describe_counts(result.counts())
    if result.status is Status.SKIPPED:
        return STAGE_SKIPPED.format(stage=name, reason=visible(result.skipped))
    if result.status is Status.ERROR:
        return STAGE_CRASHED.format(stage=name, reason=visible(result.crashed))
    if result.status is Status.FAILURE:
        return STAGE_FAILED.format(stage=name, counts=counts)
    return STAGE_PASSED_WITH.format(stage=name, counts=counts) if counts else STAGE_PASSED.format(stage=name)


def _notebooks(result: CheckResult | None, notebooks: Sequence[tuple[str, str]]) -> str | None:
    if result is None:
        return None
    if not notebooks:
        return _stage("notebooks", result)
    names = visible(", ".join(name for name, _ in notebooks))
    stopped = [name for name, outcome in notebooks if outcome != "completed"]
    outcome = EXECUTED_ALL_RAN
    if stopped:
        shown = visible(", ".join(stopped))
        outcome = EXECUTED_SOME_FAILED.format(failed=len(stopped), count=len(notebooks), names=shown)
    return EXECUTED.format(names=names, outcome=outcome)


def _checks(checks: list[CheckResult]) -> str:
    ran = [c for c in checks if c.status is not Status.SKIPPED]
    skipped = len(checks) - len(ran)
    if not ran:
        return CHECKS_NONE.format(skipped=skipped)
    passed = sum(c.status is Status.SUCCESS for c in ran)
    template = CHECKS_SKIPPED if skipped else CHECKS
    return template.format(ran=len(ran), passed=passed, failed=len(ran) - passed, skipped=skipped)


def stage_lines(
    verdict: Verdict, notebooks: Sequence[tuple[str, str]], report_dir: Path, files: Sequence[str]
) -> list[str]:
    """A line per stage (plan, drift, notebooks, checks, reproducibility) and where the reports are."""
    by_id = {c.id: c for c in verdict.checks}
    lines = [_plan_line(verdict)]
    if "drift" in by_id:
        lines.append(_stage("drift", by_id["drift"]))
    executed = _notebooks(by_id.get("execute"), notebooks)
    if executed:
        lines.append(executed)
    lines.append(_checks([c for c in verdict.checks if c.id not in _PLAN_CHECKS and c.id not in STAGE_OF]))
    if "reproducibility" in by_id:
        lines.append(_stage("reproducibility", by_id["reproducibility"]))
    lines.append(REPORTS.format(folder=visible(report_dir), files=", ".join(files)))
    return lines


def _plan_line(verdict: Verdict) -> str:
    plan = verdict.plan or {}
    label = (
        f"{plan['path']} ({plan['schema']})" if plan.get("schema") else str(plan.get("path") or "the plan")
    )
    checks = [c for c in verdict.checks if c.id in ("config", "dmp")]
    total = {key: sum(c.counts()[key] for c in checks) for key in ("error", "warning", "notice")}
    if any(c.status is not Status.SUCCESS for c in checks):
        return PLAN_INVALID.format(plan=visible(label), counts=describe_counts(total) or "not checked")
    return PLAN_VALID.format(plan=visible(label))


def render_console(
    verdict: Verdict,
    notebooks: Sequence[tuple[str, str]],
    report_dir: Path,
    files: Sequence[str],
    *,
    quiet: bool = False,
) -> tuple[str, str]:
    """What `dgbot ci` prints before publishing, and its last line (the verdict of the whole run)."""
    blocks = render_findings(verdict, quiet=quiet)
    if not quiet:
        blocks += stage_lines(verdict, notebooks, report_dir, files)
    head = "".join(f"{block}\n" for block in blocks)
    return head, describe_run(verdict) + "\n"
