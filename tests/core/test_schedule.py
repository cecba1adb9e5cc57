"""The periodic jobs: RQ's cron scheduler against the real Redis, then a worker runs
what it queued (issue 13, acceptance 1)."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta

import pytest
import redis
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from rq import SimpleWorker

from core.models import OutboxEvent
from core.schedule import scheduler
from core.tasks import queue
from matchmaking.models import Outcome, RankerModel
from matchmaking.training import jobs as matchmaking_jobs
from search.loading import get_search_backend
from tests.factories import make_brief, make_vendor

REDIS_URL = os.environ.get("RAABTA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_queue():
    name = f"raabta-test-{uuid.uuid4().hex[:8]}"
    with override_settings(RAABTA_TASKS_INLINE=False, REDIS_URL=REDIS_URL, RAABTA_TASK_QUEUE=name):
        yield name
        queue().delete(delete_jobs=True)
    connection = redis.Redis.from_url(REDIS_URL)
    for key in connection.scan_iter(f"*{name}*"):
        connection.delete(key)


def test_due_interval_jobs_are_queued_and_the_worker_runs_them(redis_queue):
    make_vendor(external_id="pk-lost-job")  # its sync job is queued; pretend it was lost
    jobs = queue()
    jobs.empty()
    assert OutboxEvent.objects.filter(key="pk-lost-job").exists()
    cron = scheduler()
    names = {job.func_name for job in cron.get_jobs()}
    assert {"search.sync.sync_search_index", "matchmaking.training.jobs.retrain_if_due"} <= names
    queued = {job.func_name for job in cron.enqueue_jobs()}
    # The five-minute safety nets are due at once; the nightly ones wait for their hour.
    assert queued == {
        "search.sync.sync_search_index",
        "search.sync.sync_demand_index",
        "core.mail.send_pending_emails",
        "matchmaking.curation.suggestions.suggest_for_changed_briefs",
    }
    assert cron.enqueue_jobs() == []  # not due again yet
    SimpleWorker([jobs], connection=jobs.connection).work(burst=True)
    assert not OutboxEvent.objects.exists()
    assert get_search_backend().count() == 1


def test_the_scheduler_needs_a_queue():
    with (
        override_settings(RAABTA_TASKS_INLINE=True),
        pytest.raises(CommandError, match="REDIS_URL"),
    ):
        call_command("run_scheduler")


def test_retraining_waits_for_enough_new_outcomes(monkeypatch):
    monkeypatch.setattr(matchmaking_jobs, "RETRAIN_AFTER_NEW_OUTCOMES", 3)
    trained: list[str] = []
    monkeypatch.setattr(matchmaking_jobs, "call_command", lambda name, **_: trained.append(name))
    brief = make_brief()
    vendors = [make_vendor(external_id=f"pk-r{n}") for n in range(4)]
    Outcome.objects.create(brief=brief, vendor=vendors[0], outcome="accepted")
    assert "not due: 1 new outcomes" in matchmaking_jobs.retrain_if_due()
    for vendor in vendors[1:]:
        Outcome.objects.create(brief=brief, vendor=vendor, outcome="rejected")
    matchmaking_jobs.retrain_if_due()
    assert trained == ["train_ranker"]
    # Outcomes recorded before the last model do not count again.
    model = RankerModel.objects.create(parameters={}, metrics={}, promoted=False)
    RankerModel.objects.filter(pk=model.pk).update(
        created_at=model.created_at + timedelta(seconds=1)
    )
    assert "not due: 0 new outcomes" in matchmaking_jobs.retrain_if_due()


def test_a_retraining_that_cannot_train_is_reported_not_retried(monkeypatch):
    monkeypatch.setattr(matchmaking_jobs, "RETRAIN_AFTER_NEW_OUTCOMES", 1)
    brief, vendor = make_brief(), make_vendor()
    Outcome.objects.create(brief=brief, vendor=vendor, outcome="accepted")
    assert matchmaking_jobs.retrain_if_due().startswith("retraining skipped:")
