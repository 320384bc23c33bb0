"""How PyGithub authenticates for dgbot: every JWT and installation token registered for scrubbing,
and connections that refuse a redirect to another origin (PyGithub follows 301 and 302 itself)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from github import Auth, Requester

from dgbot.forges.base import ForgeError
from dgbot.forges.credentials import Secrets
from dgbot.forges.origin import check_redirect, origin_of


@dataclass(frozen=True)
class AppCredentials:
    """A GitHub App: its id, its private key (PEM) and the installation on the repository."""

    app_id: str
    private_key: str
    installation_id: int


class AppJwt(Auth.AppAuth):
    """The App's JWT auth; each JWT signed is added to the secrets as it is made."""

    def __init__(self, app: AppCredentials, secrets: Secrets) -> None:
        super().__init__(app.app_id, app.private_key)
        self._secrets = secrets

    def create_jwt(self, expiration: int | None = None) -> str:
        return self._secrets.add(super().create_jwt(expiration))


class Installation(Auth.AppInstallationAuth):
    """An installation's token auth; each token minted (and renewed) is added to the secrets."""

    def __init__(self, app: AppJwt, installation_id: int, secrets: Secrets) -> None:
        super().__init__(app, installation_id)
        self._secrets = secrets

    @property
    def token(self) -> str:
        return self._secrets.add(super().token)


class _Guarded:
    """A PyGithub connection whose answers may not redirect off its own scheme, host and port."""

    protocol: str
    host: str
    port: int

    def getresponse(self) -> Requester.RequestsResponse:
        answer: Requester.RequestsResponse = super().getresponse()  # type: ignore[misc]
        url = f"{self.protocol}://{self.host}:{self.port}/"
        check_redirect("GitHub", origin_of(url), answer.status, dict(answer.headers), url)
        return answer


class GuardedHTTPS(_Guarded, Requester.HTTPSRequestsConnectionClass):
    pass


class GuardedHTTP(_Guarded, Requester.HTTPRequestsConnectionClass):
    pass


_CLASSES = ("_Requester__httpConnectionClass", "_Requester__httpsConnectionClass")


def guard_connections() -> None:
    """Make every PyGithub Requester of this process (the App's token minting too) use guarded connections.

    Requester chooses its connection class from these class attributes when it is made; the
    public `injectConnectionClasses` would also turn off connection reuse.
    """
    cls: Any = Requester.Requester
    if not all(hasattr(cls, name) for name in _CLASSES):  # fail closed if PyGithub changed
        raise ForgeError("this PyGithub version cannot be made to refuse cross-host redirects")
    setattr(cls, _CLASSES[0], GuardedHTTP)
    setattr(cls, _CLASSES[1], GuardedHTTPS)
