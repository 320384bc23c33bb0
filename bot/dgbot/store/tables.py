"""The store's tables, as SQLAlchemy Core metadata; each change comes with an Alembic migration.

Times the queue compares (queued, lease) are epoch seconds; times a reader reads are UTC datetimes.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

metadata = sa.MetaData()
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
WHEN = sa.DateTime(timezone=True)

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("forge", sa.String(16), primary_key=True),
    sa.Column("id", sa.String(128), primary_key=True),  # the forge's delivery id (header)
    sa.Column("event", sa.String(64), nullable=False),
    sa.Column("repository", sa.String(512)),
    sa.Column("received", WHEN, nullable=False),
    sa.Column("outcome", sa.String(32), nullable=False),  # queued, known, ignored, ping
    sa.Column("job", sa.Integer),  # the job it started or matched
)

repositories = sa.Table(
    "repositories",
    metadata,
    sa.Column("forge", sa.String(16), primary_key=True),
    sa.Column("full_name", sa.String(512), primary_key=True),
    sa.Column("installation", sa.BigInteger),  # GitHub App installation id, from the payloads
    sa.Column("first_seen", WHEN, nullable=False),
    sa.Column("settings", JSON),
)

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),  # order of arrival
    sa.Column("key", sa.String(1024), nullable=False, unique=True),  # forge, repository, event, commit
    sa.Column("forge", sa.String(16), nullable=False),
    sa.Column("repository", sa.String(512), nullable=False),
    sa.Column("lane", sa.String(512), nullable=False),  # the branch (or pull request) it serializes on
    sa.Column("event", sa.String(64), nullable=False),
    sa.Column("commit", sa.String(64), nullable=False),
    sa.Column("delivery", sa.String(128), nullable=False),  # the delivery that created it
    sa.Column("payload", JSON, nullable=False),  # the normalized event (never the raw body)
    sa.Column("state", sa.String(16), nullable=False),  # pending, running, done, failed, superseded
    sa.Column("tries", sa.Integer, nullable=False, default=0),
    sa.Column("last_error", sa.Text),
    sa.Column("result", JSON),
    sa.Column("holder", sa.String(256)),  # host:pid of the worker running it
    sa.Column("lease_until", sa.Float),
    sa.Column("queued_at", sa.Float),
    sa.Column("created", WHEN, nullable=False),
    sa.Column("started", WHEN),
    sa.Column("finished", WHEN),
    sa.Index("jobs_state_queued", "state", "queued_at"),
)

lanes = sa.Table(  # one row per branch: who runs there now, the newest job, the newest finished one
    "lanes",
    metadata,
    sa.Column("lane", sa.String(512), primary_key=True),
    sa.Column("running", sa.Integer),
    sa.Column("lease_until", sa.Float),
    sa.Column("newest", sa.Integer, nullable=False),
    sa.Column("finished", sa.Integer, nullable=False, default=0),
)

verdicts = sa.Table(  # the governance record: never updated, a later verdict is a new row
    "verdicts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("forge", sa.String(16), nullable=False),
    sa.Column("repository", sa.String(512), nullable=False),
    sa.Column("ref", sa.String(512), nullable=False),
    sa.Column("commit", sa.String(64), nullable=False),
    sa.Column("job", sa.Integer),
    sa.Column("plan_path", sa.String(1024)),
    sa.Column("plan_sha256", sa.String(64)),
    sa.Column("dgbot_version", sa.String(32), nullable=False),
    sa.Column("checks", JSON, nullable=False),  # check id -> version
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("counts", JSON, nullable=False),
    sa.Column("verdict", JSON, nullable=False),
    sa.Column("links", JSON, nullable=False),  # the issue, pull request, statuses it produced
    sa.Column("created", WHEN, nullable=False),
    sa.Index("verdicts_repository", "forge", "repository", "ref", "id"),
)

volume_samples = sa.Table(
    "volume_samples",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("forge", sa.String(16), nullable=False),
    sa.Column("repository", sa.String(512), nullable=False),
    sa.Column("commit", sa.String(64), nullable=False),
    sa.Column("bytes", sa.BigInteger, nullable=False),
    sa.Column("sampled", WHEN, nullable=False),
    sa.Index("volume_repository", "forge", "repository", "sampled"),
)
