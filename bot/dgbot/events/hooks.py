"""Each forge's webhook headers and how a delivery is authenticated (standards.md §5).

Every check runs over the raw body, before it is parsed, and compares in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

FORGES = ("github", "gitlab", "gitea", "gin")


@dataclass(frozen=True)
class HookHeaders:
    event: str
    delivery: str
    signature: str
    prefix: str = ""  # GitHub's "sha256="; Gitea and Gogs/GIN send bare hex; GitLab sends the secret


HEADERS = {
    "github": HookHeaders("X-GitHub-Event", "X-GitHub-Delivery", "X-Hub-Signature-256", "sha256="),
    "gitlab": HookHeaders("X-Gitlab-Event", "X-Gitlab-Event-UUID", "X-Gitlab-Token"),
    "gitea": HookHeaders("X-Gitea-Event", "X-Gitea-Delivery", "X-Gitea-Signature"),
    "gin": HookHeaders("X-Gogs-Event", "X-Gogs-Delivery", "X-Gogs-Signature"),
}


@dataclass(frozen=True)
class Hook:
    """One enabled forge: its webhook secret, and the API URL and token its jobs use."""

    forge: str
    secret: str
    url: str | None = None
    token: str | None = None

    def __repr__(self) -> str:  # a secret never reaches a log line, even by accident
        return f"Hook({self.forge!r}, url={self.url!r})"


def enabled_hooks(environ: Mapping[str, str]) -> dict[str, Hook]:
    """The forges with a webhook secret (DGBOT_<FORGE>_WEBHOOK_SECRET); a forge without one is off."""
    hooks = {}
    for forge in FORGES:
        prefix = f"DGBOT_{forge.upper()}_"
        secret = environ.get(prefix + "WEBHOOK_SECRET", "")
        if secret:
            url, token = environ.get(prefix + "URL") or None, environ.get(prefix + "TOKEN") or None
            hooks[forge] = Hook(forge, secret, url, token)
    return hooks


def signature(secret: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of the body (what GitHub, Gitea and Gogs/GIN send)."""
    return hmac.digest(secret.encode("utf-8"), body, hashlib.sha256).hex()


def authentic(forge: str, headers: Mapping[str, str], body: bytes, secret: str) -> bool:
    """True when the delivery carries the right signature (or, for GitLab, the right token)."""
    spec = HEADERS[forge]
    given = headers.get(spec.signature)
    if not given:
        return False
    expected = secret if forge == "gitlab" else spec.prefix + signature(secret, body)
    return hmac.compare_digest(given.strip().encode("utf-8", "replace"), expected.encode("utf-8"))
