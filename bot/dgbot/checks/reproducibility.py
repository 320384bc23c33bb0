"""reproducibility: the outputs a re-run produced against those the repository recorded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dgbot.checks.base import CheckSkipped, check
from dgbot.checks.scope import Globs
from dgbot.config import NO_RUN, Settings
from dgbot.dmp.plan import Plan
from dgbot.records import Finding, Location, Severity
from dgbot.snapshot.lastrun import UntrustedRun, committed_reports, load_last_run
from dgbot.snapshot.model import NameText, Snapshot
from dgbot.words import N_, _, ngettext

CHECK = "reproducibility"


def _record(snapshot: Snapshot, settings: Settings) -> tuple[str, dict[str, Any]]:
    """The provenance of the last `dgbot run` in this work tree, when a run here wrote it."""
    if snapshot.commit is not None:
        raise CheckSkipped(_("notebooks run in the repository's CI, not on a commit alone"))
    if settings.own_run == NO_RUN:
        raise CheckSkipped(_("no run to compare: this job executed no notebooks"))
    try:
        last = load_last_run(snapshot.root, settings.report_dir, settings.own_run)
    except UntrustedRun as why:
        raise CheckSkipped(_("no run to compare: {why}").format(why=why)) from None
    return last.where, last.record


def _committed(snapshot: Snapshot, settings: Settings) -> Iterator[Finding]:
    """A notice when the report folder is committed: dgbot ignores what it holds."""
    folder = settings.report_dir.strip("/")
    if not settings.report_committed_notice:
        return
    if snapshot.commit is not None:
        files = [e.path for e in snapshot.under(folder)] if folder else []  # a range found by bisection
    else:
        files = committed_reports(snapshot.root, folder)
    if files:
        yield Finding(
            CHECK,
            "committed-reports",
            Severity.NOTICE,
            ngettext(
                "the report folder {folder}/ is committed ({count} file); dgbot's checks never "
                "trust what it holds: only a record a run wrote in this work tree counts",
                "the report folder {folder}/ is committed ({count} files); dgbot's checks never "
                "trust what it holds: only a record a run wrote in this work tree counts",
                len(files),
            ).format(folder=folder, count=len(files)),
            Location(files[0]),
            hint=_(
                "each run writes its reports anew: keep them out of git (`git rm -r --cached "
                "{folder}`; `dgbot generate` and `dgbot record` list the folder in .gitignore)"
            ).format(folder=folder),
        )


def _unmatched(plan: Plan, compared: list[str]) -> Iterator[Finding]:
    """A warning for each of the plan's output patterns that matched nothing: nothing compared is no pass."""
    names = NameText.of(compared)  # one string search per pattern, not patterns x outputs
    for index, pattern in enumerate(plan.reproducibility.outputs):
        if not Globs([pattern]).select(names):
            yield Finding(
                CHECK,
                "nothing-compared",
                Severity.WARNING,
                _(
                    "no output matches the pattern {pattern}: the run and the repository hold no such "
                    "file, so nothing was compared for it"
                ).format(pattern=repr(pattern)),
                Location(plan.source, json_path=f"$.reproducibility.outputs[{index}]"),
                hint=_("correct the pattern, or commit the outputs the run makes (`dgbot record`)"),
            )


def _short(digest: str | None) -> str:
    return digest[:12] if digest else _("nothing")


@check(
    CHECK,
    N_("Reproducibility"),
    Severity.ERROR,
    N_(
        "After `dgbot run` (or the execute stage of `dgbot ci`), every output the plan lists in "
        "reproducibility.outputs must come out of the re-run as the repository recorded it: "
        "byte for byte, except notebooks, which are compared with execution counts, metadata, "
        "timestamps and memory addresses masked. An output the run no longer makes is an error; "
        "one it makes for the first time is a notice."
    ),
)
def check_reproducibility(plan: Plan, snapshot: Snapshot, settings: Settings) -> Iterator[Finding]:
    """The re-run's outputs against the recorded ones, from the run's provenance."""
    notice = list(_committed(snapshot, settings))
    remark = f" ({notice[0].message})" if notice else ""
    if not plan.reproducibility.outputs:
        raise CheckSkipped(_("the plan lists no outputs to reproduce") + remark)
    try:
        where, record = _record(snapshot, settings)
    except CheckSkipped as skip:
        raise CheckSkipped(f"{skip}{remark}") from None
    yield from notice
    block = record.get("reproducibility")
    if record.get("status") != "success" or not isinstance(block, dict):
        said = (
            _("the run failed, so nothing was reproduced")
            if record.get("status") != "success"
            else _("the run recorded no outputs to compare, so nothing was reproduced")
        )
        yield Finding(CHECK, "no-rerun", Severity.ERROR, said, Location(where))
        return
    outputs = block.get("outputs")
    outputs = [o for o in outputs if isinstance(o, dict)] if isinstance(outputs, list) else []
    yield from _unmatched(plan, [str(o.get("path")) for o in outputs])
    for output in outputs:
        path, before, after = output.get("path"), output.get("recorded"), output.get("rerun")
        if before == after:
            continue
        if before is None:
            message, rule, severity = (
                _("{path} is new: the run made it, the repository had none").format(path=path),
                "new-output",
                Severity.NOTICE,
            )
        elif after is None:
            message, rule, severity = (
                _("{path} was not made again by the re-run").format(path=path),
                "missing-output",
                Severity.ERROR,
            )
        else:
            message = _("{path} came out different (recorded {before}…, re-run {after}…)").format(
                path=path, before=_short(before), after=_short(after)
            )
            rule, severity = "changed-output", Severity.ERROR
        yield Finding(
            CHECK,
            rule,
            severity,
            message,
            Location(path),
            hint=_("fix seeds and sources of randomness, or record the new outputs with `dgbot record`"),
        )
