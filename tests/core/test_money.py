from datetime import date
from decimal import Decimal

import pytest

from core.models import CurrencyRate
from core.money import RateTable, UnknownCurrency, json_number

TABLE = RateTable(
    {
        "EUR": [(date(2025, 1, 1), Decimal("1.04")), (date(2026, 1, 1), Decimal("1.16"))],
        "PKR": [(date(2025, 1, 1), Decimal("0.0036"))],
    }
)


def test_amount_is_converted_at_the_rate_in_force_on_its_date():
    assert TABLE.to_usd(1000, "EUR", date(2025, 6, 1)) == 1040
    assert TABLE.to_usd(1000, "EUR", date(2026, 1, 1)) == 1160
    assert TABLE.to_usd(1000, "eur", date(2027, 1, 1)) == 1160


def test_dates_before_the_first_rate_use_the_earliest_rate():
    assert TABLE.to_usd(1000, "EUR", date(2020, 1, 1)) == 1040


def test_usd_needs_no_rate_and_rounds_to_whole_dollars():
    assert TABLE.to_usd(Decimal("99.5"), "USD", date(2026, 1, 1)) == 100
    assert TABLE.to_usd(1_000_000, "PKR", date(2026, 1, 1)) == 3600


def test_currency_without_a_rate_is_refused_by_name():
    with pytest.raises(UnknownCurrency, match="XAF"):
        TABLE.to_usd(10, "XAF", date(2026, 1, 1))


def test_rate_table_loads_the_seeded_and_edited_rates(db):
    CurrencyRate.objects.create(
        currency="EUR", valid_from=date(2030, 1, 1), usd_per_unit=Decimal("2")
    )
    table = RateTable.load()
    assert {"EUR", "GBP", "AED", "SAR", "PKR", "USD"} <= table.currencies()
    assert table.to_usd(10, "EUR", date(2030, 6, 1)) == 20


def test_json_number_keeps_whole_amounts_integral():
    assert json_number(Decimal("20000.00")) == 20000
    assert isinstance(json_number(Decimal("20000.00")), int)
    assert json_number(Decimal("12.50")) == 12.5
