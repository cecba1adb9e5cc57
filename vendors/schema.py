"""The vendor interchange record: one line of ``vendors.jsonl`` and one API body.

See docs/data-format.md. Validation normalises as it goes (labels to the taxonomy,
countries to ISO alpha-2, money to US dollars), so a validated record *is* the
canonical form that is stored, exported and hashed.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    field_validator,
    model_serializer,
)

from core.fields import (
    MAX_LABELS,
    Contact,
    Countries,
    Country,
    Languages,
    ShortText,
    Text,
    Url,
    UsdAmount,
    Whole,
    Year,
)
from core.schema import Band, KeyedRecord, Record, dump_canonical
from vendors.models import EngagementModel
from vendors.taxonomy import Kind, get_taxonomy


def _normalise(kind: Kind, labels: list[str]) -> list[str]:
    return get_taxonomy().normalise_all(kind, labels)


def _normalise_one(kind: Kind, label: str) -> str:
    return get_taxonomy().normalise(kind, label)


Label = Annotated[str, Field(max_length=100)]
Services = Annotated[
    list[Label], Field(max_length=MAX_LABELS), AfterValidator(partial(_normalise, "service"))
]
Technologies = Annotated[
    list[Label], Field(max_length=MAX_LABELS), AfterValidator(partial(_normalise, "technology"))
]
Industries = Annotated[
    list[Label], Field(max_length=MAX_LABELS), AfterValidator(partial(_normalise, "industry"))
]
Certifications = Annotated[
    list[Label], Field(max_length=MAX_LABELS), AfterValidator(partial(_normalise, "certification"))
]
Industry = Annotated[Label, AfterValidator(partial(_normalise_one, "industry"))]
EngagementModels = list[EngagementModel]
PORTFOLIO_LIMIT = 200


def _named(value: Any) -> Any:
    return {"name": value} if isinstance(value, str) else value


class ServiceShare(BaseModel):
    """A service and the share (percent) of the firm's work it takes."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    name: Annotated[Label, Field(min_length=1), AfterValidator(partial(_normalise_one, "service"))]
    share: Whole | None = Field(default=None, ge=0, le=100)

    @model_serializer
    def _compact(self) -> dict[str, Any] | str:
        # A service without a share is written back as the plain string it came as.
        return {"name": self.name, "share": self.share} if self.share is not None else self.name


class WorkingHours(BaseModel):
    """Hours of the working day in UTC; ``start > end`` is a shift across midnight."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: Whole = Field(ge=0, le=23)
    end: Whole = Field(ge=0, le=24)


class Rating(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    average: Annotated[
        float, Strict(), Field(ge=0, le=5), AfterValidator(lambda value: round(value, 2))
    ]
    count: Whole = Field(ge=0)


class Preferences(BaseModel):
    """Which buyers the firm wants (the reciprocal side of matching)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_budget_usd: UsdAmount | None = None
    industries: Industries = []
    countries: Countries = []
    engagement_models: EngagementModels = []


class PortfolioRecord(Record):
    title: Annotated[str, Field(max_length=200)] | None = None
    client: Annotated[str, Field(max_length=200)] | None = None
    client_country: Country | None = None
    industry: Industry | None = None
    services: Services = []
    technologies: Technologies = []
    year: Year | None = None
    value_usd: UsdAmount | None = None
    description: Text | None = None


class VendorRecord(KeyedRecord):
    # A rating comes from reviews of deals (or an officer's import): a firm cannot award
    # one to itself. Registrations it states are claims until an officer verifies them.
    officer_fields = frozenset({"rating"})

    name: ShortText
    country: Country | None = None
    city: Annotated[str, Field(max_length=100)] | None = None
    description: Text | None = None
    website: Url | None = None
    contact: Contact | None = None
    founded_year: Year | None = None
    team_size: Whole | None = Field(default=None, ge=1, le=1_000_000)
    hourly_rate_usd: Band | None = None
    min_project_usd: UsdAmount | None = None
    services: list[Annotated[ServiceShare, BeforeValidator(_named)]] = Field(
        default=[], max_length=MAX_LABELS
    )
    technologies: Technologies = []
    industries: Industries = []
    certifications: Certifications = []
    languages: Languages = []
    working_hours_utc: WorkingHours | None = None
    export_markets: Countries = []
    portfolio: list[PortfolioRecord] = Field(default=[], max_length=PORTFOLIO_LIMIT)
    registrations: dict[str, Annotated[str, Field(max_length=100)]] = {}
    rating: Rating | None = None
    preferences: Preferences | None = None

    @field_validator("services", mode="after")
    @classmethod
    def _services(cls, value: list[ServiceShare]) -> list[ServiceShare]:
        by_name = {share.name: share for share in value}
        total = sum(share.share or 0 for share in by_name.values())
        if total > 100:
            raise ValueError(f"service shares add up to {total}%, more than 100%")
        return list(by_name.values())

    def service_names(self) -> list[str]:
        return [item.name for item in self.services]

    def unknown_labels(self) -> dict[str, list[str]]:
        """Labels the taxonomy does not know (kept as free tags), by kind."""
        taxonomy = get_taxonomy()
        found = {
            "service": taxonomy.unknown("service", self.service_names()),
            "technology": taxonomy.unknown("technology", self.technologies),
            "industry": taxonomy.unknown("industry", self.industries),
            "certification": taxonomy.unknown("certification", self.certifications),
        }
        return {kind: labels for kind, labels in found.items() if labels}

    def canonical(self) -> dict[str, Any]:
        """The stored and exported form: no empty values, unknown keys at top level."""
        return dump_canonical(self)
