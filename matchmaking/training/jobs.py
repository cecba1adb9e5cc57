"""Matchmaking operations the console can start as background jobs."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

from django.core.management import call_command
from django.core.management.base import CommandError

from matchmaking.models import Outcome, RankerModel

log = logging.getLogger(__name__)


def train_job(report: Callable[[float, str], None]) -> str:
    """``train_ranker`` as a console job: trains, judges the method walk-forward against
    the current ranker over the most recent periods, saves the model (promoted only if
    it beats the current one there)."""
    report(0.05, "Building the training set from recorded outcomes…")
    out = io.StringIO()
    call_command("train_ranker", stdout=out)
    return out.getvalue().strip()


# The nightly retraining check trains only when this many outcomes were recorded since
# the last model was trained (officers' decisions, deals, imports).
RETRAIN_AFTER_NEW_OUTCOMES = 50


def retrain_if_due() -> str:
    """The scheduled task: ``train_ranker`` when enough new outcomes arrived since the
    last model (promoted only if it beats the serving ranker walk-forward); otherwise
    nothing."""
    last = RankerModel.objects.order_by("-created_at").values_list("created_at", flat=True)
    since = last.first()
    recorded = Outcome.objects.all()
    new = (recorded.filter(created_at__gt=since) if since else recorded).count()
    if new < RETRAIN_AFTER_NEW_OUTCOMES:
        message = f"retraining not due: {new} new outcomes (need {RETRAIN_AFTER_NEW_OUTCOMES})"
        log.info(message)
        return message
    out = io.StringIO()
    try:
        call_command("train_ranker", stdout=out, stderr=io.StringIO())
    except CommandError as error:  # e.g. too few briefs yet: no retry would help
        log.warning("retraining skipped: %s", error)
        return f"retraining skipped: {error}"
    report = out.getvalue().strip()
    log.info("retrained on %d new outcomes: %s", new, report.splitlines()[-1:])
    return report
