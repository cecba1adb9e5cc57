"""Demo events over the demo catalogue (``load_demo`` calls ``load_demo_events``):

* a past event (GITEX Global, Dubai, 7 weeks ago): 40 firms, 20 buyers, their
  meetings scheduled, held or missed, some turned into introductions and deals;
* an upcoming event (LEAP, Riyadh, in 6 weeks, registration open): 120 firms and 60
  buyers, the demo accounts' firm and buyer among them, requests asked and answered
  and a first schedule.

Who asks whom follows the ranker's suggestions (``events.suggestions``), as people
using the pages would; dates are relative to the day of loading.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from buyers.models import Buyer
from core.errors import Refused
from events.meetings import meeting_attendance, meeting_introduce
from events.models import Event, Meeting, Participant
from events.schedules import schedule_event
from events.suggestions import fit_table
from matchmaking.pipeline.introductions import introduction_move
from vendors.models import Vendor


def load_demo_events(*, seed: int = 16, today: date | None = None) -> str:
    if Event.objects.exists():
        return "Demo events: already there"
    rng = random.Random(seed)
    today = today or timezone.localdate()
    officer = User.objects.filter(role=User.Role.OFFICER).order_by("id").first()
    past = _event(
        "gitex-global",
        "GITEX Global",
        "Dubai World Trade Centre",
        "Dubai",
        "AE",
        "Asia/Dubai",
        today - timedelta(days=50),
        tables=20,
    )
    upcoming = _event(
        "leap",
        "LEAP",
        "Riyadh Exhibition and Convention Center",
        "Riyadh",
        "SA",
        "Asia/Riyadh",
        today + timedelta(days=42),
        tables=30,
    )
    _people(past, rng, firms=40, buyers=20, offset=200)
    _people(upcoming, rng, firms=120, buyers=60, offset=0)
    for event in (past, upcoming):
        _requests(event, rng)
        schedule_event(event=event, actor=officer, seconds=5)
    held, introduced, won = _outcomes(past, rng, officer)
    return (
        f"Demo events: {past.name} (past: {held} meetings held, {introduced} introductions, "
        f"{won} won) and {upcoming.name} (upcoming: 120 firms, 60 buyers)"
    )


def _event(
    slug: str,
    name: str,
    venue: str,
    city: str,
    country: str,
    zone: str,
    first: date,
    *,
    tables: int,
) -> Event:
    opens = datetime.combine(
        first - timedelta(days=60), time(9), tzinfo=timezone.get_current_timezone()
    )
    return Event.objects.create(
        slug=slug,
        name=name,
        venue=venue,
        city=city,
        country=country,
        timezone=zone,
        description=f"Pakistan pavilion at {name}: pre-booked meetings with buyers.",
        first_day=first,
        last_day=first + timedelta(days=1),
        day_starts=time(9, 30),
        day_ends=time(17, 30),
        breaks=[["12:30", "13:30"]],
        meeting_minutes=30,
        tables=tables,
        registration_opens=opens,
        registration_closes=opens + timedelta(days=45),
        request_limit=15,
    )


def _people(event: Event, rng: random.Random, *, firms: int, buyers: int, offset: int) -> None:
    """Approved participants: firms from the catalogue (the demo account's firm first
    in the upcoming event), buyers that have briefs, each with one of its briefs."""
    vendors = list(Vendor.objects.order_by("external_id")[offset : offset + firms])
    organisations = list(
        Buyer.objects.annotate(n=Count("briefs"))
        .filter(n__gt=0)
        .order_by("external_id")[offset // 4 : offset // 4 + buyers]
    )
    days = event.days()
    rows = []
    for vendor in vendors:
        rows.append(
            Participant(
                event=event, kind="firm", vendor=vendor, state="approved",
                timezone="Asia/Karachi", availability=_availability(rng, days),
            )
        )  # fmt: skip
    for buyer in organisations:
        brief = buyer.briefs.order_by("-published_at", "id").first()
        rows.append(
            Participant(
                event=event, kind="buyer", buyer=buyer, brief=brief, state="approved",
                timezone=buyer.timezone or event.timezone,
                looking_for=brief.title if brief else "IT services",
                services=list(brief.services) if brief else [],
                availability=_availability(rng, days),
            )
        )  # fmt: skip
    Participant.objects.bulk_create(rows)


def _availability(rng: random.Random, days: list[date]) -> list[dict[str, str]]:
    """Most are free throughout; some one day only, some mornings only."""
    draw = rng.random()
    if draw < 0.7:
        return []
    if draw < 0.85:
        return [{"day": rng.choice(days).isoformat(), "start": "09:30", "end": "17:30"}]
    return [{"day": day.isoformat(), "start": "09:30", "end": "12:30"} for day in days]


@transaction.atomic
def _requests(event: Event, rng: random.Random) -> None:
    """Each buyer asks for 5–8 of its suggested firms, each firm for 1–2 of its
    suggested buyers; about three in four are accepted, buyers mark a fifth high."""
    table = fit_table(event)
    pairs: dict[tuple[int, int], str] = {}
    for buyer, rows in table["buyers"].items():
        for row in rows[: rng.randint(5, 8)]:
            pairs.setdefault((row["participant"], int(buyer)), "buyer")
    for firm, rows in table["firms"].items():
        for row in rows[: rng.randint(1, 2)]:
            pairs.setdefault((int(firm), row["participant"]), "firm")
    now = timezone.now()
    Meeting.objects.bulk_create(
        [
            Meeting(
                event=event,
                firm_id=firm,
                buyer_id=buyer,
                requested_by=side,
                note=rng.choice(["", "", "Keen to discuss your recent work in our sector."]),
                priority=rng.choices([1, 2, 3], [1, 3, 1])[0],
                state=rng.choices(["accepted", "pending", "declined"], [15, 3, 2])[0],
                answered_at=now,
            )
            for (firm, buyer), side in sorted(pairs.items())
        ]
    )


def _outcomes(event: Event, rng: random.Random, officer: User | None) -> tuple[int, int, int]:
    """Most scheduled meetings held; a quarter of those held become introductions,
    a third of those a won deal — recorded through the services, as officers would."""
    if officer is None:
        return 0, 0, 0
    held = introduced = won = 0
    for meeting in Meeting.objects.filter(event=event, slot__isnull=False).order_by("id"):
        attendance = "held" if rng.random() < 0.85 else "missed"
        meeting = meeting_attendance(
            actor=officer, meeting=meeting, version=meeting.version, attendance=attendance
        )
        if attendance != "held":
            continue
        held += 1
        if rng.random() >= 0.25:
            continue
        try:
            introduction = meeting_introduce(
                actor=officer, meeting=meeting, version=meeting.version
            )
        except Refused:  # the pair was already matched on that brief: leave it
            continue
        introduced += 1
        if rng.random() < 1 / 3:
            introduction = introduction_move(
                introduction=introduction,
                actor=officer,
                version=introduction.version,
                stage="proposal",
            )
            introduction_move(
                introduction=introduction,
                actor=officer,
                version=introduction.version,
                stage="won",
                deal_value=Decimal(rng.randrange(20, 400) * 1000),
                currency="USD",
            )
            won += 1
    return held, introduced, won
