"""A won deal's value: refused, naming the field, unless the column can hold it, and
converted to US dollars at the day's rate (``core.money``)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from core.errors import Refused
from core.money import RateTable, UnknownCurrency


def deal_value_usd(amount: Decimal, currency: str) -> int:
    try:
        return RateTable.load().to_usd(amount, currency.upper(), timezone.localdate())
    except UnknownCurrency as error:
        raise Refused("deal_value.currency", str(error)) from error


# The deal value column's bounds (max_digits=16, decimal_places=2), checked here so that
# the page and the API refuse alike, naming the field, before the database would.
MAX_DEAL = Decimal(10) ** 14


def check_deal_amount(amount: Decimal) -> None:
    exponent = amount.as_tuple().exponent
    if (
        not amount.is_finite()
        or not 0 <= amount < MAX_DEAL
        or (
            isinstance(exponent, int)
            and exponent < -2
            and amount != amount.quantize(Decimal("0.01"))
        )
    ):
        raise Refused(
            "deal_value.amount",
            "an amount of money: 0 or more, below 100,000,000,000,000, at most two decimals",
        )
