"""Charts for the dashboard, drawn on the server as SVG geometry (no build step, no
script): a month axis with every month shown (empty ones too), a value axis with round
ticks, and two series told apart by fill pattern as well as colour. The template adds
a title, a description and the numbers as a table, so the chart reads without colour
and without sight."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 8, 12, 36  # room for the value and month labels


def last_months(today: date, count: int) -> list[str]:
    """``count`` months up to and including ``today``'s, oldest first ("2026-12")."""
    index = today.year * 12 + today.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def compact_usd(value: float) -> str:
    """Axis labels: US$0, US$250k, US$1.5M."""
    if value >= 1_000_000:
        return f"US${value / 1_000_000:.1f}M".replace(".0M", "M")
    if value >= 1_000:
        return f"US${value / 1_000:.0f}k"
    return f"US${value:.0f}"


def _nice_top(value: float) -> float:
    """The smallest 1/2/2.5/5 × 10ⁿ at or above ``value`` (at least 1)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


@dataclass
class MonthChart:
    """Grouped bars per month for ``series`` (name → label); ``rows`` month → values."""

    months: list[str]
    series: dict[str, str]
    rows: dict[str, dict[str, float]]
    bars: list[dict[str, Any]] = field(default_factory=list)
    ticks: list[dict[str, Any]] = field(default_factory=list)
    labels: list[dict[str, Any]] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM

    def __post_init__(self) -> None:
        shown = [
            self.rows.get(month, {}).get(name, 0) for month in self.months for name in self.series
        ]
        top = _nice_top(max(shown, default=0))
        plot_height = self.baseline - TOP
        slot = (WIDTH - LEFT - RIGHT) / max(1, len(self.months))
        bar = slot * 0.8 / max(1, len(self.series))
        for step in range(5):
            value = top * step / 4
            y = self.baseline - plot_height * step / 4
            self.ticks.append({"y": round(y, 1), "label": compact_usd(value)})
        for i, month in enumerate(self.months):
            x = LEFT + slot * i + slot * 0.1
            for j, name in enumerate(self.series):
                value = self.rows.get(month, {}).get(name, 0)
                h = plot_height * value / top
                self.bars.append(
                    {
                        "x": round(x + j * bar, 1),
                        "y": round(self.baseline - h, 1),
                        "width": round(bar, 1),
                        "height": round(h, 1),
                        "series": name,
                        "title": f"{_month_name(month)}: {self.series[name]} {value:,.0f} US$",
                    }
                )
            if i % 2 == (len(self.months) - 1) % 2:  # every other month, ending on the last
                self.labels.append({"x": round(x + slot * 0.4, 1), "label": _month_name(month)})

    @property
    def table(self) -> list[dict[str, Any]]:
        """The numbers behind the chart, one row per month."""
        return [
            {
                "month": _month_name(month),
                "values": [self.rows.get(month, {}).get(name, 0) for name in self.series],
            }
            for month in self.months
        ]


def _month_name(month: str) -> str:
    year, number = month.split("-")
    return f"{date(int(year), int(number), 1):%b %Y}"
