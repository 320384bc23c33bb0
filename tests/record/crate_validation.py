"""roc-validator, offline: its HTTP cache primed with the RO-Crate 1.3 context the rocrate package ships.

The validator's profiles fetch https://w3id.org/ro/crate/1.3/context; this machine has no network.
Its offline mode answers from a requests-cache SQLite file, so the file is filled here by serving
that one URL from rocrate's own copy of the context (rocrate/data/ro-crate.jsonld) through a
transport adapter. No other URL is served: a profile needing another one fails the validation.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import requests
import requests_cache
import urllib3
from requests.adapters import HTTPAdapter

CONTEXT = "https://w3id.org/ro/crate/1.3/context"


class _Shipped(HTTPAdapter):
    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        assert request.url == CONTEXT, request.url
        body = (files("rocrate") / "data" / "ro-crate.jsonld").read_bytes()
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(body),
            headers={"Content-Type": "application/ld+json"},
            status=200,
            preload_content=False,
            request_url=request.url,
        )
        return self.build_response(request, raw)


def prime_cache(path: Path) -> Path:
    """A requests-cache SQLite file holding the RO-Crate 1.3 context; returns the cache name."""
    name = path / "http-cache"
    session = requests_cache.CachedSession(cache_name=str(name), backend="sqlite", expire_after=-1)
    session.mount("https://w3id.org/", _Shipped())
    assert session.get(CONTEXT).status_code == 200
    session.close()
    return name


@dataclass(frozen=True)
class Issue:
    severity: str
    check: str
    message: str


def validate(crate: Path, profile: str, cache: Path, skip: tuple[str, ...] = ()) -> list[Issue]:
    """roc-validator's issues at the REQUIRED level for `profile`, offline."""
    from rocrate_validator import models, services

    settings = models.ValidationSettings(
        rocrate_uri=crate.absolute(),
        profile_identifier=profile,
        requirement_severity=models.Severity.REQUIRED,
        offline=True,
        cache_path=cache,
        skip_checks=list(skip) or None,
    )
    result = services.validate(settings)
    issues = [Issue(str(i.severity), i.check.identifier, str(i.message)) for i in result.get_issues()]
    assert result.passed() == (not issues)
    return issues
