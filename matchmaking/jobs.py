"""Matchmaking operations the console can start as background jobs."""

from __future__ import annotations

import io
from collections.abc import Callable

from django.core.management import call_command


def train_job(report: Callable[[float, str], None]) -> str:
    """``train_ranker`` as a console job: trains, evaluates against the current ranker
    on held-out briefs, saves the model (promoted only if not worse)."""
    report(0.05, "Building the training set from recorded outcomes…")
    out = io.StringIO()
    call_command("train_ranker", stdout=out)
    return out.getvalue().strip()
