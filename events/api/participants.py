"""One registration: read, approved or rejected (``event-participants/``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.permissions import is_officer
from events import registration, selectors
from events.api.serializers import DecideIn, ParticipantOut, caller, valid


@extend_schema(tags=["events"])
class ParticipantViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]):
    """Registrations: read by their own organisation and officers; approved or
    rejected by officers."""

    serializer_class = ParticipantOut
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> Any:
        return selectors.participants_visible_to(self.request.user)

    def _decide(self, request: Request, approve: bool) -> Response:
        if not is_officer(request.user):
            raise PermissionDenied("Only trade officers approve registrations.")
        participant = self.get_object()
        data = valid(DecideIn, request.data)
        participant = registration.participant_decide(
            actor=caller(request),
            participant=participant,
            version=data["version"],
            approve=approve,
            note=data["note"],
        )
        return Response(ParticipantOut(participant, context={"request": request}).data)

    @extend_schema(request=DecideIn, responses=ParticipantOut)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._decide(request, True)

    @extend_schema(request=DecideIn, responses=ParticipantOut)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        return self._decide(request, False)
