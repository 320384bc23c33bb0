"""A Forge from the command line's words and the environment (tokens are read here, once)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from dgbot.errors import UsageError
from dgbot.forges.base import Forge
from dgbot.forges.retry import RetryPolicy
from dgbot.words import _

if TYPE_CHECKING:
    from dgbot.forges.github import AppCredentials

FORGES = ("github", "gitlab", "gin", "gitea")
TOKEN = "DGBOT_TOKEN"  # noqa: S105  (the name of the variable, not a secret)
APP_ID, APP_KEY, APP_KEY_FILE, APP_INSTALLATION = (
    "DGBOT_GITHUB_APP_ID",
    "DGBOT_GITHUB_APP_PRIVATE_KEY",
    "DGBOT_GITHUB_APP_PRIVATE_KEY_FILE",
    "DGBOT_GITHUB_APP_INSTALLATION_ID",
)


def _app(environ: Mapping[str, str]) -> AppCredentials:
    from dgbot.forges.github import AppCredentials

    key = environ.get(APP_KEY)
    if not key and environ.get(APP_KEY_FILE):
        try:
            key = Path(environ[APP_KEY_FILE]).read_text(encoding="utf-8")
        except OSError as exc:
            said = _("{variable}: cannot read the private key: {reason}")
            raise UsageError(said.format(variable=APP_KEY_FILE, reason=exc.strerror or exc)) from None
    installation = environ.get(APP_INSTALLATION, "")
    if not key or not installation.isdigit():
        said = _("a GitHub App needs {id}, {key} (or {key_file}) and {installation}")
        raise UsageError(
            said.format(id=APP_ID, key=APP_KEY, key_file=APP_KEY_FILE, installation=APP_INSTALLATION)
        )
    return AppCredentials(environ[APP_ID], key, int(installation))


def build_forge(
    kind: str,
    repo: str,
    environ: Mapping[str, str],
    *,
    url: str | None = None,
    policy: RetryPolicy | None = None,
    throttle: bool = True,
) -> Forge:
    """The adapter for `kind`, authenticated by DGBOT_TOKEN or (GitHub) the App variables.

    `throttle` paces GitHub requests as GitHub asks of integrations (off only in tests).
    """
    token = environ.get(TOKEN) or None
    if kind == "github":
        from dgbot.forges.github import DEFAULT_API, GitHubForge

        app = _app(environ) if environ.get(APP_ID) else None
        if app is None and token is None:
            raise UsageError(
                _("set {token} (or the GitHub App variables {id}, ...) to publish").format(
                    token=TOKEN, id=APP_ID
                )
            )
        return GitHubForge(
            repo,
            token=None if app else token,
            app=app,
            base_url=url or DEFAULT_API,
            policy=policy,
            throttle=throttle,
        )
    if token is None:
        raise UsageError(_("set {token} to publish to {forge}").format(token=TOKEN, forge=kind))
    if kind == "gitlab":
        from dgbot.forges.gitlab import DEFAULT_URL, GitLabForge

        return GitLabForge(repo, token=token, url=url or DEFAULT_URL, policy=policy)
    if kind == "gin":
        from dgbot.forges.gin import DEFAULT_URL as GIN_URL
        from dgbot.forges.gin import GinForge

        return GinForge(repo, token=token, url=url or GIN_URL, policy=policy)
    if kind == "gitea":
        from dgbot.forges.gitea import GiteaForge

        if not url:
            raise UsageError(_("--url is needed for Gitea/Forgejo (e.g. https://codeberg.org)"))
        return GiteaForge(repo, token=token, url=url, policy=policy)
    raise UsageError(
        _("unknown forge {forge}; one of {forges}").format(forge=repr(kind), forges=", ".join(FORGES))
    )


def ci_branch(environ: Mapping[str, str]) -> str | None:
    """The branch a CI job runs for (GitHub Actions, GitLab CI, Gitea/Forgejo Actions)."""
    for name in (
        "GITHUB_HEAD_REF",
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
        "CI_COMMIT_BRANCH",
        "GITHUB_REF_NAME",
    ):
        if environ.get(name):
            return environ[name]
    return None


def ci_report_url(environ: Mapping[str, str]) -> str | None:
    """Where the CI job that holds the full report is shown."""
    if environ.get("CI_JOB_URL"):
        return environ["CI_JOB_URL"]
    server, repo, run = (environ.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID"))
    if server and repo and run:
        return f"{server}/{repo}/actions/runs/{run}"
    return None
