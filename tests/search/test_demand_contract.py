"""The demand index's contract (buyers and briefs), run against every backend: the
embedded engine and Elasticsearch (a real cluster via ELASTICSEARCH_URL, else
noida-db over HTTP)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from search.backends.base import DemandIndex
from search.query import BUDGET_BANDS, DemandQuery, OpportunityQuery, band


def brief(key: str, version: int = 1, **fields: Any) -> dict[str, Any]:
    budget = fields.pop("budget_usd", 40_000)
    document = {
        "id": f"brief:{key}",
        "kind": "brief",
        "version": version,
        "record_hash": fields.pop("record_hash", f"{key}@{version}"),
        "title": f"Brief {key}",
        "description": "",
        "buyer_name": None,
        "services": [],
        "technologies": [],
        "industry": None,
        "engagement_model": "fixed_price",
        "languages": ["en"],
        "certifications": [],
        "country": "GB",
        "size_band": "50-249",
        "budget_band": band(budget, BUDGET_BANDS),
        "budget_usd": budget,
        "published": date(2026, 11, 1).toordinal(),
        "stage": "open",
    }
    document.update(fields)
    return document


def buyer(key: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": f"buyer:{key}",
        "kind": "buyer",
        "version": 1,
        "record_hash": key,
        "title": fields.get("name", key),
        "buyer_name": fields.pop("name", key),
        "description": fields.pop("description", ""),
        "industry": None,
        "country": "GB",
        "size_band": None,
        **fields,
    }


CATALOGUE = [
    brief(
        "wallet",
        title="Mobile wallet for a challenger bank",
        description="A React Native wallet app with card controls and KYC.",
        services=["Mobile App Development"],
        technologies=["React Native"],
        industry="Fintech",
        country="AE",
        budget_usd=120_000,
        published=date(2026, 11, 20).toordinal(),
    ),
    brief(
        "clinic",
        title="Patient portal",
        description="Appointment booking and records for clinics.",
        services=["Web Development"],
        technologies=["Django"],
        industry="Healthcare",
        country="GB",
        size_band="1-49",
        budget_usd=30_000,
        published=date(2026, 10, 2).toordinal(),
    ),
    brief(
        "audit",
        title="Penetration test of a payments API",
        services=["Cybersecurity"],
        industry="Fintech",
        country="US",
        certifications=["ISO 27001"],
        budget_usd=60_000,
        stage="won",
        published=date(2026, 9, 1).toordinal(),
    ),
    buyer("acme", name="Acme Health", industry="Healthcare", description="NHS supplier"),
]


@pytest.fixture
def filled(demand_index: DemandIndex) -> DemandIndex:
    assert demand_index.index_documents(CATALOGUE) == len(CATALOGUE)
    return demand_index


def ids(page: Any) -> list[str]:
    return [hit.id for hit in page.hits]


def test_searches_one_kind_at_a_time(filled: DemandIndex) -> None:
    briefs = filled.search(DemandQuery(kind="brief"))
    assert sorted(ids(briefs)) == ["brief:audit", "brief:clinic", "brief:wallet"]
    assert briefs.total == 3
    assert ids(filled.search(DemandQuery(kind="buyer"))) == ["buyer:acme"]


def test_every_word_must_match_in_some_field(filled: DemandIndex) -> None:
    assert ids(filled.search(DemandQuery(kind="brief", text="wallet react"))) == ["brief:wallet"]
    assert ids(filled.search(DemandQuery(kind="brief", text="wallet django"))) == []
    # Stemmed: "clinic" finds "clinics"; labels are searched as text too.
    assert ids(filled.search(DemandQuery(kind="brief", text="clinic"))) == ["brief:clinic"]
    assert ids(filled.search(DemandQuery(kind="brief", text="cybersecurity"))) == ["brief:audit"]


def test_filters_and_facets(filled: DemandIndex) -> None:
    fintech = filled.search(DemandQuery(kind="brief", filters={"industry": ("Fintech",)}))
    assert sorted(ids(fintech)) == ["brief:audit", "brief:wallet"]
    open_fintech = filled.search(
        DemandQuery(kind="brief", filters={"industry": ("Fintech",), "stage": ("open",)})
    )
    assert ids(open_fintech) == ["brief:wallet"]
    either = filled.search(DemandQuery(kind="brief", filters={"country": ("AE", "GB")}))
    assert sorted(ids(either)) == ["brief:clinic", "brief:wallet"]
    counts = {
        field: {value.value: value.count for value in values}
        for field, values in filled.search(DemandQuery(kind="brief")).facets.items()
    }
    assert counts["industry"] == {"Fintech": 2, "Healthcare": 1}
    assert counts["budget_band"] == {"50k-249k": 2, "10k-49k": 1}
    assert counts["stage"] == {"open": 2, "won": 1}
    assert counts["size_band"] == {"50-249": 2, "1-49": 1}
    assert counts["services"]["Mobile App Development"] == 1
    assert counts["engagement_model"] == {"fixed_price": 3}


def test_sorts_and_pages(filled: DemandIndex) -> None:
    newest = filled.search(DemandQuery(kind="brief", sort="newest"))
    assert ids(newest) == ["brief:wallet", "brief:clinic", "brief:audit"]
    budget = filled.search(DemandQuery(kind="brief", sort="budget", offset=1, limit=1))
    assert ids(budget) == ["brief:audit"] and budget.total == 3


def test_highlights_mark_the_words_searched(filled: DemandIndex) -> None:
    page = filled.search(DemandQuery(kind="brief", text="wallet"))
    assert "<mark>" in page.hits[0].highlights["title"]
    assert "<mark>" in page.hits[0].highlights["description"]
    unsearched = filled.search(DemandQuery(kind="brief", filters={"country": ("AE",)}))
    assert unsearched.hits[0].highlights == {}


def test_candidates_are_open_briefs_best_fitting_first(filled: DemandIndex) -> None:
    found = filled.candidates(
        OpportunityQuery(
            text="We build React Native fintech apps",
            services=("Mobile App Development",),
            technologies=("React Native",),
            industries=("Fintech",),
        )
    )
    assert found[0][0] == "brief:wallet"
    assert "brief:audit" not in dict(found)  # won: no longer an opportunity
    assert all(not key.startswith("buyer:") for key, _ in found)
    again = filled.candidates(OpportunityQuery(text="apps", exclude=("brief:wallet",)))
    assert "brief:wallet" not in dict(again)


def test_an_older_version_never_replaces_a_newer_one(demand_index: DemandIndex) -> None:
    demand_index.index_documents([brief("x", version=2, title="Second")])
    assert demand_index.index_documents([brief("x", version=1, title="First")]) == 0
    assert demand_index.fingerprints() == {"brief:x": (2, "x@2")}
    assert ids(demand_index.search(DemandQuery(kind="brief", text="second"))) == ["brief:x"]


def test_delete_rebuild_count_and_health(filled: DemandIndex) -> None:
    filled.delete_documents(["brief:clinic", "brief:unknown"])
    assert filled.count() == len(CATALOGUE) - 1
    assert filled.rebuild([brief("only")]) == 1
    assert filled.fingerprints() == {"brief:only": (1, "only@1")}
    health = filled.health()
    assert health["ok"] is True and health["documents"] == 1


def test_briefs_published_before_a_day_are_left_out(filled: DemandIndex) -> None:
    since = date(2026, 10, 1).toordinal()
    recent = filled.search(DemandQuery(kind="brief", published_from=since))
    assert sorted(ids(recent)) == ["brief:clinic", "brief:wallet"]
    found = filled.candidates(OpportunityQuery(text="portal apps", published_from=since + 10))
    assert [key for key, _ in found] == ["brief:wallet"]
