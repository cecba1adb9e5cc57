"""How names are compared whatever their spelling (``core.text``)."""

from __future__ import annotations

import pytest

from core.text import name_key, skeleton


@pytest.mark.parametrize(
    "variant",
    [
        "Indus Code Labs",
        "INDUS CODE LABS",
        "Indus-Code Labs",
        "IndusCodeLabs",
        "Indus\u00a0Code\u00a0Labs",  # non-breaking spaces
        "\uff29ndus Code Labs",  # a full-width "I"
        "\u0406ndus C\u043ede Labs",  # Cyrillic "I" and "o"
        "Indus Code L\u0430bs",  # a Cyrillic "a"
        "Indus Code Labs (Pvt) Ltd",
        "Indus Code Labs Private Limited",
        "Indus Code Labs, Inc.",
    ],
)
def test_spellings_that_read_the_same_share_a_name_key(variant):
    assert name_key(variant) == "induscodelabs"


@pytest.mark.parametrize(
    "other",
    [
        "Indus Code Lab",  # one letter fewer
        "Indus Code Labs Karachi",  # more words
        "Indus Cloud Labs",
        "Labs Indus Code",  # another order
        "\u0627\u0646\u0688\u0633 \u06a9\u0648\u0688",  # Urdu script is kept, not read as Latin
    ],
)
def test_different_names_keep_different_keys(other):
    assert name_key(other) != "induscodelabs"


def test_a_name_in_another_script_keeps_its_letters():
    assert skeleton("\u0627\u0646\u0688\u0633") == "\u0627\u0646\u0688\u0633"
    assert skeleton("M\u00fcller GmbH") == "m\u00fcllergmbh"  # an umlaut is not a look-alike
