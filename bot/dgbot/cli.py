"""The `dgbot` command: parse, build, execute; errors mapped to exit codes in one place."""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from dgbot import __version__, render
from dgbot.dmp.export import STANDARDS, export_madmp
from dgbot.errors import EXIT_FAILURE, EXIT_INTERNAL, EXIT_OK, DgbotError, PlanError, UsageError
from dgbot.pipeline import govern, validate_path
from dgbot.records import Status, Verdict
from dgbot.render import render_json, render_text


def _colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate a plan (or a repository's plan) and print the verdict."""
    run = validate_path(Path(args.path), os.environ)
    if args.format == "json":
        sys.stdout.write(render_json(run.verdict))
    else:
        sys.stdout.write(render_text(run.verdict, _colour(sys.stdout), quiet=args.quiet))
    return EXIT_OK if run.verdict.status is Status.SUCCESS else EXIT_FAILURE


def cmd_madmp(args: argparse.Namespace) -> int:
    """Export a plan as an RDA maDMP document."""
    run = validate_path(Path(args.path), os.environ)
    validation = run.validation
    if validation is None or validation.plan is None or not validation.valid:
        sys.stderr.write(render_text(run.verdict, _colour(sys.stderr), quiet=True))
        sys.stderr.write("the plan must be valid before it can be exported\n")
        return EXIT_FAILURE
    try:
        document = export_madmp(validation.plan, args.standard)
    except PlanError as exc:
        where = f"{validation.path} {exc.json_path}: " if exc.json_path else f"{validation.path}: "
        sys.stderr.write(f"{where}{exc}\n")
        return EXIT_FAILURE
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if args.output in (None, "-"):
        sys.stdout.write(text)
    else:
        _write_atomic(Path(args.output), text)
    return EXIT_OK


REPORTS = ("text", "json", "markdown", "junit", "codequality", "sarif", "status")


def _report(verdict: Verdict, fmt: str, colour: bool) -> str:
    """The verdict in one report format."""
    if fmt == "text":
        return render_text(verdict, colour)
    if fmt == "status":
        return json.dumps(render.status_payload(verdict), indent=2, ensure_ascii=False) + "\n"
    renderers: dict[str, Callable[[Verdict], str]] = {
        "json": render_json,
        "markdown": render.render_markdown,
        "junit": render.render_junit,
        "codequality": render.render_codequality,
        "sarif": lambda v: render.render_sarif(v, tool_version=__version__),
    }
    return renderers[fmt](verdict)


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
    pairs = _reports(args)
    run = govern(Path(args.path), args.commit, os.environ)
    for fmt, output in pairs:
        if output in (None, "-"):
            sys.stdout.write(_report(run.verdict, fmt, _colour(sys.stdout) and fmt == "text"))
        else:
            _write_atomic(Path(output), _report(run.verdict, fmt, False))
    return {Status.SUCCESS: EXIT_OK, Status.FAILURE: EXIT_FAILURE}.get(run.verdict.status, EXIT_INTERNAL)


def _write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file, so a failure never leaves half a file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.dgbot-tmp")
    temporary.write_text(text, encoding="utf-8", errors="backslashreplace")
    os.replace(temporary, path)


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

    validate = commands.add_parser("validate", parents=[common], help="validate a plan and print the verdict")
    validate.add_argument("path", nargs="?", default=".", help="plan file or repository folder (default: .)")
    validate.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    validate.set_defaults(handler=cmd_validate)

    check = commands.add_parser("check", parents=[common], help="run every governance check and report")
    check.add_argument("path", nargs="?", default=".", help="repository folder (default: .)")
    check.add_argument("--commit", help="check this commit (no content needed) instead of the work tree")
    check.add_argument("--format", action=_Report, choices=REPORTS, help="report format (repeatable)")
    check.add_argument("--output", action=_Report, help="file for the preceding --format (repeatable)")
    check.set_defaults(handler=cmd_check)

    madmp = commands.add_parser("madmp", parents=[common], help="export a plan as RDA maDMP JSON")
    madmp.add_argument("path", nargs="?", default=".", help="plan file or repository folder (default: .)")
    madmp.add_argument("-o", "--output", help="write to this file instead of standard output")
    madmp.add_argument("--standard", choices=STANDARDS, default="1.2", help="maDMP version (default: 1.2)")
    madmp.set_defaults(handler=cmd_madmp)
    return parser


def _robust_streams() -> None:
    """Plans may hold text that cannot be encoded (lone surrogates): escape it, never crash."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run dgbot; returns the exit code (0 pass, 1 governance failure, 2 usage, 3 internal)."""
    _robust_streams()
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except DgbotError as exc:
        sys.stderr.write(f"dgbot: {exc}\n")
        return exc.exit_code
    except Exception as exc:
        if args.verbose:
            traceback.print_exc()
        sys.stderr.write(f"dgbot: internal error: {type(exc).__name__}: {exc} (run with -v for details)\n")
        return EXIT_INTERNAL
    return code
