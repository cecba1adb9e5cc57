import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from buyers.models import Brief, Buyer
from buyers.schema import BriefRecord
from buyers.selectors import brief_record, brief_records, buyer_record
from buyers.services import briefs_upsert
from core.interchange import JsonLinesImporter
from core.models import CurrencyRate

DATA = Path(__file__).parent.parent / "data"
pytestmark = pytest.mark.django_db


def run_import(lines):
    return JsonLinesImporter(BriefRecord, briefs_upsert).run(lines)


def sample_lines():
    return (DATA / "briefs.jsonl").read_text().splitlines()


@pytest.fixture(autouse=True)
def _euro_rates():
    CurrencyRate.objects.create(
        currency="EUR", valid_from=date(2026, 2, 1), usd_per_unit=Decimal("1.20")
    )


def test_brief_round_trips_with_normalised_labels_and_usd_budget_at_its_own_date():
    report = run_import(sample_lines())
    assert (report.created, report.rejected) == (2, 0)
    exported = brief_record(Brief.objects.get(external_id="b-0001"))
    original = json.loads(sample_lines()[0])
    assert exported["budget"] == {
        "min": 20000,
        "max": 60000,
        "currency": "EUR",
        "min_usd": 24000,
        "max_usd": 72000,
    }
    assert exported["industry"] == "Logistics & Supply Chain"
    assert exported["buyer"]["industry"] == "Logistics & Supply Chain"
    untouched = {k: v for k, v in original.items() if k not in {"budget", "industry", "buyer"}}
    assert {k: exported[k] for k in untouched} == untouched


def test_budget_defaults_to_usd_and_unknown_keys_are_kept():
    run_import(sample_lines())
    second = brief_record(Brief.objects.get(external_id="b-0002"))
    assert second["budget"] == {"max": 15000, "currency": "USD", "max_usd": 15000}
    assert second["services"] == ["Data Engineering"]
    assert second["internal_ref"] == "PO-77"


def test_a_brief_that_names_only_the_buyer_id_keeps_the_buyers_fields():
    run_import(sample_lines())
    acme = buyer_record(Buyer.objects.get(external_id="acme"))
    assert acme == {
        "external_id": "acme",
        "name": "Acme GmbH",
        "country": "DE",
        "industry": "Logistics & Supply Chain",
        "timezone": "Europe/Berlin",
    }
    assert Buyer.objects.count() == 1


def test_second_import_and_import_of_export_change_nothing():
    run_import(sample_lines())
    versions = dict(Brief.objects.values_list("external_id", "version"))
    again = run_import(sample_lines())
    exported = run_import([json.dumps(record) for record in brief_records()])
    assert (again.unchanged, exported.unchanged) == (2, 2)
    assert dict(Brief.objects.values_list("external_id", "version")) == versions
    assert Buyer.objects.get().version == 1


def test_bad_brief_lines_are_reported_and_good_ones_kept():
    lines = [
        '{"external_id": "b-neg", "title": "Negative", "budget": {"min": -5, "max": 10}}',
        '{"external_id": "b-order", "title": "Order", "budget": {"min": 50, "max": 10}}',
        '{"external_id": "b-tz", "title": "Zone", "buyer": {"external_id": "x", "timezone": "Mars/Base"}}',
        '{"external_id": "b-model", "title": "Model", "engagement_model": "barter", "timeline_weeks": 0}',
        '{"external_id": "b-cur", "title": "Currency", "budget": {"max": 10, "currency": "ZZZ"}}',
        '{"external_id": "b-date", "title": "Date", "published_at": "yesterday"}',
        sample_lines()[0],
    ]
    report = run_import(lines)
    assert {(e.line, e.field) for e in report.errors} == {
        (1, "budget.min"),
        (2, "budget.min"),  # min above max: both ends named
        (2, "budget.max"),
        (3, "buyer.timezone"),
        (4, "engagement_model"),
        (4, "timeline_weeks"),
        (5, "budget.currency"),
        (6, "published_at"),
    }
    assert list(Brief.objects.values_list("external_id", flat=True)) == ["b-0001"]
