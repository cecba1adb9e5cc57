"""Officers' analytics, each table as JSON (``{"rows": [...]}``) or CSV (``?format=csv``
or ``Accept: text/csv``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_csv.renderers import CSVRenderer

from core.api.params import QueryParams
from core.api.permissions import IsOfficer
from matchmaking.analytics import figures

# A spreadsheet runs a cell that starts with one of these as a formula: a buyer's label
# "=HYPERLINK(…)" or a firm's city "=cmd|…" must arrive as text (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """Text that a spreadsheet would evaluate, quoted so it shows as typed."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


class RowsCSVRenderer(CSVRenderer):
    """The ``rows`` of an analytics answer as CSV, columns in the rows' own order, every
    text cell neutralised for spreadsheets."""

    def render(self, data: Any, media_type: str | None = None, renderer_context: Any = None) -> Any:
        rows = data.get("rows", data) if isinstance(data, dict) else data
        if not rows:  # an empty table is an empty line (an empty body loses its type)
            return b"\r\n"
        if isinstance(rows, list):
            self.header = list(rows[0])
            rows = [{key: spreadsheet_safe(value) for key, value in row.items()} for row in rows]
        return super().render(rows, media_type, renderer_context)


class Params(QueryParams):
    by = serializers.ChoiceField(choices=figures.GROUP_CHOICES, required=False, default="sector")
    since = serializers.DateField(required=False, allow_null=True, default=None)
    until = serializers.DateField(required=False, allow_null=True, default=None)
    max_vendors = serializers.IntegerField(required=False, min_value=0, default=5)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)


TABLES: dict[str, Callable[[dict[str, Any]], list[dict[str, Any]]]] = {
    "value": lambda p: figures.value_by(p["by"], since=p["since"], until=p["until"]),
    "funnel": lambda p: figures.funnel(),
    "time-to-introduction": lambda p: figures.time_to_introduction(),
    "unmet-demand": lambda p: figures.unmet_demand(since=p["since"], max_vendors=p["max_vendors"]),
    "exposure": lambda p: figures.exposure(),
    "target": lambda p: figures.target_progress(p.get("year") or timezone.localdate().year),
}


class TableView(APIView):
    """An officers' table, as JSON (``{"rows": [...]}``) or CSV; refusals are JSON
    whatever format was asked, and ``?format=`` names one of the two (an empty or
    unknown one is refused, not answered in a default the caller did not ask for)."""

    permission_classes = [IsOfficer]
    renderer_classes = [JSONRenderer, RowsCSVRenderer, BrowsableAPIRenderer]
    FORMATS = ("json", "csv")

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        wanted = request.query_params.get("format")
        if wanted is not None and wanted not in self.FORMATS:
            raise ValidationError({"format": [f"one of {', '.join(self.FORMATS)}"]})
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc: Exception) -> Response:
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def table(self, request: Request, name: str, rows: list[dict[str, Any]]) -> Response:
        response = Response({"table": name, "rows": rows})
        if request.accepted_renderer.format == "csv":
            response["Content-Disposition"] = f'attachment; filename="raabta-{name}.csv"'
        return response


class AnalyticsView(TableView):
    """Trade officers only. Tables: ``value`` (won and pipeline USD ``by`` sector,
    buyer_country, vendor_city or month; ``since``/``until``), ``funnel``,
    ``time-to-introduction``, ``unmet-demand`` (labels with at most ``max_vendors``
    firms), ``exposure`` (small firms, outside the three largest cities), ``target``
    (won value in ``year`` against RAABTA_EXPORT_TARGET_USD)."""

    @extend_schema(
        tags=["analytics"],
        parameters=[Params, OpenApiParameter("format", str, enum=list(TableView.FORMATS))],
        responses={200: dict},
    )
    def get(self, request: Request, table: str) -> Response:
        if table not in TABLES:
            return Response({"table": [f"one of {', '.join(TABLES)}"]}, status=404)
        params = Params(data=request.query_params)
        params.is_valid(raise_exception=True)
        return self.table(request, table, TABLES[table](params.validated_data))
