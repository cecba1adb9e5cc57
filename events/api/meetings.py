"""One meeting: read, answered, cancelled, noted, attended, introduced
(``event-meetings/``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.permissions import IsOfficer
from events import meetings, selectors
from events.api.serializers import (
    AnswerIn,
    AttendanceIn,
    MeetingOut,
    NoteIn,
    VersionIn,
    caller,
    valid,
)
from events.models import Meeting


@extend_schema(tags=["events"])
class MeetingViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]):
    """Meetings: read by both sides and officers (anyone else 404)."""

    serializer_class = MeetingOut
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> Any:
        return selectors.meetings_visible_to(self.request.user)

    def _out(self, request: Request, meeting: Meeting) -> Response:
        return Response(MeetingOut(meeting, context={"request": request}).data)

    def _answer(self, request: Request, accept: bool) -> Response:
        meeting = self.get_object()  # 404 for those who may not see it, before the body
        data = valid(AnswerIn, request.data)
        meeting = meetings.meeting_answer(
            actor=caller(request),
            meeting=meeting,
            version=data["version"],
            accept=accept,
            priority=data.get("priority"),
        )
        return self._out(request, meeting)

    @extend_schema(request=AnswerIn, responses=MeetingOut)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        """The side that was asked accepts (a buyer may set its priority)."""
        return self._answer(request, True)

    @extend_schema(request=AnswerIn, responses=MeetingOut)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        return self._answer(request, False)

    @extend_schema(request=VersionIn, responses=MeetingOut)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        meeting = self.get_object()
        data = valid(VersionIn, request.data)
        meeting = meetings.meeting_cancel(
            actor=caller(request),
            meeting=meeting,
            version=data["version"],
        )
        return self._out(request, meeting)

    @extend_schema(request=NoteIn, responses=MeetingOut)
    @action(detail=True, methods=["post"])
    def note(self, request: Request, pk: str) -> Response:
        """The caller's side's private note on the meeting."""
        meeting = self.get_object()
        data = valid(NoteIn, request.data)
        meeting = meetings.meeting_private_note(
            actor=caller(request),
            meeting=meeting,
            text=data["text"],
        )
        return self._out(request, meeting)

    @extend_schema(request=AttendanceIn, responses=MeetingOut)
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def attendance(self, request: Request, pk: str) -> Response:
        """Officers: held or missed."""
        meeting = self.get_object()
        data = valid(AttendanceIn, request.data)
        meeting = meetings.meeting_attendance(
            actor=caller(request),
            meeting=meeting,
            version=data["version"],
            attendance=data["attendance"],
        )
        return self._out(request, meeting)

    @extend_schema(request=VersionIn, responses=MeetingOut)
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def introduce(self, request: Request, pk: str) -> Response:
        """Officers: a held meeting becomes an introduction at the meeting stage."""
        meeting = self.get_object()
        data = valid(VersionIn, request.data)
        meetings.meeting_introduce(actor=caller(request), meeting=meeting, version=data["version"])
        meeting.refresh_from_db()
        return self._out(request, meeting)
