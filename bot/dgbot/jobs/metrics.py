"""The bot's Prometheus metrics; in `dgbot serve` and `dgbot worker` they are shared through files.

Both commands set PROMETHEUS_MULTIPROC_DIR (in the state folder) before this module is
imported, so /metrics adds up every gunicorn worker and every `dgbot worker` of the host.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

DELIVERIES = Counter("dgbot_deliveries", "Webhook deliveries received", ["forge", "event", "outcome"])
JOBS = Counter("dgbot_jobs", "Job runs ended", ["outcome"])
JOB_SECONDS = Histogram(
    "dgbot_job_seconds",
    "Duration of job runs",
    ["outcome"],
    buckets=(0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 1800),
)
FORGE_ERRORS = Counter("dgbot_forge_api_errors", "Forge API requests that failed", ["forge", "status"])
