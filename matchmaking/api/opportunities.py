"""Opportunities for firms (open briefs that fit them, searched or ranked) and the
officers' search of buyers and briefs."""

from typing import Any, cast

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from buyers.models import Brief
from core.api.permissions import IsOfficer
from matchmaking.curation.opportunities import opportunities_for, published_from, raise_hand
from search.api import ListField, PageParams
from search.demand import BRIEF, BUYER, OPEN_STAGES
from search.query import DEMAND_ALL_OF, DEMAND_ANY_OF, DEMAND_SORTS, DemandQuery
from search.selectors import demand_search
from vendors.models import Vendor
from vendors.selectors import firm_of


class IsFirmMember(BasePermission):
    """Signed-in members of a firm (vendor role with a firm)."""

    message = "Only members of a firm may do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return firm_of(request.user) is not None


def _firm(request: Request) -> Vendor:
    vendor = firm_of(request.user)
    if vendor is None:  # pragma: no cover — IsFirmMember let the request in
        raise PermissionDenied
    return vendor


class DemandSearchParams(PageParams):
    q = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    sort = serializers.ChoiceField(choices=list(DEMAND_SORTS), default="relevance")
    industry = ListField(child=serializers.CharField(), required=False)
    country = ListField(child=serializers.CharField(), required=False)
    budget_band = ListField(child=serializers.CharField(), required=False)
    services = ListField(child=serializers.CharField(), required=False)
    technologies = ListField(child=serializers.CharField(), required=False)
    engagement_model = ListField(child=serializers.CharField(), required=False)
    size_band = ListField(child=serializers.CharField(), required=False)
    languages = ListField(child=serializers.CharField(), required=False)
    certifications = ListField(child=serializers.CharField(), required=False)


class OfficerDemandParams(DemandSearchParams):
    kind = serializers.ChoiceField(choices=[BRIEF, BUYER], default=BRIEF)
    stage = ListField(child=serializers.CharField(), required=False)


def _query(
    data: dict[str, Any], *, kind: str, since: int | None = None, **fixed: tuple[str, ...]
) -> DemandQuery:
    page, size = data["page"], data["page_size"]
    filters = {
        field: tuple(data[field]) for field in (*DEMAND_ALL_OF, *DEMAND_ANY_OF) if data.get(field)
    }
    return DemandQuery(
        kind=kind,
        text=data["q"],
        filters={**filters, **fixed},
        sort=data["sort"],
        offset=(page - 1) * size,
        limit=size,
        published_from=since,
    )


class OpportunitiesView(APIView):
    """Members of a firm: the open briefs that fit their firm best, ranked by the
    ranker in the reverse direction, each with reasons and what it asks for that the
    firm lacks. Buyers are shown by country, sector and size band (named only if they
    opted in). Others get 403."""

    permission_classes = [IsFirmMember]

    @extend_schema(tags=["opportunities"], parameters=[PageParams], responses={200: dict})
    def get(self, request: Request) -> Response:
        params = PageParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        page, size = params.validated_data["page"], params.validated_data["page_size"]
        found = opportunities_for(_firm(request), offset=(page - 1) * size, limit=size)
        return Response({"page": page, "page_size": size, **found})


class OpportunitySearchView(APIView):
    """Members of a firm: full-text search of open briefs with facets (sector, buyer
    country, budget band, services, technologies, engagement model, buyer size band).
    Others get 403."""

    permission_classes = [IsFirmMember]

    @extend_schema(tags=["opportunities"], parameters=[DemandSearchParams], responses={200: dict})
    def get(self, request: Request) -> Response:
        params = DemandSearchParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        query = _query(data, kind=BRIEF, since=published_from(), stage=OPEN_STAGES)
        found = demand_search(query, for_firms=True)
        return Response({"page": data["page"], "page_size": data["page_size"], **found})


class InterestBody(serializers.Serializer[Any]):
    pitch = serializers.CharField(max_length=1000, allow_blank=True)


class RaiseHandView(APIView):
    """Members of a firm: raise the firm's hand on an open brief with a short pitch. It
    reaches the officers' queue as a firm-requested match; the buyer hears of it only
    once an officer approves. At most RAABTA_HANDS_PER_DAY a day per firm. Others get
    403; a brief that is not open, 404."""

    permission_classes = [IsFirmMember]

    @extend_schema(tags=["opportunities"], request=InterestBody, responses={201: dict})
    def post(self, request: Request, external_id: str) -> Response:
        body = InterestBody(data=request.data)
        body.is_valid(raise_exception=True)
        brief = Brief.objects.select_related("buyer").filter(external_id=external_id).first()
        if brief is None:
            raise Http404
        match = raise_hand(
            vendor=_firm(request),
            brief=brief,
            actor=cast(User, request.user),
            pitch=body.validated_data["pitch"],
        )
        return Response(
            {"brief": brief.external_id, "state": match.state, "source": match.source},
            status=status.HTTP_201_CREATED,
        )


class DemandSearchView(APIView):
    """Officers only: search buyers (``kind=buyer``) or briefs (``kind=brief``, the
    default) with facets (country, sector, budget band, stage, …). Others get 403."""

    permission_classes = [IsOfficer]

    @extend_schema(tags=["search"], parameters=[OfficerDemandParams], responses={200: dict})
    def get(self, request: Request) -> Response:
        params = OfficerDemandParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        found = demand_search(_query(data, kind=data["kind"]), for_firms=False)
        return Response({"page": data["page"], "page_size": data["page_size"], **found})
