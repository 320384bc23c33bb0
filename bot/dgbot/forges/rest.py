"""A small REST client over requests for the forges without an SDK here (Gogs/GIN, Gitea/Forgejo)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from dgbot.forges.base import AccessError, TransientError
from dgbot.forges.credentials import Secrets
from dgbot.forges.origin import OriginSession
from dgbot.forges.retry import RetryPolicy, call, http_error

MAX_PAGES = 1_000


class RestClient:
    """JSON requests to `<api_url><path>` with `Authorization: token …`, retried by the policy."""

    def __init__(
        self, api_url: str, token: str, *, forge: str, policy: RetryPolicy, timeout: float = 30
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.forge = forge
        self._secrets = Secrets(token)
        self._policy = policy
        self._timeout = timeout
        self._session = OriginSession(self.api_url, forge)  # redirects stay on the forge's origin
        self._session.headers.update({"Authorization": f"token {token}", "Accept": "application/json"})

    def request(
        self,
        method: str,
        path: str,
        what: str,
        *,
        json: Any = None,
        params: Mapping[str, str | int] | None = None,
    ) -> requests.Response:
        """The answer of a 2xx; TransientError, AccessError or ForgeError otherwise (token scrubbed)."""

        def attempt() -> requests.Response:
            try:
                answer = self._session.request(
                    method, self.api_url + path, json=json, params=params, timeout=self._timeout
                )
            except requests.RequestException as exc:
                raise TransientError(f"{what}: {self._secrets.scrub(str(exc))}") from None
            if answer.status_code >= 300:  # a redirect not followed (no Location) is no answer either
                message = self._secrets.message(_message(answer))
                raise http_error(answer.status_code, answer.headers, message, what)
            return answer

        return call(self._policy, f"{self.forge} {what}", attempt)

    def json(self, method: str, path: str, what: str, **options: Any) -> Any:
        answer = self.request(method, path, what, **options)
        return answer.json() if answer.content else None

    def identity(self) -> str:
        """The login of the token's account (`GET /user`; Gogs and Gitea both name it `login`)."""
        found = self.json("GET", "/user", "reading the token's account") or {}
        return str(found.get("login") or found.get("username") or "")

    def maybe(self, path: str, what: str, **options: Any) -> requests.Response | None:
        """GET `path`; None on 404."""
        try:
            return self.request("GET", path, what, **options)
        except AccessError as exc:
            if exc.status == 404:
                return None
            raise

    def pages(
        self, path: str, what: str, params: Mapping[str, str | int] | None = None, *, limit: int | None = 50
    ) -> list[Any]:
        """Every item of a paged list: `page` and `limit` until a short page, or (no limit) an empty one."""
        items: list[Any] = []
        for number in range(1, MAX_PAGES + 1):
            query = {**(params or {}), "page": number, **({"limit": limit} if limit else {})}
            chunk = self.json("GET", path, what, params=query)
            items.extend(chunk or [])
            if not chunk or (limit is not None and len(chunk) < limit):
                break
        return items


def _message(answer: requests.Response) -> str:
    try:
        data = answer.json()
    except ValueError:
        return answer.text
    return str(data.get("message", data)) if isinstance(data, dict) else str(data)
