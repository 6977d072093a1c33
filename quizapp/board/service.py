"""Today's board for a company's outreach staff: figures by shift and team, the not-done list
to chase, the pre-shift screen's count, and the JSON the pages poll.

Used by the console (board, chase lists, pre-shift screen, posters) and reminders.service. The
company is always the staff member's own (scope.own_company). The figures come from one
GROUP BY over the roster joined to today's official attempts, never a query per worker, so a
7,000-worker company's board stays fast (bench/board.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select

from quizapp import scope
from quizapp.board import rules
from quizapp.extensions import db
from quizapp.models import Attempt, Company, Employee, Shift, StaffUser
from quizapp.rollups import figures
from quizapp.rules.metrics import is_workday, percent
from quizapp.rules.ordering import sorted_shifts, sorted_teams
from quizapp.rules.zones import to_local


def shift_times(company_id: int) -> list[tuple[str, time]]:
    return [(s.name, s.starts_at) for s in db.session.scalars(
        select(Shift).where(Shift.company_id == company_id).order_by(Shift.starts_at, Shift.name))]




def cells(company_id: int, today: date, now: datetime) -> list[rules.Cell]:
    """Active workers per (shift, team) and how many are done or in progress: one GROUP BY, the
    per-team form of the count every page reads for today (rollups.figures.live_today)."""
    rows = db.session.execute(
        select(Employee.shift, Employee.team, func.count(Employee.id),
               func.count(Attempt.id).filter(figures.done(now)),
               func.count(Attempt.id).filter(~figures.done(now)))
        .select_from(Employee).outerjoin(Attempt, figures.todays_attempt(today))
        .where(Employee.company_id == company_id, *scope.active_on(today))
        .group_by(Employee.shift, Employee.team))
    return [rules.Cell(shift, team, rules.Tally(int(expected), int(finished), int(started)))
            for shift, team, expected, finished, started in rows]


@dataclass(frozen=True)
class TodayBoard:
    company: Company
    today: date
    workday: bool
    shifts: list[tuple[str, time]]
    board: rules.Board
    updated: str  # local time of the figures, HH:MM:SS

    @property
    def starts(self) -> dict[str, time]:
        return dict(self.shifts)


def today_board(user: StaffUser, today: date, now: datetime, zone: ZoneInfo) -> TodayBoard:
    """Completion today by shift and by team for the staff member's company (`zone`: the town's,
    for the local time of the figures)."""
    company = scope.own_company(user)
    shifts = shift_times(company.id)
    board = rules.tally(cells(company.id, today, now), [name for name, _ in shifts])
    return TodayBoard(company, today, is_workday(today, company.workdays), shifts, board,
                      to_local(now, zone).strftime("%H:%M:%S"))


def teams(user: StaffUser, today: date) -> list[str]:
    """The named teams with active workers today, in their natural order (rules.ordering)."""
    return sorted_teams(db.session.scalars(
        select(Employee.team).where(Employee.company_id == scope.own_company_id(user), *scope.active_on(today),
                                    Employee.team != "").distinct()))


def shifts(user: StaffUser, today: date) -> list[str]:
    """The shifts a list can be narrowed to: the configured ones in start order, then the other
    shift names active workers are on today, in the order of the day (rules.ordering)."""
    company_id = scope.own_company_id(user)
    configured = [name for name, _ in shift_times(company_id)]
    on_roster = db.session.scalars(
        select(Employee.shift).where(Employee.company_id == company_id, *scope.active_on(today), Employee.shift != "")
        .distinct())
    return configured + sorted_shifts(name for name in on_roster if name not in configured)


def not_done(user: StaffUser, today: date, now: datetime, team: str | None = None,
             shift: str | None = None) -> list[tuple[str, list[rules.Person]]]:
    """Active workers who have not done today's quiz (not started, or started and still within
    their time, or left with no answer when it ran out: rollups.figures.done), grouped by team;
    one team only when `team` is given, one shift only when `shift` is. One query."""
    company_id = scope.own_company_id(user)
    rows = db.session.execute(
        select(Employee.name, Employee.employee_no, Employee.team, Employee.shift, Attempt.id,
               Attempt.finished_at, figures.ran_out(now), Attempt.answered)
        .select_from(Employee).outerjoin(Attempt, figures.todays_attempt(today))
        .where(Employee.company_id == company_id, *scope.active_on(today),
               *([Employee.team == team] if team is not None else []),
               *([Employee.shift == shift] if shift is not None else []),
               or_(Attempt.id.is_(None), ~figures.done(now))))
    people = [rules.Person(name, number, team_name, shift,
                           rules.status(attempt_id is not None, finished is not None, bool(ran_out), answered or 0))
              for name, number, team_name, shift, attempt_id, finished, ran_out, answered in rows]
    return rules.by_team(people, [name for name, _ in shift_times(company_id)])


@dataclass(frozen=True)
class Preshift:
    view: TodayBoard
    shift: str | None  # None: the company has no shifts, so the whole company is shown
    team: str | None
    tally: rules.Tally

    @property
    def company(self) -> Company:
        return self.view.company


def preshift(user: StaffUser, today: date, now: datetime, zone: ZoneInfo, shift: str | None = None,
             team: str | None = None) -> Preshift | None:
    """Done/expected for one shift (default: the next to start, board.rules.next_shift) and
    optionally one team. None when the shift or team named is not the company's."""
    view = today_board(user, today, now, zone)
    if shift is None:
        shift = rules.next_shift(view.shifts, to_local(now, zone).replace(tzinfo=None))
    elif shift not in view.starts:
        return None
    if team is not None and team not in {name for name, _ in view.board.by_team}:
        return None
    return Preshift(view, shift, team, rules.focus(view.board, shift, team))


def _figures(tally: rules.Tally, workday: bool) -> dict:
    share = tally.share if workday else None
    return {"expected": tally.expected, "done": tally.done, "in_progress": tally.in_progress,
            "not_started": tally.not_started, "not_done": tally.not_done,
            "share": percent(share)}


def poll(user: StaffUser, today: date, now: datetime, zone: ZoneInfo, shift: str | None = None,
         team: str | None = None) -> dict | None:
    """What the board and the pre-shift screen poll: every figure on them, by the key each element
    names in its data-figure attribute ("total", "shift:<name>", "team:<name>", and "focus": the
    shift and team asked for). None when the shift or team is not the company's."""
    if shift is None and team is None:
        view = today_board(user, today, now, zone)
        focus = view.board.total
    else:
        screen = preshift(user, today, now, zone, shift, team)
        if screen is None:
            return None
        view, focus = screen.view, screen.tally
    data = {"total": _figures(view.board.total, view.workday), "focus": _figures(focus, view.workday)}
    data.update({f"shift:{name}": _figures(t, view.workday) for name, t in view.board.by_shift})
    data.update({f"team:{name}": _figures(t, view.workday) for name, t in view.board.by_team})
    return {"date": view.today.isoformat(), "updated": view.updated, "figures": data}
