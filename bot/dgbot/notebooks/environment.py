"""What a notebook's kernel sees of dgbot's environment: everything but credentials.

Notebooks are repository code: whatever the kernel can read, the repository can print into
its executed copy or send anywhere. So a variable is dropped when its name is one of the CI
credentials below, starts with one of their prefixes, or contains a word that says it is a
secret (TOKEN, SECRET, PASSWORD, PASSWD, KEY, CREDENTIAL, PRIVATE, AUTH, any case); when its
value is a URL carrying a password (`https://user:pass@host`, e.g. GitLab's
CI_REPOSITORY_URL); or when its value is that of a dropped variable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# Variables that name a secret word but hold none, which notebooks use.
ALLOWED = frozenset({"GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_AUTHOR_DATE", "TOKENIZERS_PARALLELISM"})
# The runner's own configuration may pass more (comma-separated names); the repository cannot.
ALLOW_VARIABLE = "DGBOT_KERNEL_ENV_ALLOW"
# dgbot's and the CI systems' credentials: never passed, whatever ALLOW_VARIABLE says.
CREDENTIALS = frozenset(
    {
        "DGBOT_TOKEN",
        "GITHUB_TOKEN",
        "CI_JOB_TOKEN",
        "CI_REGISTRY_PASSWORD",
        "CI_DEPLOY_PASSWORD",
        "CI_DEPENDENCY_PROXY_PASSWORD",
        "CI_REPOSITORY_URL",  # https://gitlab-ci-token:<CI_JOB_TOKEN>@host/...
        "ACTIONS_RUNTIME_TOKEN",
        "ACTIONS_RUNTIME_URL",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        "ACTIONS_ID_TOKEN_REQUEST_URL",
        "ACTIONS_CACHE_URL",
        "ACTIONS_RESULTS_URL",
        # The runner's command files: what a step appends there sets the next steps' environment
        # (GITHUB_ENV, GITHUB_PATH), the publishing step's included; notebooks never need them.
        "GITHUB_ENV",
        "GITHUB_PATH",
        "GITHUB_OUTPUT",
        "GITHUB_STATE",
        "GITHUB_STEP_SUMMARY",
    }
)
CREDENTIAL_PREFIXES = ("DGBOT_GITHUB_APP_", "CI_JOB_JWT")
_SECRET_WORDS = re.compile("TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL|PRIVATE|AUTH", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/@\s:]*:[^/@\s]+@")
_SHORTEST_SECRET = 8  # shorter values ("1", "true") are too common to tell copies by


def is_credential(name: str) -> bool:
    """Whether `name` is one of dgbot's or a CI system's own credentials."""
    return name in CREDENTIALS or name.startswith(CREDENTIAL_PREFIXES)


def is_secret(name: str, value: str) -> bool:
    """Whether the variable looks like a secret by its name or its value."""
    return is_credential(name) or bool(_SECRET_WORDS.search(name) or _URL_PASSWORD.search(value))


def allowed_names(environ: Mapping[str, str]) -> frozenset[str]:
    """The built-in allow-list and the names the runner's DGBOT_KERNEL_ENV_ALLOW adds."""
    extra = {name.strip() for name in environ.get(ALLOW_VARIABLE, "").split(",") if name.strip()}
    return ALLOWED | {name for name in extra if not is_credential(name)}


def kernel_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` without its secrets, for a kernel to start with."""
    allowed = allowed_names(environ)
    dropped = {name for name, value in environ.items() if name not in allowed and is_secret(name, value)}
    dropped |= {name for name in environ if is_credential(name)}
    secrets = {environ[name] for name in dropped if len(environ[name]) >= _SHORTEST_SECRET}
    return {name: value for name, value in environ.items() if name not in dropped and value not in secrets}
