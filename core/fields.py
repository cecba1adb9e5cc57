"""The field types every interchange schema is built of: codes (countries, languages,
time zones, currencies), one-line text, record ids, dates, links, e-mail addresses,
phone numbers, a contact, and money converted to US dollars. The records built of them
are ``core.schema``."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.utils import timezone
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    Strict,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
)

from core import codes
from core.money import USD, RateTable, UnknownCurrency


def _dedupe(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


# Most labels a list may hold (services, technologies, countries, languages …): far
# above any real profile, low enough that one request cannot buy seconds of CPU.
MAX_LABELS = 100
Country = Annotated[str, AfterValidator(codes.country_code)]
Language = Annotated[str, AfterValidator(codes.language_code)]
TimeZone = Annotated[str, AfterValidator(codes.time_zone)]
Currency = Annotated[str, AfterValidator(codes.currency_code)]
Countries = Annotated[list[Country], Field(max_length=MAX_LABELS), AfterValidator(_dedupe)]
Languages = Annotated[list[Language], Field(max_length=MAX_LABELS), AfterValidator(_dedupe)]
Text = Annotated[str, Field(max_length=20_000)]
# Characters that show nothing: format controls (U+200B, U+00AD, U+FEFF …), spaces, and
# the fillers and blanks that are letters or symbols to Unicode (Hangul fillers, the
# blank Braille pattern).
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def one_line(value: str) -> str:
    """A name or title: one line (no C0 or C1 control, so no CR, LF or TAB, which break
    e-mail headers and calendar lines), with at least one visible character."""
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in value):
        raise ValueError("one line of text: no line breaks, tabs or control characters")
    if all(unicodedata.category(c)[0] in "ZC" or c in _BLANK_LOOKING for c in value):
        raise ValueError("needs a visible letter, digit or sign")
    return value


ShortText = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(one_line)]
# Words the API uses for its own routes (``…/import``, ``…/export``) are not ids.
RESERVED_IDS = frozenset({"import", "export"})


# An id is visible ASCII without the URL's own separators ("/", "?", "#"): letters from
# other scripts and look-alike dashes ("pk\u2010000001" for "pk-000001") would make two
# ids that read the same.
ID_PATTERN = r"^[!\"$-.0->@-~]+$"


def _id_text(value: str) -> str:
    if not re.fullmatch(ID_PATTERN, value):
        raise ValueError(
            "an id is plain ASCII letters, digits and signs (no spaces, no '/', '?' or '#')"
        )
    if value.casefold() in RESERVED_IDS:
        raise ValueError(f"'{value}' is reserved; choose another id")
    return value


ExternalId = Annotated[
    str,
    # The pattern is checked by ``_id_text``, whose message says what an id may hold.
    Field(min_length=1, max_length=64, json_schema_extra={"pattern": ID_PATTERN}),
    AfterValidator(_id_text),
]

# Whole numbers are JSON integers: strict, so ``true`` or ``"12"`` is refused instead of
# read as 1 or 12 (pydantic's lax mode accepts both).
Whole = Annotated[int, Strict()]
Year = Annotated[Whole, Field(ge=1900, le=2100)]


_LOOSE_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def _date_text(value: Any) -> Any:
    """A date as YYYY-MM-DD; real exports also write YYYY-M-D ("2016-7-29"), which is
    unambiguous and read the same (a number is refused: pydantic would read it as a
    Unix time)."""
    if isinstance(value, int | float):
        raise ValueError("expected a date as YYYY-MM-DD")
    loose = _LOOSE_DAY.match(value) if isinstance(value, str) else None
    if loose:
        try:
            return date(*map(int, loose.groups()))
        except ValueError:
            raise ValueError(f"'{value}' is not a calendar date (YYYY-MM-DD)") from None
    return value


Day = Annotated[date, BeforeValidator(_date_text)]


_HTTP_URL = TypeAdapter(HttpUrl)


def _check_url(value: str) -> str:
    """Validate as an http(s) URL but keep the string as given (no added slash)."""
    try:
        _HTTP_URL.validate_python(value)
    except ValidationError:
        raise ValueError(f"not a valid http(s) URL: '{value}'") from None
    return value


Url = Annotated[str, Field(max_length=500), AfterValidator(_check_url)]


def _check_email(value: str) -> str:
    from django.core.exceptions import ValidationError as DjangoValidationError
    from django.core.validators import validate_email

    try:
        validate_email(value)
    except DjangoValidationError:
        raise ValueError(f"not an e-mail address: '{value}'") from None
    return value


_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{5,30}$")


def _check_phone(value: str) -> str:
    if not _PHONE.match(value):
        raise ValueError(f"not a phone number: '{value}' (digits, spaces, + ( ) - . /)")
    return value


class Contact(BaseModel):
    """Whom to talk to: shared with the other side of an introduction only once both
    have opted in (never on public pages, in search or in exports for others)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(one_line)] | None = (
        None
    )
    email: Annotated[str, Field(max_length=254), AfterValidator(_check_email)] | None = None
    phone: Annotated[str, Field(max_length=32), AfterValidator(_check_phone)] | None = None


def _rates(info: ValidationInfo) -> RateTable:
    context = info.context or {}
    rates = context.get("rates")
    if rates is None:
        raise RuntimeError("validate records with core.schema.validate_record (needs rates)")
    return rates


def conversion_date(info: ValidationInfo) -> date:
    """The date amounts are converted at: the record's own date if it has one."""
    own = (info.data or {}).get("published_at")
    return own or (info.context or {}).get("today") or timezone.localdate()


def _usd(value: Any, info: ValidationInfo) -> Any:
    """Accept ``123`` (US dollars) or ``{"amount": 123, "currency": "EUR"}``."""
    if isinstance(value, dict):
        unknown = set(value) - {"amount", "currency"}
        if unknown or "amount" not in value:
            raise ValueError('expected a number or {"amount": N, "currency": "XXX"}')
        currency = codes.currency_code(str(value.get("currency") or USD))
        amount = Money.amount_of(value["amount"])
        try:
            return _rates(info).to_usd(amount, currency, conversion_date(info))
        except UnknownCurrency as error:
            raise ValueError(str(error)) from None
    return value


UsdAmount = Annotated[Whole, BeforeValidator(_usd), Field(ge=0, le=10**12)]


class Money:
    @staticmethod
    def amount_of(value: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError("amount must be a number")
        try:
            amount = Decimal(str(value))
        except ArithmeticError:
            raise ValueError(f"amount must be a number, not '{value}'") from None
        if not amount.is_finite() or amount < 0:
            raise ValueError("amount must be a non-negative number")
        return amount
