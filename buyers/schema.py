"""Interchange records for buyers and briefs (``briefs.jsonl`` lines, API bodies)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from buyers.models import SizeBand
from core.fields import (
    Contact,
    Country,
    Currency,
    Day,
    Languages,
    Money,
    ShortText,
    Text,
    TimeZone,
    Url,
    Whole,
    conversion_date,
)
from core.money import USD, UnknownCurrency, json_number
from core.schema import KeyedRecord, RangeOrder, dump_canonical
from vendors.models import EngagementModel
from vendors.schema import Certifications, Industry, Services, Technologies
from vendors.taxonomy import get_taxonomy


class BuyerRecord(KeyedRecord):
    """A buyer organisation. Inside a brief only ``external_id`` is needed; a buyer
    seen for the first time without a name is named after its id."""

    name: ShortText | None = None
    country: Country | None = None
    industry: Industry | None = None
    timezone: TimeZone | None = None
    website: Url | None = None
    contact: Contact | None = None
    description: Text | None = None
    # Employees: "1-49", "50-249", "250-999" or "1000+" (what firms may see of its size).
    size_band: SizeBand | None = None
    # Firms that see its open briefs may see its name too (never its contacts).
    named_to_firms: StrictBool | None = None

    def canonical(self) -> dict[str, Any]:
        return dump_canonical(self)


# Amounts are exact decimals inside, and JSON numbers on the wire (pydantic would
# describe a Decimal as a string).
Amount = Annotated[Decimal, WithJsonSchema({"type": "number", "minimum": 0})]


class Budget(BaseModel):
    """``{"min": 20000, "max": 60000, "currency": "EUR"}``; ``min_usd``/``max_usd`` are
    derived (exported for convenience, recomputed on import)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min: Amount | None = Field(default=None, ge=0, max_digits=16, decimal_places=2)
    max: Amount | None = Field(default=None, ge=0, max_digits=16, decimal_places=2)
    currency: Currency = USD
    min_usd: int | None = None
    max_usd: int | None = None

    @field_validator("min", "max", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> Any:
        return None if value is None else Money.amount_of(value)

    @model_validator(mode="after")
    def _ordered(self) -> Budget:
        if self.min is None and self.max is None:
            raise ValueError("give at least one of min and max")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise RangeOrder(self.min, self.max)
        return self

    def in_usd(self, info: ValidationInfo) -> Budget:
        rates = (info.context or {})["rates"]
        on = conversion_date(info)
        try:
            low = None if self.min is None else rates.to_usd(self.min, self.currency, on)
            high = None if self.max is None else rates.to_usd(self.max, self.currency, on)
        except UnknownCurrency as error:
            raise ValueError(str(error)) from None
        return self.model_copy(update={"min_usd": low, "max_usd": high})


class BriefRecord(KeyedRecord):
    # The date orders the officers' queue and sets the currency rate and what the ranker
    # may know: the server sets it when a buyer posts (officers' imports keep theirs).
    officer_fields = frozenset({"published_at"})

    title: ShortText
    # Declared before ``budget``: the budget is converted at the rate of this date.
    published_at: Day | None = None
    buyer: BuyerRecord | None = None
    description: Text | None = None
    services: Services = []
    technologies: Technologies = []
    industry: Industry | None = None
    budget: Budget | None = None
    timeline_weeks: Whole | None = Field(default=None, ge=1, le=520)
    engagement_model: EngagementModel | None = None
    required_certifications: Certifications = []
    languages: Languages = []
    min_overlap_hours: Whole | None = Field(default=None, ge=0, le=24)
    team_size: Whole | None = Field(default=None, ge=1, le=10_000)
    location: Annotated[str, Field(max_length=100)] | None = None

    @field_validator("budget", mode="after")
    @classmethod
    def _budget_in_usd(cls, value: Budget | None, info: ValidationInfo) -> Budget | None:
        return value.in_usd(info) if value else None

    def unknown_labels(self) -> dict[str, list[str]]:
        taxonomy = get_taxonomy()
        found = {
            "service": taxonomy.unknown("service", self.services),
            "technology": taxonomy.unknown("technology", self.technologies),
            "industry": taxonomy.unknown("industry", [self.industry] if self.industry else []),
            "certification": taxonomy.unknown("certification", self.required_certifications),
        }
        return {kind: labels for kind, labels in found.items() if labels}

    def canonical(self) -> dict[str, Any]:
        """The brief's own fields (the buyer by reference), as stored and hashed."""
        data = {key: value for key, value in dump_canonical(self).items() if key != "buyer"}
        if self.buyer:
            data["buyer"] = self.buyer.external_id
        if "budget" in data:
            data["budget"] = _budget_json(data["budget"])
        return data


def _budget_json(budget: dict[str, Any]) -> dict[str, Any]:
    """Amounts as plain JSON numbers (pydantic dumps Decimal as a string)."""
    return {
        key: json_number(value) if key in {"min", "max"} else value for key, value in budget.items()
    }
