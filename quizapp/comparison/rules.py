"""Comparing companies fairly, as pure rules: weeks, the dashboard's lines, trends, targets,
rankings, sorting and filtering.

Used by dashboard.service (the grid dashboard, the comparison page and the town view). Every
figure is computed by quizapp/rules/metrics.py (docs/metrics.md): participation and the knowledge
index from metrics.Tally, shown side by side and never blended into one score.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from quizapp.periodic.rules import containing
from quizapp.rules import metrics
from quizapp.rules.inputs import plain_text, row_id
from quizapp.rules.metrics import Row, SortValue, Span, Tally, point_change

DEFAULT_TARGET = 0.8
MAX_COMPARED = 8
WEEKS = 12  # weekly points on the comparison page and the town's heat table
PAGE_SIZE = 100
FULL_FOUR_WEEKS = 28  # days of data a company needs in "the 4 weeks before" for a full comparison




def weeks(today: date, count: int = WEEKS) -> list[Span]:
    """The `count` calendar weeks up to this one, oldest first: the weekly report's weeks, Monday to
    Sunday (periodic.rules.containing), so a week on the comparison and the town view is the week an
    officer prints. The last one is this week so far (its Monday to today, still counting)."""
    this = containing("week", today)
    found = [this.span]
    for _ in range(count - 1):
        this = this.previous()
        found.append(this.span)
    found[0] = Span(found[0].first, today)
    return found[::-1]


def parse_target(raw: object, default: float = DEFAULT_TARGET) -> float:
    """The participation target from the TownSetting "participation_target": a share (0.8), a
    percentage (80), or either under the key "value". Anything else gives the default."""
    if isinstance(raw, Mapping):
        raw = raw.get("value")
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        return default
    try:
        value = float(raw)
    except ValueError:
        return default
    if 1 < value <= 100:
        value /= 100
    return value if 0 < value <= 1 else default


@dataclass(frozen=True)
class CompanyFigures:
    """One company's line on the grid dashboard: aggregates only."""

    company_id: int
    name: str
    grid_id: int
    grid_name: str
    headcount: int  # active workers today
    workday_today: bool
    today: Tally
    last7: Tally
    last30: Tally
    previous30: Tally
    reached30: int | None = None  # active workers with a done official quiz in the 30 days
    last_case_month: date | None = None
    months_without_case: int | None = None

    @property
    def coverage(self) -> float | None:
        return None if self.reached30 is None else metrics.coverage(self.reached30, self.headcount)

    # A trend or an improvement is the change as the page prints it (metrics.point_change: the
    # difference of the two percentages shown), so a column sorted by it reads in order: sorted by
    # the exact change, +6, +1, +2 could follow each other.
    @property
    def participation_trend(self) -> float | None:
        return point_change(self.last30.participation, self.previous30.participation)

    @property
    def knowledge_trend(self) -> float | None:
        return point_change(self.last30.knowledge, self.previous30.knowledge)

    def below(self, target: float) -> bool:
        """Below target: 30-day participation under the town's target."""
        value = self.last30.participation
        return value is not None and value < target


def _no_case_key(row: CompanyFigures) -> float | None:
    # No case ever recorded is the best standing: longer than any count of months.
    return float("inf") if row.last_case_month is None else row.months_without_case


SORTS: dict[str, Callable[[CompanyFigures], SortValue]] = {
    "name": lambda r: r.name,
    "grid": lambda r: r.grid_name,
    "headcount": lambda r: r.headcount,
    "today": lambda r: r.today.participation,
    "p7": lambda r: r.last7.participation,
    "p30": lambda r: r.last30.participation,
    "coverage": lambda r: r.coverage,
    "knowledge": lambda r: r.last30.knowledge,
    "trend_p": lambda r: r.participation_trend,
    "trend_k": lambda r: r.knowledge_trend,
    "no_case": _no_case_key,
}
DEFAULT_SORT = "p30"


def sort_rows(rows: Iterable[Row], key: Callable[[Row], SortValue], descending: bool = False) -> list[Row]:
    """Rows sorted by `key`; rows without a value always last, ties by name (metrics.ranked)."""
    return metrics.ranked(rows, key, descending)


@dataclass(frozen=True)
class DashboardQuery:
    """What the dashboard's URL asks for: ?sort=&dir=&grid=&q=&below=1&page=."""

    sort: str = DEFAULT_SORT
    descending: bool = False
    grid: int | None = None
    q: str = ""
    below: bool = False
    page: int = 1

    def args(self, **changes: Any) -> dict:
        """URL arguments for this query with some changed (for links), defaults left out."""
        query = replace(self, **changes)
        args = {"sort": query.sort, "dir": "desc" if query.descending else "asc", "grid": query.grid,
                "q": query.q or None, "below": 1 if query.below else None,
                "page": query.page if query.page > 1 else None}
        return {k: v for k, v in args.items() if v is not None}

    def sort_link(self, column: str) -> dict:
        """Clicking a column sorts by it; clicking the sorted column again flips the direction."""
        descending = not self.descending if column == self.sort else column not in ("name", "grid")
        return self.args(sort=column, descending=descending, page=1)


def _int(value: object) -> int | None:
    return row_id(value)


def parse_dashboard_query(args: Mapping[str, str]) -> DashboardQuery:
    """The dashboard query from URL arguments; unknown values fall back to the defaults (the
    default order puts the lowest 30-day participation first: the companies to look at)."""
    sort = args.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        sort = DEFAULT_SORT
    page = _int(args.get("page"))
    return DashboardQuery(sort=sort, descending=args.get("dir") == "desc", grid=_int(args.get("grid")),
                          q=plain_text(args.get("q")), below=args.get("below") in ("1", "on", "yes"),
                          page=page if page and page > 0 else 1)


def filter_rows(rows: Iterable[CompanyFigures], query: DashboardQuery, target: float) -> list[CompanyFigures]:
    """Rows matching the name search (case-insensitive, company or grid name) and, if asked,
    only those below target. The grid filter is applied when the rows are read."""
    needle = query.q.casefold()
    return [r for r in rows
            if (not needle or needle in r.name.casefold() or needle in r.grid_name.casefold())
            and (not query.below or r.below(target))]


@dataclass(frozen=True)
class Page:
    rows: list
    number: int
    pages: int
    total: int


def paginate(rows: Sequence, number: int, size: int = PAGE_SIZE) -> Page:
    pages = max((len(rows) + size - 1) // size, 1)
    number = min(max(number, 1), pages)
    return Page(list(rows[(number - 1) * size:number * size]), number, pages, len(rows))


def parse_company_ids(values: Iterable[str]) -> tuple[list[int], bool]:
    """The companies chosen for comparison (in order, without repeats), at most MAX_COMPARED;
    the flag says some were left out. Values that are not ids are ignored."""
    ids: list[int] = []
    for value in values:
        number = _int(value)
        if number is not None and number not in ids:
            ids.append(number)
    return ids[:MAX_COMPARED], len(ids) > MAX_COMPARED


@dataclass(frozen=True)
class Standing:
    """A company (or a grid) on the comparison page: this period against the one before."""

    id: int
    name: str
    recent: Tally  # the last 4 weeks
    before: Tally  # the 4 weeks before
    weekly: tuple[Tally, ...] = field(default=())
    grid_name: str = ""

    @property
    def level(self) -> float | None:
        return self.recent.participation

    @property
    def improvement(self) -> float | None:
        """In percentage points as printed (see participation_trend)."""
        return point_change(self.recent.participation, self.before.participation)

    @property
    def short_before(self) -> bool:
        """The 4 weeks before hold less than 4 weeks of data (the company is newer, or nights
        without a rollup): its change compares with fewer days, and the page says so. None there
        at all shows no change ("–")."""
        return 0 < self.before.days < FULL_FOUR_WEEKS


def short_of_data(standings: Iterable[Standing]) -> list[Standing]:
    """The standings whose 4 weeks before hold less than 4 weeks of data, or none at all."""
    return [s for s in standings if s.before.days < FULL_FOUR_WEEKS]


def by_improvement(standings: Iterable[Standing]) -> list[Standing]:
    """Most improved first: the change of participation, so a small company that moved from 40%
    to 70% ranks above a big one that stayed at 75%; each company counts once, whatever its size."""
    return sort_rows(standings, lambda s: s.improvement, descending=True)


def by_level(standings: Iterable[Standing]) -> list[Standing]:
    """Highest participation over the last 4 weeks first (a rate, so size does not matter)."""
    return sort_rows(standings, lambda s: s.level, descending=True)


def _percent(value: float | None) -> float | None:
    return None if value is None else metrics.percent_number(value, 1)


def chart_series(weeks_shown: Sequence[Span], standings: Iterable[Standing], so_far: str) -> dict:
    """What the comparison charts draw, as JSON-ready data: each week's Monday (the last week, this
    one, marked `so_far`: the reader's words for a week still counting), and each company's
    participation and knowledge per week in percent (null: nothing expected)."""
    labels = [w.first.strftime("%m-%d") for w in weeks_shown]
    if labels:
        labels[-1] = f"{labels[-1]} {so_far}"
    return {"weeks": labels,
            "series": [{"name": s.name, "participation": [_percent(t.participation) for t in s.weekly],
                        "knowledge": [_percent(t.knowledge) for t in s.weekly]} for s in standings]}
