"""Trends and topics for a company's outreach staff, and one worker's history.

Used by the console's trends page, the per-worker history page and exports.service. Owns the
queries behind them, always scoped to the staff member's own company: the company-level series
read the CompanyDay rollup; team and shift breakdowns and weak topics are a few GROUP BY queries
over official attempts done (finished, or their time ran out: rollups.figures.done; never one
query per worker).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from quizapp import scope
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    Company,
    CompanyDay,
    CompanyTopicDay,
    Employee,
    EmployeeAbsence,
    Shift,
    StaffUser,
    Topic,
)
from quizapp.quiz import service as quiz
from quizapp.rollups import figures
from quizapp.rollups.service import topic_answers
from quizapp.rules.metrics import Span, counted_from, counted_until, share
from quizapp.rules.ordering import shift_key, team_key
from quizapp.rules.vocab import AttemptKind
from quizapp.rules.zones import configured_zone, to_local
from quizapp.trends.rules import (
    MIN_TOPIC_ANSWERS,
    DayPoint,
    GroupDone,
    RosterSpan,
    Series,
    TopicFigure,
    company_days,
    days_away_in,
    group_series,
    period,
    rank_topics,
    suggested_topic,
)

GROUPS = ("team", "shift")
HISTORY_DAYS = 90


def official_done(now: datetime) -> tuple:
    """The only quiz-taking that counts: official attempts done (docs/metrics.md, "Done": finished,
    or their time ran out before `now`, with the answers given in time; rollups.figures.done)."""
    return (Attempt.kind == AttemptKind.OFFICIAL, figures.done(now))


def in_period(first: date, last: date):
    """Attempts taken between first and last. An official attempt's local_date is its
    official_date; filtering on local_date lets the (company_id, local_date) index do the work."""
    return (Attempt.local_date >= first, Attempt.local_date <= last)


def company_scope(company: Company) -> figures.Scope:
    """The staff member's own company as rollups.figures reads it."""
    return figures.Scope([figures.CompanyInfo(company.id, company.name, company.grid_id, "", company.workdays)],
                         [company.id])


def company_series(company: Company, days: list[date], today: date, now: datetime) -> tuple[DayPoint, ...]:
    """The company's days (rollups.figures.days_of: a past day's rollup row, today live); a day
    without data is left out of every figure (trends.rules.company_days)."""
    found = [DayPoint(d.day, d.workday, d.headcount, d.tally, d.score_sum, d.question_sum)
             for d in figures.days_of(company_scope(company), Span(days[0], days[-1]), today, now)]
    return company_days(days, found, company.workdays)


def group_breakdowns(company: Company, days: list[date], now: datetime, by: tuple[str, ...] = GROUPS,
                     with_data: dict[date, bool] | None = None) -> dict[str, list[Series]]:
    """Per-day participation and score for each team and each shift ({"team": [...], "shift": [...]}).

    Three queries whatever the company's size: the roster's workers grouped by (team, shift, active
    dates, whether still on the roster, when added), each counted on the days metrics.counted_from
    and counted_until give, the rule the company's headcount follows (so the groups add up to the
    company, and a worker deactivated today still counts on the days before: the company's rows of
    those days were written with them); the absences within the period of workers who came back,
    taken off their group on those days (metrics.counted_on: the rows of those days were written
    without them); and official attempts done (metrics' "done": finished, or today's whose time
    ran out) by workers counted that day (scope.active_on, the same rule in SQL), grouped by
    (team, shift, day), so no group passes 100%.
    Only the company's days with data count (`with_data`: date -> workday, from company_series).
    """
    if not set(by) <= set(GROUPS):
        raise ValueError(f"unknown breakdown {by!r}")
    roster = db.session.execute(
        select(Employee.team, Employee.shift, Employee.active, Employee.active_from, Employee.created_at,
               Employee.active_until, func.count(Employee.id))
        .where(Employee.company_id == company.id)
        .group_by(Employee.team, Employee.shift, Employee.active, Employee.active_from, Employee.created_at,
                  Employee.active_until)).all()
    absences = db.session.execute(
        select(Employee.id, Employee.team, Employee.shift, Employee.active, Employee.active_from, Employee.created_at,
               Employee.active_until, EmployeeAbsence.first_day, EmployeeAbsence.last_day)
        .join(EmployeeAbsence, EmployeeAbsence.employee_id == Employee.id)
        .where(Employee.company_id == company.id, *scope.away_between(days[0], days[-1]))).all()
    # Done by the workers counted on the attempt's day (scope.active_on: the headcount's rule).
    done = db.session.execute(
        select(Employee.team, Employee.shift, Attempt.local_date, func.count(Attempt.id), func.sum(Attempt.score),
               func.sum(Attempt.total))
        .join(Employee, Employee.id == Attempt.employee_id)
        .where(Attempt.company_id == company.id, Employee.company_id == company.id,
               *official_done(now), *in_period(days[0], days[-1]), *scope.active_on(Attempt.local_date))
        .group_by(Employee.team, Employee.shift, Attempt.local_date)).all()
    zone = configured_zone()
    spans = []
    for team, shift, active, start, added, until, count in roster:
        last = counted_until(active, until)
        if not active and last is not None and last < days[0]:
            continue  # left before the period: not a member of any group in it
        spans.append(((team, shift), counted_from(start, to_local(added, zone).date()), last, count))
    away: dict[tuple, list[Span]] = {}
    for worker_id, team, shift, active, start, added, until, first_day, last_day in absences:
        away.setdefault((worker_id, team, shift, active, start, added, until), []).append(Span(first_day, last_day))
    for (_, team, shift, active, start, added, until), found in away.items():
        first = counted_from(start, to_local(added, zone).date())
        spans += [((team, shift), s.first, s.last, -1)
                  for s in days_away_in(days, first, counted_until(active, until), found)]
    starts = dict(db.session.execute(select(Shift.name, Shift.starts_at).where(Shift.company_id == company.id)).all())
    order = {"team": team_key, "shift": lambda shift: shift_key(shift, starts)}
    result = {}
    for name in by:
        pick = GROUPS.index(name)  # 0: team, 1: shift
        result[name] = group_series(
            days, [RosterSpan(group[pick], first, last, count) for group, first, last, count in spans],
            [GroupDone((team, shift)[pick], day, count, int(score or 0), int(questions or 0))
             for team, shift, day, count, score, questions in done],
            company.workdays, with_data, order[name])
    return result


def workdays_with_data(series: tuple[DayPoint, ...]) -> dict[date, bool]:
    """The company's days with data and whether each was a workday."""
    return {d.day: d.workday for d in series if d.has_data}


@dataclass(frozen=True)
class TopicRow:
    topic: Topic
    figure: TopicFigure


def _ranked(rows) -> list[TopicRow]:
    """(topic id, answers, right) rows as topics, weakest first."""
    rows = list(rows)
    topics = {t.id: t for t in db.session.scalars(select(Topic).where(Topic.id.in_([r[0] for r in rows])))}
    ranked = rank_topics(TopicFigure(topics[tid].slug, answers, right) for tid, answers, right in rows)
    by_slug = {t.slug: t for t in topics.values()}
    return [TopicRow(by_slug[f.topic], f) for f in ranked]


def weakest_topics(company: Company, first: date, last: date, now: datetime) -> list[TopicRow]:
    """Share right per topic over the company's official answers to knowledge questions in the
    period (official quizzes done, a quiz whose time ran out with the answers given in time, even
    before it is closed; "did you do it" items and practice left out).

    Days whose per-topic rollup is built are read from it; the rest (today, and any day with a
    finisher since the last rebuild) from the raw answers, so the figure is always complete. (A
    rebuild closes the quizzes whose time ran out first: a built day has none left open.)"""
    built = list(db.session.scalars(select(CompanyDay.day).where(
        CompanyDay.company_id == company.id, CompanyDay.day >= first, CompanyDay.day <= last,
        CompanyDay.topics_built.is_(True))))
    totals: dict[int, list[int]] = {}
    rolled = db.session.execute(
        select(CompanyTopicDay.topic_id, func.sum(CompanyTopicDay.answered), func.sum(CompanyTopicDay.correct))
        .where(CompanyTopicDay.company_id == company.id, CompanyTopicDay.day.in_(built))
        .group_by(CompanyTopicDay.topic_id)).all() if built else []
    live = db.session.execute(topic_answers(Attempt.company_id == company.id, *official_done(now),
                                            *in_period(first, last), Attempt.local_date.not_in(built))).all()
    for topic_id, answered, right in [*rolled, *live]:
        total = totals.setdefault(topic_id, [0, 0])
        total[0] += int(answered or 0)
        total[1] += int(right or 0)
    return _ranked((topic_id, answered, right) for topic_id, (answered, right) in totals.items())


def suggestion(rows: list[TopicRow]) -> TopicRow | None:
    """The topic suggested for tomorrow's pre-shift talk (trends.rules.suggested_topic)."""
    chosen = suggested_topic([r.figure for r in rows])
    return next((r for r in rows if r.figure is chosen), None)


@dataclass(frozen=True)
class Trends:
    days: int
    first: date
    last: date
    company: Series
    teams: list[Series]
    shifts: list[Series]
    topics: list[TopicRow]
    suggested: TopicRow | None
    min_topic_answers: int = MIN_TOPIC_ANSWERS


def company_trends(actor: StaffUser, today: date, days: int, now: datetime) -> Trends:
    """Participation and average score per day for the actor's company, by team and by shift, over
    the `days` ending today, with the weakest topics and the one to talk about tomorrow."""
    company = scope.own_company(actor)
    dates = period(today, days)
    topics = weakest_topics(company, dates[0], dates[-1], now)
    series = company_series(company, dates, today, now)
    groups = group_breakdowns(company, dates, now, with_data=workdays_with_data(series))
    return Trends(days=days, first=dates[0], last=dates[-1],
                  company=Series(company.name, series),
                  teams=groups["team"], shifts=groups["shift"],
                  topics=topics, suggested=suggestion(topics))


@dataclass(frozen=True)
class WorkerDay:
    day: date
    official: Attempt | None
    practice: list[Attempt]
    done: bool = False  # the official quiz counts as done (metrics' "done": rollups.figures.done)

    @property
    def ran_out(self) -> bool:
        """The official quiz counts as done because its time ran out (closed as such, or not yet
        closed: the worker has not come back and the nightly job has not run)."""
        return self.done and self.official is not None and (
            self.official.expired or self.official.finished_at is None)


@dataclass(frozen=True)
class WorkerHistory:
    employee: Employee
    first: date
    last: date
    days: list[WorkerDay]  # newest first, days with an attempt only
    streak: int
    done: int  # official quizzes done in the period
    topics: list[TopicRow]
    suggested: TopicRow | None

    @property
    def dates(self) -> list[date]:
        return period(self.last, (self.last - self.first).days + 1)

    @property
    def labels(self) -> list[str]:
        return [d.strftime("%m-%d") for d in self.dates]

    @property
    def score_values(self) -> list[float | None]:
        """Each day's official score as a share (None: no official quiz done that day)."""
        official = {d.day: d.official for d in self.days if d.official is not None and d.done}
        return [share(official[d].score, official[d].total) if d in official else None for d in self.dates]


def find_worker(actor: StaffUser, employee_id: int) -> Employee | None:
    """A worker of the actor's company, or None (another company's worker does not exist here)."""
    return db.session.scalar(select(Employee).where(
        Employee.id == employee_id, Employee.company_id == scope.own_company_id(actor)))


def worker_history(actor: StaffUser, employee_id: int, today: date, now: datetime,
                   days: int = HISTORY_DAYS) -> WorkerHistory | None:
    """One worker's official and practice attempts by day, their streak and weakest topics (over
    their official quizzes done: a quiz whose time ran out counts before it is closed, as on the
    board and every figure), for staff of the worker's own company only."""
    employee = find_worker(actor, employee_id)
    if employee is None:
        return None
    first = today - timedelta(days=days - 1)
    attempts = db.session.execute(select(Attempt, figures.done(now)).where(
        Attempt.employee_id == employee.id, Attempt.local_date >= first, Attempt.local_date <= today)
        .order_by(Attempt.local_date.desc(), Attempt.started_at)).all()
    by_day: dict[date, WorkerDay] = {}
    for attempt, done in attempts:
        entry = by_day.setdefault(attempt.local_date, WorkerDay(attempt.local_date, None, []))
        if attempt.official:
            by_day[attempt.local_date] = WorkerDay(entry.day, attempt, entry.practice, bool(done))
        else:
            entry.practice.append(attempt)
    topics = _ranked(db.session.execute(topic_answers(Attempt.employee_id == employee.id, *official_done(now),
                                                      *in_period(first, today))).all())
    return WorkerHistory(
        employee=employee, first=first, last=today, days=list(by_day.values()),
        streak=quiz.streak_of(employee, today, now),
        done=sum(1 for d in by_day.values() if d.done),
        topics=topics, suggested=suggestion(topics))
