"""GET /metrics: the counters of every process of this host, and the store's jobs by state."""

from __future__ import annotations

import os
from collections.abc import Iterator

import sqlalchemy as sa
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from dgbot.jobs.queue import Queue
from dgbot.store.jobs import counts


class StoreCollector(Collector):
    """Queue depth and jobs by state, read at each scrape (right across hosts and restarts)."""

    def __init__(self, engine: sa.Engine, queue: Queue) -> None:
        self.engine, self.queue = engine, queue

    def collect(self) -> Iterator[Metric]:
        states = GaugeMetricFamily("dgbot_jobs_in_state", "Jobs in the store by state", labels=["state"])
        for state, number in sorted(counts(self.engine).items()):
            states.add_metric([state], number)
        yield states
        yield GaugeMetricFamily(
            "dgbot_queue_depth", "Messages waiting in the queue", value=self.queue.depth()
        )


def render_metrics(engine: sa.Engine, queue: Queue) -> tuple[bytes, str]:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    store = CollectorRegistry()
    store.register(StoreCollector(engine, queue))
    return text + generate_latest(store), CONTENT_TYPE_LATEST
