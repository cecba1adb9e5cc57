"""Query understanding (search/understanding.py), without an index: the word counts an
index would give are passed in."""

from __future__ import annotations

import pytest

from search.understanding import Interpreter
from search.understood import minimum_match
from search.words import max_edits
from vendors.taxonomy import get_taxonomy

INDEXED = {"marketplace": 40, "telehealth": 2, "developing": 12}


@pytest.fixture(scope="module")
def interpreter() -> Interpreter:
    return Interpreter(
        get_taxonomy(), cities=["Lahore", "Karachi", "Mirpur"], firm_countries=["PK"]
    )


def read(interpreter: Interpreter, text: str, **options):
    return interpreter.understand(
        text, lambda words: {w: INDEXED.get(w, 0) for w in words}, **options
    )


def chips(understanding) -> list[tuple[str, str, str]]:
    return [(chip.kind, chip.label, chip.text) for chip in understanding.chips]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Shopify developers Lahore",
            [("technology", "Shopify", "Shopify"), ("city", "Lahore", "Lahore")],
        ),
        ("penetration testing", [("service", "Cybersecurity", "penetration testing")]),
        ("penetration tests", [("service", "Cybersecurity", "penetration tests")]),
        ("German-speaking", [("language", "German", "German")]),
        ("Arabic speakers", [("language", "Arabic", "Arabic")]),
        ("clients in UAE", [("market", "United Arab Emirates", "UAE")]),
        ("Dubai", [("market", "United Arab Emirates", "Dubai")]),
        ("based in Pakistan", [("country", "Pakistan", "Pakistan")]),
        ("KPK", [("region", "Khyber Pakhtunkhwa", "KPK")]),
        ("Mirpur", [("city", "Mirpur", "Mirpur")]),
        (
            "ISO 27001 fintech",
            [("certification", "ISO 27001", "ISO 27001"), ("industry", "Fintech", "fintech")],
        ),
        ("UI/UX", [("service", "UI/UX Design", "UI/UX")]),
        ("R&D", []),  # not the R language
        ("mobile", []),  # not "mobility" (Automotive)
    ],
)
def test_phrases_places_languages_and_countries_are_recognised(interpreter, text, expected):
    assert chips(read(interpreter, text)) == expected


def test_labels_are_concepts_places_are_boosts_filler_is_dropped(interpreter):
    understood = read(interpreter, "experienced Shopify developers in Lahore")
    assert [c.labels for c in understood.concepts] == [(("technologies", "Shopify"),)]
    assert [b.values for b in understood.boosts] == [("Lahore",)]
    assert not understood.boosts_required
    alone = read(interpreter, "firms in Lahore")
    assert alone.concepts == () and alone.boosts_required


def test_an_ambiguous_phrase_may_be_answered_by_either_label(interpreter):
    (concept,) = read(interpreter, "ecommerce").concepts
    assert concept.labels == (
        ("services", "E-commerce Development"),
        ("industries", "E-commerce & Retail"),
    )


def test_unknown_words_are_corrected_to_the_vocabulary_and_said(interpreter):
    understood = read(interpreter, "Pyhton wordpres")
    assert understood.corrected == "python wordpress"
    assert understood.corrections == (("pyhton", "python"), ("wordpres", "wordpress"))
    assert [c.labels[0][1] for c in understood.concepts] == ["Python", "WordPress"]
    assert read(interpreter, "pyhton", as_typed=True).corrected is None


def test_known_words_are_never_corrected_and_rare_ones_also_match_close_spellings(interpreter):
    understood = read(interpreter, "marketplace telehealth zzqxv")
    assert understood.corrected is None
    fuzzy = {concept.words[0]: concept.fuzzy for concept in understood.concepts}
    assert fuzzy["marketplace"] == ()  # 40 firms use it
    assert fuzzy["telehealth"] == (("telehealth", 2),)  # only 2 do
    assert fuzzy["zzqxv"] == (("zzqxv", 1),)  # nobody does, and nothing is close
    without_index = interpreter.understand("pyhton")
    assert without_index.corrected is None and without_index.concepts[0].fuzzy == ()


def test_general_words_add_to_the_score_but_are_required_only_alone(interpreter):
    understood = read(interpreter, "react native apps")
    assert understood.general == ("apps",) and len(understood.concepts) == 1
    alone = read(interpreter, "developing apps")
    assert [c.words for c in alone.concepts] == [("developing",), ("apps",)]


@pytest.mark.parametrize(
    ("concepts", "required"), [(0, 0), (1, 1), (2, 2), (3, 2), (4, 3), (5, 4), (8, 6)]
)
def test_most_concepts_must_match(concepts, required):
    assert minimum_match(concepts) == required


@pytest.mark.parametrize(
    ("word", "edits"), [("seo", 0), ("odoo", 1), ("python", 1), ("wordpres", 2)]
)
def test_typos_tolerated_grow_with_the_word(word, edits):
    assert max_edits(word) == edits


def test_the_api_says_how_it_read_the_query(interpreter):
    data = read(interpreter, "pyhton Karachi").as_dict()
    assert data["searched"] == "python Karachi"
    assert data["corrections"] == [{"typed": "pyhton", "searched": "python"}]
    assert [chip["field"] for chip in data["chips"]] == ["technologies", "city"]
    assert data["minimum_match"] == 1


@pytest.mark.parametrize("text", ["+++", "a" * 60, "R&D", "Ü ñ"])
def test_what_no_index_can_match_is_not_required(interpreter, text):
    understood = read(interpreter, text)
    assert understood.concepts == () and understood.general == ()


def test_a_lone_number_scores_but_never_excludes(interpreter):
    understood = read(interpreter, "ISO/IEC 27001:2022")
    assert [c.labels for c in understood.concepts] == [(("certifications", "ISO 27001"),)]
    assert understood.general == ("2022",)
