"""Plain inputs of the ranker, independent of the database."""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from matchmaking.ranking.history import HistoryItem, TrackRecord, Win, merge, visible

REGIONS = {
    "north_america": {"US", "CA"},
    "europe": {
        "GB",
        "IE",
        "DE",
        "NL",
        "FR",
        "BE",
        "LU",
        "SE",
        "NO",
        "DK",
        "FI",
        "CH",
        "AT",
        "ES",
        "IT",
        "PL",
        "PT",
    },
    "gulf": {"AE", "SA", "QA", "BH", "OM", "KW"},
    "oceania": {"AU", "NZ"},
}


RELATIONSHIP_STAGES = frozenset({"introduced", "meeting", "proposal", "won", "lost"})


def past_relationships(
    outcomes: Iterable[tuple[str, str, str, date | None]], buyer_of_brief: dict[str, str | None]
) -> dict[str, dict[str, date]]:
    """Vendor -> buyer -> first day they were introduced (or went further), from
    ``(brief, vendor, stage, decided_at)`` outcomes."""
    found: dict[str, dict[str, date]] = {}
    for brief, vendor, stage, decided_at in outcomes:
        buyer = buyer_of_brief.get(brief)
        if stage in RELATIONSHIP_STAGES and buyer and decided_at:
            known = found.setdefault(vendor, {})
            known[buyer] = min(decided_at, known.get(buyer, decided_at))
    return found


@functools.lru_cache(maxsize=512)
def region_of(country: str | None) -> str | None:
    return next((name for name, members in REGIONS.items() if country in members), None)


@dataclass(frozen=True)
class BriefData:
    id: str
    text: str
    services: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()
    industry: str | None = None
    budget_min_usd: int | None = None
    budget_max_usd: int | None = None
    timeline_weeks: int | None = None
    team_size: int | None = None
    engagement_model: str | None = None
    required_certifications: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    min_overlap_hours: int | None = None
    buyer_id: str | None = None
    buyer_name: str | None = None
    buyer_country: str | None = None
    buyer_timezone: str | None = None
    published_at: date | None = None
    title: str = ""


@dataclass(frozen=True)
class VendorData:
    id: str
    name: str
    text: str
    city: str | None = None
    services: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()  # verified: they meet a requirement
    claimed_certifications: tuple[str, ...] = ()  # stated, not verified: half credit
    languages: tuple[str, ...] = ()
    export_markets: tuple[str, ...] = ()
    team_size: int | None = None
    rate_min: int | None = None
    rate_max: int | None = None
    min_project_usd: int | None = None
    hours_utc: tuple[int, int] | None = None
    rating_average: float | None = None
    rating_count: int = 0
    portfolio: tuple[HistoryItem, ...] = ()  # as the firm lists it
    updated_on: date | None = None
    completeness: float = 0.0
    preferred_min_budget_usd: int | None = None
    preferred_industries: tuple[str, ...] = ()
    preferred_countries: tuple[str, ...] = ()
    preferred_engagement_models: tuple[str, ...] = ()
    # Buyer external id -> the first day a match with that buyer went past approval.
    past_buyers: dict[str, date] = field(default_factory=dict)
    # Wins Raabta recorded (outcomes with their briefs); merged with the portfolio.
    wins: tuple[Win, ...] = ()

    def worked_with(self, brief: BriefData) -> bool:
        """A relationship *before* the brief: a later one (or this brief's own outcome)
        must not explain the match."""
        since = self.past_buyers.get(brief.buyer_id or "")
        return since is not None and (brief.published_at is None or since < brief.published_at)

    @functools.cached_property
    def label_text(self) -> str:
        """Its services, technologies and industries: what character n-grams compare."""
        return " ".join((*self.services, *self.technologies, *self.industries))

    @functools.cached_property
    def profile_text(self) -> str:
        """Name, description and labels: what word TF-IDF compares with a brief (kept: a
        firm meets many briefs, and its analysed terms are memoised by this text)."""
        return f"{self.text} {self.label_text}"

    @functools.cached_property
    def history(self) -> tuple[HistoryItem, ...]:
        return merge(self.portfolio, self.wins)

    def history_for(self, brief: BriefData) -> tuple[HistoryItem, ...]:
        """The track record as ``brief`` may see it (``history.visible``): nothing
        decided on or after its publication, never its own outcome."""
        return tuple(item for item in self.history if visible(item, brief.published_at, brief.id))

    @functools.cached_property
    def record(self) -> TrackRecord:
        return TrackRecord.of(self.history)

    @functools.cached_property
    def _known_from(self) -> list[date]:
        """The days from which more of the items become visible, sorted."""
        return sorted({item.known_from for item in self.history})

    @functools.cached_property
    def item_briefs(self) -> frozenset[str]:
        """The briefs its items are the outcomes of."""
        return frozenset(item.brief for item in self.history if item.brief is not None)

    def seen_alike(self, day: date) -> tuple[date, date | None]:
        """The publication days whose briefs see the same items as one published on
        ``day`` (their own outcomes aside): from the first, up to but not including the
        second (``None``: no end)."""
        days = self._known_from
        come = bisect_right(days, day)
        return (days[come - 1] if come else date.min), (days[come] if come < len(days) else None)

    @functools.cached_property
    def _records(self) -> dict[tuple[int, ...], TrackRecord]:
        return {}

    @functools.cached_property
    def _records_seen_by(self) -> dict[tuple[int, str | None], TrackRecord]:
        return {}

    def record_for(self, brief: BriefData) -> TrackRecord:
        """``TrackRecord`` of ``history_for(brief)``."""
        return self._record_seen(brief.published_at, brief.id)

    def record_on(self, day: date) -> TrackRecord:
        """The ``TrackRecord`` a brief published on ``day`` sees, unless it is one of the
        items' briefs."""
        return self._record_seen(day, None)

    def _record_seen(self, published_at: date | None, brief_id: str | None) -> TrackRecord:
        """Kept with the firm: a firm meets many briefs, and most see its whole history.
        What a brief sees depends only on how many of the days in ``_known_from`` have
        come by its publication and on whether one of the items is its own outcome, so
        the record is kept by those two (by day, briefs published on different days of
        one year would each scan the history of every firm with an item of that
        year)."""
        days = self._known_from
        come = len(days) if published_at is None else bisect_right(days, published_at)
        own = brief_id if brief_id in self.item_briefs else None
        if come == len(days) and own is None:
            return self.record
        found = self._records_seen_by.get((come, own))
        if found is not None:
            return found
        seen = tuple(
            i for i, item in enumerate(self.history) if visible(item, published_at, brief_id)
        )
        if seen not in self._records:  # a race only computes one twice
            self._records[seen] = TrackRecord.of(tuple(self.history[i] for i in seen))
        self._records_seen_by[come, own] = self._records[seen]
        return self._records[seen]


def service_day() -> date:
    """The service's day: UTC, as Django's ``TIME_ZONE`` says (the ranking core does not
    read Django's settings)."""
    return datetime.now(UTC).date()
