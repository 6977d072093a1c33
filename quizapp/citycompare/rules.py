"""The city page's rules, pure: its periods (complete days), the month of its declines, a town's
line and the city's total, and sorting by any figure.

Used by citycompare.service (the page, its XLSX and the API's /towns/figures). Every figure is
computed by quizapp/rules/metrics.py and incidents.rules (docs/metrics.md, "The city page"):
participation and the knowledge index from a metrics.Tally, the three declines from a
YearOnYear; the city's total adds the towns' tallies and incident records, never their shares.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from quizapp.incidents.rules import FIGURES, YearOnYear, add_months
from quizapp.rules import metrics
from quizapp.rules.metrics import SortValue, Span, Tally

PERIODS = (7, 30, 90)  # the dashboard's 7 and 30 days, and the console's 90
DEFAULT_PERIOD = 30
_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)


def period_span(today: date, days: int) -> Span:
    """The `days` complete days ending yesterday: the city page reads the TownDay rollup, which
    holds no today (docs/metrics.md)."""
    return metrics.trailing(today, days, 1)


def default_month(today: date) -> date:
    """The declines' default month: the last complete one, the latest a year on year compares."""
    return add_months(today.replace(day=1), -1)


def parse_month(text: str | None, today: date) -> date:
    """A month YYYY-MM, not after this one; anything else gives the default."""
    found = _MONTH.match(text or "")
    if not found or not 1 <= int(found[2]) <= 12 or int(found[1]) < 2000:
        return default_month(today)
    month = date(int(found[1]), int(found[2]), 1)
    return month if month <= today.replace(day=1) else default_month(today)


@dataclass(frozen=True)
class TownLine:
    """A town (or the city's total, `id` None) on the city page: aggregates only."""

    id: int | None
    code: str
    name: str
    companies: int  # active companies
    headcount: int | None  # active workers on the period's last day with data; None: no data
    tally: Tally  # the period's sums (its active companies')
    declines: YearOnYear  # the month and year to date against a year before
    headcount_day: date | None = None  # the day `headcount` counts (the period's last day with data)

    @property
    def participation(self) -> float | None:
        return self.tally.participation

    @property
    def knowledge(self) -> float | None:
        return self.tally.knowledge

    def figure(self, name: str) -> int | Decimal:
        """One of the three declines' figures this month (FIGURES)."""
        return getattr(self.declines.this_month, name)

    def change(self, name: str) -> int | None:
        """Its change year on year in whole percent (None: not compared)."""
        return self.declines.changes()[f"month_{name}"]


def city_total(lines: Iterable[TownLine], declines: YearOnYear) -> TownLine:
    """The city as one line: the towns' tallies added up (shares divided once, so every worker
    counts the same), companies and workers added, and the declines over all the towns' records."""
    lines = list(lines)
    heads = [line.headcount for line in lines if line.headcount is not None]
    days = {line.headcount_day for line in lines if line.headcount_day is not None}
    return TownLine(None, "", "", sum(line.companies for line in lines), sum(heads) if heads else None,
                    metrics.total(line.tally for line in lines), declines,
                    days.pop() if len(days) == 1 else None)  # towns counted on different days: none


def _figure_sort(name: str) -> Callable[[TownLine], SortValue]:
    return lambda line: float(line.figure(name))


def _change_sort(name: str) -> Callable[[TownLine], SortValue]:
    return lambda line: line.change(name)


SORTS: dict[str, Callable[[TownLine], SortValue]] = {
    "name": lambda line: line.name,
    "companies": lambda line: line.companies,
    "headcount": lambda line: line.headcount,
    "participation": lambda line: line.participation,
    "knowledge": lambda line: line.knowledge,
    **{name: _figure_sort(name) for name in FIGURES},
    **{f"{name}_change": _change_sort(name) for name in FIGURES},
}
DEFAULT_SORT = "participation"


@dataclass(frozen=True)
class CityQuery:
    """What the city page's URL asks for: ?days=&month=&sort=&dir=."""

    days: int = DEFAULT_PERIOD
    month: date | None = None  # None: the default month
    sort: str = DEFAULT_SORT
    descending: bool = False

    def args(self, **changes: Any) -> dict:
        """URL arguments for this query with some changed (for links), defaults left out."""
        query = replace(self, **changes)
        args = {"days": query.days if query.days != DEFAULT_PERIOD else None,
                "month": f"{query.month:%Y-%m}" if query.month else None,
                "sort": query.sort, "dir": "desc" if query.descending else "asc"}
        return {k: v for k, v in args.items() if v is not None}

    def sort_link(self, column: str) -> dict:
        """Clicking a column sorts by it; clicking the sorted column again flips the direction."""
        descending = not self.descending if column == self.sort else column != "name"
        return self.args(sort=column, descending=descending)


def parse_query(args: Mapping[str, str], today: date) -> CityQuery:
    """The page's query from URL arguments; unknown values fall back to the defaults (the default
    order puts the lowest participation first: the towns to look at)."""
    sort = args.get("sort", DEFAULT_SORT)
    days = args.get("days", "")
    month = args.get("month")
    # isascii: "²" is a digit to str.isdigit, not to int().
    whole = days.isascii() and days.isdigit()
    return CityQuery(days=int(days) if whole and int(days) in PERIODS else DEFAULT_PERIOD,
                     month=parse_month(month, today) if month else None,
                     sort=sort if sort in SORTS else DEFAULT_SORT, descending=args.get("dir") == "desc")


def sort_lines(lines: Iterable[TownLine], query: CityQuery) -> list[TownLine]:
    """Towns sorted by the query's figure; towns without a value last either way, ties by name."""
    return metrics.ranked(lines, SORTS[query.sort], query.descending)

