"""`dgbot ci` and `dgbot publish`: the CI pipeline, and a saved verdict posted to a forge."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dgbot.commands import exit_code
from dgbot.errors import UsageError
from dgbot.render.escape import visible
from dgbot.words import _, use_language


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
    return exit_code(result.verdict)


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
        return exit_code(verdict)
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
    return exit_code(verdict)


def _speak_as_here() -> None:
    """Before a verdict names its language: speak as DGBOT_LANGUAGE or the `.dgbot.yml` here say."""
    from dgbot.dmp.settings import load_settings

    use_language(load_settings(Path.cwd(), os.environ)[0].language)
