"""One number format on every page: the ``number``, ``usd``, ``money`` and ``percent``
filters, and no template that formats a number another way."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.templatetags.raabta import money, number, percent, usd

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        (number(1234567), "1,234,567"),
        (number(0.71234, 2), "0.71"),
        (number("2500"), "2,500"),
        (number(None), "—"),
        (usd(48000), "US$48,000"),
        (usd("garbled"), "—"),
        (money(60000, "EUR"), "EUR 60,000"),
        (percent(0.234), "23%"),
        (percent(None), "—"),
    ],
)
def test_the_filters(shown, expected):
    assert shown == expected


def test_no_template_formats_numbers_its_own_way():
    offenders = []
    for template in ROOT.glob("*/templates/**/*.html"):
        text = template.read_text()
        for pattern in (r"floatformat", r"widthratio", r"intcomma", r"US\$\{\{"):
            if re.search(pattern, text):
                offenders.append(f"{template.relative_to(ROOT)}: {pattern}")
    assert not offenders
