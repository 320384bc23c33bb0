"""The recorded webhook payloads of ../shared/corpus/webhooks as deliveries: headers, signed or forged."""

from __future__ import annotations

import uuid
from pathlib import Path

from conftest import corpus_files
from dgbot.events.hooks import HEADERS, signature

SECRETS = {  # the documented test vectors' secrets (standards.md §5)
    "github": "It's a Secret to Everybody",
    "gitlab": "sampleToken!",
    "gitea": "IsWishesWereHorsesWedAllBeEatingSteak!",
    "gin": "sampleToken!",
}
GITLAB_EVENTS = {
    "push-event": "Push Hook",
    "tag-event": "Tag Push Hook",
    "merge-request-event": "Merge Request Hook",
    "pipeline-event": "Pipeline Hook",
}


def forge_of(path: Path) -> str:
    return {"gogs": "gin"}.get(path.parent.name, path.parent.name)


def event_of(path: Path) -> str:
    """The event header the forge sends with this payload (from its file name)."""
    forge, stem = forge_of(path), path.name.removesuffix(".json").removesuffix(".payload")
    if forge == "github":
        return stem.split(".")[0]
    if forge == "gitlab":
        return GITLAB_EVENTS[stem]
    return stem.removesuffix("-event").replace("-", "_")


def headers(
    forge: str, body: bytes, event: str, *, secret: str | None = None, delivery: str | None = None
) -> dict[str, str]:
    """Headers of a delivery signed with `secret` (the forge's test secret by default)."""
    spec = HEADERS[forge]
    key = SECRETS[forge] if secret is None else secret
    signed = key if forge == "gitlab" else spec.prefix + signature(key, body)
    return {
        spec.event: event,
        spec.delivery: delivery or str(uuid.uuid4()),
        spec.signature: signed,
        "Content-Type": "application/json",
    }


def corpus_payloads() -> list[Path]:
    return [p for folder in ("github", "gitlab", "gitea", "gogs") for p in corpus_files(f"webhooks/{folder}")]
