"""factory_boy factories that build *interchange records* (plain dicts).

Rows are written through the services, exactly as imports and the API write them, so
tests never create states the application could not.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import factory
from django.utils import timezone

from buyers.models import Brief, Buyer
from buyers.schema import BriefRecord, BuyerRecord
from buyers.services import brief_save, buyer_save
from core.money import RateTable
from core.schema import validate_record
from events.models import Event
from vendors.models import Vendor
from vendors.schema import VendorRecord
from vendors.services import unsaved_row, vendor_save


class VendorRecordFactory(factory.DictFactory):
    external_id = factory.Sequence(lambda n: f"pk-test-{n:05d}")
    name = factory.Sequence(lambda n: f"Test Firm {n}")
    country = "PK"
    city = "Lahore"
    description = "Builds mobile and web apps."
    team_size = 25
    hourly_rate_usd = factory.Dict({"min": 20, "max": 40})
    services = factory.List(["Mobile App Development"])
    technologies = factory.List(["React Native"])
    industries = factory.List(["Fintech"])
    languages = factory.List(["en", "ur"])


class BuyerRecordFactory(factory.DictFactory):
    external_id = factory.Sequence(lambda n: f"buyer-test-{n:05d}")
    name = factory.Sequence(lambda n: f"Buyer {n} GmbH")
    country = "DE"
    timezone = "Europe/Berlin"


class BriefRecordFactory(factory.DictFactory):
    external_id = factory.Sequence(lambda n: f"b-test-{n:05d}")
    title = factory.Sequence(lambda n: f"Brief {n}")
    services = factory.List(["Mobile App Development"])
    budget = factory.Dict({"min": 10000, "max": 30000, "currency": "USD"})
    published_at = "2026-03-01"


def make_vendor(**fields: Any) -> Vendor:
    record = validate_record(VendorRecord, VendorRecordFactory(**fields), rates=RateTable.load())
    return vendor_save(record=record)


def make_buyer(**fields: Any) -> Buyer:
    record = validate_record(BuyerRecord, BuyerRecordFactory(**fields), rates=RateTable.load())
    return buyer_save(record=record)


def make_brief(buyer: Buyer | None = None, **fields: Any) -> Brief:
    data: dict[str, Any] = BriefRecordFactory(**fields)  # type: ignore[assignment]
    if buyer is not None:
        data["buyer"] = {"external_id": buyer.external_id}
    return brief_save(record=validate_record(BriefRecord, data, rates=RateTable.load()))


def vendor_row(**fields: Any) -> dict[str, Any]:
    """An unsaved vendor as the ranker and the search documents read it (what
    ``evaluate_ranker`` builds from a file line); no database needed (USD only)."""
    record = validate_record(VendorRecord, VendorRecordFactory(**fields), rates=RateTable({}))
    return unsaved_row(record, datetime(2026, 1, 1, tzinfo=UTC))


def make_event(**fields: Any) -> Event:
    """An event in Dubai a month from now, registration open: two days of 09:00–17:00
    with a lunch break, 30-minute meetings, 10 tables (28 slots)."""
    now = timezone.now()
    first = (now + timedelta(days=30)).date()
    data: dict[str, Any] = {
        "slug": "gitex",
        "name": "GITEX Global",
        "venue": "Dubai World Trade Centre",
        "city": "Dubai",
        "country": "AE",
        "timezone": "Asia/Dubai",
        "first_day": first,
        "last_day": first + timedelta(days=1),
        "day_starts": time(9, 0),
        "day_ends": time(17, 0),
        "breaks": [["12:00", "13:00"]],
        "meeting_minutes": 30,
        "tables": 10,
        "registration_opens": now - timedelta(days=1),
        "registration_closes": now + timedelta(days=20),
        **fields,
    }
    return Event.objects.create(**data)
