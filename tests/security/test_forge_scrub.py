"""A forge that echoes a credential in a long error body: dgbot scrubs every credential it holds (the
token, each GitHub App JWT and installation token) before it cuts the message, so not even the first
characters of a secret reach the error, the log, the CLI's output or an issue."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from dgbot.cli import main
from dgbot.errors import EXIT_INTERNAL
from dgbot.forges.credentials import MESSAGE_LIMIT
from dgbot.forges.github import AppCredentials
from dgbot.forges.publish import Target, publish
from dgbot.render import render_json
from forges import verdicts
from forges.httpfake import Request, Response
from forges.servers import TOKEN, Served, app_key_pair, serve, url_of

START = MESSAGE_LIMIT - 20  # where the echoed secret begins: a cut at the limit falls inside it
CASES = [
    ("github", "token"),
    ("gitlab", "token"),
    ("gin", "token"),
    ("gitea", "token"),
    ("github-app", "installation token"),
    ("github-app", "jwt"),
]


class Echo:
    """Answers the edit of an issue with 503, then 422, each echoing a credential at START."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.jwt = ""
        self.statuses = [503, 422]
        self.echoed: list[str] = []

    def __call__(self, request: Request) -> Response | None:
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            self.jwt = credential  # the App's latest JWT (GET /app, POST .../access_tokens)
        edit = request.method in ("PATCH", "PUT") and re.search(r"/issues/\d+$", request.path)
        if not edit or not self.statuses:
            return None
        secret = self.jwt if self.secret == "jwt" else request.headers.get("private-token") or credential
        self.echoed.append(secret)
        head = ("this token may not edit issues here; " * 20)[: START - 5] + "got: "
        return Response(self.statuses.pop(0), {"message": f"{head}{secret} (as sent)"})


@pytest.fixture(params=CASES, ids=[f"{k}-{s}" for k, s in CASES])
def echoing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Served, Echo]]:
    kind, secret = request.param
    for name in ("GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_BRANCH", "CI_JOB_URL", "GITHUB_RUN_ID"):
        monkeypatch.delenv(name, raising=False)
    if kind == "github-app":
        private, public = app_key_pair()
        served = serve("github", app=AppCredentials("12345", private, 777), app_public_key=public)
        monkeypatch.delenv("DGBOT_TOKEN", raising=False)
        monkeypatch.setenv("DGBOT_GITHUB_APP_ID", "12345")
        monkeypatch.setenv("DGBOT_GITHUB_APP_PRIVATE_KEY", private)
        monkeypatch.setenv("DGBOT_GITHUB_APP_INSTALLATION_ID", "777")
    else:
        served = serve(kind)
        monkeypatch.setenv("DGBOT_TOKEN", TOKEN)
    yield served, Echo(secret)
    served.stop()


def test_no_part_of_an_echoed_secret_is_shown(
    echoing: tuple[Served, Echo],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    served, echo = echoing
    caplog.set_level(logging.DEBUG)
    publish(served.forge, verdicts.failing(served.seed.sha), Target(served.seed.sha, "main"))
    served.fake.server.before = echo
    verdict = tmp_path / "verdict.json"
    verdict.write_text(render_json(verdicts.many_findings(3, served.seed.sha)), encoding="utf-8")
    where = ["--repo", served.seed.repo, "--sha", served.seed.sha, "--url", url_of(served.kind, served.fake)]
    args = ["publish", "--verdict", str(verdict), "--forge", served.kind, "--branch", "main", *where]
    assert main(args) == EXIT_INTERNAL  # 503 retried, then 422: the forge refused the edit
    captured = capsys.readouterr()
    assert len(echo.echoed) == 2 and all(len(s) > MESSAGE_LIMIT - START for s in echo.echoed)
    assert "may not edit issues here; " in captured.err and "got: ***" in captured.err  # scrubbed, then cut
    assert "HTTP 503" in caplog.text and "got: ***" in caplog.text  # the retry was logged, scrubbed too
    texts = [captured.out, captured.err, caplog.text]
    texts += [t.body for t in served.repo.threads] + [
        str(c["body"]) for t in served.repo.threads for c in t.comments
    ]
    for secret in {*echo.echoed, TOKEN}:
        assert not any(secret[:8] in text for text in texts), secret[:8]
