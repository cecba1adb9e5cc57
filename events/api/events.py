"""Events, their registrations, meetings, agendas and schedule (``events/``), and the
officers' figures per event (``event-analytics``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from buyers.models import Brief, Buyer
from buyers.selectors import buyer_of_member
from core.api.permissions import IsOfficer, is_officer
from events import meetings, registration, schedules, selectors, services
from events.api.serializers import (
    AgendaOut,
    DirectoryParams,
    EventSerializer,
    JobStartedOut,
    MeetingIn,
    MeetingOut,
    ParticipantOut,
    RegisterIn,
    SuggestionOut,
    UpdateIn,
    VersionIn,
    caller,
    valid,
)
from events.calendar import calendar_response
from events.models import Event, Participant
from events.suggestions import suggestions_for
from matchmaking.api.analytics import TableView
from vendors.models import Vendor
from vendors.selectors import vendor_of_member


def own_participant(request: Request, event: Event) -> Participant:
    return selectors.approved_participant(request.user, event)


@extend_schema(tags=["events"])
class EventViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Any],
):
    """Trade events. Read: anyone signed in; create and change: officers (changes name
    the version they saw: 409 otherwise)."""

    serializer_class = EventSerializer
    lookup_field = "slug"
    lookup_value_regex = "[^/.]+"

    def get_permissions(self) -> list[Any]:
        if self.action in {"create", "update", "partial_update", "schedule"}:
            return [IsOfficer()]
        return [IsAuthenticated()]

    def get_queryset(self) -> Any:
        return selectors.events_visible_to(self.request.user)

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.event_save(
            actor=caller(self.request),
            fields=serializer.validated_data,
        )

    def perform_update(self, serializer: Any) -> None:
        version = valid(VersionIn, self.request.data)["version"]
        serializer.instance = services.event_save(
            actor=caller(self.request),
            fields=serializer.validated_data,
            event=serializer.instance,
            version=version,
        )

    @extend_schema(
        methods=["GET"], parameters=[DirectoryParams], responses=ParticipantOut(many=True)
    )
    @extend_schema(methods=["POST"], request=RegisterIn, responses={201: ParticipantOut})
    @action(detail=True, methods=["get", "post"])
    def participants(self, request: Request, slug: str) -> Response:
        """GET: the event's participants (search ``q``, filters ``kind``, ``country``,
        ``service``; officers also ``state``), with ``facets``. POST: register."""
        event = self.get_object()
        context = {"request": request}
        if request.method == "POST":
            participant = self._register(request, event)
            return Response(
                ParticipantOut(participant, context=context).data, status.HTTP_201_CREATED
            )
        if not selectors.may_browse(request.user, event):
            raise PermissionDenied("Only this event's approved participants see who takes part.")
        params = valid(DirectoryParams, request.query_params)
        rows, facets = selectors.directory(
            event,
            officer=is_officer(request.user),
            kind=params["kind"],
            country=params["country"],
            service=params["service"],
            text=params["q"],
            state=params["state"],
        )
        page = self.paginate_queryset(rows)
        response = self.get_paginated_response(
            ParticipantOut(page, many=True, context=context).data
        )
        response.data["facets"] = {
            name: [{"value": v, "count": c} for v, c in counts] for name, counts in facets.items()
        }
        return response

    def _register(self, request: Request, event: Event) -> Participant:
        data = valid(RegisterIn, request.data)
        user: Any = request.user
        vendor = buyer = None
        if user.is_officer:
            if data.get("vendor"):
                vendor = get_object_or_404(Vendor, external_id=data["vendor"])
            elif data.get("buyer"):
                buyer = get_object_or_404(Buyer, external_id=data["buyer"])
        else:
            vendor, buyer = vendor_of_member(user), buyer_of_member(user)
            if vendor is None and buyer is None:
                raise PermissionDenied("Register through a firm's or a buyer's account.")
        brief = None
        if data.get("brief"):
            brief = Brief.objects.filter(external_id=data["brief"], buyer=buyer).first()
            if brief is None:
                raise serializers.ValidationError({"brief": "not one of this buyer's briefs"})
        return registration.participant_register(
            actor=user,
            event=event,
            vendor=vendor,
            buyer=buyer,
            brief=brief,
            looking_for=data["looking_for"],
            services=data["services"],
            availability=data["availability"],
            zone=data["timezone"],
        )

    @extend_schema(methods=["GET"], responses=ParticipantOut)
    @extend_schema(methods=["PATCH"], request=UpdateIn, responses=ParticipantOut)
    @action(detail=True, methods=["get", "patch"])
    def me(self, request: Request, slug: str) -> Response:
        """The caller's own registration (404 when not registered); PATCH changes what
        it looks for, its availability or its zone."""
        event = self.get_object()
        own = selectors.participant_of(request.user, event)
        if own is None:
            raise NotFound("You are not registered for this event.")
        if request.method == "PATCH":
            data = valid(UpdateIn, request.data)
            own = registration.participant_update(
                participant=own,
                version=data["version"],
                looking_for=data.get("looking_for"),
                services=data.get("services"),
                availability=data.get("availability"),
                zone=data.get("timezone"),
            )
        return Response(ParticipantOut(own, context={"request": request}).data)

    @extend_schema(request=VersionIn, responses=ParticipantOut)
    @action(detail=True, methods=["post"], url_path="me/withdraw")
    def withdraw(self, request: Request, slug: str) -> Response:
        """Withdraw the caller's registration before the event; its meetings are
        cancelled and the other sides told."""
        own = selectors.participant_of(request.user, self.get_object())
        if own is None:
            raise NotFound("You are not registered for this event.")
        data = valid(VersionIn, request.data)
        own = registration.participant_withdraw(
            actor=caller(request), participant=own, version=data["version"]
        )
        return Response(ParticipantOut(own, context={"request": request}).data)

    @extend_schema(responses=SuggestionOut(many=True))
    @action(detail=True, methods=["get"])
    def suggestions(self, request: Request, slug: str) -> Response:
        """Suggested counterparts for the caller (approved participants), best first,
        with the ranker's reasons and gaps; those already asked are left out."""
        own = own_participant(request, self.get_object())
        rows = suggestions_for(own)
        return Response(
            [
                {
                    "participant": row["participant"],
                    "name": row["name"],
                    "reasons": [reason["text"] for reason in row["reasons"]],
                    "gaps": [gap["text"] for gap in row["gaps"]],
                }
                for row in rows
            ]
        )

    @extend_schema(methods=["GET"], responses=MeetingOut(many=True))
    @extend_schema(methods=["POST"], request=MeetingIn, responses={201: MeetingOut})
    @action(detail=True, methods=["get", "post"])
    def meetings(self, request: Request, slug: str) -> Response:
        """GET: meetings of this event (officers: all; participants: their own). POST:
        ask another participant for a meeting."""
        event = self.get_object()
        context = {"request": request}
        if request.method == "POST":
            own = own_participant(request, event)
            data = valid(MeetingIn, request.data)
            other = Participant.objects.filter(pk=data["participant"], event=event).first()
            if other is None:
                raise serializers.ValidationError(
                    {"participant": "not a participant of this event"}
                )
            meeting = meetings.meeting_request(
                actor=caller(request),
                requester=own,
                other=other,
                note=data["note"],
                priority=data["priority"],
            )
            return Response(MeetingOut(meeting, context=context).data, status.HTTP_201_CREATED)
        if not selectors.may_browse(request.user, event):
            raise PermissionDenied("Only this event's approved participants and officers.")
        rows = selectors.meetings_visible_to(request.user).filter(event=event)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(MeetingOut(page, many=True, context=context).data)

    def _agenda_owner(self, request: Request, event: Event) -> Participant:
        wanted = request.query_params.get("participant", "")
        if is_officer(request.user) and wanted and not wanted.isdigit():
            raise serializers.ValidationError({"participant": "a participant id"})
        return selectors.agenda_owner(
            request.user, event, int(wanted) if wanted.isdigit() else None
        )

    @extend_schema(
        parameters=[OpenApiParameter("participant", int, description="officers: whose agenda")],
        responses=AgendaOut,
    )
    @action(detail=True, methods=["get"])
    def agenda(self, request: Request, slug: str) -> Response:
        """The caller's scheduled meetings, with times in its own zone and the venue's."""
        event = self.get_object()
        owner = self._agenda_owner(request, event)
        return Response(
            {
                "participant": owner.pk,
                "timezone": owner.timezone,
                "venue_timezone": event.timezone,
                "meetings": [
                    {
                        "meeting": item.meeting.pk,
                        "with": item.other.name,
                        "table": item.table,
                        "starts_at": item.local[0].isoformat(),
                        "ends_at": item.local[1].isoformat(),
                        "venue_starts_at": item.venue[0].isoformat(),
                        "venue_ends_at": item.venue[1].isoformat(),
                    }
                    for item in selectors.agenda(owner)
                ],
            }
        )

    @extend_schema(
        parameters=[OpenApiParameter("participant", int, description="officers: whose agenda")],
        responses={(200, "text/calendar"): bytes},
    )
    @action(detail=True, methods=["get"], url_path="agenda.ics")
    def agenda_ics(self, request: Request, slug: str) -> HttpResponse:
        """The caller's agenda as an iCalendar file (RFC 5545)."""
        event = self.get_object()
        return calendar_response(self._agenda_owner(request, event))

    @extend_schema(request=None, responses={202: JobStartedOut, 409: dict})
    @action(detail=True, methods=["post"])
    def schedule(self, request: Request, slug: str) -> Response:
        """Start scheduling the accepted meetings (a console job; poll the job page).
        One at a time per event: 409 naming the job while one is queued or running."""
        event = self.get_object()
        job = schedules.schedule_start(event=event, actor=caller(request))
        return Response({"job": job.pk, "status": job.status}, status.HTTP_202_ACCEPTED)


class EventAnalyticsView(TableView):
    """Trade officers only. Per event (newest first; ``?event=`` one of them):
    approved firms and buyers, requests, accepted, scheduled, held, missed,
    introductions, deals won and their value — JSON or ``?format=csv``."""

    @extend_schema(
        tags=["events"],
        parameters=[
            OpenApiParameter("event", str, description="an event's slug"),
            OpenApiParameter("format", str, enum=list(TableView.FORMATS)),
        ],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        events = Event.objects.all()
        wanted = request.query_params.get("event", "")
        if wanted:
            events = events.filter(slug=wanted[:64])
        return self.table(request, "events", selectors.event_analytics(events))
