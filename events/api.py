"""Events over the API.

Who may call what (tests/events/test_events_api.py and the authorization matrix prove
that others cannot):

* ``events/`` — list and read: anyone signed in; create and change: officers.
* ``events/{slug}/participants`` — GET: officers and the event's approved participants
  (nobody else, not another event's); POST (register): a firm's or buyer's member for
  its own organisation, officers for anyone.
* ``events/{slug}/me`` — the caller's own registration (GET, PATCH).
* ``events/{slug}/suggestions`` — the caller's suggested counterparts (approved
  participants).
* ``events/{slug}/meetings`` — GET: officers all, participants their own; POST: an
  approved participant asks another for a meeting.
* ``events/{slug}/agenda`` (JSON) and ``events/{slug}/agenda.ics`` — the caller's
  agenda (participants; officers may name ``?participant=``).
* ``events/{slug}/schedule`` (POST, 202 with the job) and ``event-analytics``
  (JSON or ``?format=csv``) — officers.
* ``event-participants/{id}/approve|reject`` — officers.
* ``event-meetings/{id}/accept|decline`` — the side that was asked; ``cancel`` — either
  side or an officer; ``note`` — either side, its own private note; ``attendance`` and
  ``introduce`` — officers.
"""

from __future__ import annotations

from typing import Any, cast
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from buyers.models import Brief, Buyer
from buyers.selectors import buyer_of_member
from core.api.params import QueryParams
from core.api.permissions import IsOfficer, is_officer
from core.schema import one_line
from events import meetings, registration, schedules, selectors, services
from events.calendar import calendar_response
from events.models import Event, Meeting, Participant
from events.suggestions import suggestions_for
from matchmaking.api.analytics import TableView
from vendors.models import Vendor
from vendors.selectors import vendor_of_member
from vendors.taxonomy import get_taxonomy

CLOCK = r"^([01]\d|2[0-3]):[0-5]\d$"


@extend_schema_field({"type": "string", "pattern": CLOCK, "example": "09:30"})
class ClockField(serializers.TimeField):
    """A time of day as HH:MM, venue time (OpenAPI's ``time`` format wants an offset,
    which a time of day at a venue does not have)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"], **kwargs)


def valid_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (KeyError, ValueError):
        raise serializers.ValidationError("not an IANA time zone (e.g. Asia/Dubai)") from None
    return value


class Window(serializers.Serializer):
    day = serializers.DateField()
    start = ClockField()
    end = ClockField()

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        return {
            "day": value["day"].isoformat(),
            "start": value["start"].strftime("%H:%M"),
            "end": value["end"].strftime("%H:%M"),
        }


def _one_line(value: str) -> str:
    """``core.schema.one_line`` for a serializer field (agendas, e-mails, calendar lines
    carry event names)."""
    try:
        return one_line(value) if value else value
    except ValueError as error:
        raise serializers.ValidationError(str(error)) from None


class EventSerializer(serializers.ModelSerializer):
    phase = serializers.SerializerMethodField()
    slots = serializers.SerializerMethodField()
    day_starts = ClockField(required=False)
    day_ends = ClockField(required=False)
    breaks = serializers.ListField(
        child=serializers.ListField(child=ClockField(), min_length=2, max_length=2),
        required=False,
        max_length=10,
    )

    class Meta:
        model = Event
        fields = [
            "slug", "name", "venue", "city", "country", "timezone", "description",
            "first_day", "last_day", "day_starts", "day_ends", "meeting_minutes", "breaks",
            "tables", "registration_opens", "registration_closes", "request_limit",
            "scheduled_at", "phase", "slots", "version",
        ]  # fmt: skip
        read_only_fields = ["scheduled_at", "version"]
        extra_kwargs = {
            "meeting_minutes": {"min_value": 10, "max_value": 240},
            "tables": {"min_value": 1, "max_value": 1000},
            "request_limit": {"min_value": 1, "max_value": 500},
        }

    def get_phase(self, event: Event) -> str:
        return selectors.event_phase(event)

    def get_slots(self, event: Event) -> int:
        return len(event.slots())

    def validate_timezone(self, value: str) -> str:
        return valid_zone(value)

    def validate_name(self, value: str) -> str:
        return _one_line(value)

    def validate_venue(self, value: str) -> str:
        return _one_line(value)

    def validate_breaks(self, value: list[list[Any]]) -> list[list[str]]:
        for start, end in value:
            if start >= end:
                raise serializers.ValidationError("each break ends after it starts")
        return [[start.strftime("%H:%M"), end.strftime("%H:%M")] for start, end in value]

    def to_representation(self, instance: Event) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["breaks"] = [list(pair) for pair in instance.breaks]  # stored as HH:MM
        return data

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        """The whole event as it would be (a PATCH keeps the fields it does not name)."""
        current = self.instance

        def value(name: str) -> Any:
            return data[name] if name in data else getattr(current, name, None)

        first, last = value("first_day"), value("last_day")
        if first and last and not 0 <= (last - first).days <= 14:
            raise serializers.ValidationError(
                {"last_day": "on or after first_day, at most 15 days"}
            )
        starts, ends = value("day_starts"), value("day_ends")
        if starts and ends and starts >= ends:
            raise serializers.ValidationError({"day_ends": "after day_starts"})
        opens, closes = value("registration_opens"), value("registration_closes")
        if opens and closes and opens >= closes:
            raise serializers.ValidationError({"registration_closes": "after registration_opens"})
        return data


def known_services(value: list[str]) -> list[str]:
    """Service labels of the taxonomy (synonyms normalised); an unknown one is refused."""
    taxonomy = get_taxonomy()
    unknown = taxonomy.unknown("service", value)
    if unknown:
        raise serializers.ValidationError(f"not in the taxonomy: {', '.join(unknown)}")
    return taxonomy.normalise_all("service", value)


class RegisterIn(serializers.Serializer):
    vendor = serializers.CharField(required=False, help_text="officers: the firm's external id")
    buyer = serializers.CharField(required=False, help_text="officers: the buyer's external id")
    brief = serializers.CharField(required=False, help_text="one of the buyer's briefs")
    looking_for = serializers.CharField(
        required=False, allow_blank=True, max_length=4000, default=""
    )
    services = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, default=list, max_length=30
    )
    availability = serializers.ListField(
        child=Window(), required=False, default=list, max_length=60
    )
    timezone = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)

    def validate_timezone(self, value: str) -> str:
        return valid_zone(value) if value else value

    def validate_services(self, value: list[str]) -> list[str]:
        return known_services(value)


class UpdateIn(serializers.Serializer):
    looking_for = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    services = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=30
    )
    availability = serializers.ListField(child=Window(), required=False, max_length=60)
    timezone = serializers.CharField(required=False, max_length=64)
    version = serializers.IntegerField(min_value=1)

    def validate_timezone(self, value: str) -> str:
        return valid_zone(value)

    def validate_services(self, value: list[str]) -> list[str]:
        return known_services(value)


class ParticipantOut(serializers.ModelSerializer):
    organisation = serializers.SerializerMethodField()
    country = serializers.SerializerMethodField()
    services = serializers.SerializerMethodField()

    class Meta:
        model = Participant
        fields = [
            "id", "kind", "organisation", "country", "looking_for", "services",
            "availability", "timezone", "state", "version",
        ]  # fmt: skip

    def get_organisation(self, participant: Participant) -> dict[str, str]:
        party = participant.vendor or participant.buyer
        return {
            "external_id": party.external_id if party else "",
            "name": participant.name,
            "city": getattr(party, "city", "") or "",
        }

    def get_country(self, participant: Participant) -> str:
        return selectors.country_of(participant)

    def get_services(self, participant: Participant) -> list[str]:
        return selectors.offered(participant)

    def to_representation(self, instance: Participant) -> dict[str, Any]:
        data = super().to_representation(instance)
        if is_officer(self.context["request"].user):  # officers' own notes stay theirs
            data["officer_note"] = instance.officer_note
        return data


class DecideIn(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class MeetingIn(serializers.Serializer):
    participant = serializers.IntegerField(help_text="the participant asked (other side)")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
    priority = serializers.IntegerField(required=False, default=2, min_value=1, max_value=3)


class AnswerIn(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    priority = serializers.IntegerField(required=False, min_value=1, max_value=3)


class VersionIn(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)


class NoteIn(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, max_length=4000)


class AttendanceIn(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    attendance = serializers.ChoiceField(choices=Meeting.Attendance.choices)


class MeetingOut(serializers.ModelSerializer):
    firm = serializers.SerializerMethodField()
    buyer = serializers.SerializerMethodField()
    event = serializers.CharField(source="event.slug")
    starts_at = serializers.SerializerMethodField()
    private_note = serializers.SerializerMethodField()
    introduction = serializers.IntegerField(source="introduction_id", allow_null=True)

    class Meta:
        model = Meeting
        fields = [
            "id", "event", "firm", "buyer", "requested_by", "note", "priority", "state",
            "slot", "table", "starts_at", "attendance", "introduction", "private_note",
            "version",
        ]  # fmt: skip

    def get_firm(self, meeting: Meeting) -> dict[str, Any]:
        return {"participant": meeting.firm_id, "name": meeting.firm.name}

    def get_buyer(self, meeting: Meeting) -> dict[str, Any]:
        return {"participant": meeting.buyer_id, "name": meeting.buyer.name}

    def get_starts_at(self, meeting: Meeting) -> str | None:
        slots = self.__dict__.setdefault("_slots", {})  # per response: an event's slots once
        if meeting.event_id not in slots:
            slots[meeting.event_id] = meeting.event.slots()
        if meeting.slot is None or meeting.slot >= len(slots[meeting.event_id]):
            return None
        return slots[meeting.event_id][meeting.slot][0].isoformat()

    def get_private_note(self, meeting: Meeting) -> str | None:
        """The caller's own side's note; nobody else's (officers see neither)."""
        side = selectors.side_of(self.context["request"].user, meeting)
        if side is None:
            return None
        return (
            meeting.firm_private_note
            if side == Participant.Kind.FIRM
            else meeting.buyer_private_note
        )


class SuggestionOut(serializers.Serializer):
    participant = serializers.IntegerField()
    name = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    gaps = serializers.ListField(child=serializers.CharField())


class AgendaItemOut(serializers.Serializer):
    meeting = serializers.IntegerField()
    with_ = serializers.CharField(label="with")
    table = serializers.IntegerField()
    starts_at = serializers.DateTimeField(help_text="in the participant's zone")
    ends_at = serializers.DateTimeField()
    venue_starts_at = serializers.DateTimeField(help_text="in the venue's zone")
    venue_ends_at = serializers.DateTimeField()

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["with"] = fields.pop("with_")
        return fields


class AgendaOut(serializers.Serializer):
    participant = serializers.IntegerField()
    timezone = serializers.CharField()
    venue_timezone = serializers.CharField()
    meetings = AgendaItemOut(many=True)


class JobStartedOut(serializers.Serializer):
    job = serializers.IntegerField()
    status = serializers.CharField()


class DirectoryParams(QueryParams):
    kind = serializers.ChoiceField(choices=Participant.Kind.choices, required=False, default="")
    country = serializers.CharField(required=False, default="", max_length=2)
    service = serializers.CharField(required=False, default="", max_length=100)
    q = serializers.CharField(required=False, default="", max_length=200)
    state = serializers.ChoiceField(choices=Participant.State.choices, required=False, default="")


def _user(request: Request) -> User:
    """The signed-in caller (every view here needs one)."""
    return cast(User, request.user)


def _valid(serializer_class: type, data: Any, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def own_participant(request: Request, event: Event) -> Participant:
    return selectors.approved_participant(request.user, event)


@extend_schema(tags=["events"])
class EventViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
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
            actor=_user(self.request),
            fields=serializer.validated_data,
        )

    def perform_update(self, serializer: Any) -> None:
        version = _valid(VersionIn, self.request.data)["version"]
        serializer.instance = services.event_save(
            actor=_user(self.request),
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
        params = _valid(DirectoryParams, request.query_params)
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
        data = _valid(RegisterIn, request.data)
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
            data = _valid(UpdateIn, request.data)
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
        data = _valid(VersionIn, request.data)
        own = registration.participant_withdraw(
            actor=_user(request), participant=own, version=data["version"]
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
            data = _valid(MeetingIn, request.data)
            other = Participant.objects.filter(pk=data["participant"], event=event).first()
            if other is None:
                raise serializers.ValidationError(
                    {"participant": "not a participant of this event"}
                )
            meeting = meetings.meeting_request(
                actor=_user(request),
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
        job = schedules.schedule_start(event=event, actor=_user(request))
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


@extend_schema(tags=["events"])
class ParticipantViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
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
        data = _valid(DecideIn, request.data)
        participant = registration.participant_decide(
            actor=_user(request),
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


@extend_schema(tags=["events"])
class MeetingViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Meetings: read by both sides and officers (anyone else 404)."""

    serializer_class = MeetingOut
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> Any:
        return selectors.meetings_visible_to(self.request.user)

    def _out(self, request: Request, meeting: Meeting) -> Response:
        return Response(MeetingOut(meeting, context={"request": request}).data)

    def _answer(self, request: Request, accept: bool) -> Response:
        meeting = self.get_object()  # 404 for those who may not see it, before the body
        data = _valid(AnswerIn, request.data)
        meeting = meetings.meeting_answer(
            actor=_user(request),
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
        data = _valid(VersionIn, request.data)
        meeting = meetings.meeting_cancel(
            actor=_user(request),
            meeting=meeting,
            version=data["version"],
        )
        return self._out(request, meeting)

    @extend_schema(request=NoteIn, responses=MeetingOut)
    @action(detail=True, methods=["post"])
    def note(self, request: Request, pk: str) -> Response:
        """The caller's side's private note on the meeting."""
        meeting = self.get_object()
        data = _valid(NoteIn, request.data)
        meeting = meetings.meeting_private_note(
            actor=_user(request),
            meeting=meeting,
            text=data["text"],
        )
        return self._out(request, meeting)

    @extend_schema(request=AttendanceIn, responses=MeetingOut)
    @action(detail=True, methods=["post"], permission_classes=[IsOfficer])
    def attendance(self, request: Request, pk: str) -> Response:
        """Officers: held or missed."""
        meeting = self.get_object()
        data = _valid(AttendanceIn, request.data)
        meeting = meetings.meeting_attendance(
            actor=_user(request),
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
        data = _valid(VersionIn, request.data)
        meetings.meeting_introduce(actor=_user(request), meeting=meeting, version=data["version"])
        meeting.refresh_from_db()
        return self._out(request, meeting)
