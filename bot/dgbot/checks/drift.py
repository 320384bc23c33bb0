"""drift: the committed workflow notebooks against what dgbot generates from the plan now."""

from __future__ import annotations

from collections.abc import Iterator

from dgbot.checks.base import check
from dgbot.config import Settings
from dgbot.dmp.plan import Plan
from dgbot.records import Finding, Severity
from dgbot.snapshot.model import Snapshot
from dgbot.words import N_, _


@check(
    "drift",
    N_("Workflow notebooks"),
    Severity.ERROR,
    N_(
        "The notebooks in the notebook folder (workflows/ unless .dgbot.yml says otherwise) are "
        "the ones dgbot generates from the plan as it is now: none missing, none outdated, none "
        "left over from an earlier plan. Notebooks a researcher edited are never overwritten; they "
        "are named here until the new version is merged by hand. A repository that has no "
        "generated notebooks yet gets a notice, not an error."
    ),
)
def check_drift(plan: Plan, snapshot: Snapshot, settings: Settings) -> Iterator[Finding]:
    """Drift of the generated notebooks, once the repository has some."""
    folder = settings.notebook_folder.strip("/")
    if next(snapshot.under(folder), None) is None:
        yield Finding(
            "drift",
            "not-generated",
            Severity.NOTICE,
            _("{folder}/ holds no workflow notebooks yet").format(folder=folder),
            hint=_("run `dgbot generate` to write the notebooks the plan calls for, and commit them"),
        )
        return
    from dgbot.notebooks.drift import drift_findings  # papermill and nbformat: only when needed

    yield from drift_findings(plan, snapshot, settings)
