"""Delivering the workflow notebooks a plan calls for, by `.dgbot.yml` `delivery`.

`pull_request` (the default): the branch `dgbot/workflows`, made from the pushed branch, gets the
notebooks that are missing or outdated (the generator's rule holds: a notebook the researcher
edited is never overwritten; its new version goes beside it), plus the forge's CI wiring when
the repository has none; one pull/merge request from it, opened once and found again later.
`commit`: the same files committed on the pushed branch. `none`: nothing is written.
Files already on the branch with the same bytes are not committed again, so an unchanged plan
makes no new commit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dgbot.events.model import Event
from dgbot.forges.base import Forge
from dgbot.notebooks.drift import BESIDE, assess_all
from dgbot.render import escape_markdown
from dgbot.render.mdtext import code_span
from dgbot.resources import read_ci_template

if TYPE_CHECKING:
    from dgbot.pipeline import GovernanceRun

BRANCH = "dgbot/workflows"
TITLE = "dgbot: workflow notebooks"
MESSAGE = "dgbot: workflow notebooks for the plan"
CI_FILES = {"github": ".github/workflows/dgbot.yml"}  # GitLab's include: comes with its adapter
CI_FOLDERS = {"github": ".github/workflows/"}


def _wanted(run: GovernanceRun) -> tuple[dict[str, bytes], list[str]]:
    """The notebook files to write and, for each, why."""
    validation, settings, snapshot = run.validation, run.settings, run.snapshot
    if validation is None or validation.plan is None or not validation.valid:
        return {}, []
    folder = settings.notebook_folder.strip("/")
    existing = [entry.path for entry in snapshot.under(folder)]
    files: dict[str, bytes] = {}
    why: list[str] = []
    for generated, state in assess_all(validation.plan, settings, snapshot.read, existing):
        if generated is None:
            continue  # obsolete notebooks are reported by the drift check, not deleted by the bot
        if state.kind in ("missing", "outdated"):
            files[state.path] = generated.text.encode("utf-8")
            why.append(state.message)
        elif state.kind == "edited" and settings.on_edit == "write_beside":
            beside = state.path.removesuffix(".ipynb") + BESIDE
            files[beside] = generated.text.encode("utf-8")
            why.append(f"{state.message} → {beside}")
    return files, why


def _has_ci(forge: str, run: GovernanceRun) -> bool:
    folder = CI_FOLDERS.get(forge)
    return folder is None or any(True for _ in run.snapshot.under(folder.rstrip("/")))


def request_body(why: list[str], ci: str | None) -> str:
    lines = ["dgbot generated the workflow notebooks your plan calls for.", ""]
    lines += [f"- {escape_markdown(reason)}" for reason in why]
    if ci:
        lines += ["", f"- {code_span(ci)}: the CI wiring that runs them (the repository had none)"]
    return "\n".join(lines) + "\n"


def deliver_notebooks(forge: Forge, event: Event, run: GovernanceRun) -> dict[str, Any]:
    """Deliver what the plan generates and the commit lacks; what was done, for the job's result."""
    branch = event.ref.removeprefix("refs/heads/")
    mode = run.settings.delivery
    if event.kind != "push" or branch.startswith("dgbot/"):
        return {"action": "none"}  # a pull request's head, or dgbot's own branch
    files, why = _wanted(run)
    if not files:
        return {"action": "none", "reason": "up to date"}
    ci = CI_FILES.get(forge.name) if not _has_ci(forge.name, run) else None
    if ci is not None:
        files[ci] = read_ci_template(forge.name).encode("utf-8")
    if mode == "none":
        return {"action": "reported", "files": sorted(files)}
    if mode == "commit":
        head = forge.push_files(branch, branch, files, MESSAGE)
        return {"action": "commit", "branch": branch, "head": head, "files": sorted(files)}
    head = forge.push_files(BRANCH, branch, files, MESSAGE)
    number = forge.open_pull_request(BRANCH, branch, TITLE, request_body(why, ci))
    return {
        "action": "pull_request",
        "branch": BRANCH,
        "head": head,
        "request": number,
        "files": sorted(files),
    }
