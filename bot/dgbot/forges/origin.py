"""Requests that never leave the forge's origin: a redirect elsewhere would carry the token with it.

requests strips `Authorization` on a redirect to another host, but not `PRIVATE-TOKEN` (GitLab),
not on another port of the same host, and it follows https -> http. So dgbot follows a redirect
only within the configured scheme, host and port, and refuses every other one before sending.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from dgbot.forges.base import RedirectRefused

Origin = tuple[str, str, int]
_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> Origin:
    """Scheme, host and port of `url` (the default port filled in)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or _PORTS.get(scheme, 0)
    except ValueError:  # a port that is not a number
        port = -1
    return scheme, (parts.hostname or "").lower(), port


def shown(origin: Origin) -> str:
    """An origin as a URL prefix; never a path or query, which could hold a secret."""
    scheme, host, port = origin
    return f"{scheme}://{host}:{port}"


def _what(home: Origin, there: Origin, status: int | None) -> str:
    if status is None:
        return "a request to another host"
    if there[1] == home[1] and home[0] == "https" and there[0] != "https":
        return "a downgrade from https to http"
    if there[1] == home[1] and home[0] == "http" and there[0] == "https":
        return "a redirect from http to https (name the https URL)"
    return "a redirect to another host"  # another port of the same name is another host too


def refusal(forge: str, home: Origin, target: str, status: int | None) -> RedirectRefused:
    """The error for a redirect (or a request) from the forge's origin to another."""
    there = origin_of(target)
    answer = f"HTTP {status} " if status is not None else ""
    return RedirectRefused(
        f"{forge}: {_what(home, there, status)} was refused ({answer}from {shown(home)} to {shown(there)}): "
        "dgbot sends its token to the configured forge only; check --url",
        status=status,
    )


def check_redirect(forge: str, home: Origin, status: int, headers: Mapping[str, str], url: str) -> None:
    """Raise RedirectRefused when `status` redirects from `url` to an origin other than `home`."""
    location = next((v for k, v in headers.items() if k.lower() == "location"), None)
    if 300 <= status < 400 and location and origin_of(urljoin(url, location)) != home:
        raise refusal(forge, home, urljoin(url, location), status)


class OriginSession(requests.Session):
    """A requests Session bound to one origin: it follows redirects within it and refuses the rest."""

    def __init__(self, url: str, forge: str) -> None:
        super().__init__()
        self.home = origin_of(url)
        self.forge = forge

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
        # requests calls this for every redirect hop, before the hop is sent
        if origin_of(prepared_request.url or "") != self.home:
            raise refusal(self.forge, self.home, prepared_request.url or "", response.status_code)
        super().rebuild_auth(prepared_request, response)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if origin_of(request.url or "") != self.home:  # e.g. a next-page link to elsewhere
            raise refusal(self.forge, self.home, request.url or "", None)
        return super().send(request, **kwargs)
