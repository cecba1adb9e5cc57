"""Template helpers shared by the pages."""

from __future__ import annotations

from typing import Any

from django import template

from core.codes import country_name
from core.languages import language_name

register = template.Library()


@register.filter
def get(mapping: Any, key: str) -> Any:
    """``{{ errors|get:"portfolio[0].year" }}`` — a dict lookup by any key."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.simple_tag
def field_name(prefix: str, index: int, key: str) -> str:
    """``portfolio[2].year``: the input name of one key of one repeated row."""
    return f"{prefix}[{index}].{key}"


@register.filter
def number(value: Any, digits: int = 0) -> str:
    """The one way the pages show a number: thousands separated, ``digits`` decimals
    (1234567 → 1,234,567; 0.71234 with 2 → 0.71); "—" for nothing."""
    if value is None or value == "":
        return "—"
    try:
        return f"{float(value):,.{int(digits)}f}" if digits else f"{round(float(value)):,}"
    except (TypeError, ValueError):
        return "—"


@register.filter
def usd(value: Any) -> str:
    """Whole US dollars: 48000 → US$48,000."""
    shown = number(value)
    return shown if shown == "—" else f"US${shown}"


@register.filter
def money(value: Any, currency: str) -> str:
    """An amount in its own currency: 60000, "EUR" → EUR 60,000."""
    shown = number(value)
    return shown if shown == "—" else f"{currency} {shown}"


@register.filter
def percent(value: Any) -> str:
    """A share as a whole percentage: 0.234 → 23%."""
    shown = number(None if value is None else float(value) * 100)
    return shown if shown == "—" else f"{shown}%"


@register.filter
def country(code: Any) -> str:
    """An ISO country code as its name ("AE" → "United Arab Emirates")."""
    return country_name(str(code)) if code else ""


@register.filter
def language(code: Any) -> str:
    """An ISO 639-1 code as its name ("de" → "German")."""
    return language_name(str(code)) if code else ""
