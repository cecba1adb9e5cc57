"""Turning HTML form input into interchange records, and record errors back into
per-field messages: the pages validate with the same pydantic records as the API."""

from __future__ import annotations

import re
from typing import Any


def split_list(value: str) -> list[str]:
    """``"Flutter, Django\\nAWS"`` → ``["Flutter", "Django", "AWS"]``."""
    return [part.strip() for part in re.split(r"[,\n]", value) if part.strip()]


def whole_number(text: str) -> int | None:
    """``text`` as a whole number if it is one written in ASCII digits, else ``None``
    (``str.isdigit`` also accepts "³" and other digits ``int`` cannot read)."""
    return int(text) if text.isascii() and text.isdigit() else None


def form_number(value: str) -> Any:
    """Digits become an int; anything else non-empty goes to validation as typed (so the
    error names the field), and an empty input is ``None``."""
    value = value.strip().replace(",", "")
    number = whole_number(value)
    return number if number is not None else (value or None)


def posted_rows(post: Any, name: str, *, maximum: int) -> int:
    """How many repeated rows a form says it posted (a hidden count, as in a Django
    formset's management form): a whole number from 0 to ``maximum``. Anything else was
    not sent by our page and is refused, so a forged count cannot hold a worker."""
    from django.core.exceptions import BadRequest

    value = str(post.get(name, "0") or "0").strip()
    number = whole_number(value)
    if number is None or number > maximum:
        raise BadRequest(f"{name}: expected a whole number from 0 to {maximum}")
    return number


def error_field(path: str) -> str:
    """Where a record error shows on a form: ``services[1]`` on ``services``,
    ``portfolio[0].year`` on that input, ``budget.min`` on that input."""
    if re.match(r"^portfolio\[\d+\]\.\w+", path):
        return re.sub(r"^(portfolio\[\d+\]\.\w+).*$", r"\1", path)
    return re.sub(r"\[\d+\].*$", "", path)
