"""The health endpoint. It composes every app's parts (database, search, cache), so it
lives with the URL configuration, above the apps, not in ``core``."""

import logging
from typing import Any

from django.core.cache import cache
from django.db import connection
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import is_officer
from core.models import OutboxEvent
from search.loading import get_search_backend

log = logging.getLogger(__name__)


def _database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {
            "ok": True,
            "vendor": connection.vendor,
            "pending_index_changes": OutboxEvent.objects.count(),
        }
    except Exception as error:  # health never raises
        return {"ok": False, "error": str(error)}


def _cache() -> dict[str, Any]:
    try:
        cache.set("health:ping", 1, timeout=5)
        return {"ok": cache.get("health:ping") == 1}
    except Exception as error:  # health never raises
        return {"ok": False, "error": str(error)}


class HealthView(APIView):
    """Anyone (load balancers, monitors): is each part answering? 200 when the
    database is up (the service can answer), 503 when it is not. Only officers see the
    details (counts, backend names, error text: hosts, ports, roles); everyone else
    sees ``ok`` per part, and failures are logged."""

    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []

    @extend_schema(tags=["ops"], responses={200: dict, 503: dict})
    def get(self, request: Request) -> Response:
        parts = {
            "database": _database(),
            "search": get_search_backend().health(),
            "cache": _cache(),
        }
        for name, part in parts.items():
            if not part["ok"]:
                log.error("health: %s is not answering: %s", name, part.get("error"))
        if not is_officer(request.user):
            parts = {name: {"ok": part["ok"]} for name, part in parts.items()}
        return Response(parts, status=200 if parts["database"]["ok"] else 503)
