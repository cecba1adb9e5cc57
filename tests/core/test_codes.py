import pytest

from core import codes


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("PK", "PK"),
        ("pk", "PK"),
        ("DEU", "DE"),
        (" us ", "US"),
        ("Germany", "DE"),
        ("united arab emirates", "AE"),
    ],
)
def test_countries_are_normalised_to_alpha_2(given, expected):
    assert codes.country_code(given) == expected


@pytest.mark.parametrize("bad", ["XX", "UK", "", "Pakistan1"])
def test_unknown_countries_are_refused_with_the_value(bad):
    with pytest.raises(ValueError, match="unknown country"):
        codes.country_code(bad)


@pytest.mark.parametrize(
    ("given", "expected"), [("en", "en"), ("UR", "ur"), ("Arabic", "ar"), ("german", "de")]
)
def test_languages_are_iso_639_1(given, expected):
    assert codes.language_code(given) == expected


def test_unknown_language_and_time_zone_are_refused():
    with pytest.raises(ValueError, match="unknown language 'xx'"):
        codes.language_code("xx")
    with pytest.raises(ValueError, match="unknown time zone 'Atlantis'"):
        codes.time_zone("Atlantis")
    assert codes.time_zone("Asia/Karachi") == "Asia/Karachi"


@pytest.mark.parametrize(
    ("given", "expected"),
    [("Berlin", "Europe/Berlin"), ("new york", "America/New_York"), ("asia/dubai", "Asia/Dubai")],
)
def test_time_zones_are_named_by_city_or_iana_name_in_any_case(given, expected):
    assert codes.time_zone(given) == expected


def test_a_city_in_several_zones_must_be_named_in_full():
    with pytest.raises(ValueError, match="several time zones: America/Argentina/Cordoba"):
        codes.time_zone("Cordoba")


def test_currency_codes_are_iso_4217():
    assert codes.currency_code("eur") == "EUR"
    with pytest.raises(ValueError, match="unknown currency"):
        codes.currency_code("EURO")
