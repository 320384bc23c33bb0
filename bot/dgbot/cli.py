"""The `dgbot` command: parse the command line, run the command's body, map errors to exit codes.

The bodies live beside the facade of the layer they use: `dgbot.commands` (validate, check,
generate, madmp), `dgbot.ci.commands` (ci, publish), `dgbot.record.commands` (run, record,
package) and `dgbot.web.commands` (serve, worker, db, which registers its own options).
"""

from __future__ import annotations

import argparse
import contextvars
import sys
from collections.abc import Sequence
from typing import Any

from dgbot import __version__
from dgbot.choices import REPORTS, STANDARDS
from dgbot.ci.commands import cmd_ci, cmd_publish
from dgbot.clihelp import help_of
from dgbot.commands import cmd_check, cmd_generate, cmd_madmp, cmd_validate
from dgbot.errors import EXIT_INTERNAL, DgbotError
from dgbot.record.commands import cmd_package, cmd_record, cmd_run
from dgbot.render.escape import visible, visible_lines
from dgbot.render.streams import robust_streams
from dgbot.words import _


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


def main(argv: Sequence[str] | None = None) -> int:
    """Run dgbot; returns the exit code (0 pass, 1 governance failure, 2 usage, 3 internal)."""
    robust_streams()
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
