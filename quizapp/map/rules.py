"""The incident map as pure rules: which figures a grid can be coloured by, the period asked for
in the URL, and a figure's value for a grid (docs/metrics.md, "The incident map").

Used by map.service and map.views. No Flask and no database here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from quizapp.incidents.rules import add_months, month_start, parse_month
from quizapp.rules import metrics

# The figures, in the picker's order; the first is the default. `higher_is_worse` sets the colours.
FIGURES = ("cases_per_10k", "losses", "participation", "knowledge", "months_without_case", "heat")
HIGHER_IS_WORSE = {"cases_per_10k": True, "losses": True, "participation": False, "knowledge": False,
                   "months_without_case": False, "heat": True}
DEFAULT_MONTHS = 12
MAX_MONTHS = 36


@dataclass(frozen=True)
class Period:
    """Whole months, both ends included (first days of months)."""

    first: date
    last: date

    @property
    def months(self) -> int:
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1


def parse_period(first: str, last: str, today: date) -> Period:
    """The months asked for (YYYY-MM each): the last defaults to this month and never lies after
    it; the first defaults to 12 months before the last; a period the wrong way round is turned
    round, one longer than MAX_MONTHS is cut to its last MAX_MONTHS."""
    this_month = month_start(today)
    try:
        end = min(parse_month(last), this_month)
    except ValueError:
        end = this_month
    try:
        start = min(parse_month(first), this_month)
    except ValueError:
        start = add_months(end, 1 - DEFAULT_MONTHS)
    if start > end:
        start, end = end, start
    if Period(start, end).months > MAX_MONTHS:
        start = add_months(end, 1 - MAX_MONTHS)
    return Period(start, end)


def parse_figure(text: str) -> str:
    return text if text in FIGURES else FIGURES[0]


@dataclass(frozen=True)
class GridFigures:
    """One grid's figures over the period (aggregates only). `cases_by_age` are the grid's cases
    by months before the period's last month, for the heat index."""

    grid_id: int
    code: str
    name: str
    workers: int
    cases: int
    loss_yuan: Decimal
    tally: metrics.Tally
    months_without_case: int | None
    cases_by_age: tuple[tuple[int, int], ...] = ()
    zero_months: int | None = None  # "连续 N 个月零发案" (metrics.zero_case_months)

    @property
    def cases_per_10k(self) -> float | None:
        return metrics.cases_per_workers(self.cases, self.workers)

    @property
    def participation(self) -> float | None:
        return self.tally.participation

    @property
    def knowledge(self) -> float | None:
        return self.tally.knowledge

    @property
    def heat(self) -> float | None:
        return metrics.heat_index(self.cases_by_age, self.workers, self.participation, self.knowledge)

    def value(self, figure: str) -> float | None:
        """The figure as a number to colour by (shares as percentages, losses in yuan)."""
        if figure == "losses":
            return float(self.loss_yuan)
        if figure in ("participation", "knowledge"):
            share = getattr(self, figure)
            return None if share is None else metrics.percent_number(share)
        found = getattr(self, figure)
        return None if found is None else round(float(found), 2)


def cases_by_age(cases: Mapping[date, int], last: date) -> tuple[tuple[int, int], ...]:
    """(age in months before `last`, cases) for each month with cases, newest first."""
    return tuple(sorted(((last.year - m.year) * 12 + last.month - m.month, n) for m, n in cases.items()))
