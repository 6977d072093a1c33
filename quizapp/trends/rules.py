"""Trends over a period as pure rules: the period, per-day series, group headcounts, weak topics.

Used by trends.service (the console's trends page and worker history) and exports.service.
Every figure is computed by rules.metrics (docs/metrics.md): participation is done ÷ active
headcount over the workdays with data (non-starters count as zero, days off and days without data
are left out of both sides, practice never counts); average score is right answers ÷ questions of
finished official quizzes.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from quizapp.rules import metrics
from quizapp.rules.inputs import whole
from quizapp.rules.metrics import Span, Tally, is_workday
from quizapp.rules.ordering import team_key

PERIODS = (7, 30, 90)
DEFAULT_DAYS = 30
# A topic needs this many answers before it is suggested for the pre-shift talk: two wrong
# answers out of two say little about a company.
MIN_TOPIC_ANSWERS = 10


def parse_days(value: object, default: int = DEFAULT_DAYS) -> int:
    """The period asked for in ?days=, or the default when it is not one of PERIODS."""
    days = whole(value)
    return days if days in PERIODS else default


def period(today: date, days: int) -> list[date]:
    """The `days` local dates ending with today, oldest first (today is still counting)."""
    return [today - timedelta(days=offset) for offset in range(days - 1, -1, -1)]


@dataclass(frozen=True)
class DayPoint:
    """One day of a company, a team or a shift. `tally` is None on a day without data (a past day
    without the company's rollup row): it is left out of every figure and the chart has a gap."""

    day: date
    workday: bool
    headcount: int
    tally: Tally | None
    score_sum: int = 0
    question_sum: int = 0

    @property
    def has_data(self) -> bool:
        return self.tally is not None

    @property
    def done(self) -> int:
        return self.tally.done if self.tally else 0

    @property
    def participation(self) -> float | None:
        """Done ÷ active headcount; none on a day off (nothing was expected) or without data."""
        return self.tally.participation if self.tally else None

    @property
    def average_score(self) -> float | None:
        return metrics.average_score(self.score_sum, self.question_sum) if self.tally else None


@dataclass(frozen=True)
class Series:
    """A named run of days: the company, one team or one shift."""

    name: str
    days: tuple[DayPoint, ...]

    @property
    def tally(self) -> Tally:
        """The days with data added up (docs/metrics.md)."""
        return metrics.total(d.tally for d in self.days if d.tally)

    @property
    def participation(self) -> float | None:
        return self.tally.participation

    @property
    def average_score(self) -> float | None:
        with_data = [d for d in self.days if d.tally]
        return metrics.average_score(sum(d.score_sum for d in with_data), sum(d.question_sum for d in with_data))

    @property
    def done(self) -> int:
        """Official quizzes done on workdays with data, each day capped at its headcount."""
        return self.tally.done

    @property
    def expected(self) -> int:
        """Quizzes expected: active headcount summed over the workdays with data."""
        return self.tally.expected

    @property
    def headcount(self) -> int | None:
        """Active workers: the headcount of the period's last day with data (today: now)."""
        return metrics.headcount_at_end((d.day, d.headcount) for d in self.days if d.tally)

    @property
    def days_without_data(self) -> int:
        """Days of the period without data: left out of the figures, a gap in the chart."""
        return sum(1 for d in self.days if not d.tally)

    @property
    def labels(self) -> list[str]:
        """The days as chart labels (month-day: the same in every language)."""
        return [d.day.strftime("%m-%d") for d in self.days]

    @property
    def participation_values(self) -> list[float | None]:
        return [d.participation for d in self.days]

    @property
    def score_values(self) -> list[float | None]:
        return [d.average_score for d in self.days]


def company_days(days: list[date], found: Iterable[DayPoint], workdays: str) -> tuple[DayPoint, ...]:
    """The company's days of the period: those with data as read (rollups.figures.days_of), the
    others without data (docs/metrics.md: a day without a rollup row is no data, not 0%)."""
    seen = {d.day: d for d in found}
    return tuple(seen.get(day) or DayPoint(day, is_workday(day, workdays), 0, None) for day in days)


@dataclass(frozen=True)
class RosterSpan:
    """Active workers of one group (a team or a shift) sharing one active_from/active_until; a
    negative count takes workers off on days they were away and came back from (days_away_in)."""

    group: str
    active_from: date | None
    active_until: date | None
    count: int

    def active_on(self, day: date) -> bool:
        return (self.active_from is None or self.active_from <= day) and (
            self.active_until is None or self.active_until >= day)


@dataclass(frozen=True)
class GroupDone:
    """Finished official quizzes of one group on one day, by workers active that day."""

    group: str
    day: date
    done: int
    score_sum: int
    question_sum: int


def days_away_in(days: list[date], first: date, last: date | None, away: Iterable[Span]) -> list[Span]:
    """The days of the (sorted) period on which a worker counted from `first` through `last`
    (metrics.counted_from, counted_until) was away and came back from: their absences within those
    dates, merged (metrics.away_within), that touch the period. The service gives each a
    RosterSpan of count -1, so a group's headcount leaves the worker out on those days as the
    company's rows do (metrics.counted_on, docs/metrics.md "People who join or leave")."""
    return [s for s in metrics.away_within(first, last, away) if s.last >= days[0] and s.first <= days[-1]]


def headcounts(days: list[date], spans: Iterable[RosterSpan]) -> dict[str, list[int]]:
    """Active workers of each group on each of the (consecutive, sorted) days.

    Each span adds its count from its first active day to its last, as a difference array, so a
    7,000-worker roster over 90 days costs one pass over the spans plus one over the days.
    """
    changes: dict[str, list[int]] = {}
    for span in spans:
        start = 0 if span.active_from is None else bisect_left(days, span.active_from)
        stop = len(days) if span.active_until is None else bisect_right(days, span.active_until)
        if start < stop:
            delta = changes.setdefault(span.group, [0] * (len(days) + 1))
            delta[start] += span.count
            delta[stop] -= span.count
        else:
            changes.setdefault(span.group, [0] * (len(days) + 1))  # on the roster, not active in the period
    result = {}
    for group, delta in changes.items():
        running, counts = 0, []
        for change in delta[:-1]:
            running += change
            counts.append(running)
        result[group] = counts
    return result


def group_series(days: list[date], spans: Iterable[RosterSpan], done: Iterable[GroupDone],
                 workdays: str, with_data: Mapping[date, bool] | None = None,
                 order: Callable[[str], Any] = team_key) -> list[Series]:
    """Per-day series for each team (or shift), lowest participation first, then in the names'
    natural order (`order`: rules.ordering.team_key, or shift_key for shifts).

    Headcount comes from today's roster with each worker's active dates, so a worker who moved
    team counts in the new one for the whole period. A group appears when it has workers or quizzes.
    Several rows for one group and day (spans or quizzes) add up. Only the days the company has
    data for count, as for the company itself, with the company's workday flag of that day
    (`with_data`: date -> workday; None: every day counts, workdays by the company's setting).
    """
    heads = headcounts(days, spans)
    by_key: dict[tuple[str, date], GroupDone] = {}
    for row in done:  # rows of one group and day (e.g. one per team and shift) add up
        seen = by_key.get((row.group, row.day))
        by_key[(row.group, row.day)] = row if seen is None else GroupDone(
            row.group, row.day, seen.done + row.done, seen.score_sum + row.score_sum,
            seen.question_sum + row.question_sum)
    groups = sorted(set(heads) | {g for g, _ in by_key})
    result = []
    for group in groups:
        group_heads = heads.get(group) or [0] * len(days)
        points = []
        for day, head in zip(days, group_heads, strict=True):
            found = by_key.get((group, day))
            workday = is_workday(day, workdays) if with_data is None else with_data.get(day, False)
            tally = metrics.day_tally(workday, head, found.done if found else 0) \
                if with_data is None or day in with_data else None
            points.append(DayPoint(day, workday, head, tally, found.score_sum if found else 0,
                                   found.question_sum if found else 0))
        result.append(Series(group, tuple(points)))
    return sorted(result, key=lambda s: (s.participation is None, s.participation or 0.0, order(s.name)))


def workdays_between(workday_list: list[date], first: date | None, last: date | None) -> int:
    """How many of the (sorted) workdays fall between first and last, both included; None = open."""
    lo = 0 if first is None else bisect_left(workday_list, first)
    hi = len(workday_list) if last is None else bisect_right(workday_list, last)
    return max(hi - lo, 0)


def worker_workdays(workday_list: list[date], first: date, last: date | None, away: Iterable[Span] = ()) -> int:
    """A worker's expected quizzes: the (sorted) workdays with data from first through last (None:
    open), less those of the days they were away and came back from (metrics.counted_on)."""
    return workdays_between(workday_list, first, last) - sum(
        workdays_between(workday_list, s.first, s.last) for s in metrics.away_within(first, last, away))


def worker_participation(done_on_workdays: int, expected: int) -> float | None:
    """A worker's participation: quizzes done on their expected workdays (workdays with data
    within their active dates) ÷ those workdays."""
    return metrics.share(min(done_on_workdays, expected), expected)


@dataclass(frozen=True)
class TopicFigure:
    """Knowledge answers on one topic: how many, how many right."""

    topic: str  # the topic's slug
    answers: int
    right: int

    @property
    def share_right(self) -> float | None:
        return metrics.share(self.right, self.answers)


def rank_topics(figures: Iterable[TopicFigure]) -> list[TopicFigure]:
    """Topics with answers, lowest share right first; ties: more answers first, then by slug."""
    answered = [f for f in figures if f.answers]
    return sorted(answered, key=lambda f: (f.right / f.answers, -f.answers, f.topic))


def suggested_topic(ranked: list[TopicFigure], min_answers: int = MIN_TOPIC_ANSWERS) -> TopicFigure | None:
    """Tomorrow's pre-shift talk: the weakest topic with enough answers to mean something, or the
    weakest of all when none has that many yet."""
    for figure in ranked:
        if figure.answers >= min_answers:
            return figure
    return ranked[0] if ranked else None
