"""Trade events with pre-booked B2B meetings: the event, who takes part, the meetings
they ask for, and where each accepted meeting is held (``events.schedules``)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_countries.fields import CountryField


class Event(models.Model):
    """A trade show or mission with a B2B meeting programme. Meeting slots run from
    ``day_starts`` to ``day_ends`` on every day from ``first_day`` to ``last_day``
    (venue time), ``meeting_minutes`` long, skipping the ``breaks``."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    venue = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    country = CountryField()
    timezone = models.CharField(max_length=64, help_text="IANA zone of the venue")
    description = models.TextField(blank=True)
    first_day = models.DateField()
    last_day = models.DateField()
    day_starts = models.TimeField(default=time(9, 0))
    day_ends = models.TimeField(default=time(17, 0))
    meeting_minutes = models.PositiveSmallIntegerField(default=30)
    # [["12:30", "13:30"], …] venue time, every day
    breaks = models.JSONField(default=list, blank=True)
    tables = models.PositiveSmallIntegerField(default=20)
    registration_opens = models.DateTimeField()
    registration_closes = models.DateTimeField()
    request_limit = models.PositiveSmallIntegerField(
        default=20, help_text="meeting requests a participant may send"
    )
    scheduled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-first_day", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_day__lte=models.F("last_day")), name="event_days_ordered"
            ),
            models.CheckConstraint(
                condition=Q(day_starts__lt=models.F("day_ends")), name="event_hours_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.slug})"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def slots(self) -> list[tuple[datetime, datetime]]:
        """Every meeting slot, in order, as aware datetimes in the venue's zone; a slot's
        number is its index here."""
        length = timedelta(minutes=self.meeting_minutes)
        breaks = [(time.fromisoformat(a), time.fromisoformat(b)) for a, b in self.breaks]
        found = []
        day = self.first_day
        while day <= self.last_day:
            start = datetime.combine(day, self.day_starts, tzinfo=self.zone)
            close = datetime.combine(day, self.day_ends, tzinfo=self.zone)
            while start + length <= close:
                end = start + length
                clash = next(
                    (
                        datetime.combine(day, b_end, tzinfo=self.zone)
                        for b_start, b_end in breaks
                        if start.time() < b_end and end.time() > b_start
                    ),
                    None,
                )
                if clash is not None:
                    start = clash  # resume after the break
                    continue
                found.append((start, end))
                start = end
            day += timedelta(days=1)
        return found

    def days(self) -> list[date]:
        return [
            self.first_day + timedelta(days=n)
            for n in range((self.last_day - self.first_day).days + 1)
        ]


class Participant(models.Model):
    """A firm or a buyer organisation registered for an event; an officer approves it
    before it is listed, can ask for meetings or be asked."""

    class Kind(models.TextChoices):
        FIRM = "firm"
        BUYER = "buyer"

    class State(models.TextChoices):
        PENDING = "pending"
        APPROVED = "approved"
        REJECTED = "rejected"
        WITHDRAWN = "withdrawn"  # by the participant itself, before the event

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    vendor = models.ForeignKey(
        "vendors.Vendor", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    buyer = models.ForeignKey(
        "buyers.Buyer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What the buyer looks for: one of its briefs (the ranker reads it), else the text.
    brief = models.ForeignKey(
        "buyers.Brief", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    looking_for = models.TextField(blank=True)
    services = models.JSONField(default=list, blank=True)
    # [{"day": "2026-10-13", "start": "09:00", "end": "13:00"}, …] venue time; empty =
    # the whole programme
    availability = models.JSONField(default=list, blank=True)
    timezone = models.CharField(max_length=64, help_text="the participant's own zone")
    state = models.CharField(max_length=9, choices=State.choices, default=State.PENDING)
    officer_note = models.TextField(blank=True, help_text="officers only")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event_id", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "vendor"], name="firm_registered_once"),
            models.UniqueConstraint(fields=["event", "buyer"], name="buyer_registered_once"),
            models.CheckConstraint(
                condition=(
                    Q(kind="firm", vendor__isnull=False, buyer__isnull=True)
                    | Q(kind="buyer", buyer__isnull=False, vendor__isnull=True)
                ),
                name="participant_is_firm_or_buyer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} at {self.event_id} ({self.state})"

    @property
    def name(self) -> str:
        party = self.vendor if self.kind == self.Kind.FIRM else self.buyer
        return party.name if party is not None else "?"


class Meeting(models.Model):
    """A meeting one side asked the other for at an event, from request to outcome:
    pending → accepted (or declined/cancelled); an accepted one gets a slot and a
    table when the event is scheduled; after the event it was held or missed, and a
    held one may become an introduction in the pipeline."""

    class State(models.TextChoices):
        PENDING = "pending"
        ACCEPTED = "accepted"
        DECLINED = "declined"
        CANCELLED = "cancelled"

    class Attendance(models.TextChoices):
        HELD = "held"
        MISSED = "missed"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meetings")
    firm = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    buyer = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    requested_by = models.CharField(max_length=5, choices=Participant.Kind.choices)
    note = models.TextField(blank=True, help_text="from the requester, read by both sides")
    # Each side's own notes: nobody else reads them (not the other side, not officers'
    # exports).
    firm_private_note = models.TextField(blank=True)
    buyer_private_note = models.TextField(blank=True)
    priority = models.PositiveSmallIntegerField(
        default=2, help_text="the buyer's priority, 1 (high) – 3 (low)"
    )
    state = models.CharField(max_length=9, choices=State.choices, default=State.PENDING)
    answered_at = models.DateTimeField(null=True, blank=True)
    slot = models.PositiveSmallIntegerField(null=True, blank=True)
    table = models.PositiveSmallIntegerField(null=True, blank=True)
    attendance = models.CharField(max_length=6, choices=Attendance.choices, blank=True)
    introduction = models.OneToOneField(
        "matchmaking.Introduction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_meeting",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event_id", "slot", "table", "id"]
        constraints = [
            models.UniqueConstraint(fields=["firm", "buyer"], name="one_meeting_per_pair"),
            models.CheckConstraint(
                condition=Q(priority__range=(1, 3)), name="meeting_priority_1_to_3"
            ),
        ]
        indexes = [models.Index(fields=["event", "state"], name="meeting_event_state")]

    def __str__(self) -> str:
        return f"meeting {self.pk}: {self.firm_id}/{self.buyer_id} ({self.state})"
