"""A user's notifications: ``GET /notifications/`` (newest first, ``?unread=true``,
with the unread count), ``POST /notifications/{id}/read`` and ``POST
/notifications/read`` (these ``ids``, or all). Any signed-in user, for their own
notifications only; another user's id is a 404."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.body import BoundedJSONParser
from notifications import selectors, services
from notifications.models import Notification


class NotificationOut(serializers.ModelSerializer[Notification]):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "url", "created_at", "read"]

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class NotificationsReadIn(serializers.Serializer[Any]):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),  # a row id
        required=False,
        max_length=500,
        help_text="these notifications; all of yours when left out",
    )


Marked = inline_serializer(
    "Marked", {"marked": serializers.IntegerField(), "unread": serializers.IntegerField()}
)


class NotificationFilter(filters.FilterSet):
    unread = filters.BooleanFilter(field_name="read_at", lookup_expr="isnull")
    kind = filters.ChoiceFilter(choices=Notification.Kind.choices)

    class Meta:
        model = Notification
        fields: list[str] = []


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Notification]):
    permission_classes = [IsAuthenticated]
    parser_classes = [BoundedJSONParser]  # a form body cannot mean "mark all read"
    serializer_class = NotificationOut
    filterset_class = NotificationFilter

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema generator
            return Notification.objects.none()
        return selectors.notifications_of(self.request.user)  # type: ignore[arg-type]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Your notifications, newest first; ``unread`` counts all you have not read."""
        response = super().list(request, *args, **kwargs)
        response.data["unread"] = selectors.unread_count(request.user)  # type: ignore[arg-type]
        return response

    @extend_schema(request=None, responses=Marked)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        """Mark one of your notifications read."""
        return self._marked(request, [self.get_object().pk])

    @extend_schema(
        request=NotificationsReadIn, responses=Marked, operation_id="notifications_read_all"
    )
    @action(detail=False, methods=["post"], url_path="read")
    def read_all(self, request: Request) -> Response:
        """Mark these notifications (``ids``), or all of yours, read."""
        data = NotificationsReadIn(data=request.data)
        data.is_valid(raise_exception=True)
        return self._marked(request, data.validated_data.get("ids"))

    def _marked(self, request: Request, ids: Iterable[int] | None) -> Response:
        user: Any = request.user
        marked = services.notifications_read(user=user, ids=ids)
        return Response({"marked": marked, "unread": selectors.unread_count(user)})
