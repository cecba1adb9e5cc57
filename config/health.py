"""Health, liveness, readiness and metrics. They compose every app's parts (database,
search, cache), so they live with the URL configuration, above the apps, not in
``core``."""

import hmac
import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import TokenAuthentication
from core.api.permissions import is_officer
from core.metrics import exposition
from core.models import OutboxEvent
from search.loading import get_demand_index, get_search_backend

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
            "demand_search": get_demand_index().health(),  # buyers and briefs
            "cache": _cache(),
        }
        for name, part in parts.items():
            if not part["ok"]:
                log.error("health: %s is not answering: %s", name, part.get("error"))
        if not is_officer(request.user):
            parts = {name: {"ok": part["ok"]} for name, part in parts.items()}
        return Response(parts, status=200 if parts["database"]["ok"] else 503)


class LiveView(APIView):
    """Anyone (the orchestrator's liveness probe): the process answers requests. It
    touches nothing else, so a database or Redis outage never gets a healthy process
    restarted."""

    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []
    authentication_classes: list[Any] = []

    @extend_schema(tags=["ops"], responses={200: dict})
    def get(self, request: Request) -> Response:
        return Response({"ok": True})


_migrated = False  # once true, stays true for this process (its code does not change)


def _ready() -> dict[str, Any]:
    global _migrated
    database = _database()
    if not database["ok"]:
        return {"ok": False, "database": database}
    if not _migrated:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            return {"ok": False, "unapplied_migrations": len(pending)}
        _migrated = True
    return {"ok": True}


class ReadyView(APIView):
    """Anyone (the load balancer's readiness probe): may this process be sent traffic?
    Yes when the database answers and every migration is applied (200), otherwise 503.
    Search and Redis outages do not make it unready: the service degrades instead
    (docs/operations.md). Only officers see why it is not ready."""

    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []

    @extend_schema(tags=["ops"], responses={200: dict, 503: dict})
    def get(self, request: Request) -> Response:
        found = _ready()
        if not found["ok"]:
            log.error("not ready: %s", found)
        body = found if is_officer(request.user) else {"ok": found["ok"]}
        return Response(body, status=200 if found["ok"] else 503)


def _api_token_user(request: HttpRequest) -> Any:
    """The user of an API token (``Authorization: Token …``), if a valid one is sent."""
    if not request.headers.get("Authorization", "").startswith("Token "):
        return None
    try:
        found = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None
    return found[0] if found else None


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus (``Authorization: Bearer`` with ``RAABTA_METRICS_TOKEN``) and officers,
    signed in or with their API token: every metric in the text exposition format.
    Anyone else: 403 — request counts and queue depths are operational detail."""
    token = settings.RAABTA_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    allowed = bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    if not (allowed or is_officer(request.user) or is_officer(_api_token_user(request))):
        return HttpResponse(
            "metrics: a scrape token or an officer's session is required\n",
            status=403,
            content_type="text/plain",
        )
    from prometheus_client import CONTENT_TYPE_LATEST

    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


class ApiRootView(APIView):
    """Anyone: where the API's parts are (instead of a bare 404 at /api/v1/)."""

    permission_classes = [AllowAny]

    @extend_schema(tags=["ops"], responses={200: dict})
    def get(self, request: Request) -> Response:
        def url(path: str) -> str:
            return request.build_absolute_uri(f"/api/v1/{path}")

        return Response(
            {
                "docs": url("docs/"),
                "schema": url("schema/"),
                "health": url("health/"),
                "search": url("search/vendors"),
                "vendors": url("vendors/"),
                "buyers": url("buyers/"),
                "briefs": url("briefs/"),
                "introductions": url("introductions/"),
                "curation": url("curation/queue/"),
                "token": url("auth/token/"),
            }
        )
