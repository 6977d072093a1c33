"""Reading the figures: past days from the daily rollup, today from the roster and today's
attempts, as metrics.Tally sums (docs/metrics.md, "Which days count").

Used by every surface that shows participation, the knowledge index or active workers: the
console's board, trends and exports, the grid dashboard, comparison and town view, the weekly and
monthly reports, the digest, the API and the incidents page. Scoping is the caller's: it passes
the companies it may show (dashboard.service.visible_scope, or the staff member's own company).

- A past day counts when its company has a `CompanyDay` row: the nightly `quizapp rollup` writes
  one for every company and day. A past day without a row has **no data** (before the company
  used quizapp, or a night the job did not run): it is left out of every sum, never a day of 0%.
- Today is read live, whatever the rollup holds yet: the roster's active workers are expected
  (on a workday) and done are their official quizzes finished or whose time ran out with at least
  one answer given (`done`), exactly as the console's board counts them. The common daily set
  (first tries only, as the finishers counted them) and scores come from today's rollup row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import and_, case, func, literal, literal_column, or_, select

from quizapp import scope as tenancy  # `scope` here names a Scope: the companies read
from quizapp.extensions import db
from quizapp.models import Attempt, Company, CompanyDay, Employee
from quizapp.quiz.service import GRACE_SECONDS
from quizapp.rules import metrics
from quizapp.rules.metrics import Span, Tally
from quizapp.rules.vocab import AttemptKind

NOTHING = Tally()  # no day with data


class CompanyInfo(NamedTuple):
    id: int
    name: str
    grid_id: int
    grid_name: str
    workdays: str


@dataclass(frozen=True)
class Scope:
    """Companies to read (the caller has checked the reader may see them): their columns, and the
    same set as a subquery for IN, so a query over 3,000 companies does not carry 3,000 parameters."""

    companies: list[CompanyInfo]
    ids: Any  # a select() of Company.id, or a list of ids
    # A period's companies (scope.companies_counted_between): some may not count today (deactivated
    # since), so today's live figures read only those that do (counting_today). False: active ones.
    period: bool = False

    def only(self, companies: list[CompanyInfo]) -> Scope:
        return Scope(companies, [c.id for c in companies], self.period)


def counting_today(scope: Scope, today: date) -> Scope:
    """The scope's companies that count today (scope.company_counted_on): today's live figures are
    theirs only; a company deactivated today is in a period's past days, never in its today."""
    if not scope.period or not scope.companies:
        return scope
    ids = select(Company.id).where(Company.id.in_(scope.ids), *tenancy.company_counted_on(today))
    found = set(db.session.scalars(ids))
    return Scope([c for c in scope.companies if c.id in found], ids)


# --- today, live ---------------------------------------------------------------------------------

def ran_out(now: datetime):
    """Today's attempt's time is up (with the grace the quiz allows an answer in flight)."""
    return Attempt.deadline_at < now - timedelta(seconds=GRACE_SECONDS)


def done(now: datetime):
    """An official attempt that counts as done (metrics.quiz_done in SQL): finished, or its time
    ran out before `now` (closed or not: it counts, with the answers given in time, even before the
    worker comes back and it is closed), with at least one answer given in time. A quiz opened and
    left with no answer is not done, closed or not: its worker may take it again that day
    (quiz.service.reopen). The one definition of done: `now` is required, so no reader can count
    finished ones only."""
    return and_(Attempt.answered > 0, or_(Attempt.finished_at.is_not(None), ran_out(now)))


def todays_attempt(today: date):
    """The join of a worker to their official attempt of the day: at most one (a unique
    constraint), and practice rounds have no official_date, so they never join."""
    return and_(Attempt.employee_id == Employee.id, Attempt.official_date == today)


@dataclass(frozen=True)
class Live:
    """A company today: its active workers, and how many of them are done or in progress."""

    headcount: int = 0
    done: int = 0
    in_progress: int = 0


def live_today(scope: Scope, today: date, now: datetime) -> dict[int, Live]:
    """Per company, today's active workers and their official quizzes done and in progress: the
    board's count (the roster joined to today's attempts), for every company. Two GROUP BYs, one
    over the roster and one over today's attempts, so the town's 150,000 workers are not each
    probed for an attempt. Today's attempts are read first, through their (company, local date)
    index (a materialised CTE on PostgreSQL, whose planner would otherwise probe each worker's
    whole history), then kept only for workers active today. Only the companies that count today."""
    scope = counting_today(scope, today)
    if not scope.companies:
        return {}
    heads = headcounts(scope, today)
    todays = (select(Attempt.company_id, Attempt.employee_id, done(now).label("done"))
              .where(Attempt.company_id.in_(scope.ids), Attempt.local_date == today,
                     Attempt.kind == AttemptKind.OFFICIAL)
              .cte("todays").prefix_with("MATERIALIZED", dialect="postgresql"))
    quizzes = {cid: (int(finished), int(started)) for cid, finished, started in db.session.execute(
        select(todays.c.company_id, func.count().filter(todays.c.done), func.count().filter(~todays.c.done))
        .join(Employee, Employee.id == todays.c.employee_id)
        .where(Employee.company_id == todays.c.company_id, *tenancy.active_on(today))
        .group_by(todays.c.company_id))}
    return {cid: Live(count, *quizzes.get(cid, (0, 0))) for cid, count in heads.items()}


def headcounts(scope: Scope, day: date) -> dict[int, int]:
    """Active workers on `day` per company, from the roster (one GROUP BY)."""
    if not scope.companies:
        return {}
    return dict(db.session.execute(select(Employee.company_id, func.count(Employee.id)).where(
        Employee.company_id.in_(scope.ids), *tenancy.active_on(day)).group_by(Employee.company_id)).all())


# --- past days, from the rollup ----------------------------------------------------------------------

def _on_workday(expr):
    return case((CompanyDay.workday, expr), else_=0)


# metrics.day_tally in SQL: a day's done is capped at its headcount, days off expect nothing.
_CAPPED = case((CompanyDay.completed > CompanyDay.headcount, CompanyDay.headcount), else_=CompanyDay.completed)
TALLY_SUMS = (func.sum(_on_workday(CompanyDay.headcount)), func.sum(_on_workday(_CAPPED)),
              func.sum(CompanyDay.common_correct), func.sum(CompanyDay.common_answered), func.count())


def _tally(row: Iterable) -> Tally:
    return Tally(*(int(v or 0) for v in row))


def _rollup_sums(ids, spans: list[Span], today: date) -> list[dict[int, tuple[int, ...]]]:
    """Each company's rollup sums over each span's past days (today is not read), for disjoint
    spans oldest first. Spans that follow one another without a gap are read by one GROUP BY over
    their days, each row counted in its span (a CASE on the day): one pass over the rollup's index
    per company, not one per span (the town view's 12 weeks and its periods are 15 spans)."""
    found: list[dict[int, tuple[int, ...]]] = [{} for _ in spans]
    past = [(i, Span(span.first, min(span.last, today - timedelta(days=1)))) for i, span in enumerate(spans)]
    past = [(i, span) for i, span in past if span.first <= span.last]
    runs: list[list[tuple[int, Span]]] = []
    for i, span in past:
        if runs and runs[-1][-1][1].last + timedelta(days=1) == span.first:
            runs[-1].append((i, span))
        else:
            runs.append([(i, span)])
    for run in runs:
        which = case(*((CompanyDay.day <= span.last, i) for i, span in run[:-1]), else_=run[-1][0]) \
            if len(run) > 1 else literal(run[0][0])
        rows = db.session.execute(select(CompanyDay.company_id, which.label("span"), *TALLY_SUMS).where(
            CompanyDay.company_id.in_(ids), CompanyDay.day >= run[0][1].first, CompanyDay.day <= run[-1][1].last)
            .group_by(CompanyDay.company_id, literal_column("span")))  # the label: a CASE's parameters differ
        # Sums over at least one row of non-null integer columns: never NULL, ints on both databases.
        # Plain tuples, not Tally: CPython's garbage collector stops tracking a tuple of ints, not a
        # named tuple, and the town view holds some 40,000 of these (gc time doubled the page).
        for row in rows:
            found[row[1]][row[0]] = tuple(row[2:])
    return found


def _today_rows(ids: Any, today: date) -> dict[int, tuple[int, ...]]:
    """Today's rollup rows: common right, common answered, score sum, question sum per company."""
    return {cid: tuple(int(v or 0) for v in rest) for cid, *rest in db.session.execute(
        select(CompanyDay.company_id, CompanyDay.common_correct, CompanyDay.common_answered, CompanyDay.score_sum,
               CompanyDay.question_sum).where(CompanyDay.company_id.in_(ids), CompanyDay.day == today))}


def today_tallies(scope: Scope, today: date, now: datetime, live: dict[int, Live] | None = None
                  ) -> dict[int, Tally]:
    """Every company's today: live expected and done (on a workday), the common daily set from
    today's rollup row. Today always has data, even before anyone has finished."""
    scope = counting_today(scope, today)
    live = live_today(scope, today, now) if live is None else live
    rows = _today_rows(scope.ids, today) if scope.companies else {}
    result = {}
    for c in scope.companies:
        seen, (right, answered, _, _) = live.get(c.id, Live()), rows.get(c.id, (0, 0, 0, 0))
        result[c.id] = metrics.day_tally(metrics.is_workday(today, c.workdays), seen.headcount, seen.done,
                                         right, answered)
    return result


@dataclass(frozen=True)
class Pieces:
    """The figures read once per disjoint stretch of days; a period is the sum of its stretches.
    `sums` hold each company's Tally fields as plain tuples (see _rollup_sums)."""

    spans: list[Span]
    sums: list[dict[int, tuple[int, ...]]]

    def inside(self, span: Span) -> list[int]:
        return [i for i, piece in enumerate(self.spans) if span.first <= piece.first and piece.last <= span.last]

    def tally(self, company_id: int, parts: list[int]) -> Tally:
        if len(parts) == 1:  # most periods are one stretch: nothing to add up
            return Tally._make(self.sums[parts[0]].get(company_id, NOTHING))
        return metrics.total(self.sums[i].get(company_id, NOTHING) for i in parts)


def read_pieces(scope: Scope, today: date, spans: list[Span], now: datetime,
                live: dict[int, Live] | None = None) -> Pieces:
    """The sums for the stretches that `spans` are made of (segments): past days from the rollup,
    today (always a stretch of its own) live, so every period that includes today counts it the
    same way."""
    wanted = [*spans, Span(today, today)] if any(s.contains(today) for s in spans) else spans
    pieces = metrics.segments(wanted)
    if not scope.companies:
        return Pieces(pieces, [{} for _ in pieces])
    sums = _rollup_sums(scope.ids, pieces, today)
    for i, piece in enumerate(pieces):
        if piece.first == today == piece.last:
            sums[i] = {cid: tuple(t) for cid, t in today_tallies(scope, today, now, live).items()}
    return Pieces(pieces, sums)


def period_tallies(scope: Scope, span: Span, today: date, now: datetime) -> dict[int, Tally]:
    """Each company's tally over one period."""
    pieces = read_pieces(scope, today, [span], now)
    parts = pieces.inside(span)
    return {c.id: pieces.tally(c.id, parts) for c in scope.companies}


# --- day by day --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Day:
    """One company-day with data (or a grid's companies on one day, added up)."""

    day: date
    workday: bool  # a workday for the company (for a grid: for at least one of its companies)
    headcount: int  # active workers that day
    tally: Tally
    score_sum: int = 0
    question_sum: int = 0
    today: bool = False  # still counting
    companies: int = 1  # companies with data that day
    workday_companies: int = 0  # of those, companies for which it was a workday

    @property
    def participation(self) -> float | None:
        return self.tally.participation

    @property
    def average_score(self) -> float | None:
        return metrics.average_score(self.score_sum, self.question_sum)


def days_of(scope: Scope, span: Span, today: date, now: datetime) -> list[Day]:
    """The scope's days with data in the span, oldest first, its companies added up per day: past
    days from their rollup rows (a day no company has a row for is left out), today live."""
    if not scope.companies:
        return []
    past_last = min(span.last, today - timedelta(days=1))
    found: list[Day] = []
    if span.first <= past_last:
        rows = db.session.execute(
            select(CompanyDay.day, *TALLY_SUMS, func.sum(CompanyDay.headcount), func.sum(CompanyDay.score_sum),
                   func.sum(CompanyDay.question_sum), func.sum(case((CompanyDay.workday, 1), else_=0)))
            .where(CompanyDay.company_id.in_(scope.ids), CompanyDay.day >= span.first, CompanyDay.day <= past_last)
            .group_by(CompanyDay.day).order_by(CompanyDay.day))
        for day, expected, done_, right, answered, companies, heads, score, questions, workdays in rows:
            tally = _tally((expected, done_, right, answered, companies))
            found.append(Day(day, int(workdays or 0) > 0, int(heads or 0), tally, int(score or 0),
                             int(questions or 0), companies=int(companies), workday_companies=int(workdays or 0)))
    if span.contains(today) and (scope := counting_today(scope, today)).companies:
        live = live_today(scope, today, now)
        tallies = today_tallies(scope, today, now, live)
        today_rows = _today_rows(scope.ids, today)  # read twice (also in today_tallies): a few rows
        working = [c for c in scope.companies if metrics.is_workday(today, c.workdays)]
        found.append(Day(today, bool(working), sum(live.get(c.id, Live()).headcount for c in scope.companies),
                         metrics.total(tallies.values()), sum(r[2] for r in today_rows.values()),
                         sum(r[3] for r in today_rows.values()), today=True,
                         companies=len(scope.companies), workday_companies=len(working)))
    return found


def end_headcounts(scope: Scope, span: Span, today: date) -> dict[int, int]:
    """metrics.headcount_at_end per company: the headcount of the span's last day with data (the
    roster's active workers now when the span includes today); companies without data are absent.
    The nightly rollup writes every company's day, so the span's last day is read first (one index
    probe per company); only companies without that row are looked for further back."""
    if not scope.companies:
        return {}
    if span.contains(today):
        scope = counting_today(scope, today)
        heads = headcounts(scope, today)
        return {c.id: heads.get(c.id, 0) for c in scope.companies}
    found = dict(db.session.execute(select(CompanyDay.company_id, CompanyDay.headcount).where(
        CompanyDay.company_id.in_(scope.ids), CompanyDay.day == span.last)).all())
    missing = [c.id for c in scope.companies if c.id not in found]
    if missing:
        latest = (select(CompanyDay.company_id, func.max(CompanyDay.day).label("day"))
                  .where(CompanyDay.company_id.in_(missing), CompanyDay.day >= span.first,
                         CompanyDay.day < span.last)
                  .group_by(CompanyDay.company_id).subquery())
        found.update(db.session.execute(select(CompanyDay.company_id, CompanyDay.headcount).join(
            latest, and_(CompanyDay.company_id == latest.c.company_id, CompanyDay.day == latest.c.day))).all())
    return found
