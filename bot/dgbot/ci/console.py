"""What `dgbot ci` prints: the findings, a line per stage saying what it did, the verdict last.

Each sentence is one whole template with named placeholders, translated where it is used (dgbot.words).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dgbot.records import CheckResult, Status, Verdict
from dgbot.render.escape import visible
from dgbot.render.status import describe_counts
from dgbot.render.text import render_findings
from dgbot.render.verdictline import describe_run
from dgbot.words import N_, _, join

PLAN_VALID = N_("plan: {plan} is valid")
PLAN_INVALID = N_("plan: {plan} is invalid ({counts})")
STAGE_PASSED = N_("{stage}: passed")
STAGE_PASSED_WITH = N_("{stage}: passed ({counts})")
STAGE_FAILED = N_("{stage}: failed ({counts})")
STAGE_SKIPPED = N_("{stage}: skipped: {reason}")
STAGE_CRASHED = N_("{stage}: could not run: {reason}")
EXECUTED = N_("notebooks: executed {names}; {outcome}")
EXECUTED_ALL_RAN = N_("every one ran to the end")
EXECUTED_SOME_FAILED = N_("{failed} of {count} did not finish ({names})")
CHECKS = N_("checks: {ran} ran, {passed} passed, {failed} failed")
CHECKS_SKIPPED = N_("checks: {ran} ran, {passed} passed, {failed} failed, {skipped} skipped")
CHECKS_NONE = N_("checks: none ran ({skipped} skipped)")
REPORTS = N_("reports: {folder} ({files})")
# The checks that stand for a stage of their own, in pipeline order; the rest are "checks".
STAGE_OF = {"drift": "drift", "reproducibility": "reproducibility"}
_PLAN_CHECKS = ("config", "dmp", "execute")


def _stage(name: str, result: CheckResult) -> str:
    counts = describe_counts(result.counts())
    if result.status is Status.SKIPPED:
        return _(STAGE_SKIPPED).format(stage=name, reason=visible(result.skipped))
    if result.status is Status.ERROR:
        return _(STAGE_CRASHED).format(stage=name, reason=visible(result.crashed))
    if result.status is Status.FAILURE:
        return _(STAGE_FAILED).format(stage=name, counts=counts)
    return (
        _(STAGE_PASSED_WITH).format(stage=name, counts=counts)
        if counts
        else _(STAGE_PASSED).format(stage=name)
    )


def _notebooks(result: CheckResult | None, notebooks: Sequence[tuple[str, str]]) -> str | None:
    if result is None:
        return None
    if not notebooks:
        return _stage("notebooks", result)
    names = visible(join(name for name, _outcome in notebooks))
    stopped = [name for name, outcome in notebooks if outcome != "completed"]
    outcome = _(EXECUTED_ALL_RAN)
    if stopped:
        shown = visible(join(stopped))
        outcome = _(EXECUTED_SOME_FAILED).format(failed=len(stopped), count=len(notebooks), names=shown)
    return _(EXECUTED).format(names=names, outcome=outcome)


def _checks(checks: list[CheckResult]) -> str:
    ran = [c for c in checks if c.status is not Status.SKIPPED]
    skipped = len(checks) - len(ran)
    if not ran:
        return _(CHECKS_NONE).format(skipped=skipped)
    passed = sum(c.status is Status.SUCCESS for c in ran)
    template = _(CHECKS_SKIPPED) if skipped else _(CHECKS)
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
    lines.append(_(REPORTS).format(folder=visible(report_dir), files=", ".join(files)))
    return lines


def _plan_line(verdict: Verdict) -> str:
    plan = verdict.plan or {}
    label = (
        f"{plan['path']} ({plan['schema']})" if plan.get("schema") else str(plan.get("path") or _("the plan"))
    )
    checks = [c for c in verdict.checks if c.id in ("config", "dmp")]
    total = {key: sum(c.counts()[key] for c in checks) for key in ("error", "warning", "notice")}
    if any(c.status is not Status.SUCCESS for c in checks):
        return _(PLAN_INVALID).format(plan=visible(label), counts=describe_counts(total) or _("not checked"))
    return _(PLAN_VALID).format(plan=visible(label))


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
