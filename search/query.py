"""What a search asks and what it returns: plain data, shared by every backend."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from search.understood import Understanding

# Facets every backend computes, with the document field each counts.
FACETS = (
    "services",
    "technologies",
    "industries",
    "certifications",
    "city",
    "country",
    "languages",
    "export_markets",
    "rate_band",
    "team_band",
)
# The taxonomy label lists of a document (analysed for text search, exact for filters).
LABEL_FIELDS = ("services", "technologies", "industries", "certifications")
# Filters on label lists require every value given (a firm must offer all of them);
# filters on single-valued fields accept any of the values given.
ALL_OF = ("services", "technologies", "industries", "certifications", "languages", "export_markets")
ANY_OF = ("city", "country", "rate_band", "team_band")
SORTS = {
    "relevance": None,
    "name": ("name_sort", "asc"),
    "team_size": ("team_size", "asc"),
    "-team_size": ("team_size", "desc"),
    "rate": ("rate_min", "asc"),
    "-rating": ("rating", "desc"),
}
# Band values are plain ASCII: they travel in URLs (?rate_band=25-49).
RATE_BANDS = ((25, "0-24"), (50, "25-49"), (100, "50-99"), (None, "100+"))
TEAM_BANDS = ((10, "1-9"), (50, "10-49"), (250, "50-249"), (1000, "250-999"), (None, "1000+"))
HIGHLIGHT_FIELDS = ("name", "description", "portfolio_text")

# Relevance of directory searches, the same on every backend (docs/search.md,
# "Relevance"). A query's words are matched in these fields, each word scored by its
# best field (plus ``WORD_TIE_BREAKER`` of the others): what a firm offers and has
# delivered outweighs what its description says, and the description is indexed
# without term frequencies, so repeating a word there gains nothing.
FIELD_WEIGHTS = {
    "name": 0.5,
    "services": 0.75,
    "technologies": 0.75,
    "industries": 0.5,
    "certifications": 0.4,
    "portfolio_text": 0.4,
    "description": 0.25,
}
WORD_TIE_BREAKER = 0.3
# Stage-1 retrieval for matchmaking (firms for a brief), the same on every backend
# (docs/ranking.md, "Two stages"): each word of the brief scored by BM25 in the firm's
# whole profile (``profile``: ``plain_words``, without term frequencies, so repeating
# a word gains nothing) and again in the services and technologies it lists (a firm
# that offers a service outranks one that mentions it), summed. Chosen walk-forward
# against a plain BM25 over the whole profile; what was tried is in docs/ranking.md.
MATCH_FIELD_WEIGHTS = {"profile": 1.0, "services": 1.0, "technologies": 1.0}
# A firm that lists a taxonomy label the query names gets this on top of its text match:
# above what text alone can earn, so firms that offer what was asked come first.
LABEL_SCORE = 10.0
# A word matched only by a close spelling.
FUZZY_SCORE = 0.25
# What a recognised place, language or country adds (search/understanding.py).
BOOST_SCORES = {"city": 4.0, "region": 3.0, "language": 4.0, "market": 2.5, "country": 2.5}
# The deepest result a search may reach (offset + limit), as Elasticsearch's own
# index.max_result_window: the embedded engine reserves memory for every position up to
# it, so an unbounded page number would let one request exhaust the process.
MAX_RESULT_WINDOW = 10_000


class ResultWindowTooLarge(ValueError):
    """A query asked for results beyond ``MAX_RESULT_WINDOW``."""


def check_window(offset: int, limit: int) -> None:
    """Every backend gets the same bound, however the query was built."""
    if offset < 0 or limit < 0 or offset + limit > MAX_RESULT_WINDOW:
        raise ResultWindowTooLarge(
            f"results beyond the first {MAX_RESULT_WINDOW:,} cannot be paged to"
        )


def plain_words(document: dict[str, Any]) -> str:
    """A document's text as spelling correction and close spellings see it: name,
    description, portfolio and labels (backends index it unstemmed as ``words``)."""
    parts = [document.get(name) or "" for name in ("name", "description", "portfolio_text")]
    parts.extend(label for name in LABEL_FIELDS for label in document.get(name) or [])
    return " ".join(parts)


# Stage-1 retrieval (firms for a brief, briefs for a firm): what each wanted label a
# document lists adds, by kind — services, technologies, industries.
LABEL_BOOSTS = (3.0, 2.0, 1.5)


def boosted_labels(
    query: CandidateQuery | OpportunityQuery, industry_field: str = "industries"
) -> list[tuple[str, str, float]]:
    """``(field, label, boost)`` for every label a stage-1 query wants; the industry
    field is ``industries`` in the vendor index, ``industry`` in the demand index."""
    wanted = (
        ("services", query.services),
        ("technologies", query.technologies),
        (industry_field, query.industries),
    )
    return [
        (field, label, boost)
        for (field, labels), boost in zip(wanted, LABEL_BOOSTS, strict=True)
        for label in labels
    ]


def best_first(hit: tuple[str, float]) -> tuple[float, str]:
    """Candidates with equal scores in id order: the same list in the same order however
    the index was filled (descriptions are indexed without term frequencies, so equal
    scores are common)."""
    return -hit[1], hit[0]


def band(value: int | None, bands: tuple[tuple[int | None, str], ...]) -> str | None:
    if value is None:
        return None
    return next(label for limit, label in bands if limit is None or value < limit)


@dataclass(frozen=True)
class VendorQuery:
    """A directory search. ``filters`` maps a field of ``ALL_OF``/``ANY_OF`` to values."""

    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    min_rate: int | None = None  # hourly rate from, at least
    max_rate: int | None = None  # hourly rate from, at most
    min_team_size: int | None = None
    max_team_size: int | None = None
    sort: str = "relevance"
    offset: int = 0
    limit: int = 20
    facets: bool = True
    highlight: bool = True
    # How ``text`` was understood (search/understanding.py); when None, every word of
    # it is required as typed.
    understanding: Understanding | None = None

    @property
    def plan(self) -> Understanding:
        return self.understanding or Understanding.literal(self.text)

    def __post_init__(self) -> None:
        check_window(self.offset, self.limit)


@dataclass(frozen=True)
class CandidateQuery:
    """Stage-1 retrieval for a brief: hard filters plus BM25 over the brief's needs."""

    text: str
    services: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    required_certifications: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # ISO 639-1 codes the firm must work in
    max_budget_usd: int | None = None  # firms whose minimum project exceeds it are out
    exclude: tuple[str, ...] = ()
    limit: int = 300


@dataclass(frozen=True)
class Hit:
    id: str
    score: float
    highlights: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


@dataclass(frozen=True)
class SearchPage:
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    # False when counts were estimated from a sample of a very large result set.
    facets_exact: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "hits": [hit.__dict__ for hit in self.hits],
            "facets": {name: [v.__dict__ for v in values] for name, values in self.facets.items()},
            "facets_exact": self.facets_exact,
        }


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "vendor", "service", "technology"
    text: str
    id: str | None = None


# The demand index (buyers and briefs, search/demand.py) -----------------------------------
BUDGET_BANDS = (
    (10_000, "0-9k"),
    (50_000, "10k-49k"),
    (250_000, "50k-249k"),
    (1_000_000, "250k-999k"),
    (None, "1m+"),
)
# Facets of the demand index, and how its filters combine (as ALL_OF/ANY_OF above).
DEMAND_FACETS = (
    "industry",
    "country",
    "budget_band",
    "services",
    "technologies",
    "engagement_model",
    "size_band",
    "stage",
)
DEMAND_ALL_OF = ("services", "technologies", "languages", "certifications")
DEMAND_ANY_OF = ("industry", "country", "budget_band", "engagement_model", "size_band", "stage")
# Text fields of a demand document with their weights; ``buyer_name`` holds a name only
# where firms may see it (buyers' own documents, briefs of buyers who opted in).
DEMAND_TEXT_WEIGHTS = {
    "title": 2.0,
    "services": 3.0,
    "technologies": 3.0,
    "industry": 2.0,
    "description": 1.0,
    "buyer_name": 1.0,
}
DEMAND_HIGHLIGHT_FIELDS = ("title", "description")
DEMAND_SORTS = {
    "relevance": None,
    "newest": ("published", "desc"),
    "budget": ("budget_usd", "desc"),
}


@dataclass(frozen=True)
class DemandQuery:
    """A search of buyers and briefs: ``kind`` is ``brief`` or ``buyer``; ``filters``
    maps a field of ``DEMAND_ALL_OF``/``DEMAND_ANY_OF`` to values."""

    kind: str
    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    offset: int = 0
    limit: int = 20
    facets: bool = True
    highlight: bool = True
    published_from: int | None = None  # briefs published on or after (a date's ordinal)

    def __post_init__(self) -> None:
        check_window(self.offset, self.limit)


@dataclass(frozen=True)
class OpportunityQuery:
    """Stage-1 retrieval of open briefs for a firm: BM25 of the firm's offer against
    the briefs' needs, labels it offers boosted."""

    text: str
    services: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    stages: tuple[str, ...] = ("open", "introduced")
    exclude: tuple[str, ...] = ()  # document ids
    published_from: int | None = None  # briefs published on or after (a date's ordinal)
    limit: int = 200
