"""Prometheus metrics (docs/operations.md, "Metrics and logs").

Request latency per view comes from django-prometheus's middleware. This module adds
what only Raabta knows: how long searches and shortlists take to compute (cache misses;
observed where they are computed), e-mail failures, and — read when Prometheus scrapes,
so always current and the same whichever process answers — outbox lag, the task
queue's depth and e-mails by status.

Under gunicorn with several workers, set ``PROMETHEUS_MULTIPROC_DIR`` to an empty
directory shared by the workers (bin/stack does): prometheus_client then keeps each
process's counters in files there and the metrics view adds them up.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from core.models import Email, OutboxEvent

# Milliseconds matter here: buckets from 1 ms to 2.5 s.
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)

SEARCH_SECONDS = Histogram(
    "raabta_search_seconds",
    "Directory searches computed by the search backend (result-cache misses).",
    ["backend"],
    buckets=_BUCKETS,
)
MATCH_SECONDS = Histogram(
    "raabta_match_seconds",
    "Shortlists computed for a brief: retrieve, features, rank, explain (cache misses).",
    buckets=_BUCKETS,
)
EMAIL_FAILURES = Counter(
    "raabta_email_failures_total", "Attempts to send an e-mail that failed (each attempt)."
)


class StateCollector(Collector):
    """Gauges read from the database and the queue at scrape time."""

    def collect(self) -> Iterator[Metric]:
        pending = OutboxEvent.objects.aggregate(count=Count("id"), oldest=Min("created_at"))
        yield GaugeMetricFamily(
            "raabta_outbox_pending", "Index changes written but not yet applied.", pending["count"]
        )
        lag = (timezone.now() - pending["oldest"]).total_seconds() if pending["oldest"] else 0.0
        yield GaugeMetricFamily(
            "raabta_outbox_lag_seconds", "Age of the oldest index change not yet applied.", lag
        )
        emails = GaugeMetricFamily("raabta_emails", "E-mails by status.", labels=["status"])
        counts = dict(Email.objects.values_list("status").annotate(n=Count("id")))
        for status in Email.Status.values:
            emails.add_metric([status], counts.get(status, 0))
        yield emails
        depth = _queue_depth()
        if depth is not None:
            yield GaugeMetricFamily(
                "raabta_queue_depth", "Jobs waiting in the task queue (RQ on Redis).", depth
            )


def _queue_depth() -> int | None:
    if settings.RAABTA_TASKS_INLINE:
        return None  # no queue: tasks run inline
    from core.tasks import queue

    try:
        return int(queue().count)
    except Exception:  # Redis down: the gauge is absent, the scrape still answers
        return None


def exposition() -> bytes:
    """Every metric in Prometheus's text format: the processes' own (added up across
    processes in multiprocess mode) and the scrape-time state."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    state = CollectorRegistry()
    state.register(StateCollector())
    return generate_latest(processes) + generate_latest(state)
