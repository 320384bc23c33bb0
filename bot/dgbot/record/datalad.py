"""`dgbot record`: save a run with DataLad as a `datalad run` record that `datalad rerun` repeats."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shlex
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from dgbot.config import Settings
from dgbot.errors import UsageError
from dgbot.fs.ignore import ensure_ignored_reports
from dgbot.record.annex_rules import data_folders, ensure_annex_rules
from dgbot.record.run import PROVENANCE
from dgbot.records import Finding, Location, Severity
from dgbot.snapshot.lastrun import UntrustedRun, load_last_run
from dgbot.words import _

CHECK = "record"
_FAILED = ("error", "impossible")


@dataclass(frozen=True)
class Result:
    """One DataLad result record: what was done to which path, and how it went."""

    action: str
    status: str  # ok | notneeded | impossible | error
    path: str | None
    message: str

    @property
    def failed(self) -> bool:
        return self.status in _FAILED


def as_result(record: Mapping[str, Any]) -> Result:
    """A DataLad result dict as a Result; its message may be a (format, *arguments) tuple."""
    message = record.get("message") or ""
    if isinstance(message, tuple | list) and message:
        try:
            message = str(message[0]) % tuple(message[1:])
        except (TypeError, ValueError):
            message = " ".join(str(part) for part in message)
    return Result(
        str(record.get("action", "")), str(record.get("status", "")), record.get("path"), str(message)
    )


def load_provenance(root: Path, settings: Settings, committed: bool = False) -> dict[str, Any]:
    """The last run's provenance record, when a run in this work tree wrote it; else a UsageError.

    `committed=True` also takes the one the repository holds (see load_last_run).
    """
    path = root / settings.report_dir.strip("/") / PROVENANCE
    if not os.path.lexists(path):
        raise UsageError(
            _("no run to record: {path} does not exist (run `dgbot run` first)").format(path=path)
        )
    try:
        loaded = load_last_run(root, settings.report_dir, check_commit=False, committed=committed).record
    except UntrustedRun as why:
        raise UsageError(_("no run to record: {why}").format(why=why)) from None
    if loaded.get("provenance_version") != 1:
        raise UsageError(_("{path} is not a dgbot provenance record").format(path=path))
    return loaded


class Recorded(NamedTuple):
    """What `dgbot record` did: DataLad's results, the failures as findings, the record's commit.

    `commit` is None when nothing was recorded: refused, failed, or the run changed no file since
    the last commit (DataLad's save was `notneeded`, so no record commit was made).
    """

    results: list[Result]
    findings: list[Finding]
    commit: str | None


def refusal(record: Mapping[str, Any], head: str | None, where: str) -> Finding | None:
    """Why this run cannot become a repeatable record, or None when it can."""
    state = record.get("repository") or {}
    if isinstance(record.get("aside"), dict):
        why = _(
            "the last run was a re-run aside (dgbot ci or the reproducibility notebook): it wrote its "
            "outputs to {folder}/, not into the repository; run `dgbot run`, then record"
        ).format(folder=record["aside"].get("folder"))
    elif record.get("status") != "success":
        why = _("the last run failed; only a run that succeeded can be recorded for `datalad rerun`")
    elif state.get("dirty") is not False:
        why = _("the last run started on uncommitted changes; commit them and run again")
    elif state.get("commit") != head:
        why = _("the last run was on commit {commit}, not on HEAD ({head}); run again").format(
            commit=state.get("commit"), head=head
        )
    else:
        return None
    return Finding(CHECK, "not-repeatable", Severity.ERROR, why, Location(path=where))


def rerun_command(record: Mapping[str, Any]) -> str:
    """The command that repeats the run: the same notebooks and parameters, from the dataset's top."""
    argv = ["dgbot", "run", "."]
    for name, value in (record.get("parameters") or {}).items():
        argv += ["-p", f"{name}={json.dumps(value, ensure_ascii=False)}"]
    # once each: a for_parameters experiment runs once per parameter set from one name
    argv += dict.fromkeys(entry["notebook"] for entry in record.get("notebooks", ()))
    return shlex.join(argv)


def record_paths(record: Mapping[str, Any], report: str) -> tuple[list[str], list[str]]:
    """Inputs (what the run could read: files whose content was there) and outputs of the record.

    The report folder is no output: it stays out of git (dgbot's block in .gitignore), and the
    record itself is the commit message DataLad writes.
    """
    inputs = [f["path"] for f in record.get("inputs", ()) if f.get("content_present", True)]
    inputs += [entry["notebook"] for entry in record.get("notebooks", ())]
    outputs = [f["path"] for f in record.get("outputs", ()) if not f["path"].startswith(f"{report}/")]
    return sorted(set(inputs)), sorted(set(outputs))


def record_run(
    root: Path,
    settings: Settings,
    message: str | None = None,
    push: str | None = None,
    structure: str | None = None,
) -> Recorded:
    """Save the last run as a run record (data annexed per the plan's `structure`), then push it if asked."""
    with datalad_quiet():
        return _record(root, settings, message, push, structure)


@contextlib.contextmanager
def datalad_quiet() -> Iterator[None]:
    """DataLad logs progress at INFO; its results come back as records, so keep its log to warnings."""
    log = logging.getLogger("datalad")
    level = log.level
    log.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        log.setLevel(level)


def _record(
    root: Path, settings: Settings, message: str | None, push: str | None, structure: str | None
) -> Recorded:
    from datalad.api import Dataset
    from datalad.core.local.run import run_command

    dataset = Dataset(str(root))
    if not dataset.is_installed():
        raise UsageError(
            _("{root} is not a DataLad dataset (create one with `datalad create`)").format(root=root)
        )
    report = settings.report_dir.strip("/")
    record = load_provenance(root, settings)
    refused = refusal(record, dataset.repo.get_hexsha(), f"{report}/{PROVENANCE}")
    if refused is not None:
        return Recorded([], [refused], None)
    results = save_rules(dataset, root, settings, structure)
    before = dataset.repo.get_hexsha()
    inputs, outputs = record_paths(record, report)
    title = message or f"dgbot run of {len(record.get('notebooks', ()))} notebook(s)"
    extra = {"dgbot_run_id": record.get("run_id"), "dgbot_provenance": f"{report}/{PROVENANCE}"}
    ran = run_command(rerun_command(record), dataset=dataset, inputs=inputs, outputs=outputs, explicit=True,
                      message=title, inject=True, extra_info=extra)  # fmt: skip
    results += _collect(ran)
    failed = any(r.failed for r in results)
    commit = None if failed or dataset.repo.get_hexsha() == before else dataset.repo.get_hexsha()
    if push and not failed:
        results += _collect(dataset.push(to=push, **QUIET))
    return Recorded(results, [_finding(r) for r in results if r.failed], commit)


def save_rules(dataset: Any, root: Path, settings: Settings, structure: str | None) -> list[Result]:
    """The plan's git-annex rules in .gitattributes and the report folder in .gitignore, saved if changed."""
    changed = [".gitattributes"] if ensure_annex_rules(root, data_folders(structure)) else []
    changed += [".gitignore"] if ensure_ignored_reports(root, settings.report_dir) else []
    if not changed:
        return []
    return _collect(dataset.save(path=changed, message="dgbot: git-annex rules and ignored reports", **QUIET))


QUIET = {"result_renderer": "disabled", "return_type": "generator", "on_failure": "ignore"}


def _collect(records: Iterable[Mapping[str, Any]]) -> list[Result]:
    return [as_result(r) for r in records]


def _finding(result: Result) -> Finding:
    message = f"datalad {result.action}: {result.status}" + (f": {result.message}" if result.message else "")
    return Finding(CHECK, result.status, Severity.ERROR, message, Location(path=result.path))
