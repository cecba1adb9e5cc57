"""What the features read from firms and track records, kept as columns.

A firm is a candidate for many briefs, and most of what the features read from it does
not depend on the brief: its rates, rating, labels, analysed texts, and the sets and
counts of its track record. Each firm (``VendorData``) and each track record
(``TrackRecord``) gets a row here the first time a match meets it, and a match then reads
its candidates' values by row: one array operation per feature instead of a Python pass
over hundreds of objects, and their analysed texts as slices of one array instead of a
memo lookup per text. A firm's row also keeps the row of the track record a brief
published on the day it was first met sees, and the days that see the same, so a
match finds its candidates' records by row too (``Catalogue.rows_for``).

Rows belong to objects, which are immutable: a firm that changes is a new
``VendorData`` (``matchmaking.matching.selectors``) and gets a new row; the old row is garbage
once the old object is gone. When garbage outnumbers the live rows the catalogue starts
afresh (``catalogue()``) and objects take rows in the new one as they are met again.
A row is found through the object itself (``ROW`` in its ``__dict__``, with the
catalogue's number), so no table keyed by object is kept alive.

One process-wide catalogue, shared with forked workers when a server reads firms ahead
(``core.runtime``). Rows are added under a lock; readers hold the arrays they read, and
arrays only grow by copying, so a reader never sees a half-written row.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from matchmaking.ranking.columns import Entry, Table
from matchmaking.ranking.data import BriefData, VendorData, region_of, service_day
from matchmaking.ranking.history import TrackRecord
from matchmaking.ranking.terms import CHARACTERS, WORDS, TermRows

_numbers = itertools.count(1)


def _present(values: Iterable[str | None]) -> list[tuple[str, float]]:
    """Labels of a set (``None``: no region) as counts of one."""
    return [(value, 1.0) for value in values if value is not None]


def _number(value: float | None) -> float:
    return np.nan if value is None else value


# The track record a brief of the day the firm was first met sees (``view_row``, a row
# of the records table), and the publication days that see the same
# (``VendorData.seen_alike``, ordinals: from, up to but not including until).
VIEW = ("view_from", "view_until", "view_row")
FIRM_NUMBERS = (
    "rate_min",
    "rate_max",  # the maximum, or the minimum when only that is known
    "min_project_usd",
    "rating_average",  # when the firm has ratings
    "rating_count",
    "completeness",
    "updated_on",  # ordinal
    "hours_utc",  # start x 24 + end
    "preferred_min_budget_usd",
    "preferred_industries_any",
    "preferred_countries_any",
    "preferred_engagement_models_any",
    "has_past_buyers",
    "profile_blank",
    "labels_blank",
    *VIEW,
)
FIRM_LABELS = (
    "services",
    "technologies",
    "industries",
    "languages",
    "certifications",
    "claimed_certifications",
    "export_markets",
    "export_regions",
    "preferred_industries",
    "preferred_countries",
    "preferred_engagement_models",
    "item_briefs",  # the briefs its items are the outcomes of
)
RECORD_NUMBERS = ("typical_value", "latest", "items")
RECORD_LABELS = (
    "industries",
    "countries",
    "regions",
    "projects",  # items per industry
    "families",  # items per buyer organisation family
    "client_ids",  # items per buyer id
    "client_names",  # items per client name (``history.client_key``)
    "client_pairs",  # items per buyer id and client name (``client_pair``)
)


def client_pair(buyer_id: str, name: str) -> str:
    return f"{buyer_id}\n{name}"


def _describe_firm(firm: VendorData) -> Entry:
    hours = firm.hours_utc
    numbers = {
        "rate_min": _number(firm.rate_min),
        "rate_max": _number(firm.rate_max or firm.rate_min),
        "min_project_usd": _number(firm.min_project_usd),
        "rating_average": _number(firm.rating_average if firm.rating_count else None),
        "rating_count": firm.rating_count,
        "completeness": firm.completeness,
        "updated_on": _number(firm.updated_on.toordinal() if firm.updated_on else None),
        "hours_utc": _number(hours[0] * 24 + hours[1] if hours else None),
        "preferred_min_budget_usd": _number(firm.preferred_min_budget_usd),
        "has_past_buyers": bool(firm.past_buyers),
        "profile_blank": not firm.profile_text.strip(),
        "labels_blank": not firm.label_text.strip(),
        **dict.fromkeys(VIEW, np.nan),  # set when a match first reads them (``Catalogue.rows_for``)
    }
    for kind in ("preferred_industries", "preferred_countries", "preferred_engagement_models"):
        numbers[f"{kind}_any"] = bool(getattr(firm, kind))
    labels = {
        kind: _present(getattr(firm, kind)) for kind in FIRM_LABELS if kind != "export_regions"
    }
    labels["export_regions"] = _present(map(region_of, firm.export_markets))
    return Entry(numbers, labels, {"profile": [firm.profile_text], "labels": [firm.label_text]})


def _describe_record(record: TrackRecord) -> Entry:
    ids, names, pairs = Counter[str](), Counter[str](), Counter[str]()
    for (buyer_id, name), count in record.clients.items():
        if buyer_id:
            ids[buyer_id] += count
        if name:
            names[name] += count
        if buyer_id and name:
            pairs[client_pair(buyer_id, name)] += count
    return Entry(
        numbers={
            "typical_value": _number(record.typical_value),
            "latest": _number(record.latest.toordinal() if record.latest else None),
            "items": len(record.items),
        },
        labels={
            "industries": _present(record.industries),
            "countries": _present(record.countries),
            "regions": _present(map(region_of, record.countries)),
            "projects": record.projects.items(),
            "families": record.families.items(),
            "client_ids": ids.items(),
            "client_names": names.items(),
            "client_pairs": pairs.items(),
        },
        texts={"items": [item.text for item in record.items]},
    )


class Catalogue:
    """Firms' rows and track records' rows (see the module's docstring)."""

    def __init__(self) -> None:
        number = next(_numbers)
        self.firms = Table(
            number,
            FIRM_NUMBERS,
            FIRM_LABELS,
            {"profile": WORDS, "labels": CHARACTERS},
            _describe_firm,
        )
        self.records = Table(
            number, RECORD_NUMBERS, RECORD_LABELS, {"items": WORDS}, _describe_record
        )

    def rows_for(self, brief: BriefData, firms: Sequence[VendorData]) -> CandidateRows:
        """The rows of these candidates with the track records ``brief`` may see
        (``VendorData.record_for``), added if new. Most briefs are published on a day
        that sees what the day a firm was first met saw — a new brief always does —
        so each firm's row keeps that record's row and the days it holds for, and only
        the other candidates (older briefs, a brief among a firm's outcomes) are asked
        one by one."""
        firm_rows = self.meet(firms)
        numbers = self.firms.numbers
        day = brief.published_at.toordinal() if brief.published_at else math.inf
        until = numbers["view_until"][firm_rows]
        seen = (numbers["view_from"][firm_rows] <= day) & ((day < until) | (until == math.inf))
        if brief.id:
            seen &= self.firms.labels["item_briefs"].held((brief.id,), firm_rows) == 0
        # Rows not seen so are filled below (-1 until then; never a NaN cast).
        record_rows = np.where(seen, numbers["view_row"][firm_rows], -1).astype(np.int64)
        others = np.flatnonzero(~seen).tolist()
        if others:
            records = [firms[i].record_for(brief) for i in others]
            record_rows[others] = self.records.rows(records)
        return CandidateRows(self, firm_rows, record_rows)

    def meet(self, firms: Sequence[VendorData]) -> np.ndarray:
        """These firms' rows, added if new, each with the track record a brief of today
        sees (``rows_for``) analysed and given a row too."""
        firm_rows = self.firms.rows(firms)
        unset = np.flatnonzero(np.isnan(self.firms.numbers["view_row"][firm_rows])).tolist()
        if unset:
            self._set_views([firms[i] for i in unset], firm_rows[unset])
        return firm_rows

    def _set_views(self, firms: list[VendorData], rows: np.ndarray) -> None:
        today = service_day()
        spans = [firm.seen_alike(today) for firm in firms]
        self.firms.set_unset(
            rows,
            {  # ``view_row`` first: a row whose record row is NaN is set again
                "view_row": self.records.rows([firm.record_on(today) for firm in firms]),
                "view_from": np.array([start.toordinal() for start, _ in spans], dtype=float),
                "view_until": np.array(
                    [end.toordinal() if end else math.inf for _, end in spans], dtype=float
                ),
            },
        )

    @property
    def wasteful(self) -> bool:
        return self.firms.wasteful or self.records.wasteful


@dataclass(frozen=True)
class CandidateRows:
    """A match's candidates as rows: their values read as columns, in their order."""

    catalogue: Catalogue
    firm_rows: np.ndarray
    record_rows: np.ndarray

    def __len__(self) -> int:
        return len(self.firm_rows)

    def firm(self, name: str) -> np.ndarray:
        return self.catalogue.firms.numbers[name][self.firm_rows]

    def record(self, name: str) -> np.ndarray:
        return self.catalogue.records.numbers[name][self.record_rows]

    def firm_holds(self, kind: str, wanted: Sequence[str]) -> np.ndarray:
        """How many of ``wanted`` each firm holds among its labels of this kind."""
        return self.catalogue.firms.labels[kind].held(wanted, self.firm_rows)

    def record_holds(self, kind: str, wanted: Sequence[str]) -> np.ndarray:
        return self.catalogue.records.labels[kind].held(wanted, self.record_rows)

    def firm_texts(self, kind: str) -> TermRows:
        return self.catalogue.firms.texts[kind].take(self.firm_rows)

    def record_texts(self, kind: str) -> tuple[TermRows, np.ndarray]:
        """The records' texts of this kind, and how many each record has."""
        texts = self.catalogue.records.texts[kind]
        return texts.take(self.record_rows), texts.count[self.record_rows]


_current = Catalogue()
_lock = threading.Lock()


def catalogue() -> Catalogue:
    """The process's catalogue, a fresh one when the old one is mostly garbage."""
    global _current
    if _current.wasteful:
        with _lock:
            if _current.wasteful:
                _current = Catalogue()
    return _current


def clear() -> None:
    """Start afresh (with ``extraction.clear_caches``: rows hold the memo's columns)."""
    global _current
    with _lock:
        _current = Catalogue()
