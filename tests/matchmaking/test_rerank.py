from dataclasses import replace

from matchmaking.ranking.data import VendorData
from matchmaking.ranking.rerank import (
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


def test_emerging_means_small_or_outside_the_big_three():
    assert is_emerging(replace(BASE, team_size=12))
    assert is_emerging(replace(BASE, city="Peshawar"))
    assert not is_emerging(BASE)
