"""One contract for every ranker, on small data with a known right answer."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from matchmaking.ranking.data import BriefData, PortfolioData, VendorData
from matchmaking.ranking.explain import reasons
from matchmaking.ranking.features import FEATURES, extract
from matchmaking.ranking.ranker import (
    LearnedRanker,
    PriorRanker,
    hard_filter,
    ranker_from_json,
    ranker_to_json,
)

TODAY = date(2026, 11, 1)
BRIEF = BriefData(
    id="b-1",
    text="Driver app and dispatcher dashboard for our fleet",
    services=("Mobile App Development",),
    technologies=("Flutter",),
    industry="Logistics & Supply Chain",
    budget_min_usd=30_000,
    budget_max_usd=60_000,
    timeline_weeks=12,
    team_size=3,
    required_certifications=("ISO 27001",),
    languages=("en", "de"),
    min_overlap_hours=3,
    buyer_id="acme",
    buyer_name="Acme GmbH",
    buyer_country="DE",
    buyer_timezone="Europe/Berlin",
    published_at=date(2026, 3, 1),
)
FIT = VendorData(
    id="fit",
    name="Chenab Mobile",
    text="Flutter apps for logistics fleets and drivers",
    services=("Mobile App Development",),
    technologies=("Flutter", "Firebase"),
    industries=("Logistics & Supply Chain",),
    certifications=("ISO 27001",),
    languages=("en", "de", "ur"),
    export_markets=("DE", "US"),
    team_size=30,
    rate_min=25,
    rate_max=35,
    min_project_usd=10_000,
    hours_utc=(7, 16),
    rating_average=4.7,
    rating_count=20,
    completeness=0.9,
    updated_on=date(2026, 10, 1),
    portfolio=(
        PortfolioData(
            title="Fleet app",
            client="Spedition Nord",
            client_country="DE",
            industry="Logistics & Supply Chain",
            text="fleet tracking app for drivers",
        ),
    ),
)
CANDIDATES = [
    FIT,
    replace(FIT, id="no-cert", certifications=()),
    replace(FIT, id="too-big", min_project_usd=250_000),
    replace(
        FIT,
        id="wrong-stack",
        technologies=("PHP",),
        services=("Web Development",),
        text="WordPress sites",
    ),
    replace(FIT, id="night-shift", hours_utc=(22, 7), languages=("en",)),
    replace(FIT, id="pricey", rate_min=95, rate_max=140),
]


def synthetic_training(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Pairs whose label follows the prior weights plus noise: a known right answer."""
    rng = np.random.default_rng(seed)
    X = rng.random((600, len(FEATURES)))
    weights = PriorRanker().fit().coef_
    y = (X @ weights + rng.normal(0, 0.05, 600) > np.median(X @ weights)).astype(int)
    return X, y


def learned() -> LearnedRanker:
    return LearnedRanker(random_state=0).fit(*synthetic_training())


RANKERS = {"prior": lambda: PriorRanker().fit(), "learned": learned}


@pytest.fixture(params=list(RANKERS))
def ranker(request):
    return RANKERS[request.param]()


@pytest.fixture
def features():
    return extract(BRIEF, CANDIDATES, [10.0, 9.0, 9.0, 4.0, 8.0, 8.0], today=TODAY)


def ranked_ids(ranker, features) -> list[str]:
    scores = ranker.decision_function(features.matrix)
    return [CANDIDATES[i].id for i in np.argsort(-scores)]


def test_the_firm_that_fits_on_every_count_ranks_first(ranker, features):
    assert ranked_ids(ranker, features)[0] == "fit"


def test_missing_certifications_and_a_minimum_above_budget_are_filtered(features):
    allowed = {c.id for c, ok in zip(CANDIDATES, hard_filter(features.matrix), strict=True) if ok}
    assert allowed == {"fit", "wrong-stack", "night-shift", "pricey"}


def test_weaker_fits_rank_below(ranker, features):
    order = ranked_ids(ranker, features)
    for weaker in ("wrong-stack", "night-shift", "pricey"):
        assert order.index(weaker) > order.index("fit")


@pytest.mark.parametrize("feature", FEATURES)
def test_each_feature_moves_the_score_in_the_documented_direction(ranker, feature):
    base = np.full((1, len(FEATURES)), 0.5)
    better = base.copy()
    better[0, FEATURES.index(feature)] = 1.0
    assert ranker.decision_function(better)[0] > ranker.decision_function(base)[0]


def test_reasons_name_the_features_that_contributed_most(ranker, features):
    contributions = ranker.contributions(features.matrix)[0]
    found = reasons(BRIEF, contributions, features.details[0], limit=5)
    assert found, "a strong match must have reasons"
    for reason in found:
        assert contributions[FEATURES.index(reason["feature"])] > 0
    assert [r["contribution"] for r in found] == sorted(
        (r["contribution"] for r in found), reverse=True
    )
    texts = " | ".join(r["text"] for r in found)
    assert "Mobile App Development" in texts or "Flutter" in texts


def test_reasons_quote_the_real_values():
    features = extract(BRIEF, [FIT], [1.0], today=TODAY)
    prior = PriorRanker().fit()
    texts = [
        r["text"]
        for r in reasons(
            BRIEF, prior.contributions(features.matrix)[0], features.details[0], limit=10
        )
    ]
    assert "offers Mobile App Development" in texts
    assert "works with Flutter" in texts
    assert "certified ISO 27001" in texts
    assert "8 h overlap with Berlin" in texts  # 07-16 UTC vs 08-16 UTC (09-17 CET)


def test_saved_rankers_reload_without_pickle_and_score_the_same(ranker, features):
    again = ranker_from_json(ranker_to_json(ranker))
    assert np.allclose(
        again.decision_function(features.matrix), ranker.decision_function(features.matrix)
    )


def test_learning_is_reproducible_for_a_seed():
    X, y = synthetic_training(seed=3)
    first = LearnedRanker(random_state=1).fit(X, y)
    second = LearnedRanker(random_state=1).fit(X, y)
    assert np.array_equal(first.coef_, second.coef_)


def test_a_brief_cannot_see_its_own_outcome_through_the_portfolio():
    won = PortfolioData(
        title="Acme driver app",
        client="Acme GmbH",
        client_country="DE",
        industry="Logistics & Supply Chain",
        year=2026,
        text="driver app and dispatcher dashboard fleet",
    )
    tagged = PortfolioData(
        title="Other",
        brief="b-1",
        industry="Logistics & Supply Chain",
        text="dispatcher dashboard fleet",
    )
    bare = replace(FIT, portfolio=())
    leaky = replace(FIT, portfolio=(won, tagged))
    matrix = extract(BRIEF, [bare, leaky], [1.0, 1.0], today=TODAY).matrix
    assert np.array_equal(matrix[0], matrix[1])
    older = replace(won, year=2020)  # an earlier project for the same buyer is real experience
    assert leaky.portfolio_for(BRIEF) == ()
    assert replace(FIT, portfolio=(older,)).portfolio_for(BRIEF) == (older,)


def test_only_a_relationship_before_the_brief_counts():
    earlier = replace(FIT, past_buyers={"acme": date(2025, 5, 1)})
    later = replace(
        FIT, id="later", past_buyers={"acme": date(2026, 4, 1)}
    )  # e.g. this brief's own deal
    other = replace(FIT, id="other", past_buyers={"someone-else": date(2024, 1, 1)})
    column = FEATURES.index("past_relationship")
    matrix = extract(BRIEF, [earlier, later, other], [1.0, 1.0, 1.0], today=TODAY).matrix
    assert matrix[:, column].tolist() == [1.0, 0.0, 0.0]
    reasons_text = [
        r["text"]
        for r in reasons(BRIEF, PriorRanker().fit().contributions(matrix)[0], {}, limit=20)
    ]
    assert "has worked with you before" in reasons_text


def test_past_relationships_come_from_introductions_onwards():
    from matchmaking.ranking.data import past_relationships

    outcomes = [
        ("b1", "v1", "rejected", date(2025, 1, 1)),
        ("b1", "v2", "introduced", date(2025, 2, 1)),
        ("b2", "v2", "won", date(2025, 1, 15)),
        ("b3", "v3", "won", None),
    ]
    found = past_relationships(outcomes, {"b1": "acme", "b2": "acme", "b3": "acme"})
    assert found == {"v2": {"acme": date(2025, 1, 15)}}


def test_memoised_term_counts_equal_a_fresh_analysis_and_stay_bounded():
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer

    from matchmaking.ranking.features import N_FEATURES, TermCounts

    texts = ["Django portal for a bank", "Flutter app", "", "Django portal for a bank"]
    counts = TermCounts(2, stop_words="english")
    fresh = HashingVectorizer(
        analyzer=TfidfVectorizer(stop_words="english").build_analyzer(),
        n_features=N_FEATURES,
        alternate_sign=False,
        norm=None,
    ).transform(texts)
    assert (counts.matrix(texts) != fresh).nnz == 0
    assert (counts.matrix(texts[::-1]) != fresh[::-1]).nnz == 0  # now from the memo
    assert len(counts.rows) == 2  # the least recently used text was dropped
