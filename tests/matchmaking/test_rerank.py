import random
from dataclasses import replace

from matchmaking.ranking.data import VendorData
from matchmaking.ranking.rerank import (
    POOL_FACTOR,
    SIMILARITY_LIMIT,
    SIMILARITY_PENALTY,
    Ranked,
    apply_exposure_floor,
    diversify,
    exposure_share,
    is_emerging,
)

BASE = VendorData(
    id="a",
    name="A",
    text="",
    city="Lahore",
    team_size=100,
    services=("Web Development",),
    technologies=("React", "Node.js"),
)


def test_near_identical_firms_do_not_fill_the_top_of_the_page():
    vendors = [
        BASE,
        replace(BASE, id="a-clone"),
        replace(BASE, id="a-clone-2"),
        replace(BASE, id="different", services=("Data Analytics",), technologies=("Python",)),
    ]
    order = [vendors[r.index].id for r in diversify(vendors, [1.0, 0.99, 0.98, 0.9], 4)]
    assert order[:2] == ["a", "different"]


def test_the_exposure_floor_brings_emerging_firms_onto_the_page():
    established = [replace(BASE, id=f"big-{n}") for n in range(5)]
    emerging = [replace(BASE, id="small", team_size=8), replace(BASE, id="multan", city="Multan")]
    vendors = established + emerging
    page = [Ranked(i, 1.0 - i / 10) for i in range(5)]
    pool = [Ranked(5, 0.4), Ranked(6, 0.3)]
    assert exposure_share(vendors, page) == 0.0
    floored = apply_exposure_floor(vendors, page, pool, floor=0.4)
    assert {vendors[r.index].id for r in floored} >= {"small", "multan"}
    assert exposure_share(vendors, floored) == 0.4
    assert [r.score for r in floored] == sorted((r.score for r in floored), reverse=True)


def test_a_page_that_meets_the_floor_is_kept_and_the_pool_left_unread():
    vendors = [replace(BASE, id=f"big-{n}") for n in range(4)] + [
        replace(BASE, id="small", team_size=8)
    ]
    page = [Ranked(i, 1.0 - i / 10) for i in (4, 0, 1, 2)]
    read: list[Ranked] = []

    def pool():  # the rest, sorted on demand as the match sorts it
        for ranked in [Ranked(3, 0.1)]:
            read.append(ranked)
            yield ranked

    floored = apply_exposure_floor(vendors, page, pool(), floor=0.25)
    assert [r.index for r in floored] == [0, 1, 2, 4] and read == []
    # One short: the pool is read, and its best emerging firm swapped in.
    vendors[3] = replace(vendors[3], city="Multan")
    floored = apply_exposure_floor(vendors, page, pool(), floor=0.5)
    assert read and {r.index for r in floored} == {4, 0, 1, 3}


def test_emerging_means_small_or_outside_the_big_three():
    assert is_emerging(replace(BASE, team_size=12))
    assert is_emerging(replace(BASE, city="Peshawar"))
    assert not is_emerging(BASE)


def _plain_diversify(vendors: list[VendorData], scores: list[float], limit: int) -> list[Ranked]:
    """The definition, one pair at a time: best remaining first (lower position on a
    tie), discounted once per look-alike already taken."""

    def labels(v: VendorData) -> frozenset[str]:
        return frozenset((*v.services, *v.technologies))

    def similarity(a: frozenset[str], b: frozenset[str]) -> float:
        return len(a & b) / len(a | b) if a or b else 0.0

    def discounted(score: float, times: int) -> float:
        factor = SIMILARITY_PENALTY**times
        return score * factor if score >= 0 else score / factor

    best_first = sorted(range(len(vendors)), key=lambda i: (-scores[i], i))[: limit * POOL_FACTOR]
    alike = dict.fromkeys(best_first, 0)
    picked: list[Ranked] = []
    while alike and len(picked) < limit:
        best = max(alike, key=lambda i: (discounted(scores[i], alike[i]), -i))
        picked.append(Ranked(best, discounted(scores[best], alike.pop(best))))
        for i in alike:
            if similarity(labels(vendors[i]), labels(vendors[best])) >= SIMILARITY_LIMIT:
                alike[i] += 1
    return picked


def test_diversify_keeps_to_its_plain_definition_on_random_candidates():
    rng = random.Random(5)
    words = ["Web", "Mobile", "Data", "Cloud", "QA"]
    techs = ["React", "Django", "Flutter", "AWS", "Go", "Rust"]
    for _ in range(300):
        n = rng.randint(0, 120)
        vendors = [
            replace(
                BASE,
                id=f"v{i}",
                services=tuple(rng.sample(words, rng.randint(0, 2))),
                technologies=tuple(rng.sample(techs, rng.randint(0, 3))),
            )
            for i in range(n)
        ]
        # ties and negative scores included: both change which firm is taken
        scores = [rng.choice([round(rng.uniform(-1, 1), 1), rng.uniform(-2, 2)]) for _ in vendors]
        limit = rng.randint(1, 25)
        assert diversify(vendors, scores, limit) == _plain_diversify(vendors, scores, limit)
