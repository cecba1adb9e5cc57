"""Template helpers shared by the pages."""

from __future__ import annotations

from typing import Any

from django import template

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
def usd(value: Any) -> str:
    """Whole US dollars with thousands separators: 48000 → US$48,000."""
    try:
        return f"US${int(value):,}"
    except (TypeError, ValueError):
        return "—"
