"""The officers' curation queue, decisions on matches, introductions and the audit log.

Who may call what is stated on each view; the tests in tests/matchmaking/
test_curation_api.py prove that others cannot."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from buyers.models import Brief
from core.api.permissions import IsOfficer
from core.audit import AuditFilter
from core.models import AuditEntry
from matchmaking.api.conversations import ConversationActions
from matchmaking.api.reviews import ReviewActions
from matchmaking.api.serializers import (
    AddIn,
    ApproveIn,
    AuditOut,
    IntroductionOut,
    MatchOut,
    MoveIn,
    PinIn,
    RejectIn,
    RespondIn,
    ReviewOut,
)
from matchmaking.curation import decisions, suggestions
from matchmaking.models import Curation, Introduction, Match
from matchmaking.pipeline import introductions
from matchmaking.pipeline.conversations import with_unread
from matchmaking.pipeline.selectors import introductions_visible_to, stale_filter
from vendors.models import Vendor


def _valid(serializer_class: type, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class QueueFilter(filters.FilterSet):
    sector = filters.CharFilter(field_name="brief__industry", lookup_expr="iexact")
    buyer_country = filters.CharFilter(field_name="brief__buyer__country", lookup_expr="iexact")
    officer = filters.CharFilter(method="by_officer", help_text="a username, 'me' or 'none'")
    closed = filters.BooleanFilter(field_name="closed_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Curation
        fields: list[str] = []

    def by_officer(self, queryset: QuerySet[Curation], name: str, value: str) -> QuerySet[Curation]:
        if value == "none":
            return queryset.filter(officer__isnull=True)
        username = self.request.user.username if value == "me" else value
        return queryset.filter(officer__username=username)


@extend_schema(tags=["curation"])
class CurationViewSet(viewsets.GenericViewSet[Curation]):
    """Trade officers only. The queue lists open reviews oldest brief first (filters:
    sector, buyer_country, officer, closed); each brief carries its suggested matches."""

    permission_classes = [IsOfficer]
    serializer_class = ReviewOut
    filterset_class = QueueFilter
    lookup_field = "brief__external_id"
    lookup_url_kwarg = "brief"
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Curation]:
        matches = Match.objects.select_related("vendor", "decided_by")
        reviews = Curation.objects.select_related("brief__buyer", "officer").prefetch_related(
            Prefetch("brief__matches", queryset=matches)
        )
        if self.action == "list" and "closed" not in self.request.query_params:
            reviews = reviews.filter(closed_at__isnull=True)
        return reviews.order_by("brief__published_at", "opened_at", "id")

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ReviewOut(page, many=True).data)

    def retrieve(self, request: Request, brief: str) -> Response:
        return Response(ReviewOut(self.get_object()).data)

    def _brief(self, external_id: str) -> Brief:
        return get_object_or_404(Brief.objects.select_related("buyer"), external_id=external_id)

    @extend_schema(request=None, responses=ReviewOut)
    @action(detail=True, methods=["post"])
    def suggest(self, request: Request, brief: str) -> Response:
        """(Re)compute the ranker's suggestions for the brief and open its review."""
        review = suggestions.suggest_matches(self._brief(brief))
        return Response(ReviewOut(self.get_queryset().get(pk=review.pk)).data)

    @extend_schema(request=None, responses=ReviewOut)
    @action(detail=True, methods=["post"])
    def take(self, request: Request, brief: str) -> Response:
        review = decisions.review_take(brief=self._brief(brief), actor=request.user)  # type: ignore[arg-type]
        return Response(ReviewOut(self.get_queryset().get(pk=review.pk)).data)

    @extend_schema(request=None, responses=ReviewOut)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, brief: str) -> Response:
        review = decisions.review_close(brief=self._brief(brief), actor=request.user)  # type: ignore[arg-type]
        return Response(ReviewOut(self.get_queryset().get(pk=review.pk)).data)

    @extend_schema(request=AddIn, responses={201: MatchOut})
    @action(detail=True, methods=["post"], url_path="matches")
    def add(self, request: Request, brief: str) -> Response:
        """Hand-add a vendor the ranker did not suggest."""
        data = _valid(AddIn, request)
        vendor = Vendor.objects.filter(external_id=data["vendor"]).first()
        if vendor is None:
            return Response({"vendor": [f"no vendor {data['vendor']!r}"]}, status=400)
        match = decisions.match_add(
            brief=self._brief(brief),
            vendor=vendor,
            actor=request.user,  # type: ignore[arg-type]
            note=data["note"],
        )
        return Response(MatchOut(match).data, status=201)


@extend_schema(tags=["curation"])
class MatchDecisionViewSet(viewsets.GenericViewSet[Any]):
    """Trade officers only: approve (invites the vendor), reject with a reason, pin.
    Each body names the ``version`` it saw; a decision on a match someone else decided
    first gets 409 with the match's current state."""

    permission_classes = [IsOfficer]
    serializer_class = MatchOut
    queryset = Match.objects.select_related("brief__buyer", "vendor", "decided_by")

    @extend_schema(request=ApproveIn, responses=MatchOut)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        data = _valid(ApproveIn, request)
        match = decisions.match_approve(match=self.get_object(), actor=request.user, **data)  # type: ignore[arg-type]
        return Response(MatchOut(match).data)

    @extend_schema(request=RejectIn, responses=MatchOut)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        data = _valid(RejectIn, request)
        match = decisions.match_reject(match=self.get_object(), actor=request.user, **data)  # type: ignore[arg-type]
        return Response(MatchOut(match).data)

    @extend_schema(request=PinIn, responses=MatchOut)
    @action(detail=True, methods=["post"])
    def pin(self, request: Request, pk: str) -> Response:
        data = _valid(PinIn, request)
        match = decisions.match_pin(match=self.get_object(), actor=request.user, **data)  # type: ignore[arg-type]
        return Response(MatchOut(match).data)


class IntroductionFilter(filters.FilterSet):
    stage = filters.CharFilter()
    stale = filters.BooleanFilter(method="by_stale")
    brief = filters.CharFilter(field_name="match__brief__external_id")

    class Meta:
        model = Introduction
        fields: list[str] = []

    def by_stale(
        self, queryset: QuerySet[Introduction], name: str, value: bool
    ) -> QuerySet[Introduction]:
        flagged = stale_filter()
        return queryset.filter(flagged) if value else queryset.exclude(flagged)


@extend_schema(tags=["introductions"])
class IntroductionViewSet(
    ConversationActions,
    ReviewActions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Introduction],
):
    """Officers see every introduction and move the pipeline; a vendor member sees and
    answers only its firm's introductions (the buyer stays anonymous until both opted
    in); a buyer member sees and confirms only its own briefs' introductions. Others
    get 404 for introductions that are not theirs. Filters: stage, stale, brief. Each
    carries ``unread_messages``; its conversation is at ``{id}/messages``."""

    permission_classes = [IsAuthenticated]
    serializer_class = IntroductionOut
    filterset_class = IntroductionFilter

    def get_queryset(self) -> QuerySet[Introduction]:
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema generator
            return Introduction.objects.none()
        user: Any = self.request.user
        return with_unread(introductions_visible_to(user), user)

    @extend_schema(request=RespondIn, responses=IntroductionOut)
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: str) -> Response:
        """The invited vendor accepts/declines; then the buyer confirms/declines."""
        introduction = self.get_object()  # who may answer is settled before the body
        user: Any = request.user
        if user.role not in ("vendor", "buyer"):
            raise PermissionDenied("Only the vendor and the buyer answer an introduction.")
        data = _valid(RespondIn, request)
        if user.role == "vendor":
            introduction = introductions.introduction_vendor_answer(
                introduction=introduction,
                actor=user,
                version=data["version"],
                accept=data["accept"],
            )
        elif user.role == "buyer":
            introduction = introductions.introduction_buyer_answer(
                introduction=introduction,
                actor=user,
                version=data["version"],
                confirm=data["accept"],
            )
        return Response(IntroductionOut(introduction, context={"request": request}).data)

    @extend_schema(request=MoveIn, responses=IntroductionOut)
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def move(self, request: Request, pk: str) -> Response:
        """Officers only: introduced → meeting → proposal → won / lost (won needs a value)."""
        data = _valid(MoveIn, request)
        deal = data.get("deal_value") or {}
        introduction = introductions.introduction_move(
            introduction=self.get_object(),
            actor=request.user,  # type: ignore[arg-type]
            version=data["version"],
            stage=data["stage"],
            deal_value=deal.get("amount"),
            currency=deal.get("currency", ""),
            note=data["note"],
        )
        return Response(IntroductionOut(introduction, context={"request": request}).data)


@extend_schema(tags=["curation"])
class AuditViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]):
    """Trade officers only, read-only: every curation and pipeline decision (who, when,
    what, before and after), oldest first. There is no way to edit or delete entries."""

    permission_classes = [IsOfficer]
    serializer_class = AuditOut
    filterset_class = AuditFilter
    queryset = AuditEntry.objects.select_related("actor").order_by("id")
