"""A forge that redirects elsewhere gets no token: every adapter refuses a redirect off the configured
scheme, host and port before sending anything, with a located error (exit 2); the token goes nowhere.

Two local servers on 127.0.0.1 with different ports are two origins: the fake forge answers 301,
302, 307 or 308 towards the other, which records every header it is sent.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from dgbot.cli import main
from dgbot.errors import EXIT_USAGE
from dgbot.forges.base import RedirectRefused
from dgbot.forges.github import AppCredentials
from dgbot.forges.origin import origin_of, refusal, shown
from dgbot.forges.publish import Target, publish
from dgbot.forges.retry import RetryPolicy
from dgbot.render import render_json
from forges import verdicts
from forges.httpfake import FakeServer, Request, Response
from forges.servers import FORGES, TOKEN, Served, adapter, app_key_pair, serve, url_of

NAMES = {"github": "GitHub", "gitlab": "GitLab", "gin": "GIN", "gitea": "Gitea"}
Rule = Callable[[Request], bool]


@pytest.fixture
def elsewhere() -> Iterator[FakeServer]:
    """Another origin (another port): it answers 404 to everything and records what it is sent."""
    server = FakeServer().start()
    yield server
    server.stop()


def redirect(status: int, to: str, when: Rule = lambda request: True) -> Callable[[Request], Response | None]:
    """A `before` hook: matching requests are sent on to `to` with the same path and query."""

    def answer(request: Request) -> Response | None:
        if not when(request):
            return None
        query = f"?{urlencode(request.query)}" if request.query else ""
        return Response(status, b"", {"Location": to + request.path + query})

    return answer


def credentials_seen(server: FakeServer, secrets: list[str]) -> list[str]:
    """Every header value the server received that holds one of the secrets."""
    return [v for r in server.log for v in r.headers.values() if any(s in v for s in secrets)]


def assert_refused(error: RedirectRefused, kind: str, status: int, elsewhere: FakeServer) -> None:
    text = str(error)
    assert text.startswith(f"{NAMES[kind]}: a redirect to another host was refused (HTTP {status} ")
    assert elsewhere.root in text and TOKEN not in text
    assert error.exit_code == EXIT_USAGE


@pytest.mark.parametrize("status", [301, 302, 307, 308])
@pytest.mark.parametrize("kind", FORGES)
def test_dgbot_publish_refuses_a_redirect_to_another_host(
    kind: str,
    status: int,
    elsewhere: FakeServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DGBOT_TOKEN", TOKEN)
    served = serve(kind)
    served.fake.server.before = redirect(status, elsewhere.root)
    verdict = tmp_path / "verdict.json"
    verdict.write_text(render_json(verdicts.failing(served.seed.sha)), encoding="utf-8")
    args = ["publish", "--verdict", str(verdict), "--forge", kind, "--repo", served.seed.repo,
            "--sha", served.seed.sha, "--branch", "main", "--url", url_of(kind, served.fake)]  # fmt: skip
    try:
        code = main(args)
    finally:
        served.stop()
    captured = capsys.readouterr()
    assert code == EXIT_USAGE
    assert f"dgbot: {NAMES[kind]}: a redirect to another host was refused (HTTP {status} " in captured.err
    assert TOKEN not in captured.err + captured.out
    assert credentials_seen(elsewhere, [TOKEN]) == [] and elsewhere.log == []  # refused before sending
    assert served.repo.issues() == [] and served.repo.statuses == {}  # nothing published


@pytest.mark.parametrize("kind", FORGES)
def test_a_write_redirected_with_its_body_is_refused(kind: str, elsewhere: FakeServer) -> None:
    """307 keeps the method and body: the issue (and the token) would be posted to the other host."""
    served = serve(kind)
    served.fake.server.before = redirect(
        307, elsewhere.root, lambda r: r.method == "POST" and "issues" in r.path
    )
    try:
        with pytest.raises(RedirectRefused) as refused:
            publish(served.forge, verdicts.failing(served.seed.sha), Target(served.seed.sha, "main"))
    finally:
        served.stop()
    assert_refused(refused.value, kind, 307, elsewhere)
    assert credentials_seen(elsewhere, [TOKEN]) == [] and elsewhere.log == []


@pytest.mark.parametrize("kind", FORGES)
def test_reading_a_file_redirected_to_another_port_is_refused(kind: str, elsewhere: FakeServer) -> None:
    """PyGithub follows a 302 on reading contents and drops `Authorization` only for another host name."""
    served = serve(kind)
    served.fake.server.before = redirect(302, elsewhere.root)
    try:
        with pytest.raises(RedirectRefused) as refused:
            served.forge.read_file("dmp.json", served.seed.sha)
    finally:
        served.stop()
    assert_refused(refused.value, kind, 302, elsewhere)
    assert elsewhere.log == []


def test_the_github_app_jwt_is_not_sent_to_another_host(elsewhere: FakeServer) -> None:
    private, public = app_key_pair()
    served = serve("github", app=AppCredentials("12345", private, 777), app_public_key=public)
    served.fake.server.before = redirect(307, elsewhere.root, lambda r: r.path.endswith("/access_tokens"))
    try:
        with pytest.raises(RedirectRefused) as refused:
            publish(served.forge, verdicts.failing(served.seed.sha), Target(served.seed.sha, "main"))
    finally:
        served.stop()
    assert_refused(refused.value, "github", 307, elsewhere)
    jwts = [r.headers["authorization"] for r in served.fake.server.log if r.path.endswith("/access_tokens")]
    assert jwts and credentials_seen(elsewhere, [j.split()[1] for j in jwts]) == []
    assert elsewhere.log == [] and served.fake.minted == []


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, Path]:
    """A server context for 127.0.0.1 and the certificate file clients trust it by."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context, folder / "cert.pem"


@pytest.mark.parametrize("kind", FORGES)
def test_a_downgrade_from_https_to_http_is_refused(
    kind: str, elsewhere: FakeServer, tls: tuple[ssl.SSLContext, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    context, cert = tls
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    served = serve(kind, tls=context)
    assert served.fake.server.root.startswith("https://127.0.0.1:")
    served.fake.server.before = redirect(301, elsewhere.root)  # http://127.0.0.1:<other port>
    try:
        with pytest.raises(RedirectRefused) as refused:
            publish(served.forge, verdicts.failing(served.seed.sha), Target(served.seed.sha, "main"))
        served.fake.server.before = lambda request: None
        assert served.forge.identity() == "dgbot"  # the https forge itself answers
    finally:
        served.stop()
    assert str(refused.value).startswith(f"{NAMES[kind]}: a downgrade from https to http was refused")
    assert elsewhere.log == []


def renamed(root: str) -> Callable[[Request], Response | None]:
    """The forge moved lab/old to lab/data: a permanent redirect on the same origin, as GitHub sends it."""

    def answer(request: Request) -> Response | None:
        for old, new in (("/lab/old", "/lab/data"), ("/lab%2Fold", "/lab%2Fdata")):
            if f"{old}/" in request.path and request.method == "GET":
                query = f"?{urlencode(request.query)}" if request.query else ""
                return Response(301, b"", {"Location": root + request.path.replace(old, new) + query})
        return None

    return answer


@pytest.mark.parametrize("kind", FORGES)
def test_a_redirect_within_the_forge_is_still_followed(kind: str) -> None:
    served: Served = serve(kind)
    served.repo.open_thread("dgbot: data governance of branch main", "<!-- marker -->", ["dgbot"])
    served.fake.server.before = renamed(served.fake.server.root)
    try:
        moved = adapter(kind, "lab/old", served.fake, RetryPolicy(sleep=lambda s: None))
        found = moved.find_issues("dgbot")
    finally:
        served.stop()
    assert [(i.number, i.author) for i in found] == [(1, "dgbot")]
    assert any(code == 301 for code in served.fake.server.answered)  # the redirect happened


def test_the_refusal_says_what_was_refused_and_shows_no_path() -> None:
    home = origin_of("https://gitlab.example.org/api/v4")
    assert shown(home) == "https://gitlab.example.org:443"
    cases = {
        "https://evil.example.net/x?private_token=glpat-1": "a redirect to another host",
        "http://gitlab.example.org/api/v4/user": "a downgrade from https to http",
        "https://gitlab.example.org:8443/api/v4/user": "a redirect to another host",
    }
    for target, what in cases.items():
        text = str(refusal("GitLab", home, target, 302))
        assert text.startswith(f"GitLab: {what} was refused (HTTP 302 from {shown(home)} to ")
        assert "glpat" not in text and "/api" not in text
    upgrade = refusal("Gitea", origin_of("http://git.example.org"), "https://git.example.org/", 301)
    assert "a redirect from http to https (name the https URL)" in str(upgrade)
