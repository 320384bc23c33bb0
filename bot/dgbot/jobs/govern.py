"""The job for a push or a pull/merge request's head: read the commit, govern it, publish, record.

1. Fetch the commit without its content (dgbot.jobs.clone) and snapshot it.
2. A repository is governed when the commit has a plan or a `.dgbot.yml`; others get nothing.
3. `pending` on `dgbot/checks` at once, then `pipeline.govern` (the checks of `dgbot check --commit`).
4. Deliver the workflow notebooks when they are missing or drift (dgbot.jobs.deliver).
5. Publish with the forge publisher (statuses, the governance issue, the pull-request comment).
6. Store the verdict with the links to what it posted, and a volume sample.
Every step is idempotent: a job run again (its worker died before it was marked done) posts
nothing twice, since the publisher compares what is there first.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from dgbot import __version__
from dgbot.config import Settings
from dgbot.dmp.find import choose_plan
from dgbot.dmp.settings import CONFIG_NAME
from dgbot.events.hooks import Hook
from dgbot.events.model import Event
from dgbot.forges.base import CommitStatus, Forge
from dgbot.forges.factory import TOKEN, build_forge
from dgbot.forges.publish import CHECKS_CONTEXT, Outcome, Target, publish
from dgbot.jobs.clone import fetched_commit
from dgbot.render import render_json
from dgbot.store.history import VerdictRow, add_verdict, add_volume_sample

if TYPE_CHECKING:
    import sqlalchemy as sa

    from dgbot.pipeline import GovernanceRun
    from dgbot.snapshot import Snapshot

log = logging.getLogger("dgbot.jobs")
PENDING = "dgbot is checking this commit"
ERROR = "dgbot could not check this commit: {reason}"
THROTTLE = "DGBOT_GITHUB_THROTTLE"  # 0: no pacing of GitHub requests (a GitHub Enterprise of your own)


def forge_for(event: Event, hook: Hook, environ: Mapping[str, str]) -> Forge:
    """The forge adapter of the event's repository, with the configured URL and token."""
    throttle = environ.get(THROTTLE, "1") != "0"
    settings = {TOKEN: hook.token} if hook.token else {}
    return build_forge(event.forge, event.repository, settings, url=hook.url, throttle=throttle)


def governed(snapshot: Snapshot) -> bool:
    """Whether the commit asks for governance: it has a plan (at the default place) or dgbot settings."""
    if snapshot.find(CONFIG_NAME) is not None:
        return True
    name, _missing = choose_plan(lambda n: snapshot.find(n) is not None, Settings().dmp)
    return name is not None


def _branch(event: Event) -> str:
    return event.ref.removeprefix("refs/heads/")


def _links(
    forge: Forge, hook: Hook, event: Event, outcome: Outcome, delivered: dict[str, Any]
) -> dict[str, Any]:
    return {
        "statuses": [s.context for s in outcome.statuses],
        "issue": outcome.issue,
        "issue_action": outcome.issue_action,
        "comment": outcome.comment,
        "check_run": outcome.check_run,
        "delivery": delivered,
    }


def _record(engine: sa.Engine, event: Event, job: int, run: GovernanceRun, links: dict[str, Any]) -> int:
    from dgbot.snapshot import sizes

    verdict = run.verdict
    plan = dict(verdict.plan or {})
    row = VerdictRow(
        forge=event.forge,
        repository=event.repository,
        ref=event.ref,
        commit=event.commit,
        status=verdict.status.value,
        verdict=json.loads(render_json(verdict)),
        counts=verdict.counts(),
        checks={check.id: __version__ for check in verdict.checks},
        job=job,
        plan_path=plan.get("path"),
        plan_sha256=plan.get("sha256"),
        links=links,
    )
    verdict_id = add_verdict(engine, row)
    total = sizes(run.snapshot.files)
    add_volume_sample(engine, event.forge, event.repository, event.commit, total.total)
    return verdict_id


def govern_event(
    event: Event, engine: sa.Engine, job: int, hook: Hook, environ: Mapping[str, str]
) -> dict[str, Any]:
    """The whole job for `event`; the JSON result kept on the job row."""
    from dgbot.jobs.deliver import deliver_notebooks
    from dgbot.pipeline import govern
    from dgbot.snapshot import snapshot_commit

    result: dict[str, Any] = {"commit": event.commit, "ref": event.ref}
    with fetched_commit(event.forge, hook.url, event.repository, event.commit, hook.token) as fetched:
        snapshot = snapshot_commit(fetched.path, event.commit)
        result["fetched_bytes"] = fetched.bytes
        if not governed(snapshot):
            log.info("not governed: no plan", extra={"job": job, "commit": event.commit})
            return {**result, "governed": False}
        forge = forge_for(event, hook, environ)
        forge.set_status(event.commit, CommitStatus(CHECKS_CONTEXT, "pending", PENDING))
        run = govern(fetched.path, event.commit, environ={}, taken=lambda: snapshot)
        delivered = deliver_notebooks(forge, event, run)  # reads the notebooks from the fetched commit
    number = event.number if event.kind == "pull_request" else None
    outcome = publish(forge, run.verdict, Target(event.commit, _branch(event), number))
    links = _links(forge, hook, event, outcome, delivered)
    verdict_id = _record(engine, event, job, run, links)
    return {**result, "governed": True, "status": run.verdict.status.value, "verdict": verdict_id, **links}


def report_error(event: Event, hook: Hook | None, environ: Mapping[str, str], reason: str) -> None:
    """After the last try: `error` on `dgbot/checks`, so the commit does not stay pending."""
    if hook is None:
        return
    forge = forge_for(event, hook, environ)
    text = ERROR.format(reason=reason)
    forge.set_status(event.commit, CommitStatus(CHECKS_CONTEXT, "error", text[:140]))
