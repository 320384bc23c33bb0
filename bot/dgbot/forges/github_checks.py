"""A GitHub check run for a verdict, found again by its external id; annotations 50 to a request."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from github.CheckRun import CheckRun
from github.Repository import Repository

from dgbot.forges.base import Annotation, ForgeError

BATCH = 50  # annotations per request: GitHub refuses more
Caller = Callable[[str, Callable[[], Any]], Any]


def _annotation(item: Annotation) -> dict[str, Any]:
    return {
        "path": item.path,
        "start_line": item.line,
        "end_line": item.line,
        "annotation_level": item.level,
        "message": item.message,
        "title": item.title,
    }


def post_check_run(
    repo: Repository,
    call: Caller,
    sha: str,
    output: dict[str, str],
    annotations: Sequence[Annotation],
    *,
    name: str,
    external_id: str,
    conclusion: str,
) -> int:
    """The id of the run named `name` with `external_id` on `sha`; created (with every annotation) if new."""
    runs = call("listing check runs", lambda: list(repo.get_commit(sha).get_check_runs(check_name=name)))
    for found in runs:
        if found.external_id == external_id:
            return int(found.id)
    batches = [
        [_annotation(a) for a in annotations[i : i + BATCH]] for i in range(0, len(annotations), BATCH)
    ]
    first: dict[str, Any] = {**output, "annotations": batches[0] if batches else []}
    create = partial(
        repo.create_check_run, name, sha, status="completed", conclusion=conclusion, external_id=external_id
    )
    run: CheckRun = call("creating the check run", partial(create, output=first))
    for batch in batches[1:]:  # GitHub appends the annotations of each update
        call("adding annotations", partial(run.edit, output={**output, "annotations": batch}))
    if run.id is None:
        raise ForgeError("GitHub created a check run without an id")
    return int(run.id)
