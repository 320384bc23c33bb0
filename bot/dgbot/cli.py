"""The `dgbot` command: parse, build, execute; errors mapped to exit codes in one place."""

from __future__ import annotations

import argparse
import contextvars
import io
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from dgbot import __version__
from dgbot.choices import REPORTS, STANDARDS
from dgbot.clihelp import help_of
from dgbot.errors import EXIT_FAILURE, EXIT_INTERNAL, EXIT_OK, DgbotError, PlanError, UsageError
from dgbot.render.escape import visible, visible_lines
from dgbot.words import _, use_language

# Each command imports what it needs: `dgbot check` starts git before importing the checks,
# and `dgbot validate` (a pre-commit hook) never imports them.
if TYPE_CHECKING:
    from dgbot.records import Verdict


def _colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate a plan (or a repository's plan) and print the verdict."""
    from dgbot.pipeline import validate_path
    from dgbot.records import Status
    from dgbot.render import render_json, render_text

    run = validate_path(Path(args.path), os.environ)
    if args.format == "json":
        sys.stdout.write(render_json(run.verdict))
    else:
        sys.stdout.write(render_text(run.verdict, _colour(sys.stdout), quiet=args.quiet))
    return EXIT_OK if run.verdict.status is Status.SUCCESS else EXIT_FAILURE


def cmd_madmp(args: argparse.Namespace) -> int:
    """Export a plan as an RDA maDMP document."""
    from dgbot.dmp.export import export_madmp
    from dgbot.pipeline import validate_path
    from dgbot.render import render_text

    run = validate_path(Path(args.path), os.environ)
    validation = run.validation
    if validation is None or validation.plan is None or not validation.valid:
        sys.stderr.write(render_text(run.verdict, _colour(sys.stderr), quiet=True))
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
        _write_output(run.root or Path(args.path).parent, Path(args.output), text)
    return EXIT_OK


class _Report(argparse.Action):
    """--format starts a report, --output names the file of the report before it."""

    def __call__(
        self, parser: argparse.ArgumentParser, ns: argparse.Namespace, value: Any, option: str | None = None
    ) -> None:
        reports: list[list[str | None]] = getattr(ns, "reports", None) or []
        if self.dest == "format":
            reports.append([value, None])
        elif not reports or reports[-1][1] is not None:
            parser.error("each --output needs its own --format before it")
        else:
            reports[-1][1] = value
        ns.reports = reports


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
            sys.stdout.write(render_report(run.verdict, fmt, _colour(sys.stdout)))
        else:
            _write_output(root, Path(output), render_report(run.verdict, fmt))
    return _exit_code(run.verdict)


def _exit_code(verdict: Verdict) -> int:
    """0 for success, 1 for a governance failure, 3 when a check could not decide."""
    from dgbot.records import Status

    return {Status.SUCCESS: EXIT_OK, Status.FAILURE: EXIT_FAILURE}.get(verdict.status, EXIT_INTERNAL)


def cmd_ci(args: argparse.Namespace) -> int:
    """The whole CI pipeline: validate, execute, check, reports, runner integration, publish."""
    from dgbot.ci.execute import execute_stage
    from dgbot.ci.publish import publish_from_runner
    from dgbot.ci.run import CiRequest, parse_stages, run_ci

    request = CiRequest(
        root=Path(args.path),
        report_dir=Path(args.report_dir) if args.report_dir else None,
        stages=parse_stages(args.stages),
        publish=args.publish,
        device=args.runner,
        quiet=args.quiet,
    )
    if not request.root.is_dir():
        raise UsageError(f"{request.root} is not a folder")
    result = run_ci(request, os.environ, sys.stdout, executor=execute_stage, publisher=publish_from_runner)
    return _exit_code(result.verdict)


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
        sys.stderr.write(render_text(run.verdict, _colour(sys.stderr), quiet=True))
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


def cmd_publish(args: argparse.Namespace) -> int:
    """Publish a verdict JSON to a forge: statuses, the governance issue, the pull-request comment."""
    from dgbot.dmp.verdictfile import load_verdict
    from dgbot.forges.factory import build_forge, ci_branch, ci_report_url
    from dgbot.forges.publish import Target, publish

    _speak_as_here()  # what is wrong with the verdict file, in the folder's language
    verdict = load_verdict(Path(args.verdict))
    if verdict.language is not None:  # a verdict speaks as the run that made it, wherever it is published
        use_language(verdict.language)
    if args.ci:  # as `dgbot ci --publish` does, from a verdict an earlier step saved
        from dgbot.ci.publish import publish_from_runner
        from dgbot.ci.runners import detect_runner

        done = publish_from_runner(verdict, detect_runner(os.environ), os.environ)
        sys.stdout.write("" if args.quiet else visible(done) + "\n")
        return _exit_code(verdict)
    missing = [f"--{name}" for name in ("forge", "repo", "sha") if not getattr(args, name)]
    if missing:
        said = _("{options} needed (or --ci, to take them from the CI job's variables)")
        raise UsageError(said.format(options=", ".join(missing)))
    branch = args.branch or ci_branch(os.environ)
    if not branch:
        raise UsageError(_("--branch is needed: the governance issue is per branch"))
    forge = build_forge(args.forge, args.repo, os.environ, url=args.url)
    target = Target(args.sha, branch, args.pr, args.report_url or ci_report_url(os.environ))
    outcome = publish(forge, verdict, target)
    if not args.quiet:
        from dgbot.ci.publish import issue_action

        contexts = ", ".join(f"{s.context}={s.state}" for s in outcome.statuses) or _("none changed")
        sys.stdout.write(_("statuses: {statuses}").format(statuses=visible(contexts)) + "\n")
        sys.stdout.write(_("issue: {action}").format(action=visible(issue_action(outcome.issue_action))))
        sys.stdout.write(f" (#{outcome.issue})\n" if outcome.issue is not None else "\n")
        if outcome.comment is not None:
            said = _("comment: {id} on #{number}").format(id=visible(outcome.comment), number=args.pr)
            sys.stdout.write(said + "\n")
    return _exit_code(verdict)


def _speak_as_here() -> None:
    """Before a verdict names its language: speak as DGBOT_LANGUAGE or the `.dgbot.yml` here say."""
    from dgbot.dmp.settings import load_settings

    use_language(load_settings(Path.cwd(), os.environ)[0].language)


def _valid_plan(path: str) -> Any:
    """The PlanRun of a repository folder whose plan is valid; None after printing why it is not."""
    from dgbot.pipeline import validate_path
    from dgbot.records import Status
    from dgbot.render import render_text

    root = Path(path)
    if not root.is_dir():
        raise UsageError(f"{root} is not a folder")
    run = validate_path(root, os.environ)
    if run.validation is None or run.validation.plan is None or run.verdict.status is not Status.SUCCESS:
        sys.stderr.write(render_text(run.verdict, _colour(sys.stderr), quiet=True))
        sys.stderr.write(_("the plan and .dgbot.yml must be valid first") + "\n")
        return None
    return run


def _parameters(pairs: Sequence[str]) -> dict[str, Any]:
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

    if (run := _valid_plan(args.path)) is None:
        return EXIT_FAILURE
    progress = None if args.quiet else terminal_progress(sys.stderr, args.verbose, os.environ)
    report = run_notebooks(
        run.root, run.validation.plan, run.settings, args.notebooks, _parameters(args.parameter), progress
    )
    if progress is not None and sys.stderr.isatty():
        sys.stderr.write("\r\x1b[K")
    sys.stdout.write(render_run(report, args.path))
    return EXIT_OK if report.ok else EXIT_FAILURE


def cmd_record(args: argparse.Namespace) -> int:
    """Save the last run with DataLad as a `datalad run` record; push it to a sibling when asked."""
    from dgbot.record.datalad import record_run

    if (run := _valid_plan(args.path)) is None:
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

    if (run := _valid_plan(args.path)) is None:
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


def _write_output(repository: Path, path: Path, text: str) -> None:
    """A file named on the command line: no link followed in the repository; elsewhere its folder trusted."""
    from dgbot.fs.write import boundary, write_file

    write_file(boundary(path.parent, repository), path, text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dgbot",
        description="Research-data governance: check a repository against its Data Management Plan.",
    )
    parser.add_argument("--version", action="version", version=f"dgbot {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", help="show tracebacks of internal errors")
    common.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    validate = commands.add_parser(
        "validate", parents=[common], help="validate a plan and print the verdict", **help_of("validate")
    )
    validate.add_argument(
        "path", nargs="?", default=".", metavar="PATH", help="plan file or repository folder (default: .)"
    )
    validate.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    validate.set_defaults(handler=cmd_validate)

    check = commands.add_parser(
        "check", parents=[common], help="run every governance check and report", **help_of("check")
    )
    check.add_argument("path", nargs="?", default=".", metavar="REPO", help="repository folder (default: .)")
    check.add_argument(
        "--commit", metavar="SHA", help="check this commit (no content needed) instead of the work tree"
    )
    check.add_argument(
        "--format",
        action=_Report,
        choices=REPORTS,
        metavar="F",
        help=f"report format: {', '.join(REPORTS)} (repeatable; default: text to standard output)",
    )
    check.add_argument(
        "--output", action=_Report, metavar="FILE", help="file for the preceding --format (repeatable)"
    )
    check.set_defaults(handler=cmd_check)

    ci = commands.add_parser(
        "ci", parents=[common], help="run the whole governance pipeline of a CI job", **help_of("ci")
    )
    ci.add_argument("path", nargs="?", default=".", metavar="REPO", help="repository folder (default: .)")
    ci.add_argument(
        "--report-dir", metavar="DIR", help="folder for every report (default: report_dir of .dgbot.yml)"
    )
    ci.add_argument(
        "--stages",
        default="all",
        metavar="LIST",
        help="comma-separated: validate,drift,execute,check,publish (default: all)",
    )
    ci.add_argument("--publish", action="store_true", help="post the verdict to the forge (DGBOT_TOKEN)")
    ci.add_argument(
        "--runner",
        choices=("any", "cpu", "gpu"),
        default="any",
        help="this job's runner; notebooks needing the other are left to it (default: any, run them all)",
    )
    ci.set_defaults(handler=cmd_ci)

    generate = commands.add_parser(
        "generate", parents=[common], help="generate the plan's workflow notebooks", **help_of("generate")
    )
    generate.add_argument(
        "path", nargs="?", default=".", metavar="REPO", help="repository folder (default: .)"
    )
    generate.add_argument(
        "--out", metavar="DIR", help="write into this folder (default: notebooks.folder of .dgbot.yml)"
    )
    generate.add_argument("--check", action="store_true", help="write nothing; exit 1 when notebooks drift")
    generate.set_defaults(handler=cmd_generate)

    pub = commands.add_parser(
        "publish",
        parents=[common],
        help="post a verdict JSON to GitHub/GitLab/GIN/Gitea",
        **help_of("publish"),
    )
    pub.add_argument(
        "--verdict", required=True, metavar="FILE", help="verdict JSON written by dgbot check --format json"
    )
    pub.add_argument("--forge", choices=("github", "gitlab", "gin", "gitea"), help="the forge")
    pub.add_argument("--repo", metavar="OWNER/NAME", help="OWNER/NAME (GitLab: the project path or id)")
    pub.add_argument("--sha", metavar="SHA", help="commit the verdict is about")
    pub.add_argument("--ci", action="store_true", help="all of those from the CI job's variables")
    pub.add_argument(
        "--url",
        metavar="API_URL",
        help="API URL (GitHub Enterprise, self-managed GitLab, a GIN or Gitea server)",
    )
    pub.add_argument(
        "--branch", metavar="NAME", help="branch of the governance issue (default: from the CI variables)"
    )
    pub.add_argument("--pr", type=int, metavar="NUMBER", help="pull/merge request number to comment on")
    pub.add_argument(
        "--report-url", metavar="URL", help="where the full report is (default: the CI job's page)"
    )
    pub.set_defaults(handler=cmd_publish)

    run = commands.add_parser(
        "run", parents=[common], help="execute the plan's notebooks, record provenance", **help_of("run")
    )
    run.add_argument("path", nargs="?", default=".", metavar="REPO", help="repository folder (default: .)")
    run.add_argument(
        "notebooks", nargs="*", metavar="NOTEBOOK", help="notebooks in the repository (default: the plan's)"
    )
    run.add_argument(
        "-p",
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a papermill parameter for every notebook (repeatable)",
    )
    run.set_defaults(handler=cmd_run)

    record = commands.add_parser(
        "record", parents=[common], help="save the last run as a DataLad run record", **help_of("record")
    )
    record.add_argument("path", nargs="?", default=".", metavar="REPO", help="DataLad dataset (default: .)")
    record.add_argument("-m", "--message", metavar="MSG", help="the record's commit message")
    record.add_argument("--push", metavar="SIBLING", help="then push there, annexed content too")
    record.set_defaults(handler=cmd_record)

    package = commands.add_parser(
        "package", parents=[common], help="describe the repository as an RO-Crate", **help_of("package")
    )
    package.add_argument(
        "path", nargs="?", default=".", metavar="REPO", help="repository folder (default: .)"
    )
    package.add_argument(
        "-o", "--output", metavar="DIR", help="crate folder; files present are copied (default: in place)"
    )
    package.set_defaults(handler=cmd_package)

    madmp = commands.add_parser(
        "madmp", parents=[common], help="export a plan as RDA maDMP JSON", **help_of("madmp")
    )
    madmp.add_argument(
        "path", nargs="?", default=".", metavar="PATH", help="plan file or repository folder (default: .)"
    )
    madmp.add_argument("-o", "--output", metavar="FILE", help="write to this file instead of standard output")
    madmp.add_argument("--standard", choices=STANDARDS, default="1.2", help="maDMP version (default: 1.2)")
    madmp.set_defaults(handler=cmd_madmp)

    from dgbot.web.commands import add_commands  # serve, worker, db upgrade: the bot service

    add_commands(commands, common)
    return parser


def _escape_library_warnings(logging: Any) -> None:
    """Libraries' warnings (papermill, nbclient) quote repository text too: shown `visible`."""

    class VisibleFormatter(logging.Formatter):  # type: ignore[misc]
        def formatMessage(self, record: Any) -> str:
            return visible(super().formatMessage(record))  # one line, whatever the arguments hold

        def formatException(self, ei: Any) -> str:
            return visible_lines(super().formatException(ei))  # a traceback keeps its own lines

        def formatStack(self, stack_info: str) -> str:
            return visible_lines(stack_info)

    if logging.lastResort is not None:
        logging.lastResort.setFormatter(VisibleFormatter())


class _WhenLoggingLoads:
    """A meta-path finder that finds nothing itself: it sees the first `import logging` and,
    once that module has run, escapes its warnings. Most commands (`check` among them) never
    import logging, which costs a new process more than many of its checks."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != "logging":
            return None
        sys.meta_path.remove(self)
        from importlib.util import find_spec

        spec = find_spec(name)
        if spec is not None and spec.loader is not None:
            run = spec.loader.exec_module

            def exec_module(module: Any) -> None:
                run(module)
                _escape_library_warnings(module)

            spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _robust_streams() -> None:
    """Plans may hold text that cannot be encoded (lone surrogates): escape it, never crash.

    Library warnings, which Python prints through its last-resort handler while nothing
    configured logging, are shown `visible` too (from when logging is imported).
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    if "logging" in sys.modules:
        _escape_library_warnings(sys.modules["logging"])
    elif not any(isinstance(finder, _WhenLoggingLoads) for finder in sys.meta_path):
        sys.meta_path.insert(0, _WhenLoggingLoads())


def main(argv: Sequence[str] | None = None) -> int:
    """Run dgbot; returns the exit code (0 pass, 1 governance failure, 2 usage, 3 internal)."""
    _robust_streams()
    args = build_parser().parse_args(argv)
    # The command speaks the language its settings name (dgbot.words), and only this command.
    return contextvars.copy_context().run(_run, args)


def _run(args: argparse.Namespace) -> int:
    try:
        code: int = args.handler(args)
    except DgbotError as exc:
        sys.stderr.write(f"dgbot: {visible(exc)}\n")
        return exc.exit_code
    except Exception as exc:
        if args.verbose:
            import traceback

            sys.stderr.write(visible_lines(traceback.format_exc()))
        said = f"{type(exc).__name__}: {visible(exc)}"
        sys.stderr.write(
            "dgbot: " + _("internal error: {error} (run with -v for details)").format(error=said) + "\n"
        )
        return EXIT_INTERNAL
    return code
