"""Reading a pushed commit on the bot host: a partial fetch of that one commit, without its content.

The clone URL is built from the configured forge URL and the repository's full name, never
from the payload. Only the commit's trees and its small blobs are fetched (`--filter=blob:limit`,
depth 1, no checkout): git-annex's links and pointer files are small, annexed content is never in
git, and a large blob stays on the forge (the snapshot counts its size as unknown). The token
reaches git through an askpass helper that reads it from git's environment: it is in no URL,
no argument, no file and no log. Nothing of the repository runs: no checkout (so no filters),
no hooks, no submodules, no system or user git configuration, no `git annex`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from dgbot.errors import UsageError
from dgbot.forges.base import AccessError, TransientError
from dgbot.forges.credentials import scrub
from dgbot.fs.write import make_folder, write_file

BLOB_LIMIT = 1024 * 1024  # blobs above this stay on the forge (plans, settings, notebooks are smaller)
FETCH_SECONDS = 600
# git's username for a token over HTTP Basic; Gitea, Gogs and GIN take any name with the token.
USERNAMES = {"github": "x-access-token", "gitlab": "oauth2", "gitea": "dgbot", "gin": "dgbot"}
GITHUB_API = "api.github.com"
_COMMIT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_ASKPASS = """#!/bin/sh
case "$1" in
  Username*) printf '%s\\n' "$DGBOT_GIT_USERNAME" ;;
  *) printf '%s\\n' "$DGBOT_GIT_PASSWORD" ;;
esac
"""
_SAFE = (  # settings for every git command run on a fetched repository
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "protocol.allow=never",
    "-c",
    "protocol.https.allow=always",
    "-c",
    "credential.helper=",
    "-c",
    "http.followRedirects=false",
    "-c",
    "fetch.recurseSubmodules=false",
    "-c",
    "submodule.recurse=false",
    "-c",
    "core.fsmonitor=false",
)


@dataclass(frozen=True)
class Fetched:
    """A bare repository holding the commit (trees and small blobs), and what fetching it cost."""

    path: Path
    commit: str
    bytes: int  # the packs git received


def clone_url(forge: str, api_url: str | None, full_name: str) -> str:
    """Where `forge` serves the repository over git: the configured forge's host, never the payload's.

    GitHub's API is `api.github.com` (git on `github.com`) or, on GitHub Enterprise Server,
    `<host>/api/v3` (git on `<host>`); the other forges serve git beside their web pages.
    """
    if forge == "github":
        base = api_url or f"https://{GITHUB_API}"
        parts = urlsplit(base)
        if parts.hostname == GITHUB_API:
            base = f"{parts.scheme}://github.com"
        else:
            base = base.rstrip("/").removesuffix("/api/v3")
    elif api_url:
        base = api_url
    else:
        raise UsageError(f"DGBOT_{forge.upper()}_URL is needed to read repositories from {forge}")
    name = "/".join(quote(part, safe="") for part in full_name.split("/"))
    return f"{base.rstrip('/')}/{name}.git"


def _environment(home: Path, askpass: Path, username: str, token: str | None) -> dict[str, str]:
    """git's whole environment: no configuration but ours, no prompt, the token for the askpass only."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": str(askpass),
        "LC_ALL": "C",
    }
    if token:
        env.update(DGBOT_GIT_USERNAME=username, DGBOT_GIT_PASSWORD=token)
    return env


def _run(args: list[str], env: dict[str, str], secrets: tuple[str, ...], what: str) -> None:
    try:
        done = subprocess.run(args, env=env, capture_output=True, timeout=FETCH_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise TransientError(f"{what}: git took longer than {FETCH_SECONDS} s") from None
    except OSError as exc:
        raise UsageError(f"cannot run git: {exc}") from None
    if done.returncode == 0:
        return
    said = scrub(done.stderr.decode("utf-8", "replace").strip(), secrets)[-500:]
    if "Authentication failed" in said or "could not read Username" in said or "not found" in said:
        raise AccessError(f"{what}: {said}")
    raise TransientError(f"{what}: {said}")


def _pack_bytes(repo: Path) -> int:
    packs = repo / "objects" / "pack"
    return sum(p.stat().st_size for p in packs.glob("*.pack")) if packs.is_dir() else 0


@contextmanager
def fetched_commit(
    forge: str,
    api_url: str | None,
    full_name: str,
    commit: str,
    token: str | None,
    *,
    scheme_http: bool = False,
) -> Iterator[Fetched]:
    """The commit `commit` of `full_name` in a private temporary bare repository, removed afterwards.

    `scheme_http` also allows plain http (a forge the operator configured at an http:// URL).
    """
    if not _COMMIT.fullmatch(commit):
        raise UsageError(f"not a commit id: {commit[:80]!r}")
    url = clone_url(forge, api_url, full_name)
    allowed = ["-c", "protocol.http.allow=always"] if scheme_http or url.startswith("http://") else []
    with tempfile.TemporaryDirectory(prefix="dgbot-fetch-", ignore_cleanup_errors=True) as private:
        top = Path(private)
        home, repo, askpass = top / "home", top / "repository.git", top / "askpass"
        make_folder(top, home)
        write_file(top, askpass, _ASKPASS)
        askpass.chmod(0o700)
        env = _environment(home, askpass, USERNAMES.get(forge, "dgbot"), token)
        secrets = (token,) if token else ()
        git = shutil.which("git", path=env["PATH"]) or "git"
        _run([git, *_SAFE, "init", "-q", "--bare", str(repo)], env, secrets, "preparing the clone")
        fetch = [git, *_SAFE, *allowed, "-C", str(repo), "fetch", "-q", "--no-tags", "--depth=1"]
        fetch += [f"--filter=blob:limit={BLOB_LIMIT}", "--", url, f"+{commit}:refs/dgbot/commit"]
        _run(fetch, env, secrets, f"fetching {commit[:12]} of {full_name}")
        # No promisor remote any more: a missing blob is missing (its size unknown), never fetched later.
        _run([git, "-C", str(repo), "config", "--remove-section", f"remote.{url}"], env, secrets, "closing")
        yield Fetched(repo, commit, _pack_bytes(repo))
