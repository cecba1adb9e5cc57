import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendors.taxonomy import KINDS, get_taxonomy, label_key

taxonomy = get_taxonomy()


@pytest.mark.parametrize(
    ("kind", "given", "expected"),
    [
        ("technology", "RN", "React Native"),
        ("technology", "react-native", "React Native"),
        ("technology", "NODEJS", "Node.js"),
        ("technology", "k8s", "Kubernetes"),
        ("technology", "C#", "C#"),
        ("technology", "c++", "C++"),
        ("service", "ML", "Machine Learning"),
        ("service", "machine   learning", "Machine Learning"),
        ("service", "Mobile Aplication Development", "Mobile App Development"),  # spelling
        ("service", "localisation", "Content Writing & Localization"),
        ("industry", "fin-tech", "Fintech"),
        ("certification", "ISO/IEC 27001", "ISO 27001"),
    ],
)
def test_labels_are_normalised_to_the_taxonomy(kind, given, expected):
    assert taxonomy.normalise(kind, given) == expected
    assert taxonomy.is_known(kind, given)


def test_unknown_labels_are_kept_trimmed_and_flagged():
    assert taxonomy.normalise("technology", "  Quantum   Widgets ") == "Quantum Widgets"
    assert not taxonomy.is_known("technology", "Quantum Widgets")
    assert taxonomy.unknown("technology", ["Django", "Quantum Widgets"]) == ["Quantum Widgets"]


def test_short_labels_are_never_fuzzy_matched():
    # "Java" must not become "Jira" or "Rust" "Ruby": short keys need an exact hit.
    assert taxonomy.normalise("technology", "Jav") == "Jav"
    assert not taxonomy.is_known("technology", "Jav")


def test_normalise_all_deduplicates_synonyms_in_order():
    assert taxonomy.normalise_all("technology", ["RN", "Django", "react native", ""]) == [
        "React Native",
        "Django",
    ]


def test_no_two_canonical_labels_share_a_key():
    for kind in KINDS:
        keys = [label_key(label) for label in taxonomy.labels(kind)]
        assert len(keys) == len(set(keys)), kind


@given(st.sampled_from(KINDS), st.text(max_size=30))
def test_normalising_is_idempotent(kind, label):
    once = taxonomy.normalise(kind, label)
    assert taxonomy.normalise(kind, once) == once
