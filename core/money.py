"""Currency conversion to US dollars with a dated rate table.

Amounts in the interchange format are either a number (US dollars) or
``{"amount": 50000, "currency": "EUR"}``. ``RateTable`` is a plain in-memory snapshot of
``core.CurrencyRate`` so that validation (and bulk imports) never query per value.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

USD = "USD"


class UnknownCurrency(ValueError):
    pass


@dataclass(frozen=True)
class RateTable:
    """Rates per currency, each a date-sorted list of ``(valid_from, usd_per_unit)``."""

    rates: dict[str, list[tuple[date, Decimal]]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> RateTable:
        """Snapshot the rate table from the database."""
        from core.models import CurrencyRate

        rates: dict[str, list[tuple[date, Decimal]]] = {}
        for row in CurrencyRate.objects.order_by("currency", "valid_from"):
            rates.setdefault(row.currency, []).append((row.valid_from, row.usd_per_unit))
        return cls(rates)

    def currencies(self) -> set[str]:
        return set(self.rates) | {USD}

    def usd_per_unit(self, currency: str, on: date) -> Decimal:
        """The rate in force on ``on``; before the first known date, the earliest rate."""
        currency = currency.upper()
        if currency == USD:
            return Decimal(1)
        history = self.rates.get(currency)
        if not history:
            raise UnknownCurrency(f"no exchange rate for currency '{currency}'")
        index = bisect.bisect_right([valid_from for valid_from, _ in history], on) - 1
        return history[max(index, 0)][1]

    def to_usd(self, amount: Decimal | float | int, currency: str, on: date) -> int:
        """Convert and round to whole dollars (budgets and rates are never finer)."""
        usd = Decimal(str(amount)) * self.usd_per_unit(currency, on)
        return int(usd.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def json_number(value: Decimal | float | int | str) -> int | float:
    """A money amount as a plain JSON number: whole amounts as ints."""
    amount = Decimal(str(value))
    return int(amount) if amount == amount.to_integral_value() else float(amount)
