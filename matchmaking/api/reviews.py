"""Reviews of deals over the API: ``POST /introductions/{id}/review`` (the brief's
buyer, once the deal is won or lost, once), ``POST /introductions/{id}/review/reply``
(the reviewed firm, once) — mixed into ``IntroductionViewSet``, so nobody else even
sees the introduction (404) — and ``GET /vendors/{id}/reviews`` (anyone)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.fields import StrictCharField
from matchmaking.models import DealReview
from matchmaking.pipeline import reviews
from vendors.selectors import vendor_list


class DealReviewOut(serializers.ModelSerializer[DealReview]):
    average = serializers.FloatField(read_only=True)
    outcome = serializers.CharField(source="introduction.stage", read_only=True)

    class Meta:
        model = DealReview
        fields = [
            "id",
            "quality",
            "communication",
            "delivery",
            "average",
            "text",
            "outcome",
            "reply",
            "replied_at",
            "created_at",
        ]


class DealReviewIn(serializers.Serializer[Any]):
    quality = serializers.IntegerField(min_value=1, max_value=5)
    communication = serializers.IntegerField(min_value=1, max_value=5)
    delivery = serializers.IntegerField(min_value=1, max_value=5)
    text = StrictCharField(max_length=reviews.MAX_TEXT)


class ReplyIn(serializers.Serializer[Any]):
    text = StrictCharField(max_length=reviews.MAX_TEXT)


class ReviewActions:
    """The review endpoints of an introduction (a mixin for its viewset)."""

    get_object: Any

    @extend_schema(request=DealReviewIn, responses={201: DealReviewOut})
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        """The brief's buyer reviews the firm of a won or lost deal, once."""
        introduction = self.get_object()
        if request.user.role != "buyer":  # type: ignore[union-attr]
            raise PermissionDenied("Only the brief's buyer reviews the firm.")
        data = DealReviewIn(data=request.data)
        data.is_valid(raise_exception=True)
        user: Any = request.user
        review = reviews.review_post(introduction=introduction, author=user, **data.validated_data)
        return Response(DealReviewOut(review).data, status.HTTP_201_CREATED)

    @extend_schema(request=ReplyIn, responses=DealReviewOut)
    @action(detail=True, methods=["post"], url_path="review/reply")
    def review_reply(self, request: Request, pk: str) -> Response:
        """The reviewed firm replies, once."""
        introduction = self.get_object()
        if request.user.role != "vendor":  # type: ignore[union-attr]
            raise PermissionDenied("Only the reviewed firm replies.")
        review = get_object_or_404(DealReview, introduction=introduction)
        data = ReplyIn(data=request.data)
        data.is_valid(raise_exception=True)
        user: Any = request.user
        review = reviews.review_reply(review=review, author=user, text=data.validated_data["text"])
        return Response(DealReviewOut(review).data)


class FirmReviewsView(generics.ListAPIView[Any]):
    """Anyone: a firm's reviews from deals introduced through Raabta, newest first."""

    permission_classes = [AllowAny]
    serializer_class = DealReviewOut

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return DealReview.objects.none()
        vendor = get_object_or_404(vendor_list(), external_id=self.kwargs["external_id"])
        return reviews.reviews_of(vendor)
