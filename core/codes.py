"""Validation of the standard codes the interchange format uses.

Countries are ISO 3166-1 alpha-2 (alpha-3 is accepted and converted), languages ISO
639-1 (an English language name is accepted and converted), time zones IANA names.
Each function returns the canonical code or raises ``ValueError`` with a message that
names the bad value; ``country_name`` turns codes back into the names pages show
(``core.languages.language_name`` for languages).
"""

from __future__ import annotations

import zoneinfo
from functools import cache

import pycountry
from django_countries import countries


@cache
def country_code(value: str) -> str:
    """An ISO 3166-1 alpha-2 code from a code (``DE``, ``DEU``) or an English name
    (``Germany``, ``united arab emirates``), as the forms' help text promises."""
    text = value.strip()
    code = countries.alpha2(text.upper()) if text else ""
    if not code and text:
        try:
            code = pycountry.countries.lookup(text).alpha_2
        except LookupError:
            code = ""
    if not code:
        raise ValueError(
            f"unknown country '{value}' (a name such as Germany, or ISO 3166-1 alpha-2 "
            "such as PK, GB, AE)"
        )
    return str(code)


@cache
def _language_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for language in pycountry.languages:
        alpha_2 = getattr(language, "alpha_2", None)
        if alpha_2:
            index[alpha_2] = alpha_2
            index[language.name.lower()] = alpha_2
    return index


@cache
def language_code(value: str) -> str:
    code = _language_index().get(value.strip().lower())
    if not code:
        raise ValueError(f"unknown language '{value}' (use ISO 639-1, e.g. en, ur, ar)")
    return code


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@cache
def _zones_by_city() -> dict[str, list[str]]:
    """``berlin`` -> ``["Europe/Berlin"]``: the last part of each region's zone names."""
    found: dict[str, list[str]] = {}
    for name in sorted(_time_zones()):
        region, _, city = name.rpartition("/")
        if region and region.split("/")[0] in ZONE_REGIONS:
            found.setdefault(city.replace("_", " ").casefold(), []).append(name)
    return found


ZONE_REGIONS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)


@cache
def _zones_by_casefold() -> dict[str, str]:
    return {name.casefold(): name for name in _time_zones()}


@cache
def city_time_zones() -> list[str]:
    """The cities that name exactly one time zone, as a form offers them."""
    return sorted(
        name.rpartition("/")[2].replace("_", " ")
        for names in _zones_by_city().values()
        if len(names) == 1
        for name in names
    )


def time_zone(value: str) -> str:
    """An IANA time zone from its name (``Europe/Berlin``, any case) or its city
    (``Berlin``, ``new york``) when only one zone has that city."""
    text = value.strip()
    if text in _time_zones():
        return text
    by_case = _zones_by_casefold()
    if text.casefold() in by_case:
        return by_case[text.casefold()]
    cities = _zones_by_city().get(text.replace("_", " ").casefold(), [])
    if len(cities) == 1:
        return cities[0]
    if cities:
        raise ValueError(f"'{value}' is in several time zones: {', '.join(cities)}; name one")
    raise ValueError(
        f"unknown time zone '{value}' (a city such as Berlin, or an IANA name such as "
        "Europe/Berlin)"
    )


def currency_code(value: str) -> str:
    code = value.strip().upper()
    if pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"unknown currency '{value}' (use ISO 4217, e.g. USD, EUR, AED)")
    return code


@cache
def country_name(code: str) -> str:
    """``AE`` -> "United Arab Emirates" (the code itself when unknown)."""
    return str(countries.name(code)) or code
