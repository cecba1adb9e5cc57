"""The officers' analytics dashboard and operations (console jobs with progress)."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from core.jobs import job_kinds, job_start
from core.models import Job
from core.page_actions import officers_only
from matchmaking.analytics import figures
from matchmaking.pages.charts import MonthChart, last_months


def _bars(rows: list[dict[str, Any]], label: str, value: str) -> list[dict[str, Any]]:
    """Rows with each value's share of the largest, for CSS bar charts (and, for the
    funnel, the share of the stage before)."""
    top = max((row[value] for row in rows), default=0) or 1
    return [
        {
            "label": row[label],
            "value": row[value],
            "pct": round(100 * row[value] / top, 1),
            "share": row.get("share_of_previous"),
        }
        for row in rows
    ]


CHART_MONTHS = 18
FUNNEL_LABELS = {
    "suggested": "Suggested",
    "approved": "Approved by officers",
    "vendor_accepted": "Accepted by the firm",
    "introduced": "Introduced (buyer confirmed)",
    "meeting": "Met",
    "proposal": "Proposal made",
    "won": "Won",
}


@officers_only
def console_analytics(request: HttpRequest) -> HttpResponse:
    """Officers: won and pipeline value over the last 18 months, the funnel and the
    analytics tables as charts, each with its CSV download."""
    today = timezone.localdate()
    year = today.year
    by_month = {row["month"]: row for row in figures.value_by("month")}
    context = {
        "months": MonthChart(
            months=last_months(today, CHART_MONTHS),
            series={"won_usd": "won", "pipeline_usd": "in the pipeline"},
            rows=by_month,
        ),
        "by_sector": _bars(figures.value_by("sector"), "sector", "won_usd"),
        "by_country": _bars(figures.value_by("buyer_country"), "buyer_country", "won_usd"),
        "by_city": _bars(figures.value_by("vendor_city"), "vendor_city", "won_usd"),
        "funnel": [
            {**row, "label": FUNNEL_LABELS.get(row["label"], row["label"])}
            for row in _bars(figures.funnel(), "stage", "count")
        ],
        "unmet": figures.unmet_demand(since=date(year - 1, 1, 1))[:15],
        "exposure": figures.exposure(),
        "target": figures.target_progress(year)[0],
        "time_to_intro": figures.time_to_introduction()[-1:],
    }
    return render(request, "matchmaking/console_analytics.html", context)


@officers_only
def console_operations(request: HttpRequest) -> HttpResponse:
    """Officers: start a long operation (import, index rebuild, training) and follow its
    progress; the page refreshes a running job's bar every second."""
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        params: dict[str, Any] = {}
        if kind == "import_vendors":
            upload = request.FILES.get("file")
            if upload is None:
                messages.error(request, "file: choose a vendors.jsonl file to import")
                return redirect("console-operations")
            if (upload.size or 0) > settings.RAABTA_IMPORT_MAX_BYTES:
                messages.error(
                    request,
                    f"file: {upload.size:,} bytes is over the import limit of "
                    f"{settings.RAABTA_IMPORT_MAX_BYTES:,} bytes",
                )
                return redirect("console-operations")
            folder = Path(settings.DATA_DIR) / "uploads"
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{uuid.uuid4().hex}.jsonl"
            with target.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            params["path"] = str(target)
        try:
            job = job_start(kind=kind, actor=request.user, **params)
        except ValueError as error:
            messages.error(request, str(error))
            return redirect("console-operations")
        return redirect("console-job", job.pk)
    return render(
        request,
        "matchmaking/console_operations.html",
        {
            "kinds": job_kinds(),
            "jobs": Job.objects.select_related("started_by")[:20],
        },
    )


@officers_only
def console_job(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers: one job's progress (``?format=json`` for the page's polling)."""
    job = get_object_or_404(Job, pk=pk)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {"status": job.status, "progress": job.progress, "message": job.message}
        )
    labels = {kind.name: kind.label for kind in job_kinds()}
    return render(
        request,
        "matchmaking/console_job.html",
        {"job": job, "label": labels.get(job.kind, job.kind)},
    )
