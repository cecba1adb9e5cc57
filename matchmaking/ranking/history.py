"""A firm's track record as a brief may see it: earlier wins and portfolio projects.

Real trade bodies and marketplaces mostly know who won. A firm's history is two things:
the wins Raabta recorded (an outcome with a date, for a brief with a buyer, a text and a
budget) and the projects the firm lists in its portfolio (a title, a client, a year,
sometimes a value). A portfolio project that *is* a recorded win (it names the brief, or
has the brief's title) is the same event: it is merged into the win and takes the win's
date.

The leakage rule: a brief sees only what was decided before it was published. A
recorded win counts when its ``decided_on`` is before the brief's publication; a project
known only by its year counts when that year is before the publication year (a project
of the same year may be later than the brief, so it waits for the next year); a project
with no year is part of the profile as it stands and counts. Training, evaluation and
serving apply the same rule, so the ranker is trained on what it will see.
"""

from __future__ import annotations

import functools
import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from publicsuffixlist import PublicSuffixList


@dataclass(frozen=True)
class HistoryItem:
    """A portfolio project or a recorded win."""

    title: str = ""
    text: str = ""
    client: str = ""  # the client's name as written
    buyer_id: str | None = None  # the buyer's external id (often its e-mail domain)
    value_usd: int | None = None
    decided_on: date | None = None  # exact, for recorded wins
    year: int | None = None  # all a portfolio project may say
    brief: str | None = None  # the brief it was won on, when known
    industry: str | None = None
    client_country: str | None = None
    services: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()

    @functools.cached_property
    def known_from(self) -> date:
        """The first publication day whose briefs may see this item (the module's rule;
        kept with the item: a firm's items are cached across matches)."""
        if self.decided_on is not None:
            return self.decided_on + timedelta(days=1)
        if self.year is not None:
            return date(min(self.year + 1, date.max.year), 1, 1)
        return date.min


@dataclass(frozen=True)
class Win:
    """A recorded win: the outcome joined with its brief."""

    brief: str
    title: str
    text: str
    decided_on: date | None
    buyer_id: str | None = None
    buyer_name: str = ""
    value_usd: int | None = None
    industry: str | None = None
    buyer_country: str | None = None
    published_on: date | None = None  # the brief's: bounds an undated win


def _key(title: str) -> str:
    return " ".join(title.casefold().split())


def _linked(portfolio: Iterable[HistoryItem], wins: list[Win]) -> list[Win | None]:
    """For each portfolio project, the recorded win it is (it names the brief or has
    its title), else ``None``."""
    by_brief = {win.brief: win for win in wins}
    by_title = {_key(win.title): win for win in wins if win.title.strip()}
    return [by_brief.get(item.brief or "") or by_title.get(_key(item.title)) for item in portfolio]


def dated_portfolio(
    portfolio: tuple[HistoryItem, ...], wins: Iterable[Win]
) -> tuple[HistoryItem, ...]:
    """The portfolio, each project that is a recorded win carrying that win's date (what
    a replay needs to know which projects a brief's catalogue already held)."""
    links = _linked(portfolio, list(wins))
    return tuple(
        item
        if win is None
        else replace(item, decided_on=win.decided_on or item.decided_on, brief=win.brief)
        for item, win in zip(portfolio, links, strict=True)
    )


def _year(day: date | None) -> int | None:
    return day.year if day else None


def merge(portfolio: tuple[HistoryItem, ...], wins: Iterable[Win]) -> tuple[HistoryItem, ...]:
    """One item per event: every recorded win, plus the portfolio projects that are not
    one of them (a project that is a win adds only its value)."""
    wins = list(wins)
    if not wins:
        return portfolio
    value_of: dict[str, int] = {}
    others: list[HistoryItem] = []
    for item, win in zip(portfolio, _linked(portfolio, wins), strict=True):
        if win is None:
            others.append(item)
        elif item.value_usd is not None:
            value_of.setdefault(win.brief, item.value_usd)
    recorded = [
        HistoryItem(
            title=win.title,
            text=win.text,
            client=win.buyer_name,
            buyer_id=win.buyer_id,
            value_usd=win.value_usd if win.value_usd is not None else value_of.get(win.brief),
            decided_on=win.decided_on,
            year=_year(win.decided_on or win.published_on),
            brief=win.brief,
            industry=win.industry,
            client_country=win.buyer_country,
        )
        for win in wins
    ]
    return (*recorded, *others)


def visible(item: HistoryItem, published_at: date | None, brief_id: str | None = None) -> bool:
    """May a brief published on ``published_at`` see ``item``? Never its own outcome; a
    brief with no date sees everything else."""
    if brief_id is not None and item.brief == brief_id:
        return False
    return published_at is None or item.known_from <= published_at


def client_key(name: str) -> str:
    """A client's name as ``same buyer`` compares it."""
    return name.casefold().strip()


@dataclass(frozen=True)
class TrackRecord:
    """What the features read from the items of a track record that one brief may see:
    sets and counts computed once. Most briefs see a firm's whole history (it was all
    decided before they were published), so that summary is kept with the firm
    (``VendorData.record_for``) instead of being recomputed for every brief."""

    items: tuple[HistoryItem, ...]
    industries: frozenset[str]  # the items' industries
    countries: frozenset[str]  # the items' client countries
    typical_value: float | None  # median contract value
    latest: date | None  # the day of the latest dated item
    projects: dict[str, int]  # items per industry
    clients: Counter[tuple[str | None, str]]  # items per (buyer id, client key)
    families: Counter[str]  # items per buyer organisation family

    @classmethod
    def of(cls, items: tuple[HistoryItem, ...]) -> TrackRecord:
        values = [item.value_usd for item in items if item.value_usd]
        dates = [when for when in map(_when, items) if when is not None]
        return cls(
            items=items,
            industries=frozenset(item.industry for item in items if item.industry),
            countries=frozenset(item.client_country for item in items if item.client_country),
            # statistics' median: numpy's costs more on a few values
            typical_value=float(statistics.median(values)) if values else None,
            latest=max(dates, default=None),
            projects=Counter(item.industry for item in items if item.industry),
            clients=Counter((item.buyer_id, client_key(item.client)) for item in items),
            families=Counter(
                family for item in items if (family := organisation_family(item.buyer_id))
            ),
        )

    def with_buyer(self, buyer_id: str | None, name: str) -> int:
        """Items for this buyer: its id, or its name as the client's (counted once)."""
        return sum(
            count
            for (item_buyer, client), count in self.clients.items()
            if (buyer_id and item_buyer == buyer_id) or (name and client == name)
        )


def _when(item: HistoryItem) -> date | None:
    """The day an item was decided, or the middle of its year when only that is known."""
    return item.decided_on or (date(item.year, 7, 1) if item.year else None)


@functools.cache
def _suffixes() -> PublicSuffixList:
    return PublicSuffixList()  # the bundled list: no network


_DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


@functools.lru_cache(maxsize=65_536)
def organisation_family(buyer_id: str | None) -> str | None:
    """The registrable part of a buyer's domain-like id (``digital.cabinet-office.gov.uk``
    -> ``cabinet-office.gov.uk``); ``None`` for ids that are not domains (the family is
    then unknown rather than the id itself, which ``same buyer`` already covers)."""
    if not buyer_id:
        return None
    candidate = buyer_id.casefold().rsplit("@", 1)[-1].strip(".")
    if not _DOMAIN.match(candidate):
        return None
    return _suffixes().privatesuffix(candidate)
