"""`dgbot run`, `dgbot record` and `dgbot package`: execute, record and describe a repository's work."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dgbot.commands import valid_plan
from dgbot.errors import EXIT_FAILURE, EXIT_OK, UsageError
from dgbot.render.escape import visible
from dgbot.words import _


def parameters(pairs: Sequence[str]) -> dict[str, Any]:
    """NAME=VALUE pairs; VALUE is read as JSON when it is JSON (1, true, "x", [1]), else as text."""
    found: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.isidentifier():
            raise UsageError(_("-p takes NAME=VALUE with a Python name, not {pair}").format(pair=repr(pair)))
        try:
            found[name] = json.loads(value)
        except ValueError:
            found[name] = value
    return found


def cmd_run(args: argparse.Namespace) -> int:
    """Execute the notebooks the plan marks for CI (or those named); executed copies and provenance."""
    from dgbot.record.console import render_run, terminal_progress
    from dgbot.record.run import run_notebooks

    if (run := valid_plan(args.path)) is None:
        return EXIT_FAILURE
    progress = None if args.quiet else terminal_progress(sys.stderr, args.verbose, os.environ)
    report = run_notebooks(
        run.root, run.validation.plan, run.settings, args.notebooks, parameters(args.parameter), progress
    )
    if progress is not None and sys.stderr.isatty():
        sys.stderr.write("\r\x1b[K")
    sys.stdout.write(render_run(report, args.path))
    return EXIT_OK if report.ok else EXIT_FAILURE


def cmd_record(args: argparse.Namespace) -> int:
    """Save the last run with DataLad as a `datalad run` record; push it to a sibling when asked."""
    from dgbot.record.datalad import record_run

    if (run := valid_plan(args.path)) is None:
        return EXIT_FAILURE
    done = record_run(run.root, run.settings, args.message, args.push, run.validation.plan.dataset_structure)
    for result in done.results:
        if not args.quiet or result.failed:
            line = f"{result.action} ({result.status}): {result.path or ''} {result.message}"
            sys.stdout.write(visible(line.rstrip()) + "\n")
    for finding in done.findings:
        sys.stderr.write(f"{visible(finding.location)}: {visible(finding.message)}\n")
    if not done.findings:  # exit 0 either way: the run is in the history already, or now
        said = (
            _("recorded: {commit}").format(commit=done.commit)
            if done.commit
            else _("nothing to record: the run changed no file since the last commit (DataLad saved nothing)")
        )
        sys.stdout.write(said + "\n")
    return EXIT_FAILURE if done.findings else EXIT_OK


def cmd_package(args: argparse.Namespace) -> int:
    """Describe the repository, its last run and its plan as an RO-Crate (Process Run Crate)."""
    from dgbot.fs.budget import HashBudget
    from dgbot.record.crate import build_crate, write_crate
    from dgbot.record.datalad import load_provenance

    if (run := valid_plan(args.path)) is None:
        return EXIT_FAILURE
    root = run.root
    out = Path(args.output) if args.output else root
    try:
        record = load_provenance(root, run.settings, committed=True)
    except UsageError:
        record = None  # no run yet: the crate describes the data, code and plan only
    budget = HashBudget()
    crate = build_crate(root, run.validation.plan, record, out, budget)
    written = write_crate(crate, root, out)
    for _name, reason in sorted(budget.skipped.items()):
        sys.stderr.write(_("notice: {reason}").format(reason=visible(reason)) + "\n")
    if not args.quiet:
        actions = len((record or {}).get("notebooks", ()))
        said = _("crate: {folder} ({files} files, {runs} run(s))").format(
            folder=visible(written), files=len(crate.data_entities), runs=actions
        )
        sys.stdout.write(said + "\n")
    return EXIT_OK
