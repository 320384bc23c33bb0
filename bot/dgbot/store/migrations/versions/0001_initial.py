"""The first store: deliveries, repositories, jobs, lanes, verdicts, volume samples."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("forge", sa.String(16), primary_key=True),
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("event", sa.String(64), nullable=False),
        sa.Column("repository", sa.String(512)),
        sa.Column("received", WHEN, nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("job", sa.Integer),
    )
    op.create_table(
        "repositories",
        sa.Column("forge", sa.String(16), primary_key=True),
        sa.Column("full_name", sa.String(512), primary_key=True),
        sa.Column("installation", sa.BigInteger),
        sa.Column("first_seen", WHEN, nullable=False),
        sa.Column("settings", JSON),
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(1024), nullable=False, unique=True),
        sa.Column("forge", sa.String(16), nullable=False),
        sa.Column("repository", sa.String(512), nullable=False),
        sa.Column("lane", sa.String(512), nullable=False),
        sa.Column("event", sa.String(64), nullable=False),
        sa.Column("commit", sa.String(64), nullable=False),
        sa.Column("delivery", sa.String(128), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("tries", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("result", JSON),
        sa.Column("holder", sa.String(256)),
        sa.Column("lease_until", sa.Float),
        sa.Column("queued_at", sa.Float),
        sa.Column("created", WHEN, nullable=False),
        sa.Column("started", WHEN),
        sa.Column("finished", WHEN),
    )
    op.create_index("jobs_state_queued", "jobs", ["state", "queued_at"])
    op.create_table(
        "lanes",
        sa.Column("lane", sa.String(512), primary_key=True),
        sa.Column("running", sa.Integer),
        sa.Column("lease_until", sa.Float),
        sa.Column("newest", sa.Integer, nullable=False),
        sa.Column("finished", sa.Integer, nullable=False),
    )
    op.create_table(
        "verdicts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("forge", sa.String(16), nullable=False),
        sa.Column("repository", sa.String(512), nullable=False),
        sa.Column("ref", sa.String(512), nullable=False),
        sa.Column("commit", sa.String(64), nullable=False),
        sa.Column("job", sa.Integer),
        sa.Column("plan_path", sa.String(1024)),
        sa.Column("plan_sha256", sa.String(64)),
        sa.Column("dgbot_version", sa.String(32), nullable=False),
        sa.Column("checks", JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("counts", JSON, nullable=False),
        sa.Column("verdict", JSON, nullable=False),
        sa.Column("links", JSON, nullable=False),
        sa.Column("created", WHEN, nullable=False),
    )
    op.create_index("verdicts_repository", "verdicts", ["forge", "repository", "ref", "id"])
    op.create_table(
        "volume_samples",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("forge", sa.String(16), nullable=False),
        sa.Column("repository", sa.String(512), nullable=False),
        sa.Column("commit", sa.String(64), nullable=False),
        sa.Column("bytes", sa.BigInteger, nullable=False),
        sa.Column("sampled", WHEN, nullable=False),
    )
    op.create_index("volume_repository", "volume_samples", ["forge", "repository", "sampled"])


def downgrade() -> None:
    for index, table in (("volume_repository", "volume_samples"), ("verdicts_repository", "verdicts")):
        op.drop_index(index, table)
    op.drop_table("volume_samples")
    op.drop_table("verdicts")
    op.drop_table("lanes")
    op.drop_index("jobs_state_queued", "jobs")
    op.drop_table("jobs")
    op.drop_table("repositories")
    op.drop_table("deliveries")
