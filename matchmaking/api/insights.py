"""``GET /vendors/{id}/insights?months=6``: the firm's own members and officers only
(anyone else: 403 when signed in, 401 when not; an unknown firm: 404)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.forms import whole_number
from matchmaking.analytics.insights import firm_insights
from vendors.selectors import vendor_list


class FirmInsightsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("months", int, description="1 to 24 (default 6)")],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, external_id: str) -> Response:
        """How buyers saw the firm, month by month: views, search appearances, clicks,
        shortlist adds, matches suggested and approved (by sector and buyer country),
        introduction outcomes. No buyer is named."""
        vendor = get_object_or_404(vendor_list(), external_id=external_id)
        user: Any = request.user
        if not (user.is_officer or vendor.members.filter(user=user).exists()):
            raise PermissionDenied("Only the firm's members and officers see its insights.")
        months = whole_number(request.query_params.get("months", "6"))
        if months is None or not 1 <= months <= 24:
            raise ValidationError({"months": ["a whole number from 1 to 24"]})
        since = timezone.localdate() - timedelta(days=31 * months)
        return Response(firm_insights(vendor, since=since))
