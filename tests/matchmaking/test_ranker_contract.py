"""One contract for every ranker, on small data with a known right answer."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaking.ranking.data import BriefData, VendorData
from matchmaking.ranking.explain import gaps, reasons
from matchmaking.ranking.extraction import extract
from matchmaking.ranking.features import FEATURES
from matchmaking.ranking.history import HistoryItem, Win, organisation_family
from matchmaking.ranking.ranker import (
    PRIOR_WEIGHTS,
    LearnedRanker,
    PriorRanker,
    ordered,
    ranker_from_json,
    ranker_to_json,
    within_budget,
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
        HistoryItem(
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
    X = rng.random((6000, len(FEATURES)))
    weights = PriorRanker().fit().coef_
    y = (X @ weights + rng.normal(0, 0.01, 6000) > np.median(X @ weights)).astype(int)
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


def test_a_minimum_above_budget_is_filtered_and_missing_requirements_rank_last(features):
    allowed = {c.id for c, ok in zip(CANDIDATES, within_budget(features.matrix), strict=True) if ok}
    assert allowed == {"fit", "no-cert", "wrong-stack", "night-shift", "pricey"}
    assert [c.id for c, ok in zip(CANDIDATES, features.meets, strict=True) if not ok] == [
        "no-cert",  # no ISO 27001
        "night-shift",  # no German
    ]
    # However high its score, a firm lacking a requirement ranks below every firm that
    # has them all; when none has them, the order is the score's.
    scores = np.array([0.1, 9.0, 0.2, 0.3, 8.0, 0.4])
    order = [CANDIDATES[i].id for i in ordered(scores, features.meets)]
    assert order[-2:] == ["no-cert", "night-shift"]
    nobody = np.zeros(len(CANDIDATES), dtype=bool)
    assert [CANDIDATES[i].id for i in ordered(scores, nobody)][:2] == ["no-cert", "night-shift"]


def test_weaker_fits_rank_below(ranker, features):
    order = ranked_ids(ranker, features)
    for weaker in ("wrong-stack", "night-shift", "pricey"):
        assert order.index(weaker) > order.index("fit")


def test_prior_weights_never_push_a_better_value_down():
    assert set(PRIOR_WEIGHTS) == set(FEATURES)
    assert all(weight >= 0 for weight in PRIOR_WEIGHTS.values())


@pytest.mark.parametrize("feature", [f for f in FEATURES if PRIOR_WEIGHTS[f] > 0])
def test_each_weighted_feature_moves_the_score_in_the_documented_direction(ranker, feature):
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
    won = HistoryItem(
        title="Acme driver app",
        client="Acme GmbH",
        client_country="DE",
        industry="Logistics & Supply Chain",
        year=2026,  # the brief's own year: it may be later than the brief
        text="driver app and dispatcher dashboard fleet",
    )
    tagged = HistoryItem(
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
    assert leaky.history_for(BRIEF) == ()
    assert replace(FIT, portfolio=(older,)).history_for(BRIEF) == (older,)


def win(brief: str, text: str, day: date, buyer: str = "other.example", value=None) -> Win:
    return Win(
        brief=brief,
        title=text,
        text=text,
        decided_on=day,
        buyer_id=buyer,
        buyer_name=buyer,
        value_usd=value,
    )


def column(matrix: np.ndarray, name: str) -> list[float]:
    return [round(v, 4) for v in matrix[:, FEATURES.index(name)].tolist()]


def test_recorded_wins_count_only_when_decided_before_publication():
    before = win("w1", "driver app for a fleet", date(2026, 2, 1), buyer="acme")
    on_the_day = win("w2", "driver app for a fleet", date(2026, 3, 1), buyer="acme")
    after = win("w3", "driver app for a fleet", date(2026, 5, 1), buyer="acme")
    own = win("b-1", "driver app for a fleet", date(2026, 1, 1), buyer="acme")
    vendors = [
        replace(FIT, id="before", portfolio=(), wins=(before,)),
        replace(FIT, id="later", portfolio=(), wins=(on_the_day, after, own)),
    ]
    matrix = extract(BRIEF, vendors, [1.0, 1.0], today=TODAY).matrix
    assert column(matrix, "same_buyer") == [0.5, 0.0]
    assert column(matrix, "win_count")[1] == 0.0
    assert column(matrix, "history_best")[0] > 0 == column(matrix, "history_best")[1]


def test_a_portfolio_project_that_is_a_recorded_win_takes_its_date_and_counts_once():
    project = HistoryItem(title="Driver App", text="Driver App", year=2025, value_usd=90_000)
    vendor = replace(FIT, portfolio=(project,), wins=(win("w1", "driver app", date(2026, 2, 1)),))
    history = vendor.history_for(BRIEF)
    assert len(history) == 1
    assert history[0].decided_on == date(2026, 2, 1) and history[0].value_usd == 90_000
    late = replace(vendor, wins=(win("w1", "driver app", date(2026, 6, 1)),))
    assert late.history_for(BRIEF) == ()  # the project is that later win


def test_similarity_to_earlier_wins_is_per_win_best_and_top_k():
    noise = [
        win(f"n{i}", f"payroll ledger reconciliation for accountants {i}", date(2025, 1, 1))
        for i in range(6)
    ]
    close = win("c", "driver app and dispatcher dashboard for a fleet", date(2025, 6, 1))
    one_close = replace(FIT, id="one", portfolio=(), wins=(close, *noise))
    three_close = replace(
        FIT,
        id="three",
        portfolio=(),
        wins=(close, replace(close, brief="c2"), replace(close, brief="c3")),
    )
    unrelated = replace(FIT, id="none", portfolio=(), wins=tuple(noise))
    matrix = extract(BRIEF, [one_close, three_close, unrelated], [1.0] * 3, today=TODAY).matrix
    best, top = column(matrix, "history_best"), column(matrix, "history_topk")
    # Six unrelated wins do not dilute the one close one (a concatenated text would).
    assert best[0] == best[1] > 0.3 > best[2]
    assert top[1] > top[0] > top[2]


def test_same_buyer_and_organisation_family():
    assert organisation_family("digital.cabinet-office.gov.uk") == "cabinet-office.gov.uk"
    assert organisation_family("cabinet-office.gov.uk") == "cabinet-office.gov.uk"
    assert organisation_family("acme") is None  # not a domain: family unknown
    brief = replace(BRIEF, buyer_id="digital.cabinet-office.gov.uk", buyer_name="GDS")
    day = date(2025, 1, 1)
    vendors = [
        replace(FIT, id="same", wins=(win("a", "x", day, buyer="digital.cabinet-office.gov.uk"),)),
        replace(FIT, id="sibling", wins=(win("b", "x", day, buyer="cabinet-office.gov.uk"),)),
        replace(
            FIT, id="named", wins=(replace(win("c", "x", day, buyer="z.org"), buyer_name="gds"),)
        ),
        replace(FIT, id="stranger", wins=(win("d", "x", day, buyer="metoffice.gov.uk"),)),
    ]
    matrix = extract(brief, [replace(v, portfolio=()) for v in vendors], [1.0] * 4).matrix
    assert column(matrix, "same_buyer") == [0.5, 0.0, 0.5, 0.0]
    assert column(matrix, "same_buyer_family") == [0.5, 0.5, 0.0, 0.0]


def test_win_count_and_recency_are_shrunk_and_decay():
    def wins(n: int, day: date) -> tuple[Win, ...]:
        return tuple(win(f"w{i}", "x", day) for i in range(n))

    vendors = [
        replace(FIT, id=str(n), portfolio=(), wins=wins(n, day))
        for n, day in (
            (0, date(2026, 2, 1)),
            (1, date(2026, 2, 1)),
            (3, date(2026, 2, 1)),
            (3, date(2023, 3, 1)),
        )
    ]
    matrix = extract(BRIEF, vendors, [1.0] * 4, today=TODAY).matrix
    assert column(matrix, "win_count") == [0.0, 0.25, 0.5, 0.5]
    recency = column(matrix, "win_recency")
    assert recency[0] == 0.0 and recency[2] > 0.9 > 0.1 > recency[3] > 0


def test_typical_contract_value_against_the_budget():
    def valued(*values: int) -> VendorData:
        return replace(
            FIT,
            portfolio=(),
            wins=tuple(win(f"w{v}", "x", date(2025, 1, 1), value=v) for v in values),
        )

    vendors = [
        valued(60_000),
        valued(600_000, 600_000, 6_000),
        valued(6_000),
        replace(FIT, portfolio=()),
    ]
    matrix = extract(BRIEF, vendors, [1.0] * 4, today=TODAY).matrix
    assert column(matrix, "value_fit") == [1.0, 0.0, 0.0, 0.5]  # unknown: neither way


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
    import numpy as np
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer

    from matchmaking.ranking.terms import N_FEATURES, TermCounts

    texts = ["Django portal for a bank", "Flutter app", "", "Django portal for a bank"]
    counts = TermCounts(2, stop_words="english")
    fresh = HashingVectorizer(
        analyzer=TfidfVectorizer(stop_words="english").build_analyzer(),
        n_features=N_FEATURES,
        alternate_sign=False,
        norm=None,
    ).transform(texts)

    def same(rows, expected) -> bool:
        return (
            np.array_equal(counts.hashed[rows.columns], expected.indices)  # renumbered back
            and np.array_equal(rows.tf, 1 + np.log(expected.data))
            and np.array_equal(rows.ends, expected.indptr[1:])
        )

    assert same(counts.rows_of(texts), fresh)
    assert same(counts.rows_of(texts[::-1]), fresh[::-1])  # now from the memo
    assert len(counts.rows) == 2  # the least recently used text was dropped
    assert counts.width == len(set(fresh.indices))  # one column per distinct term


@settings(max_examples=200, deadline=None)
@given(
    # Any text a brief can hold: lone surrogates are refused by the record schema
    # (pydantic: "unable to parse raw data as a unicode string") and cannot be hashed.
    text=st.text(
        st.sampled_from(list("abcdefgh éüß中 .,-'#+0123"))
        | st.characters(exclude_categories=["Cs"]),
        max_size=120,
    ),
    options=st.sampled_from(
        [{"stop_words": "english"}, {"analyzer": "char_wb", "ngram_range": (3, 3)}]
    ),
)
def test_one_new_text_is_hashed_as_scikit_learn_hashes_it(text, options):
    """A single new text (a brief) skips ``HashingVectorizer.transform``'s checks: its
    columns and counts must be what the transform gives, for any text."""
    from matchmaking.ranking.terms import TermCounts

    counts = TermCounts(4, **options)
    hashed = counts._hashed(text)
    expected = counts.hasher.transform([text])
    assert np.array_equal(hashed.indices, expected.indices)
    assert np.array_equal(hashed.data, expected.data)
    assert np.array_equal(hashed.indptr, expected.indptr)


def test_reasons_are_honest_and_gaps_are_named(features):
    prior = PriorRanker().fit()
    contributions = prior.contributions(features.matrix)

    def texts(vendor_id: str) -> tuple[list[str], list[str]]:
        i = [c.id for c in CANDIDATES].index(vendor_id)
        found = reasons(BRIEF, contributions[i], features.details[i], limit=20)
        return [r["text"] for r in found], [g["text"] for g in gaps(BRIEF, features.details[i])]

    fit_reasons, fit_gaps = texts("fit")
    assert any(t.startswith("fits the budget (about $") for t in fit_reasons)
    assert fit_gaps == []
    pricey_reasons, pricey_gaps = texts("pricey")
    # 117.5 $/h x 3 people x 12 weeks x 40 h = $169,200 against $60,000
    assert not any("fits the budget" in t for t in pricey_reasons)
    assert pricey_gaps == ["about 182 % over budget (estimate $169,200 for the team and timeline)"]
    assert texts("no-cert")[1] == ["not ISO 27001 certified"]
    assert texts("night-shift")[1][0] == "no German speakers"
    assert "does not list Mobile App Development" in texts("wrong-stack")[1]
    assert "works in English, German" in fit_reasons


def test_service_and_technology_match_count_the_brief_s_labels_the_firm_lists(features):
    services, stack = (
        column(features.matrix, "service_overlap"),
        column(features.matrix, "technology_overlap"),
    )
    ids = [c.id for c in CANDIDATES]
    assert services[ids.index("fit")] == 1.0 and services[ids.index("wrong-stack")] == 0.0
    assert stack[ids.index("fit")] == 1.0 and stack[ids.index("wrong-stack")] == 0.0
    unasked = extract(replace(BRIEF, services=()), [FIT], [1.0], today=TODAY).matrix
    assert column(unasked, "service_overlap") == [0.5]  # nothing asked: neither way


@pytest.mark.parametrize(
    "options", [{"stop_words": "english"}, {"analyzer": "char_wb", "ngram_range": (3, 3)}]
)
def test_tfidf_similarities_equal_scikit_learn_s_transformer(options):
    from sklearn.feature_extraction.text import TfidfTransformer

    from matchmaking.ranking.extraction import _tfidf
    from matchmaking.ranking.terms import term_counts

    brief = "Django bank portal with a Flutter app"
    texts = ["Django portal for a bank", "Flutter app for banks", "", "bank bank portal django"]
    also = ["bank portal", "", "zebra flutter"]
    counts = term_counts(**options)
    fitted = TfidfTransformer(sublinear_tf=True).fit(counts.hasher.transform([brief, *texts]))
    weighted = fitted.transform(counts.hasher.transform([brief, *texts]))
    expected = [
        (weighted[1:] @ weighted[0].T).toarray().ravel(),
        (fitted.transform(counts.hasher.transform(also)) @ weighted[0].T).toarray().ravel(),
    ]
    found = _tfidf(brief, texts, also, **options)
    assert all(np.allclose(f, e) for f, e in zip(found, expected, strict=True))
    assert found[0][0] > 0 and found[0][2] == 0.0


# Ties at the 5th decimal (0.00125 …), values products of simple weights make, and any
# float at all, including huge, tiny, negative, infinite and NaN.
TIES = st.integers(-(10**6), 10**6).map(lambda k: (k + 0.5) / 10**4)
NUMBERS = st.one_of(TIES, st.floats(-2.0, 2.0), st.floats(allow_nan=True, allow_infinity=True))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(NUMBERS, min_size=3, max_size=3), min_size=1, max_size=8))
def test_a_page_s_numbers_are_rounded_as_python_rounds_them(rows):
    """The numbers a match shows (feature values, contributions) are rounded all at
    once by numpy, yet exactly as ``round(x, 4)`` rounds each: the same JSON."""
    from matchmaking.matching.services import rounded

    expected = [[round(x, 4) for x in row] for row in rows]
    assert repr(rounded(np.array(rows))) == repr(expected)
