"""Reads for matchmaking: briefs and vendors as the ranker's plain data."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import Any

import orjson
from django.conf import settings
from django.db import models
from django.db.models.functions import Cast

from buyers.models import Brief
from core.generations import known_generation
from matchmaking.models import Outcome
from matchmaking.ranking.data import (
    RELATIONSHIP_STAGES,
    BriefData,
    VendorData,
    past_relationships,
)
from matchmaking.ranking.extraction import analyse
from matchmaking.ranking.history import HistoryItem, Win
from matchmaking.ranking.memo import LRU
from vendors.models import Vendor
from vendors.selectors import COMPLETENESS_FIELDS
from vendors.verification import verified_certifications


def brief_data(brief: Brief) -> BriefData:
    buyer = brief.buyer
    return BriefData(
        id=brief.external_id,
        text=f"{brief.title}. {brief.description}",
        title=brief.title,
        services=tuple(brief.services),
        technologies=tuple(brief.technologies),
        industry=brief.industry or None,
        budget_min_usd=brief.budget_min_usd,
        budget_max_usd=brief.budget_max_usd,
        timeline_weeks=brief.timeline_weeks,
        team_size=brief.team_size,
        engagement_model=brief.engagement_model or None,
        required_certifications=tuple(brief.required_certifications),
        languages=tuple(brief.languages),
        min_overlap_hours=brief.min_overlap_hours,
        buyer_id=buyer.external_id if buyer else None,
        buyer_name=buyer.name if buyer else None,
        buyer_country=str(buyer.country) or None if buyer else None,
        buyer_timezone=buyer.timezone or None if buyer else None,
        published_at=brief.published_at,
    )


def _labels(values: Iterable[str]) -> tuple[str, ...]:
    """Labels as one shared string each: thousands of firms in memory name the same
    few hundred services, technologies and countries."""
    return tuple(sys.intern(value) for value in values)


def _portfolio(items: list[dict[str, Any]]) -> tuple[HistoryItem, ...]:
    return tuple(
        HistoryItem(
            title=item.get("title") or "",
            text=" ".join(str(item.get(k) or "") for k in ("title", "industry", "description")),
            client=item.get("client") or "",
            client_country=item.get("client_country"),
            industry=item.get("industry"),
            services=_labels(item.get("services", [])),
            technologies=_labels(item.get("technologies", [])),
            year=item.get("year"),
            value_usd=item.get("value_usd"),
            brief=item.get("brief"),
        )
        for item in items
    )


VENDOR_COLUMNS = (
    *COMPLETENESS_FIELDS,
    "external_id",
    "name",
    "city",
    "hourly_rate_max_usd",
    "working_hours_end_utc",
    "rating_average",
    "rating_count",
    "review_average",
    "review_count",
    "verified",
    "updated_at",
    "preferred_min_budget_usd",
    "preferred_industries",
    "preferred_countries",
    "preferred_engagement_models",
)


def vendor_data(vendor: Vendor | dict[str, Any]) -> VendorData:
    """The ranker's view of a vendor, from a model instance or a ``VENDOR_COLUMNS`` row."""
    row = (
        vendor
        if isinstance(vendor, dict)
        else {name: getattr(vendor, name) for name in VENDOR_COLUMNS}
    )
    filled = sum(1 for name in COMPLETENESS_FIELDS if row[name] not in (None, "", [], {}))
    hours = row["working_hours_start_utc"], row["working_hours_end_utc"]
    # Reviews of deals through Raabta win over an imported rating.
    reviewed = bool(row["review_count"])
    rating = row["review_average"] if reviewed else row["rating_average"]
    verified = verified_certifications(row)
    return VendorData(
        id=row["external_id"],
        name=row["name"],
        text=f"{row['name']}. {row['description']}",
        city=row["city"] or None,
        services=_labels(service["name"] for service in row["services"]),
        technologies=_labels(row["technologies"]),
        industries=_labels(row["industries"]),
        certifications=_labels(verified),
        claimed_certifications=_labels(c for c in row["certifications"] if c not in verified),
        languages=_labels(row["languages"]),
        export_markets=_labels(row["export_markets"]),
        team_size=row["team_size"],
        rate_min=row["hourly_rate_min_usd"],
        rate_max=row["hourly_rate_max_usd"],
        min_project_usd=row["min_project_usd"],
        hours_utc=None if hours[0] is None or hours[1] is None else (hours[0], hours[1]),
        rating_average=float(rating) if rating is not None else None,
        rating_count=(row["review_count"] if reviewed else row["rating_count"]) or 0,
        portfolio=_portfolio(row["portfolio"]),
        updated_on=row["updated_at"].date() if row["updated_at"] else None,
        completeness=filled / len(COMPLETENESS_FIELDS),
        preferred_min_budget_usd=row["preferred_min_budget_usd"],
        preferred_industries=_labels(row["preferred_industries"]),
        preferred_countries=_labels(row["preferred_countries"]),
        preferred_engagement_models=_labels(row["preferred_engagement_models"]),
    )


# Recently used ``VendorData`` by (external id, version, creation time to the
# microsecond): a row's version changes with every write, and a firm deleted and created
# again under the same id has a new creation time, so an entry can never be stale; it
# only saves re-reading and re-decoding the JSON columns of firms that are candidates
# for many briefs. ``RAABTA_FIRMS_CACHED`` of them.
_cache: LRU[tuple[str, int, str], VendorData] = LRU(size=settings.RAABTA_FIRMS_CACHED)


_JSON_COLUMNS = tuple(
    name for name in VENDOR_COLUMNS if isinstance(Vendor._meta.get_field(name), models.JSONField)
)


def _vendor_rows(external_ids: list[str]) -> Iterable[dict[str, Any]]:
    """``VENDOR_COLUMNS`` of these vendors, the JSON columns read as text and decoded with
    orjson (Django's ``json.loads`` of eleven columns per row was a third of a match)."""
    raw = {f"{name}__text": Cast(name, models.TextField()) for name in _JSON_COLUMNS}
    plain = [name for name in VENDOR_COLUMNS if name not in _JSON_COLUMNS]
    for row in Vendor.objects.filter(external_id__in=external_ids).values(*plain, **raw):
        for name in _JSON_COLUMNS:
            row[name] = orjson.loads(row.pop(f"{name}__text"))
        yield row


class _Verified:
    """``VendorData`` with relationships as of one search generation (``core.generations``).

    Every write that can change what the ranker reads of a firm — its profile (once
    indexed), an outcome, a curation decision — bumps the generation, so while it stands
    a firm read before is still right: no query at all. This is how matches read
    firms at the same moment as the index they were retrieved from (a profile edit
    waiting in the outbox shows in neither yet). When the generation moves on, or the
    shared cache cannot tell it, firms are read again (``_vendors_data``), each cached
    by its row version."""

    def __init__(self) -> None:
        self.generation: int | None = None
        self.vendors: LRU[str, VendorData] = LRU(size=_cache.size)
        self._lock = threading.Lock()

    def at(self, generation: int | None) -> LRU[str, VendorData] | None:
        if generation is None:
            return None
        with self._lock:
            if generation != self.generation:
                self.generation, self.vendors = generation, LRU(size=_cache.size)
            return self.vendors

    def clear(self) -> None:
        with self._lock:
            self.generation, self.vendors = None, LRU(size=_cache.size)


_verified = _Verified()


def vendors_data(external_ids: Iterable[str]) -> dict[str, VendorData]:
    """The ranker's view of these firms (with past relationships and recorded wins);
    firms that are gone are left out."""
    wanted = list(external_ids)
    held = _verified.at(known_generation())  # read before the rows, never after
    if held is None:
        return _vendors_data(wanted)
    found = held.get_many(wanted)
    if len(found) < len(set(wanted)):
        read = _vendors_data([external_id for external_id in wanted if external_id not in found])
        held.put_many(read)
        found |= read
    return found


def prewarm(limit: int, *, batch: int = 1_000) -> int:
    """Read up to ``limit`` firms, the most recently updated first, into this process's
    caches as their first match would, texts analysed; returns how many. A server does
    it before forking its workers (``core.runtime``): they share what was read, and no
    worker pays for meeting a firm the first time."""
    ids = list(Vendor.objects.order_by("-updated_at").values_list("external_id", flat=True)[:limit])
    for start in range(0, len(ids), batch):
        analyse(list(vendors_data(ids[start : start + batch]).values()))
    return len(ids)


def clear_caches() -> None:
    """Forget every firm read (benchmarks measure a freshly started process)."""
    _cache.clear()
    _verified.clear()


def _vendors_data(external_ids: list[str]) -> dict[str, VendorData]:
    wanted = Vendor.objects.filter(external_id__in=external_ids)
    keys = {
        external_id: (external_id, version, created.isoformat())
        for external_id, version, created in wanted.values_list(
            "external_id", "version", "created_at"
        )
    }
    held = _cache.get_many(keys.values())
    found = {external_id: held[key] for external_id, key in keys.items() if key in held}
    unread = [external_id for external_id in keys if external_id not in found]
    read = {row["external_id"]: vendor_data(row) for row in _vendor_rows(unread)}
    _cache.put_many({keys[external_id]: data for external_id, data in read.items()})
    return with_relationships(found | read)


def win_of(brief: BriefData, decided_on: date | None, value_usd: int | None) -> Win:
    """A recorded win, from its brief as the ranker sees it."""
    return Win(
        brief=brief.id,
        title=brief.title,
        text=brief.text,
        decided_on=decided_on,
        buyer_id=brief.buyer_id,
        buyer_name=brief.buyer_name or "",
        value_usd=value_usd,
        industry=brief.industry,
        buyer_country=brief.buyer_country,
        published_on=brief.published_at,
    )


_WIN_COLUMNS = (
    "brief__external_id",
    "brief__title",
    "brief__description",
    "brief__industry",
    "brief__published_at",
    "brief__buyer__external_id",
    "brief__buyer__name",
    "brief__buyer__country",
)


def with_relationships(vendors: dict[str, VendorData]) -> dict[str, VendorData]:
    """Attach each firm's past relationships with buyers and its recorded wins (from
    outcomes, in one query; not cached with the row, since outcomes change without the
    vendor's version)."""
    rows = Outcome.objects.filter(
        vendor__external_id__in=list(vendors), outcome__in=RELATIONSHIP_STAGES
    ).values_list("vendor__external_id", "outcome", "decided_at", "value_usd", *_WIN_COLUMNS)
    relationships: list[tuple[str, str, str, date | None]] = []
    buyer_of: dict[str, str | None] = {}
    wins: dict[str, list[Win]] = {}
    for (
        vendor,
        stage,
        decided_at,
        value,
        brief,
        title,
        text,
        industry,
        day,
        buyer,
        name,
        country,
    ) in rows:
        relationships.append((brief, vendor, stage, decided_at))
        buyer_of[brief] = buyer
        if stage == Outcome.Stage.WON:
            won = BriefData(
                id=brief,
                text=f"{title}. {text}",
                title=title,
                industry=industry or None,
                buyer_id=buyer,
                buyer_name=name or None,
                buyer_country=country or None,
                published_at=day,
            )
            wins.setdefault(vendor, []).append(win_of(won, decided_at, value))
    found = past_relationships(relationships, buyer_of)
    return {
        # Most firms have no outcomes: the cached object is kept (with its history).
        key: replace(data, past_buyers=found.get(key, {}), wins=tuple(wins.get(key, ())))
        if key in found or key in wins or data.past_buyers or data.wins
        else data
        for key, data in vendors.items()
    }
