"""Every figure that more than one page shows, defined once (docs/metrics.md), as pure rules.

Used by every surface that shows a figure: the console's board, trends and exports, the grid
dashboard, comparison and town view, the weekly and monthly reports (page and XLSX), the daily
digest, the API and the supervision rules. A figure is computed here from sums the services read
(quizapp/rollups/figures.py reads the daily rollup and today's roster into them) and written for
people here too, so two pages showing the same figure cannot disagree in the last digit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import NamedTuple, Protocol, TypeVar

NO_DATA = "–"


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by (shown as "–", never as 0%)."""
    return part / whole if whole else None


def _half_up(value: float, places: int = 0) -> Decimal:
    # repr() is the shortest text that reads back as the same float, so 0.285 rounds to 28.5 and
    # then 29, as a person (and a spreadsheet showing 28.5%) would round it, not to 28.
    exact = Decimal(value) if isinstance(value, (int, Decimal)) else Decimal(repr(value))
    return (exact * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent(value: float | None) -> str:
    """A share as every page, message and file name writes it: a whole percentage rounded half
    up ("45%"), or "–" when there was nothing to divide by."""
    return NO_DATA if value is None else f"{_half_up(value)}%"


def percent_number(value: float, places: int = 1) -> float:
    """A share in percent as a number, rounded half up to `places` (a chart's 62.5)."""
    return float(_half_up(value, places))


def whole_points(value: float | None) -> int | None:
    """A change of shares in whole percentage points, rounded half up (away from zero), or None."""
    return None if value is None else int(_half_up(value))


def point_change(now: float | None, before: float | None, places: int = 0) -> float | int | None:
    """The change of two shares in percentage points, computed from the percentages as printed
    (rounded half up to `places`, as `percent` and the spreadsheets write them), so 45% beside 45%
    is never "+1": the change always equals the difference of the two figures shown. None when
    either share is missing (no change against nothing)."""
    if now is None or before is None:
        return None
    points = _half_up(now, places) - _half_up(before, places)
    return int(points) if places == 0 else float(points)


def relative_change(now: float | Decimal | int, before: float | Decimal | int) -> int | None:
    """Year-on-year (or any) change of a count or an amount in whole percent of `before`,
    rounded half up away from zero; None when `before` is nothing (no change against nothing)."""
    if not before:
        return None
    before_ = Decimal(str(before))
    ratio = (Decimal(str(now)) - before_) * 100 / before_
    return int(ratio.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def signed(value: float | int | None, same: str, unit: str = "{}") -> str:
    """A change as every page, message and file writes it: "+3", "-2" (put into `unit`, e.g.
    "{} 个百分点" or "{}%"), `same` ("持平", "unchanged") for no change, never "+0" or "-0";
    "–" when there is no change to give."""
    if value is None:
        return NO_DATA
    if value == 0:
        return same
    text = f"{value:+d}" if isinstance(value, int) else f"{value:+.1f}"
    return unit.format(text)


# --- periods ---------------------------------------------------------------------------------------

@dataclass(frozen=True, order=True)
class Span:
    """A run of local dates, both ends included."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last


def trailing(today: date, days: int, ending_days_ago: int = 0) -> Span:
    """The `days` dates ending `ending_days_ago` days before today (0: ending today, which is
    still counting: a period that includes today is a partial one)."""
    last = today - timedelta(days=ending_days_ago)
    return Span(last - timedelta(days=days - 1), last)


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


# --- participation and the knowledge index --------------------------------------------------------

def quiz_done(finished: bool, ran_out: bool, answered: int) -> bool:
    """Whether one official quiz is done (docs/metrics.md, "Done"): finished, or its time ran out
    (closed as such or not yet), with at least one answer given in time. A quiz opened and left
    with no answer is not done, whatever its clock says: the worker may still take it that day.
    (A quiz finished by its last answer has every slot answered.) rollups.figures.done is this
    rule in SQL; tests/rollups/test_figures.py checks the two agree."""
    return answered > 0 and (finished or ran_out)


class Tally(NamedTuple):
    """A company's (or a grid's, or the town's) sums over some days, from which participation and
    the knowledge index are computed (docs/metrics.md).

    `expected` is the active headcount summed over the workdays with data; `done` the official
    quizzes done on those workdays, each day capped at its headcount; `common_*` the answers to
    the town's common daily set; `days` how many company-days had data (a rollup row, or today).
    A day without data is in none of the sums: it is not a day of 0%. (A named tuple: the town
    view adds up some 40,000 of them per request.)
    """

    expected: int = 0
    done: int = 0
    common_correct: int = 0
    common_answered: int = 0
    days: int = 0

    def __add__(self, other: Tally) -> Tally:  # type: ignore[override]  # sums, not concatenation
        return Tally(self[0] + other[0], self[1] + other[1], self[2] + other[2], self[3] + other[3],
                     self[4] + other[4])

    @property
    def participation(self) -> float | None:
        return participation(self)

    @property
    def knowledge(self) -> float | None:
        return knowledge_index(self)

    @property
    def heat(self) -> str:
        """The town view's heat-table class of this tally's participation."""
        return heat_class(self.participation)


def total(tallies: Iterable[Tally | tuple[int, ...]]) -> Tally:
    """Many tallies added up (a grid's companies, the town's grids): shares are divided once over
    the sums, so every worker counts the same whatever the size of their company. (Plain tuples
    in Tally's order add up too: the readers keep them so.)"""
    expected = done = right = answered = days = 0
    for t in tallies:
        expected, done, right, answered, days = (expected + t[0], done + t[1], right + t[2], answered + t[3],
                                                 days + t[4])
    return Tally(expected, done, right, answered, days)


def day_tally(workday: bool, headcount: int, done: int, common_correct: int = 0, common_answered: int = 0) -> Tally:
    """One company-day with data. On a workday its active headcount is expected and its done
    quizzes count up to that headcount (a worker added after the day's first finisher fixed the
    headcount cannot push it past 100%); a day off expects nothing and its quizzes do not count.
    The common daily set counts every day. (rollups/figures.py adds rollup rows up by this rule in
    SQL; tests/rollups/test_figures.py checks the two agree.)"""
    return Tally(headcount if workday else 0, min(done, headcount) if workday else 0,
                 common_correct, common_answered, 1)


def participation(tally: Tally) -> float | None:
    """Done ÷ expected: non-starters count as zero, so a big company cannot hide them; days off
    and days without data are in neither sum; None when nothing was expected."""
    return share(tally.done, tally.expected)


def knowledge_index(tally: Tally) -> float | None:
    """Share right among first tries at the town's common daily set: every company answers the same
    questions that day, and a question a worker met before (a review, an earlier common set) is
    left out, so the index compares what workers know, not what they were taught to recognise.
    (The rollup counts only first tries in `common_*`: rollups.service, bank.items.is_first_try.)"""
    return share(tally.common_correct, tally.common_answered)


def average_score(score_sum: int, question_sum: int) -> float | None:
    """Share right over all questions of finished official quizzes."""
    return share(score_sum, question_sum)


def change(now: float | None, before: float | None) -> float | None:
    """This period's share minus the previous period's (in share points); None when either is
    missing, so a change is never against nothing."""
    return None if now is None or before is None else now - before


def count_change(now: int | None, before: int | None) -> int | None:
    """The difference of two counts (active workers), or None when either period has no data."""
    return None if now is None or before is None else now - before


HEAT_STEPS = 10  # heat-0 .. heat-9


def heat_class(value: float | None) -> str:
    """The CSS class of a heat-table cell: heat-0 (under 10%) to heat-9 (90% and over), or
    heat-none when nothing was expected."""
    if value is None:
        return "heat-none"
    return f"heat-{min(max(int(value * HEAT_STEPS), 0), HEAT_STEPS - 1)}"


# --- headcount and coverage ------------------------------------------------------------------------

def headcount_at_end(days: Iterable[tuple[date, int]]) -> int | None:
    """Active workers over a period: the headcount of its last day with data (today: the roster's
    active workers now); None when no day of the period has data."""
    last = max(days, default=None, key=lambda d: d[0])
    return None if last is None else last[1]


def counted_from(active_from: date | None, added_on: date) -> date:
    """The first day a worker is expected: their start date, but never before the day they were
    put on the roster (`added_on`, local), since a past day's rollup row was written without them;
    without a start date, the day they were added. scope.active_on is this rule in SQL."""
    return added_on if active_from is None else max(active_from, added_on)


NO_DAY = date.min  # counted_until of a worker who counts on no day


def counted_until(active: bool, active_until: date | None) -> date | None:
    """The last day a worker is expected (None: no end). On the roster: their leaving date, if
    any. Deactivated: the day before they were deactivated (deactivating records that day as
    `active_until`), since from then on they are off the roster: today's live figure leaves them
    out at once and the night's rollup row of that day is written without them, while the rows of
    the days before were written with them and stay so. Deactivated without a date (before the
    date was kept): no day (NO_DAY). Within these dates, the days a worker was away and came back
    from do not count either (days_away, counted_on)."""
    if active:
        return active_until
    return NO_DAY if active_until is None else active_until - timedelta(days=1)


def days_away(active: bool, active_until: date | None, first_counted: date, today: date) -> Span | None:
    """The days a worker coming back on `today` (reactivated, or their passed leaving date cleared)
    was away: from the day after the last day they counted (counted_until), or from their first
    day (`first_counted`: counted_from) if later, through the day before today. Those days stay
    not counted once they are back (they are recorded as an absence, which counted_on and
    scope.active_on honour), so no past day's figure moves because someone came back; they count
    again from today. None when there is no such day: deactivated today and back today, or a
    leaving date not passed yet."""
    last = counted_until(active, active_until)
    if last is None:
        return None
    first = max(first_counted, last + timedelta(days=1))
    through = today - timedelta(days=1)
    return Span(first, through) if first <= through else None


def deactivated_on(active_until: date | None, today: date) -> date:
    """The day deactivating a worker today records as `active_until`: today (they count through
    yesterday), or, for a worker whose leaving date has passed, the day after it, so they still
    count through their leaving date and no day more (deactivating changes no past day)."""
    return today if active_until is None or active_until >= today else active_until + timedelta(days=1)


def away_within(first: date, last: date | None, away: Iterable[Span]) -> list[Span]:
    """The days of `away` (a worker's absences) between first and last (None: no end), merged,
    oldest first: the days of their roster dates on which they do not count."""
    clipped = sorted(Span(max(a.first, first), a.last if last is None else min(a.last, last)) for a in away)
    merged: list[Span] = []
    for span in clipped:
        if span.first > span.last:
            continue
        if merged and span.first <= merged[-1].last + timedelta(days=1):
            merged[-1] = Span(merged[-1].first, max(merged[-1].last, span.last))
        else:
            merged.append(span)
    return merged


def counted_on(day: date, first: date, last: date | None, away: Iterable[Span] = ()) -> bool:
    """Whether a worker counts on `day` (docs/metrics.md, "People who join or leave"): from their
    first day (counted_from) through their last (counted_until), except the days they were away
    and came back from (days_away). scope.active_on is this rule in SQL."""
    return first <= day and (last is None or day <= last) and not any(a.contains(day) for a in away)


def coverage(workers_with_a_quiz: int, active_workers: int) -> float | None:
    """Share of today's active workers with at least one done official quiz in the period (finished,
    or its time ran out after at least one answer: quiz_done, docs/metrics.md, "Done")."""
    return share(min(workers_with_a_quiz, active_workers), active_workers)


# --- streaks ---------------------------------------------------------------------------------------

def is_workday(day: date, workdays: str) -> bool:
    """A day the company expects the pre-shift quiz (ISO weekdays, e.g. "123456")."""
    return str(day.isoweekday()) in workdays


def streak(done: Iterable[date], today: date, workdays: str) -> int:
    """Workdays in a row with a finished official quiz, counting back from today.

    A day off without a quiz neither breaks nor extends a streak. A day off with one counts: the
    worker came in for a shift (overtime on a rest day is common in the factories), and a worker
    who just finished on a Sunday must not read "0 workdays in a row". Today not done yet does not
    break it either: the shift may not have started.
    """
    done = set(done)
    if not workdays:
        return 0
    day, count = today, 0
    if day not in done:
        day -= timedelta(days=1)
    for _ in range(3660):
        if day in done:
            count += 1
        elif is_workday(day, workdays):
            break
        day -= timedelta(days=1)
    return count


# --- incidents and losses -------------------------------------------------------------------------

@dataclass(frozen=True)
class IncidentTotals:
    """The town's three figures (the "three declines"): confirmed cases (确认警情), losses (损失金额)
    and raw reports (原始警情)."""

    cases: int = 0
    loss_yuan: Decimal = Decimal("0")
    raw_reports: int = 0


def incident_totals(records: Iterable, months: Iterable[date] | None = None) -> IncidentTotals:
    """Confirmed cases, losses and raw reports of the incident records (anything with `month`,
    `cases`, `loss_yuan` and `raw_reports`) whose month (the month the cases happened, not the day
    they were entered) is one of `months` (first days of months; None: every record given). Losses
    are added as decimals (yuan, fen)."""
    wanted = None if months is None else set(months)
    chosen = [r for r in records if wanted is None or r.month in wanted]
    return IncidentTotals(sum(r.cases for r in chosen),
                          sum((Decimal(str(r.loss_yuan)) for r in chosen), Decimal("0")),
                          sum(r.raw_reports for r in chosen))


def declined(now: int | Decimal, before: int | Decimal) -> bool | None:
    """Whether a figure fell from the same period a year before ("下降"): None when the earlier
    period had none to fall from (0 → 0 is no decline, and no rise either)."""
    if not before and not now:
        return None
    return now < before


def months_without_case(last_case_month: date | None, through: date) -> int | None:
    """Whole months from the month of the last recorded case to `through`'s month (0: a case
    that month); None when no case was ever recorded."""
    if last_case_month is None:
        return None
    return max((through.year - last_case_month.year) * 12 + through.month - last_case_month.month, 0)


def zero_case_months(last_case_month: date | None, through: date, today: date) -> int | None:
    """"连续 N 个月零发案" as the town counts it: whole calendar months in a row without a recorded
    case, ending with the last **complete** month on or before `through`'s month (a month still in
    progress on `today` does not count yet: it may still bring a case). 0 when that month had a
    case; None when no case was ever recorded (no run to count from)."""
    if last_case_month is None:
        return None
    last_complete = through.replace(day=1)
    if last_complete >= today.replace(day=1):  # the month is not over yet
        last_complete = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return max((last_complete.year - last_case_month.year) * 12 + last_complete.month - last_case_month.month, 0)


# --- outreach -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OutreachTotals:
    """Outreach events and people reached (docs/metrics.md)."""

    events: int = 0
    people: int = 0


def outreach_totals(records: Iterable, span: Span | None = None) -> OutreachTotals:
    """Outreach events and people reached: each activity recorded in the ledger is one event,
    whatever its size, and its people reached are added as recorded (a person at two activities
    counts twice: the town counts reach, not residents). `records` are anything with `day`,
    `events` (activities it stands for: 1 for a record, the count for a grouped row) and `people`;
    only those whose day lies in `span` count (None: every one given)."""
    events = people = 0
    for r in records:
        if span is None or span.contains(r.day):
            events, people = events + r.events, people + r.people
    return OutreachTotals(events, people)


K = TypeVar("K")


def outreach_by(records: Iterable, key: Callable[..., K], span: Span | None = None) -> dict[K, OutreachTotals]:
    """outreach_totals per `key(record)` (a grid, a kind, a month), in the order keys first appear."""
    groups: dict[K, list] = {}
    for r in records:
        if span is None or span.contains(r.day):
            groups.setdefault(key(r), []).append(r)
    return {k: outreach_totals(found) for k, found in groups.items()}
# --- the heat index (热力指数) ----------------------------------------------------------------------

HEAT_MONTHS = 12  # the months a grid's cases count in, the last one included
HEAT_HALF_LIFE = 6  # a case this many months old counts half as much as one this month
PER_WORKERS = 10_000


def cases_per_workers(cases: int, workers: int | None) -> float | None:
    """Cases per 10,000 workers, or None when the grid has no worker to divide by."""
    return cases * PER_WORKERS / workers if workers else None


def heat_index(cases_by_age: Iterable[tuple[int, int]], workers: int | None, participation: float | None,
               knowledge: float | None) -> float | None:
    """A grid's 热力指数 (docs/metrics.md): its recent cases per 10,000 workers, each case weighted
    by its age in months (0: the period's last month) as 0.5 ** (age / HEAT_HALF_LIFE), cases older
    than HEAT_MONTHS left out; times (1 - (participation + knowledge) / 3), so a grid whose workers
    all take part and answer right counts a third as hot as one with the same cases and no
    quiz at all. A missing participation or knowledge counts as 0 (nothing shows the workers are
    protected). None when the grid has no worker."""
    if not workers:
        return None
    weighted = sum(cases * 0.5 ** (age / HEAT_HALF_LIFE) for age, cases in cases_by_age if 0 <= age < HEAT_MONTHS)
    guard = ((participation or 0.0) + (knowledge or 0.0)) / 3
    return weighted * PER_WORKERS / workers * (1 - guard)


# --- rankings --------------------------------------------------------------------------------------

class _Named(Protocol):
    @property
    def name(self) -> str: ...


Row = TypeVar("Row", bound=_Named)
SortValue = float | str | None  # None: no value, sorted last whatever the direction


def ranked(items: Iterable[Row], key: Callable[[Row], SortValue], descending: bool = False) -> list[Row]:
    """Items sorted by `key`; those without a value always last, ties by name."""
    keyed = sorted(((key(r), r) for r in items), key=lambda kr: kr[1].name)
    known = sorted([(k, r) for k, r in keyed if k is not None], key=lambda kr: kr[0], reverse=descending)
    return [r for _, r in known] + [r for k, r in keyed if k is None]


def top_and_bottom(items: Iterable[Row], value: Callable[[Row], float | None], count: int = 5
                   ) -> tuple[list[Row], list[Row]]:
    """The `count` highest (highest first) and the `count` lowest (lowest first) by value, items
    without a value left out. With fewer than 2 × count, every item is in the first list alone
    and the second is empty: the same company is never listed as both top and bottom."""
    order = [i for i in ranked(items, value, descending=True) if value(i) is not None]
    if len(order) < 2 * count:
        return order, []
    return order[:count], list(reversed(order[-count:]))
