"""Validation of the standard codes the interchange format uses.

Countries are ISO 3166-1 alpha-2 (alpha-3 is accepted and converted), languages ISO
639-1 (an English language name is accepted and converted), time zones IANA names.
Each function returns the canonical code or raises ``ValueError`` with a message that
names the bad value; ``country_name`` and ``language_name`` turn codes back into the
names pages show.
"""

from __future__ import annotations

import zoneinfo
from functools import cache

import pycountry
from django_countries import countries


@cache
def country_code(value: str) -> str:
    code = countries.alpha2(value.strip().upper()) if value.strip() else ""
    if not code:
        raise ValueError(f"unknown country '{value}' (use ISO 3166-1 alpha-2, e.g. PK, GB, AE)")
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


def time_zone(value: str) -> str:
    if value not in _time_zones():
        raise ValueError(f"unknown time zone '{value}' (use an IANA name, e.g. Europe/Berlin)")
    return value


def currency_code(value: str) -> str:
    code = value.strip().upper()
    if pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"unknown currency '{value}' (use ISO 4217, e.g. USD, EUR, AED)")
    return code


@cache
def country_name(code: str) -> str:
    """``AE`` -> "United Arab Emirates" (the code itself when unknown)."""
    return str(countries.name(code)) or code


@cache
def language_name(code: str) -> str:
    """``de`` -> "German" (the code itself when unknown)."""
    found = pycountry.languages.get(alpha_2=code)
    return str(found.name) if found else code
