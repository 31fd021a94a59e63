"""Bar charts of the exchange figures as server-rendered SVG geometry (no script, accessible).

`grouped_bars` turns labelled series into bars with coordinates; the template draws them with a
title and description, and the page also shows the same figures as a table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

WIDTH, HEIGHT = 640, 240
LEFT, BOTTOM, TOP = 48, 36, 16
HOUR = 3600.0


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: where it is drawn, its series (CSS class) and what it says."""

    x: float
    y: float
    width: float
    height: float
    series: str
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart's bars, category labels (x, text), y-axis top value and size."""

    bars: list[Bar]
    categories: list[tuple[float, str]]
    top: float
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def baseline(self) -> int:
        """The y of the x axis."""
        return self.height - BOTTOM


def grouped_bars(
    categories: Sequence[str], series: Mapping[str, Mapping[str, float]], unit: str
) -> Chart:
    """Bars per category, one per series, scaled to the largest value."""
    top = max((v for values in series.values() for v in values.values()), default=0.0) or 1.0
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    slot = plot_w / max(len(categories), 1)
    bar_w = slot * 0.8 / max(len(series), 1)
    bars, labels = [], []
    for i, category in enumerate(categories):
        x0 = LEFT + i * slot + slot * 0.1
        labels.append((x0 + slot * 0.4, category))
        for j, (name, values) in enumerate(series.items()):
            value = values.get(category, 0.0)
            height = plot_h * value / top
            bars.append(Bar(
                x0 + j * bar_w, HEIGHT - BOTTOM - height, bar_w * 0.9, height, name,
                f"{category}, {name}: {value:g} {unit}",
            ))  # fmt: skip
    return Chart(bars, labels, top)


def shared_by_month(
    rows: Iterable[Mapping[str, Any]],
) -> tuple[list[str], dict[str, dict[str, float]]]:
    """Objects shared each way per month: months, and {direction: {month: objects}}."""
    series: dict[str, dict[str, float]] = {
        "sent": defaultdict(float),
        "received": defaultdict(float),
    }
    for row in rows:
        series[row["direction"]][row["month"]] += row["objects"]
    months = sorted({m for values in series.values() for m in values})
    return months, {name: dict(values) for name, values in series.items()}


def answer_hours(
    rows: Iterable[Mapping[str, Any]],
) -> tuple[list[str], dict[str, dict[str, float]]]:
    """Median hours to acknowledge and to answer an RFI, per pillar."""
    series: dict[str, dict[str, float]] = {"acknowledge": {}, "answer": {}}
    pillars = []
    for row in rows:
        pillars.append(row["pillar"])
        for step in series:
            median = row[step]["median_seconds"]
            if median is not None:
                series[step][row["pillar"]] = round(median / HOUR, 2)
    return pillars, series
