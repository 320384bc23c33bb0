"""What `dgbot COMMAND --help` says beyond its options: usage, description, exit codes, an example.

README.md has a section per command whose heading is the same usage line and which shows the
same examples (tests/test_readme.py compares them). Each text is whole sentences, to translate.
"""

from __future__ import annotations

import argparse
import textwrap
from dataclasses import dataclass
from typing import Any

EXIT_CODES = "exit codes: 0 pass, 1 governance failure, 2 usage error, 3 internal error"
EPILOG = "{exit_codes}{exit_note}\n\nexample:\n{examples}"


@dataclass(frozen=True)
class Help:
    usage: str  # the synopsis, as README's heading shows it (-h, -q and -v are on every command)
    description: str
    examples: tuple[str, ...]
    exit_note: str = ""  # what the exit codes mean for this command, beyond the common line


COMMANDS = {
    "validate": Help(
        "dgbot validate [PATH] [--format text|json]",
        "Validate a plan (a plan file, or a repository folder's plan and .dgbot.yml) against its "
        "funder profile or the RDA maDMP standard; every error is reported at once, located by "
        "file:line:column and JSON path.",
        ("dgbot validate examples/plans/jst.yaml",),
        "; 1 when the plan or .dgbot.yml is invalid",
    ),
    "check": Help(
        "dgbot check [REPO] [--commit SHA] [--format F [--output FILE]]...",
        "Validate the plan and run every governance check on the repository's work tree, or on "
        "one commit with --commit (no checkout or annexed content needed). --format/--output "
        "pairs repeat, so one run writes several reports; the last line is the verdict of the "
        "whole run.",
        ("dgbot check examples/repo", "dgbot check . --format json --output verdict.json"),
        "; warnings and notices do not fail the run",
    ),
    "ci": Help(
        "dgbot ci [REPO] [--report-dir DIR] [--stages LIST] [--runner cpu|gpu|any] [--publish]",
        "The whole pipeline of a CI job: validate the plan, check the notebooks against the plan "
        "(drift), execute the notebooks the plan marks for CI, run the checks, write every report "
        "into the report folder, and publish the verdict to the forge with --publish.",
        ("dgbot ci examples/research-repo",),
    ),
    "generate": Help(
        "dgbot generate [REPO] [--out DIR] [--check]",
        "Write the workflow notebooks the repository's plan calls for; a notebook edited by hand "
        "is never overwritten. With --check, write nothing and list every difference.",
        ("dgbot generate --check examples/research-repo",),
        "; with --check, 1 when the notebooks differ from what the plan generates",
    ),
    "publish": Help(
        "dgbot publish --verdict FILE [--forge github|gitlab|gin|gitea --repo OWNER/NAME --sha SHA | --ci] "
        "[--url API_URL] [--branch NAME] [--pr NUMBER] [--report-url URL]",
        "Post a verdict JSON (from dgbot check --format json) where people look: commit statuses, "
        "one governance issue per branch, a pull-request comment. The token comes from "
        "DGBOT_TOKEN (or the DGBOT_GITHUB_APP_* variables), never from the command line.",
        ("dgbot publish --verdict verdict.json --ci",),
        "; exit codes follow the verdict, and a refused token or missing option is 2",
    ),
    "run": Help(
        "dgbot run [REPO] [NOTEBOOK...] [-p NAME=VALUE]...",
        "Execute the notebooks the plan marks for CI, or the ones named, with papermill on a "
        "Jupyter kernel; write the executed copies and the provenance record to the report folder.",
        ("dgbot run examples/research-repo",),
        "; 1 when a notebook fails or a notebook the plan names is missing",
    ),
    "record": Help(
        "dgbot record [REPO] [-m MSG] [--push SIBLING]",
        "Save the last dgbot run of a DataLad dataset as a datalad run record, so that "
        "datalad rerun repeats it; push it to a sibling with --push.",
        ("dgbot record . -m 'first run' --push gin",),
        "; 1 when the run cannot be recorded, 2 when there is no run yet",
    ),
    "package": Help(
        "dgbot package [REPO] [-o DIR]",
        "Describe the repository, its plan and its last run as an RO-Crate 1.3 (Process Run "
        "Crate), in place or as a copy in DIR.",
        ("dgbot package . -o crate",),
    ),
    "madmp": Help(
        "dgbot madmp [PATH] [-o FILE] [--standard 1.1|1.2]",
        "Export a valid plan of any profile as an RDA maDMP document, to standard output or FILE.",
        ("dgbot madmp examples/plans/jst.yaml -o madmp.json",),
        "; 1 when the plan is invalid or lacks what maDMP needs",
    ),
    "serve": Help(
        "dgbot serve [--bind HOST:PORT] [--workers N] [--threads N] [--log-format text|json]",
        "Receive the forges' webhooks under gunicorn: each delivery is authenticated over its raw "
        "body, stored with its job before it is answered 202, and left to the workers; /healthz, "
        "/readyz and /metrics beside it. Settings come from the environment only (see Run the bot).",
        ("dgbot serve --bind 0.0.0.0:8080 --log-format json",),
        "; it runs until stopped (SIGTERM: 0); 2 when the store's schema is outdated or an option is wrong",
    ),
    "worker": Help(
        "dgbot worker [--concurrency N] [--log-format text|json]",
        "Run the queued jobs until stopped; SIGTERM lets the running jobs finish, then exits. Any "
        "number of workers on any hosts share a PostgreSQL store and a Redis queue.",
        ("dgbot worker --concurrency 4",),
        "; it runs until stopped (SIGTERM: 0); 2 when the store's schema is outdated",
    ),
    "db": Help(
        "dgbot db upgrade",
        "Apply the governance store's migrations (Alembic) to the database DGBOT_DATABASE_URL "
        "names; serve and worker do it themselves on the embedded SQLite store.",
        ("dgbot db upgrade",),
    ),
}


def help_of(name: str) -> dict[str, Any]:
    """Keyword arguments of `add_parser` for command `name`."""
    text = COMMANDS[name]
    examples = "\n".join(f"  {example}" for example in text.examples)
    return {
        "usage": text.usage,
        "description": textwrap.fill(text.description, 78),
        "epilog": EPILOG.format(exit_codes=EXIT_CODES, exit_note=text.exit_note, examples=examples),
        "formatter_class": argparse.RawDescriptionHelpFormatter,
    }
