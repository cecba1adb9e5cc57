"""What the events API reads and writes, and reading a request."""

from __future__ import annotations

from typing import Any, cast
from zoneinfo import ZoneInfo

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from accounts.models import User
from core.api.params import QueryParams
from core.api.permissions import is_officer
from core.fields import one_line
from events import selectors
from events.models import Event, Meeting, Participant
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


class Window(serializers.Serializer[Any]):
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
    """``core.fields.one_line`` for a serializer field (agendas, e-mails, calendar lines
    carry event names)."""
    try:
        return one_line(value) if value else value
    except ValueError as error:
        raise serializers.ValidationError(str(error)) from None


class EventSerializer(serializers.ModelSerializer[Event]):
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


class RegisterIn(serializers.Serializer[Any]):
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


class UpdateIn(serializers.Serializer[Any]):
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


class ParticipantOut(serializers.ModelSerializer[Participant]):
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


class DecideIn(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class MeetingIn(serializers.Serializer[Any]):
    participant = serializers.IntegerField(help_text="the participant asked (other side)")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
    priority = serializers.IntegerField(required=False, default=2, min_value=1, max_value=3)


class AnswerIn(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1)
    priority = serializers.IntegerField(required=False, min_value=1, max_value=3)


class VersionIn(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1)


class NoteIn(serializers.Serializer[Any]):
    text = serializers.CharField(allow_blank=True, max_length=4000)


class AttendanceIn(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1)
    attendance = serializers.ChoiceField(choices=Meeting.Attendance.choices)


class MeetingOut(serializers.ModelSerializer[Meeting]):
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


class SuggestionOut(serializers.Serializer[Any]):
    participant = serializers.IntegerField()
    name = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    gaps = serializers.ListField(child=serializers.CharField())


class AgendaItemOut(serializers.Serializer[Any]):
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


class AgendaOut(serializers.Serializer[Any]):
    participant = serializers.IntegerField()
    timezone = serializers.CharField()
    venue_timezone = serializers.CharField()
    meetings = AgendaItemOut(many=True)


class JobStartedOut(serializers.Serializer[Any]):
    job = serializers.IntegerField()
    status = serializers.CharField()


class DirectoryParams(QueryParams):
    kind = serializers.ChoiceField(choices=Participant.Kind.choices, required=False, default="")
    country = serializers.CharField(required=False, default="", max_length=2)
    service = serializers.CharField(required=False, default="", max_length=100)
    q = serializers.CharField(required=False, default="", max_length=200)
    state = serializers.ChoiceField(choices=Participant.State.choices, required=False, default="")


def caller(request: Request) -> User:
    """The signed-in caller (every view here needs one)."""
    return cast(User, request.user)


def valid(serializer_class: type, data: Any, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
