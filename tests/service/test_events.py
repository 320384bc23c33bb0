"""Authenticating and normalizing the forges' real recorded payloads (../shared/corpus/webhooks)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import corpus_path
from dgbot.events.hooks import authentic, enabled_hooks, signature
from dgbot.events.model import Event, PayloadError
from dgbot.events.normalize import read_delivery
from service.payloads import SECRETS, corpus_payloads, event_of, forge_of, headers

# What each recorded payload is to dgbot: a job (kind, repository, ref, commit), a ping, or ignored.
EXPECTED = {
    "github/push.payload.json": "ignored",  # a tag push
    "github/push.with-new-branch.payload.json": (
        "push",
        "Codertocat/Hello-World",
        "refs/heads/master",
        "6113728f",
    ),
    "github/push.with-no-username-committer.payload.json": (
        "push",
        "Codertocat/Hello-World",
        "refs/heads/master",
        "6113728f",
    ),
    "github/pull_request.opened.payload.json": (
        "pull_request",
        "Codertocat/Hello-World",
        "refs/heads/changes",
        "ec26c3e5",
    ),
    "github/pull_request.synchronize.payload.json": (
        "pull_request",
        "Codertocat/Hello-World",
        "refs/heads/changes",
        "ec26c3e5",
    ),
    "github/pull_request.closed.payload.json": "ignored",
    "github/ping.payload.json": "ping",
    "github/status.payload.json": "ignored",
    "github/check_run.rerequested.payload.json": "ignored",
    "github/check_suite.requested.payload.json": "ignored",
    "github/installation.created.payload.json": "ignored",
    "github/installation.deleted.payload.json": "ignored",
    "github/installation_repositories.added.payload.json": "ignored",
    "gitlab/push-event.json": ("push", "mike/diaspora", "refs/heads/master", "da156088"),
    "gitlab/tag-event.json": "ignored",
    "gitlab/merge-request-event.json": (
        "pull_request",
        "gitlabhq/gitlab-test",
        "refs/heads/ms-viewport",
        "da156088",
    ),
    "gitlab/pipeline-event.json": "ignored",
    "gitea/push-event.json": ("push", "example/example", "refs/heads/master", "67b56589"),
    "gitea/pull-request-event.json": ("pull_request", "example/example", "refs/heads/master", "48e773f8"),
    "gogs/push-event.json": ("push", "unknwon/webhooks", "refs/heads/develop", "bffeb742"),
}


def _name(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


@pytest.mark.corpus
def test_the_documented_test_vectors() -> None:
    assert signature(SECRETS["github"], b"Hello, World!") == (
        "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    )
    gogs = corpus_path("webhooks", "gogs", "push-event.json").read_bytes()
    assert authentic(
        "gin",
        {"X-Gogs-Signature": "83d4163fb936904aeb9ffd6ce22cf86e4b36273b2e1c63a57f5a6ddc371ce3ba"},
        gogs,
        SECRETS["gin"],
    )
    for name, hexdigest in (
        ("push-event.json", "60fe446c74fa0cb9474f98cc557db79e10c7aaf22cf324ad65239600b9e4d915"),
        ("pull-request-event.json", "65c18a212efc7bde0f336acaec87f596fe20e80b2a0e7e51a790dd38393ff771"),
    ):
        body = corpus_path("webhooks", "gitea", name).read_bytes()
        assert authentic("gitea", {"X-Gitea-Signature": hexdigest}, body, SECRETS["gitea"])
    github = {
        "X-Hub-Signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    }
    assert authentic("github", github, b"Hello, World!", SECRETS["github"])
    assert not authentic("github", github, b"Hello, World?", SECRETS["github"])
    bare = {"X-Hub-Signature-256": "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"}
    assert not authentic("github", bare, b"Hello, World!", SECRETS["github"])  # the prefix is part of it


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_payloads(), ids=_name)
def test_each_recorded_payload_signed_forged_and_unsigned(path: Path) -> None:
    forge, body = forge_of(path), path.read_bytes()
    good = headers(forge, body, event_of(path))
    assert authentic(forge, good, body, SECRETS[forge])
    assert not authentic(forge, headers(forge, body, event_of(path), secret="wrong"), body, SECRETS[forge])
    assert not authentic(
        forge, {k: v for k, v in good.items() if "Sig" not in k and "Token" not in k}, body, SECRETS[forge]
    )
    if forge != "gitlab":  # GitLab's token does not cover the body; the others' signatures do
        assert not authentic(forge, good, body + b" ", SECRETS[forge])
    delivery = read_delivery(forge, good, body, "application/json")
    expected = EXPECTED[_name(path)]
    if isinstance(expected, str):
        assert delivery.outcome == expected and delivery.event is None
        return
    event = delivery.event
    assert delivery.outcome == "job" and event is not None
    assert (event.kind, event.repository, event.ref, event.commit[:8]) == expected
    assert Event.from_json(json.loads(json.dumps(event.to_json()))) == event


@pytest.mark.corpus
def test_a_push_lists_its_changed_files_and_says_when_the_list_is_whole() -> None:
    data = json.loads(corpus_path("webhooks", "gitea", "push-event.json").read_bytes())
    data["before"] = "1" * 40  # the recorded push created its branch; as a push onto an existing one:
    gitea = json.dumps(data).encode()
    event = read_delivery("gitea", headers("gitea", gitea, "push"), gitea, "application/json").event
    assert event is not None and event.complete and event.changed == ("example",)
    gitlab = corpus_path("webhooks", "gitlab", "push-event.json").read_bytes()  # 2 of 4 commits listed
    partial = read_delivery(
        "gitlab", headers("gitlab", gitlab, "Push Hook"), gitlab, "application/json"
    ).event
    assert partial is not None and partial.changed and not partial.complete
    gogs = corpus_path("webhooks", "gogs", "push-event.json").read_bytes()  # 2017 Gogs: no file lists
    old = read_delivery("gin", headers("gin", gogs, "push"), gogs, "application/json").event
    assert old is not None and (old.changed, old.complete) == ((), False)
    new_branch = corpus_path("webhooks", "github", "push.with-new-branch.payload.json").read_bytes()
    created = read_delivery(
        "github", headers("github", new_branch, "push"), new_branch, "application/json"
    ).event
    assert created is not None and not created.complete  # a new branch: diff against the whole tree


@pytest.mark.corpus
def test_github_form_encoded_deliveries_are_read() -> None:
    raw = corpus_path("webhooks", "github", "pull_request.opened.payload.json").read_bytes()
    body = b"payload=" + quote(raw.decode()).encode()
    delivery = read_delivery(
        "github", headers("github", body, "pull_request"), body, "application/x-www-form-urlencoded"
    )
    assert delivery.event is not None and delivery.event.number == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "the body is not JSON"),
        (b"[1, 2]", "$: a JSON object is needed, not list"),
        (b'{"ref": "refs/heads/main", "after": "' + b"a" * 40 + b'"}', "$.repository: missing"),
        (b'{"ref": 7, "repository": {"full_name": "o/r"}, "after": "x"}', "$.ref: a str is needed, not int"),
        (
            b'{"ref": "refs/heads/m", "repository": {"full_name": "o/r"}, "after": "xyz"}',
            "$.after: a commit SHA",
        ),
        (
            b'{"ref": "refs/heads/m", "repository": {"full_name": "o/'
            + b"r" * 600
            + b'"}, "after": "'
            + b"a" * 40
            + b'"}',
            "$.repository.full_name: too long to store",
        ),
        (
            b'{"ref": "refs/heads/'
            + b"m" * 500
            + b'", "repository": {"full_name": "o/r"}, "after": "'
            + b"a" * 40
            + b'"}',
            "$.ref: too long to store",
        ),
    ],
)
def test_a_malformed_payload_says_what_is_wrong(body: bytes, message: str) -> None:
    with pytest.raises(
        PayloadError, match=message.replace("$", r"\$").replace(".", r"\.").replace("[", r"\[")
    ):
        read_delivery("github", headers("github", body, "push"), body, "application/json")


def test_a_delivery_without_its_id_or_event_header_is_refused() -> None:
    body = b"{}"
    with pytest.raises(PayloadError, match="X-GitHub-Delivery header is missing"):
        read_delivery("github", {"X-GitHub-Event": "push"}, body, "application/json")
    with pytest.raises(PayloadError, match="X-Gitlab-Event header is missing"):
        read_delivery("gitlab", {"X-Gitlab-Event-UUID": "u"}, body, "application/json")


def test_a_forge_without_a_webhook_secret_is_not_enabled_and_secrets_never_print() -> None:
    hooks = enabled_hooks(
        {"DGBOT_GITHUB_WEBHOOK_SECRET": "s3cret-value", "DGBOT_GITLAB_TOKEN": "t", "DGBOT_GIN_URL": "u"}
    )
    assert list(hooks) == ["github"]
    assert "s3cret-value" not in repr(hooks) and "s3cret-value" not in str(hooks["github"])
