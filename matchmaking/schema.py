"""The ``outcomes.jsonl`` record."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from core.fields import Day, ExternalId, UsdAmount
from core.schema import KeyedRecord
from matchmaking.models import Outcome


class OutcomeRecord(KeyedRecord):
    """``{"brief": "b-0001", "vendor": "pk-0001", "outcome": "won", "value_usd": 48000,
    "decided_at": "2026-04-02"}``; ``rank`` (where the officer saw the match) is optional.
    Its identity is (brief, vendor, outcome): re-importing a line changes nothing."""

    external_id: str = ""
    brief: ExternalId
    vendor: ExternalId
    outcome: Outcome.Stage
    value_usd: UsdAmount | None = None
    decided_at: Day | None = None
    rank: int | None = Field(default=None, ge=1)
    score: float | None = None

    @model_validator(mode="before")
    @classmethod
    def _identity(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = {
                **data,
                "external_id": f"{data.get('brief')}:{data.get('vendor')}:{data.get('outcome')}",
            }
        return data
