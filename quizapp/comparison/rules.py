"""Comparing companies fairly, as pure rules: periods, tallies from the rollup, trends, targets,
rankings, sorting and filtering, and the heat scale.

Used by dashboard.service (the grid dashboard, the comparison page and the town view). Every
figure follows docs/metrics.md: participation is done ÷ active headcount over the workdays of a
period (non-starters count as zero, days off are left out of both sides); the knowledge index is
right answers ÷ answers on the town's common daily set. The two are shown side by side and never
blended into one score.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property
from itertools import pairwise
from typing import Any, Protocol, TypeVar

from quizapp.rules import metrics

DEFAULT_TARGET = 0.8
MAX_COMPARED = 8
WEEKS = 12  # weekly points on the comparison page and the town's heat table
PAGE_SIZE = 100
HEAT_STEPS = 10  # heat-0 .. heat-9


class _Named(Protocol):
    @property
    def name(self) -> str: ...


Row = TypeVar("Row", bound=_Named)
SortValue = float | str | None  # None: no value, sorted last whatever the direction


@dataclass(frozen=True, order=True)
class Span:
    """A run of local dates, both ends included."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def trailing(today: date, days: int, ending_days_ago: int = 0) -> Span:
    """The `days` dates ending `ending_days_ago` days before today (0: ending today)."""
    last = today - timedelta(days=ending_days_ago)
    return Span(last - timedelta(days=days - 1), last)


def weeks(today: date, count: int = WEEKS) -> list[Span]:
    """`count` seven-day weeks ending today, oldest first: the last one is this week so far."""
    return [trailing(today, 7, 7 * back) for back in range(count - 1, -1, -1)]


def segments(spans: Iterable[Span]) -> list[Span]:
    """The fewest disjoint spans that every given span is a union of, oldest first.

    The rollup is summed once per segment (one GROUP BY); each period is then the sum of its
    segments, so overlapping periods (today, 7 and 30 days) cost one scan of the rollup.
    """
    spans = list(spans)
    if not spans:
        return []
    cuts = sorted({s.first for s in spans} | {s.last + timedelta(days=1) for s in spans})
    covered = [Span(a, b - timedelta(days=1)) for a, b in pairwise(cuts)]
    return [s for s in covered if any(p.first <= s.first and s.last <= p.last for p in spans)]


@dataclass(frozen=True)
class Tally:
    """A company's (or a grid's, or the town's) sums over a period, read from the rollup.

    `expected` is the active headcount summed over the workdays; `done` the finished official
    quizzes on those workdays, each day capped at its headcount (a worker added after the day's
    first finisher fixed the headcount cannot push a day past 100%).
    """

    expected: int = 0
    done: int = 0
    common_correct: int = 0
    common_answered: int = 0
    estimated: int = 0  # 1 when today had no row yet and counts the roster as expected, none done

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.expected + other.expected, self.done + other.done,
                     self.common_correct + other.common_correct, self.common_answered + other.common_answered,
                     self.estimated + other.estimated)

    def figures(self) -> metrics.DayFigures:
        """The sums as the metrics module takes them (one "day" holding the whole period)."""
        return metrics.DayFigures(workday=True, headcount=self.expected, completed=self.done, score_sum=0,
                                  question_sum=0, common_correct=self.common_correct,
                                  common_answered=self.common_answered)

    @cached_property
    def participation(self) -> float | None:
        return metrics.participation([self.figures()])

    @cached_property
    def knowledge(self) -> float | None:
        return metrics.knowledge_index([self.figures()])

    @property
    def heat(self) -> str:
        """The heat-table class of this tally's participation."""
        return heat_class(self.participation)


def total(tallies: Iterable[Tally]) -> Tally:
    """The sum of many tallies (a grid's companies, the town's grids)."""
    return Tally(*add_sums((t.expected, t.done, t.common_correct, t.common_answered, t.estimated) for t in tallies))


# A company's rollup sums over some days, as the services read them: expected, done, common right,
# common answered, days estimated. Tally(*sums) turns them into figures.
ZERO = (0, 0, 0, 0, 0)


def unseen_today(headcount: int, workday: bool) -> tuple[int, ...]:
    """Today's sums for a company without a rollup row yet (nobody has finished): on a workday its
    roster's active workers are all expected and none done, so non-starters count as zero from
    the first minute. Earlier days come from the nightly rebuild, which writes a row for every
    company and day."""
    return (headcount, 0, 0, 0, 1) if workday else ZERO


def add_sums(parts: Iterable[Sequence[int]]) -> tuple[int, ...]:
    """Sums over several stretches of days, added up."""
    e = d = cc = ca = est = 0
    for pe, pd, pcc, pca, pest in parts:
        e, d, cc, ca, est = e + pe, d + pd, cc + pcc, ca + pca, est + pest
    return e, d, cc, ca, est


def change(now: float | None, before: float | None) -> float | None:
    """The trend: this period's share minus the previous period's (in share points), or None."""
    return None if now is None or before is None else now - before


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


def months_without_case(last_case_month: date | None, today: date) -> int | None:
    """Whole months since the month of the company's last recorded fraud case (0: a case this
    month); None when no case was ever recorded."""
    if last_case_month is None:
        return None
    return max((today.year - last_case_month.year) * 12 + today.month - last_case_month.month, 0)


def heat_class(value: float | None) -> str:
    """The CSS class of a heat-table cell: heat-0 (under 10%) to heat-9 (90% and over), or
    heat-none when nothing was expected."""
    if value is None:
        return "heat-none"
    return f"heat-{min(max(int(value * HEAT_STEPS), 0), HEAT_STEPS - 1)}"


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
    reached30: int | None = None  # active workers with a finished official quiz in the 30 days
    last_case_month: date | None = None
    months_without_case: int | None = None

    @property
    def coverage(self) -> float | None:
        return None if self.reached30 is None else metrics.coverage(min(self.reached30, self.headcount),
                                                                    self.headcount)

    @property
    def participation_trend(self) -> float | None:
        return change(self.last30.participation, self.previous30.participation)

    @property
    def knowledge_trend(self) -> float | None:
        return change(self.last30.knowledge, self.previous30.knowledge)

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
    """Rows sorted by `key`; rows without a value always last, ties by name."""
    keyed = sorted(((key(r), r) for r in rows), key=lambda kr: kr[1].name)
    known = sorted([(k, r) for k, r in keyed if k is not None], key=lambda kr: kr[0], reverse=descending)
    return [r for _, r in known] + [r for k, r in keyed if k is None]


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
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def parse_dashboard_query(args: Mapping[str, str]) -> DashboardQuery:
    """The dashboard query from URL arguments; unknown values fall back to the defaults (the
    default order puts the lowest 30-day participation first: the companies to look at)."""
    sort = args.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        sort = DEFAULT_SORT
    page = _int(args.get("page"))
    return DashboardQuery(sort=sort, descending=args.get("dir") == "desc", grid=_int(args.get("grid")),
                          q=(args.get("q") or "").strip()[:100], below=args.get("below") in ("1", "on", "yes"),
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
        return change(self.recent.participation, self.before.participation)


def by_improvement(standings: Iterable[Standing]) -> list[Standing]:
    """Most improved first: the change of participation, so a small company that moved from 40%
    to 70% ranks above a big one that stayed at 75%; each company counts once, whatever its size."""
    return sort_rows(standings, lambda s: s.improvement, descending=True)


def by_level(standings: Iterable[Standing]) -> list[Standing]:
    """Highest participation over the last 4 weeks first (a rate, so size does not matter)."""
    return sort_rows(standings, lambda s: s.level, descending=True)


def top_and_bottom(items: Iterable[Row], value: Callable[[Row], float | None],
                   count: int = 5) -> tuple[list[Row], list[Row]]:
    """The `count` highest and the `count` lowest by value (items without a value left out);
    the bottom list starts with the lowest. Ties go by name."""
    ranked = [i for i in sort_rows(items, value, descending=True) if value(i) is not None]
    return ranked[:count], list(reversed(ranked[-count:])) if ranked else []


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def chart_series(weeks_shown: Sequence[Span], standings: Iterable[Standing]) -> dict:
    """What the comparison charts draw, as JSON-ready data: each week's first day, and each
    company's participation and knowledge per week in percent (null: nothing expected)."""
    return {"weeks": [w.first.strftime("%m-%d") for w in weeks_shown],
            "series": [{"name": s.name, "participation": [_percent(t.participation) for t in s.weekly],
                        "knowledge": [_percent(t.knowledge) for t in s.weekly]} for s in standings]}
