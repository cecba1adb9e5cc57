"""The events' figures on the officers' dashboard: a template tag, so the dashboard
(``matchmaking``) shows them without importing ``events`` (which builds on it)."""

from __future__ import annotations

from typing import Any

from django import template

from events.selectors import event_analytics

register = template.Library()


@register.inclusion_tag("events/figures.html")
def event_figures(limit: int = 10) -> dict[str, Any]:
    from events.models import Event

    latest = Event.objects.order_by("-first_day").values_list("pk", flat=True)[:limit]
    return {"rows": event_analytics(Event.objects.filter(pk__in=list(latest)))}
