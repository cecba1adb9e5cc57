from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from buyers.api import BriefAccess
from buyers.selectors import briefs_visible_to
from core.api.params import QueryParams
from core.api.renderers import PlainJSONRenderer
from matchmaking.matching.services import match_brief, without_scores


class MatchParams(QueryParams):
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)


class BriefMatchesView(APIView):
    """Officers (any brief) and the brief's own buyer members: the ranked shortlist of
    vendors for a brief, each with its rank, reasons and gaps (what it lacks that the
    brief asks for); officers also see each score and its features. Others get
    404/403."""

    permission_classes = [BriefAccess]
    renderer_classes = [PlainJSONRenderer, BrowsableAPIRenderer]

    @extend_schema(tags=["matchmaking"], parameters=[MatchParams], responses={200: dict})
    def get(self, request: Request, external_id: str) -> Response:
        params = MatchParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        brief = get_object_or_404(briefs_visible_to(request.user), external_id=external_id)  # type: ignore[arg-type]
        self.check_object_permissions(request, brief)
        result: dict[str, Any] = match_brief(brief, limit=params.validated_data["limit"])
        if getattr(request.user, "role", None) != "officer":
            result = without_scores(result)
        return Response(result)
