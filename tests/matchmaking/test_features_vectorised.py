"""``extract`` computes each feature for all candidates at once; ``pair_values`` computes one
pair and explains it. Both must give the same values, for any brief and any firms."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaking.ranking.data import BriefData, VendorData
from matchmaking.ranking.extraction import extract, extract_for_firm
from matchmaking.ranking.features import DEFINITIONS, FEATURES, pair_values
from matchmaking.ranking.history import HistoryItem, Win

TODAY = date(2026, 11, 1)
SERVICES = ("Mobile App Development", "Web Development", "QA & Testing")
TECHNOLOGIES = ("Flutter", "Django", "React")
INDUSTRIES = ("Fintech", "Healthcare", "Logistics & Supply Chain")
CERTIFICATIONS = ("ISO 27001", "CMMI Level 3")
LANGUAGES = ("en", "de", "ar")
COUNTRIES = ("DE", "GB", "AE", "SA", "US", "PK", "JP")
BUYERS = ("acme.com", "shop.acme.com", "beta.org", "gamma", None)
ZONES = ("Europe/Berlin", "Asia/Dubai", "America/New_York", None)

labels = st.lists(st.sampled_from(SERVICES), max_size=3, unique=True).map(tuple)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 10, 31))
money = st.one_of(st.none(), st.integers(0, 400_000))
hours = st.one_of(st.none(), st.tuples(st.integers(0, 23), st.integers(0, 23)))

items = st.builds(
    HistoryItem,
    title=st.sampled_from(("Fleet app", "Shop", "")),
    text=st.sampled_from(("fleet app for drivers", "online shop", "")),
    client=st.sampled_from(("Acme GmbH", "acme gmbh ", "Beta", "")),
    buyer_id=st.sampled_from(BUYERS),
    value_usd=money,
    decided_on=st.one_of(st.none(), days),
    year=st.one_of(st.none(), st.integers(2018, 2026)),
    brief=st.sampled_from((None, "b-1", "b-2")),
    industry=st.one_of(st.none(), st.sampled_from(INDUSTRIES)),
    client_country=st.one_of(st.none(), st.sampled_from(COUNTRIES)),
)
wins = st.builds(
    Win,
    brief=st.sampled_from(("b-1", "b-2", "b-3")),
    title=st.sampled_from(("Fleet app", "Payments")),
    text=st.just("payments platform"),
    decided_on=st.one_of(st.none(), days),
    buyer_id=st.sampled_from(BUYERS),
    buyer_name=st.sampled_from(("Acme GmbH", "Beta")),
    value_usd=money,
    industry=st.one_of(st.none(), st.sampled_from(INDUSTRIES)),
    buyer_country=st.one_of(st.none(), st.sampled_from(COUNTRIES)),
)
vendors = st.builds(
    VendorData,
    id=st.text("abc", min_size=1, max_size=4),
    name=st.just("Firm"),
    text=st.sampled_from(("Flutter apps for fleets", "Payments and online shops")),
    services=labels,
    technologies=st.lists(st.sampled_from(TECHNOLOGIES), max_size=3, unique=True).map(tuple),
    industries=st.lists(st.sampled_from(INDUSTRIES), max_size=2, unique=True).map(tuple),
    certifications=st.lists(st.sampled_from(CERTIFICATIONS), max_size=2).map(tuple),
    languages=st.lists(st.sampled_from(LANGUAGES), max_size=3).map(tuple),
    export_markets=st.lists(st.sampled_from(COUNTRIES), max_size=3).map(tuple),
    rate_min=st.one_of(st.none(), st.integers(0, 150)),
    rate_max=st.one_of(st.none(), st.integers(0, 200)),
    min_project_usd=money,
    hours_utc=hours,
    rating_average=st.one_of(st.none(), st.floats(1, 5)),
    rating_count=st.integers(0, 40),
    portfolio=st.lists(items, max_size=3).map(tuple),
    updated_on=st.one_of(st.none(), days),
    completeness=st.floats(0, 1),
    preferred_min_budget_usd=money,
    preferred_industries=st.lists(st.sampled_from(INDUSTRIES), max_size=2).map(tuple),
    preferred_countries=st.lists(st.sampled_from(COUNTRIES), max_size=2).map(tuple),
    past_buyers=st.dictionaries(st.sampled_from(("acme.com", "beta.org")), days, max_size=2),
    wins=st.lists(wins, max_size=3).map(tuple),
)
briefs = st.builds(
    BriefData,
    id=st.sampled_from(("b-1", "b-9")),
    text=st.sampled_from(("Driver app for our fleet", "")),
    services=labels,
    technologies=st.lists(st.sampled_from(TECHNOLOGIES), max_size=2).map(tuple),
    industry=st.one_of(st.none(), st.sampled_from(INDUSTRIES)),
    budget_min_usd=money,
    budget_max_usd=st.one_of(st.none(), st.integers(1, 500_000)),
    timeline_weeks=st.one_of(st.none(), st.integers(0, 52)),
    team_size=st.one_of(st.none(), st.integers(1, 12)),
    required_certifications=st.lists(st.sampled_from(CERTIFICATIONS), max_size=2).map(tuple),
    languages=st.lists(st.sampled_from(LANGUAGES), max_size=2).map(tuple),
    min_overlap_hours=st.one_of(st.none(), st.integers(0, 8)),
    buyer_id=st.sampled_from(BUYERS),
    buyer_name=st.sampled_from(("Acme GmbH", "Beta", None)),
    buyer_country=st.one_of(st.none(), st.sampled_from(COUNTRIES)),
    buyer_timezone=st.sampled_from(ZONES),
    published_at=st.one_of(st.none(), days),
)
# The text features (TF-IDF, retrieval) are computed only once, over the whole list.
PAIR_FEATURES = [feature.name for feature in DEFINITIONS if feature.pair is not None]


def test_each_feature_is_computed_from_the_texts_or_both_for_one_pair_and_for_many():
    """A definition says how its feature is computed, one way or the other: a pair
    feature without its fast path (or the reverse) would fail at the first match."""
    assert len(set(FEATURES)) == len(FEATURES)
    for feature in DEFINITIONS:
        if feature.texts is None:
            assert feature.pair is not None and feature.column is not None, feature.name
        else:
            assert feature.pair is None and feature.column is None, feature.name


@settings(max_examples=300, deadline=None)
@given(brief=briefs, candidates=st.lists(vendors, min_size=1, max_size=6))
def test_every_feature_equals_the_one_pair_computation(brief, candidates):
    # A budget of 0 is refused by the forms; the arithmetic would divide by it.
    if (brief.budget_max_usd or brief.budget_min_usd) == 0:
        brief = BriefData(**{**brief.__dict__, "budget_min_usd": None})
    features = extract(brief, candidates, [1.0] * len(candidates), today=TODAY)
    for row, vendor in enumerate(candidates):
        values, details = pair_values(brief, vendor, vendor.record_for(brief), TODAY)
        for column, name in enumerate(FEATURES):
            if name in PAIR_FEATURES:
                assert np.isclose(features.matrix[row, column], values[name], rtol=1e-12), name
        assert features.meets[row] == (
            not (details["missing_languages"] or details["missing_certifications"])
        )
        explained = {k: v for k, v in features.details[row].items() if k != "closest"}
        assert explained == details  # "closest" comes from the texts, computed together


def test_details_are_built_for_the_candidates_asked_for_and_index_like_a_list():
    brief = BriefData(id="b-1", text="fleet app", services=SERVICES[:1], languages=("de",))
    firms = [
        VendorData(id="a", name="A", text="fleet app", services=SERVICES[:1], languages=("de",)),
        VendorData(id="b", name="B", text="shop", languages=("en",)),
    ]
    details = extract(brief, firms, [2.0, 1.0], today=TODAY).details
    assert len(details) == 2
    assert details[-1]["missing_languages"] == ["de"]
    assert [d["services"] for d in details[:]] == [list(SERVICES[:1]), []]
    assert details[0] is details[0]  # built once


@settings(max_examples=200, deadline=None)
@given(vendor=vendors, many=st.lists(briefs, min_size=1, max_size=6))
def test_the_reverse_direction_gives_each_pair_the_same_values(vendor, many):
    """One firm against many briefs (opportunities): every pair's features as the
    forward direction computes them; the text features are cosines in [0, 1]."""
    many = [
        b
        if (b.budget_max_usd or b.budget_min_usd) != 0
        else BriefData(**{**b.__dict__, "budget_min_usd": None})
        for b in many
    ]
    features = extract_for_firm(vendor, many, [1.0] * len(many), today=TODAY)
    assert features.matrix.shape == (len(many), len(FEATURES))
    for row, brief in enumerate(many):
        forward = extract(brief, [vendor], [1.0], today=TODAY)
        for column, name in enumerate(FEATURES):
            if name in PAIR_FEATURES:
                assert np.isclose(features.matrix[row, column], forward.matrix[0, column]), name
            else:
                assert -1e-9 <= features.matrix[row, column] <= 1 + 1e-9, name
        assert features.meets[row] == forward.meets[0]
        assert features.details[row]["services"] == forward.details[0]["services"]


def test_the_reverse_direction_ranks_the_brief_closest_to_the_firm_first():
    firm = VendorData(
        id="f", name="F", text="Flutter apps for fleets and drivers", services=SERVICES[:1]
    )
    near = BriefData(id="b-1", text="Driver app for our fleet", services=SERVICES[:1])
    far = BriefData(id="b-2", text="Quarterly audit of invoices", services=SERVICES[2:])
    features = extract_for_firm(firm, [far, near], [1.0, 2.0], today=TODAY)
    word = FEATURES.index("text_word")
    assert features.matrix[1, word] > features.matrix[0, word] == 0.0
    assert features.matrix[1, FEATURES.index("retrieval")] == 1.0


def test_a_track_record_is_what_the_brief_may_see_whichever_brief_asked_first():
    """``VendorData.record_for`` keeps records by publication day and own outcome: the
    kept record must be the one a fresh firm would compute for that brief."""
    history = (
        HistoryItem(title="old", text="erp", year=2020),
        HistoryItem(title="late", text="crm", year=2026),  # seen from 2027-01-01
        HistoryItem(title="won", text="app", decided_on=date(2026, 3, 1), brief="b-won"),
    )

    def firm() -> VendorData:
        return VendorData(id="v", name="V", text="", portfolio=history)

    briefs = [
        BriefData(id="b1", text="", published_at=date(2026, 6, 1)),
        BriefData(id="b2", text="", published_at=date(2026, 6, 1)),
        BriefData(id="b-won", text="", published_at=date(2026, 6, 1)),  # its own outcome
        BriefData(id="b3", text="", published_at=date(2026, 2, 1)),
        BriefData(id="b4", text="", published_at=date(2027, 2, 1)),
    ]
    shared = firm()
    for brief in briefs + briefs[::-1]:
        kept = [item.title for item in shared.record_for(brief).items]
        assert kept == [item.title for item in firm().record_for(brief).items]
    assert [item.title for item in shared.record_for(briefs[0]).items] == ["old", "won"]
    assert [item.title for item in shared.record_for(briefs[2]).items] == ["old"]
    assert [item.title for item in shared.record_for(briefs[4]).items] == ["old", "late", "won"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(items, max_size=6),
    st.lists(wins, max_size=3),
    st.data(),
)
def test_a_firm_asked_by_many_briefs_gives_each_the_record_a_fresh_firm_gives(portfolio, won, data):
    """Records kept with a firm (by how many of its items' first days have come, and
    by the brief's own outcome) are what each brief may see, whatever briefs asked
    before: briefs are published on the very days items become visible, the day
    before, and any other day."""

    def firm() -> VendorData:
        return VendorData(id="v", name="V", text="", portfolio=tuple(portfolio), wins=tuple(won))

    edges = sorted({item.known_from for item in firm().history} - {date.min})
    near = [day + offset for day in edges for offset in (timedelta(days=-1), timedelta(0))]
    published = st.one_of(st.none(), days, st.sampled_from(near) if near else days)
    briefs = data.draw(
        st.lists(
            st.builds(
                BriefData,
                id=st.sampled_from(("b-1", "b-2", "b-3", "b-9")),
                text=st.just(""),
                published_at=published,
            ),
            min_size=1,
            max_size=12,
        )
    )
    shared = firm()
    for brief in briefs:
        assert shared.record_for(brief).items == shared.history_for(brief)
        assert shared.record_for(brief) == firm().record_for(brief)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=6).flatmap(
        lambda count: st.tuples(
            st.just(count),
            st.lists(
                st.tuples(
                    st.integers(min_value=0, max_value=count - 1),
                    st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.9]),
                ),
                max_size=20,
            ),
        )
    )
)
def test_each_firm_s_closest_items_are_its_best_and_top_three(case):
    from matchmaking.ranking.extraction import _per_item
    from matchmaking.ranking.features import HISTORY_TOP_K

    count, items = case
    owners = np.array([owner for owner, _ in items], dtype=int)
    similarities = np.array([value for _, value in items], dtype=float)
    best, top, closest = _per_item(similarities, owners, count)
    for firm in range(count):
        mine = [(value, i) for i, (owner, value) in enumerate(items) if owner == firm]
        ranked = sorted(mine, key=lambda pair: (-pair[0], pair[1]))  # ties: the first item
        values = [value for value, _ in ranked]
        assert best[firm] == (values[0] if values else 0.0)
        assert top[firm] == sum(values[:HISTORY_TOP_K]) / HISTORY_TOP_K
        assert closest[firm] == (ranked[0][1] if values and values[0] > 0 else -1)
