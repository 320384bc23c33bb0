"""The commands over a plan and one governance run: validate, check, generate and madmp.

They sit beside `dgbot.pipeline`, which they call, and hold what every command body shares
(colour, a verdict's exit code, a file named on the command line, a valid plan or why not).
`dgbot.ci.commands`, `dgbot.record.commands` and `dgbot.web.commands` hold the other
commands; `dgbot.cli` only parses the command line and maps errors to exit codes.
Each body imports what it needs when it runs: `dgbot check` starts git before importing
the checks, and `dgbot validate` (a pre-commit hook) never imports them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from dgbot.errors import EXIT_FAILURE, EXIT_INTERNAL, EXIT_OK, PlanError, UsageError
from dgbot.render.escape import visible
from dgbot.words import _

if TYPE_CHECKING:
    from dgbot.records import Verdict


def colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set."""
    return stream.isatty() and "NO_COLOR" not in os.environ


def exit_code(verdict: Verdict) -> int:
    """0 for success, 1 for a governance failure, 3 when a check could not decide."""
    from dgbot.records import Status

    return {Status.SUCCESS: EXIT_OK, Status.FAILURE: EXIT_FAILURE}.get(verdict.status, EXIT_INTERNAL)


def write_output(repository: Path, path: Path, text: str) -> None:
    """A file named on the command line: no link followed in the repository; elsewhere its folder trusted."""
    from dgbot.fs.write import boundary, write_file

    write_file(boundary(path.parent, repository), path, text)


def valid_plan(path: str) -> Any:
    """The PlanRun of a repository folder whose plan is valid; None after printing why it is not."""
    from dgbot.pipeline import validate_path
    from dgbot.records import Status
    from dgbot.render import render_text

    root = Path(path)
    if not root.is_dir():
        raise UsageError(f"{root} is not a folder")
    run = validate_path(root, os.environ)
    if run.validation is None or run.validation.plan is None or run.verdict.status is not Status.SUCCESS:
        sys.stderr.write(render_text(run.verdict, colour(sys.stderr), quiet=True))
        sys.stderr.write(_("the plan and .dgbot.yml must be valid first") + "\n")
        return None
    return run


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate a plan (or a repository's plan) and print the verdict."""
    from dgbot.pipeline import validate_path
    from dgbot.records import Status
    from dgbot.render import render_json, render_text

    run = validate_path(Path(args.path), os.environ)
    if args.format == "json":
        sys.stdout.write(render_json(run.verdict))
    else:
        sys.stdout.write(render_text(run.verdict, colour(sys.stdout), quiet=args.quiet))
    return EXIT_OK if run.verdict.status is Status.SUCCESS else EXIT_FAILURE


def cmd_madmp(args: argparse.Namespace) -> int:
    """Export a plan as an RDA maDMP document."""
    from dgbot.dmp.export import export_madmp
    from dgbot.pipeline import validate_path
    from dgbot.render import render_text

    run = validate_path(Path(args.path), os.environ)
    validation = run.validation
    if validation is None or validation.plan is None or not validation.valid:
        sys.stderr.write(render_text(run.verdict, colour(sys.stderr), quiet=True))
        sys.stderr.write(_("the plan must be valid before it can be exported") + "\n")
        return EXIT_FAILURE
    try:
        document = export_madmp(validation.plan, args.standard)
    except PlanError as exc:
        where = f"{validation.path} {exc.json_path}: " if exc.json_path else f"{validation.path}: "
        sys.stderr.write(f"{visible(f'{where}{exc}')}\n")
        return EXIT_FAILURE
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if args.output in (None, "-"):
        sys.stdout.write(text)
    else:
        write_output(run.root or Path(args.path).parent, Path(args.output), text)
    return EXIT_OK


def _reports(args: argparse.Namespace) -> list[tuple[str, str | None]]:
    reports = [(str(fmt), out) for fmt, out in (getattr(args, "reports", None) or [["text", None]])]
    if sum(1 for _, out in reports if out in (None, "-")) > 1:
        raise UsageError("only one report can go to standard output; give the others an --output")
    return reports


def cmd_check(args: argparse.Namespace) -> int:
    """Validate the plan and run every check; write the reports asked for."""
    from dgbot.snapshot import start_snapshot

    pairs = _reports(args)
    root = Path(args.path)
    # git lists and reads the tree while Python imports the plan validator and the checks.
    snapshot = start_snapshot(root, args.commit)
    import dgbot.checks  # noqa: F401 (imported here, while git works)
    from dgbot.pipeline import govern, prepare
    from dgbot.render.report import render_report

    prepare(root)
    run = govern(root, args.commit, os.environ, taken=snapshot.result, report_notice=True)
    for fmt, output in pairs:
        if output in (None, "-"):
            sys.stdout.write(render_report(run.verdict, fmt, colour(sys.stdout)))
        else:
            write_output(root, Path(output), render_report(run.verdict, fmt))
    return exit_code(run.verdict)


def cmd_generate(args: argparse.Namespace) -> int:
    """Generate the plan's workflow notebooks; with --check write nothing and report the drift."""
    from dgbot.notebooks.write import check_folder, generate_into
    from dgbot.pipeline import validate_path
    from dgbot.records import Status
    from dgbot.render import render_text

    root = Path(args.path)
    if not root.is_dir():
        raise UsageError(f"{root} is not a folder")
    run = validate_path(root, os.environ)
    plan = run.validation.plan if run.validation is not None else None
    if plan is None or run.verdict.status is not Status.SUCCESS:
        sys.stderr.write(render_text(run.verdict, colour(sys.stderr), quiet=True))
        sys.stderr.write(_("the plan and .dgbot.yml must be valid before notebooks can be generated") + "\n")
        return EXIT_FAILURE
    out = Path(args.out) if args.out else None
    if args.check:
        drift = check_folder(plan, run.settings, root, out)
        for state in drift:
            sys.stdout.write(_("drift: {message}").format(message=visible(state.message)) + "\n")
        if not args.quiet:
            differences = _("{count} difference(s) from what the plan generates").format(count=len(drift))
            sys.stdout.write((differences if drift else _("no drift")) + "\n")
        return EXIT_FAILURE if drift else EXIT_OK
    for action in generate_into(plan, run.settings, root, out):
        if not args.quiet or action.done in ("kept", "written-beside", "skipped"):
            sys.stdout.write(f"{visible(action.message)}\n")
    return EXIT_OK
