"""Line charts as plain geometry, drawn by the server as inline SVG (templates/_chart.html).

Used by the console's trends page and the per-worker history. No JavaScript and no chart library:
a chart is a few paths and circles, so it works with scripts off, under the strict CSP and on
paper. This module only computes coordinates and labels; the template writes the SVG.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from quizapp.rules import metrics


def percent(value: float) -> str:
    return metrics.percent(value)


@dataclass(frozen=True)
class Tick:
    at: float  # x or y in chart coordinates
    label: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    title: str  # "label · series: value" (line_chart's `reading`), the tooltip and the printed reading


@dataclass(frozen=True)
class Line:
    name: str
    index: int  # which series: picks the colour and dash pattern
    path: str  # SVG path data; a gap (no value) starts a new "M"
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    lines: tuple[Line, ...]

    @property
    def empty(self) -> bool:
        return not any(line.points for line in self.lines)


def tick_indexes(count: int, most: int) -> list[int]:
    """Evenly spaced label positions among `count` x values, at most about `most` of them,
    always the first and the last (the period's ends are what a reader looks for)."""
    if count <= 0:
        return []
    if count <= most:
        return list(range(count))
    step = math.ceil((count - 1) / max(most - 1, 1))
    indexes = list(range(0, count, step))
    if indexes[-1] != count - 1:
        if count - 1 - indexes[-1] < step / 2:
            indexes[-1] = count - 1  # too close to the last label: move it there
        else:
            indexes.append(count - 1)
    return indexes


def line_chart(x_labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], *,
               width: int = 720, height: int = 240, y_max: float = 1.0,
               y_values: Sequence[float] = (0, 0.25, 0.5, 0.75, 1.0),
               value_label: Callable[[float], str] = percent, most_x_labels: int = 8,
               margin: tuple[int, int, int, int] = (12, 16, 28, 44),
               reading: str = "{label} · {name}: {value}") -> Chart:
    """One line per series over shared x labels (days); values from 0 to `y_max`. Each point's
    title is `reading` filled in (the page's language: "{label} · {name}：{value}" in Chinese).

    A missing value (None: a day off, a day nobody answered) leaves a gap rather than a dip to
    zero, so the line never claims a figure that does not exist. Values outside 0..y_max are
    drawn at the edge; their titles keep the true value. `margin` is (top, right, bottom, left).
    """
    top, right_margin, bottom_margin, left = margin
    right, bottom = width - right_margin, height - bottom_margin
    count = len(x_labels)

    def x_at(i: int) -> float:
        if count == 1:
            return round((left + right) / 2, 1)
        return round(left + (right - left) * i / (count - 1), 1)

    def y_at(value: float) -> float:
        clamped = min(max(value, 0.0), y_max)
        return round(bottom - (bottom - top) * clamped / y_max, 1)

    lines = []
    for index, (name, values) in enumerate(series):
        if len(values) != count:
            raise ValueError(f"series {name!r} has {len(values)} values for {count} labels")
        commands, points, pen_down = [], [], False
        for i, value in enumerate(values):
            if value is None:
                pen_down = False
                continue
            x, y = x_at(i), y_at(value)
            commands.append(f"{'L' if pen_down else 'M'}{x} {y}")
            points.append(Point(x, y, reading.format(label=x_labels[i], name=name, value=value_label(value))))
            pen_down = True
        lines.append(Line(name=name, index=index, path=" ".join(commands), points=tuple(points)))
    return Chart(
        width=width, height=height, left=left, top=top, right=right, bottom=bottom,
        x_ticks=tuple(Tick(x_at(i), x_labels[i]) for i in tick_indexes(count, most_x_labels)),
        y_ticks=tuple(Tick(y_at(v), value_label(v)) for v in y_values),
        lines=tuple(lines),
    )
