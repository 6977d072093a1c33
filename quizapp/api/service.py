"""What the read-only API answers: grids and companies, their figures day by day and over a
period, and fraud incidents by month, for the town's analysis system.

Used by quizapp/api/views.py. A token reads as the town anti-fraud centre (TOWN): every grid and
company, scoped through quizapp/scope.py like every officer and admin page. Figures
come from the CompanyDay rollup through dashboard.service (visible_scope, read_pieces,
headcounts), so a period's participation and knowledge index are the dashboard's to the digit;
incidents from Incident rows. Aggregates only: no worker's name, number or answer is read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select

from quizapp.api.rules import DateRange, Paging
from quizapp.comparison import rules
from quizapp.comparison.rules import Span, Tally
from quizapp.dashboard import service as dashboard
from quizapp.dashboard.service import CompanyInfo, Scope
from quizapp.extensions import db
from quizapp.models import Company, CompanyDay, Grid, Incident
from quizapp.models.org import TOWN_ADMIN
from quizapp.quiz.rules.grading import is_workday


@dataclass(frozen=True)
class TownReader:
    """Whom an API token reads as: the town anti-fraud centre, which sees every grid and company
    (quizapp/scope.py reads `role` and `id`)."""

    role: str = TOWN_ADMIN
    id: int | None = None


TOWN = TownReader()


# --- grids and companies ------------------------------------------------------------------------

def list_grids() -> list[Grid]:
    return list(db.session.scalars(select(Grid).order_by(Grid.code)))


def get_grid(grid_id: int) -> Grid | None:
    return db.session.get(Grid, grid_id)


def get_company(company_id: int) -> Company | None:
    return db.session.get(Company, company_id)


def list_companies(grid_id: int | None, active: bool | None, paging: Paging) -> tuple[list[Company], int]:
    """A page of companies (by id, so pages stay put while names change), and how many match."""
    query = select(Company)
    if grid_id is not None:
        query = query.where(Company.grid_id == grid_id)
    if active is not None:
        query = query.where(Company.active.is_(active))
    total = db.session.scalar(query.with_only_columns(func.count(Company.id)).order_by(None)) or 0
    rows = db.session.scalars(query.order_by(Company.id).limit(paging.limit).offset(paging.offset))
    return list(rows), total


# --- day by day ---------------------------------------------------------------------------------

def _on_workday(expr):
    return case((CompanyDay.workday, expr), else_=0)


# A day's done is capped at its headcount, as on the dashboard (dashboard.service._sums).
_CAPPED = case((CompanyDay.completed > CompanyDay.headcount, CompanyDay.headcount), else_=CompanyDay.completed)


@dataclass(frozen=True)
class GridDay:
    """A grid on one local date: its companies' rollup rows added up."""

    day: date
    companies: int  # companies with figures that day
    workday_companies: int  # of those, companies for which it was a workday
    headcount: int  # active workers of all those companies
    tally: Tally  # expected and done over the workday companies; the common set over all
    provisional: bool  # today: still counting


def grid_days(grid: Grid, span: DateRange, today: date) -> list[GridDay]:
    """Each date of the range on which the grid's active companies have figures. Today, a company
    without its row yet counts with its roster expected and none done, as on the dashboard."""
    scope = dashboard.visible_scope(TOWN, grid.id)
    if not scope.companies:
        return []
    rows = db.session.execute(
        select(CompanyDay.day, func.count(), func.sum(case((CompanyDay.workday, 1), else_=0)),
               func.sum(CompanyDay.headcount), func.sum(_on_workday(CompanyDay.headcount)),
               func.sum(_on_workday(_CAPPED)), func.sum(CompanyDay.common_correct),
               func.sum(CompanyDay.common_answered))
        .where(CompanyDay.company_id.in_(scope.ids), CompanyDay.day >= span.first, CompanyDay.day <= span.last)
        .group_by(CompanyDay.day).order_by(CompanyDay.day))
    days = {day: GridDay(day, n, int(workdays), int(heads), Tally(int(expected), int(done), int(right), int(answered)),
                         day == today)
            for day, n, workdays, heads, expected, done, right, answered in rows}
    if span.contains(today):
        days[today] = _with_unseen_today(days.get(today), scope, today)
    return [days[d] for d in sorted(days)]


def _with_unseen_today(seen: GridDay | None, scope: Scope, today: date) -> GridDay:
    have = set(db.session.scalars(select(CompanyDay.company_id).where(
        CompanyDay.company_id.in_(scope.ids), CompanyDay.day == today)))
    missing = [c for c in scope.companies if c.id not in have]
    line = seen or GridDay(today, 0, 0, 0, Tally(), True)
    if not missing:
        return line
    heads = dashboard.headcounts(scope.only(missing), today)
    workday = [c for c in missing if is_workday(today, c.workdays)]
    added = rules.total(Tally(*rules.unseen_today(heads.get(c.id, 0), True)) for c in workday)
    return GridDay(today, line.companies + len(missing), line.workday_companies + len(workday),
                   line.headcount + sum(heads.get(c.id, 0) for c in missing), line.tally + added, True)


@dataclass(frozen=True)
class CompanyDayLine:
    """A company on one local date, from its rollup row."""

    day: date
    workday: bool
    headcount: int  # active workers that day
    tally: Tally  # expected = headcount on a workday (0 on a day off); done capped at it
    provisional: bool


def company_days(company: Company, span: DateRange, today: date) -> list[CompanyDayLine]:
    """Each date of the range with the company's rollup row; today without a row yet counts its
    roster as expected and none done (on a workday), as on the dashboard."""
    rows = db.session.scalars(select(CompanyDay).where(
        CompanyDay.company_id == company.id, CompanyDay.day >= span.first, CompanyDay.day <= span.last)
        .order_by(CompanyDay.day))
    lines = {r.day: CompanyDayLine(r.day, r.workday, r.headcount, Tally(
        r.headcount if r.workday else 0, min(r.completed, r.headcount) if r.workday else 0,
        r.common_correct, r.common_answered), r.day == today) for r in rows}
    if span.contains(today) and today not in lines:
        info = CompanyInfo(company.id, company.name, company.grid_id, "", company.workdays)
        heads = dashboard.headcounts(Scope([info], [company.id]), today).get(company.id, 0)
        workday = is_workday(today, company.workdays)
        lines[today] = CompanyDayLine(today, workday, heads, Tally(*rules.unseen_today(heads, workday)), True)
    return [lines[d] for d in sorted(lines)]


# --- a period -----------------------------------------------------------------------------------

def _period(scope: Scope, span: DateRange, today: date) -> dict[int, Tally]:
    """Each company's tally over the range, exactly as the dashboard adds it up."""
    period = Span(span.first, span.last)
    heads = dashboard.headcounts(scope, today) if span.contains(today) else {}
    pieces = dashboard.read_pieces(scope, today, [period], heads)
    parts = pieces.inside(period)
    return {c.id: pieces.tally(c.id, parts) for c in scope.companies}


@dataclass(frozen=True)
class GridLine:
    grid: Grid
    companies: int  # active companies in the grid
    tally: Tally


def grid_summary(span: DateRange, today: date) -> tuple[list[GridLine], Tally, int]:
    """Every grid's figures over the range (its active companies summed first, then divided
    once, so every worker counts the same), the town's total, and the town's active companies."""
    scope = dashboard.visible_scope(TOWN)
    tallies = _period(scope, span, today)
    members: dict[int, list[int]] = {}
    for c in scope.companies:
        members.setdefault(c.grid_id, []).append(c.id)
    lines = [GridLine(g, len(members.get(g.id, [])), rules.total(tallies[i] for i in members.get(g.id, [])))
             for g in list_grids()]
    return lines, rules.total(tallies.values()), len(scope.companies)


@dataclass(frozen=True)
class CompanyLine:
    id: int
    code: str
    name: str
    grid_id: int
    tally: Tally


def company_summary(span: DateRange, today: date, grid_id: int | None, paging: Paging
                    ) -> tuple[list[CompanyLine], int]:
    """A page of active companies (by id) with their figures over the range, and how many there
    are. Only the page's companies are read from the rollup."""
    scope = dashboard.visible_scope(TOWN, grid_id)
    ordered = sorted(scope.companies, key=lambda c: c.id)
    page = scope.only(ordered[paging.offset:paging.offset + paging.limit])
    tallies = _period(page, span, today) if page.companies else {}
    codes = dict(db.session.execute(select(Company.id, Company.code).where(Company.id.in_(page.ids))).all()) \
        if page.companies else {}
    return [CompanyLine(c.id, codes[c.id], c.name, c.grid_id, tallies[c.id]) for c in page.companies], len(ordered)


# --- incidents ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class IncidentLine:
    month: date
    grid_id: int
    company_id: int | None  # None: a record for the whole grid
    fraud_type: str
    cases: int
    loss_yuan: Decimal


def incidents(span: DateRange, grid_id: int | None) -> list[IncidentLine]:
    """Cases and losses per month, grid, company (or whole grid) and fraud type, for every month
    the range touches. Losses are added as decimals (yuan and fen), never as floats."""
    first, last = span.months()
    query = select(Incident.month, Incident.grid_id, Incident.company_id, Incident.fraud_type, Incident.cases,
                   Incident.loss_yuan).where(Incident.month >= first, Incident.month <= last)
    if grid_id is not None:
        query = query.where(Incident.grid_id == grid_id)
    sums: dict[tuple, list] = {}
    for month, gid, cid, fraud_type, cases, loss in db.session.execute(query):
        entry = sums.setdefault((month, gid, cid, fraud_type), [0, Decimal(0)])
        entry[0] += cases
        entry[1] += Decimal(str(loss))
    order = sorted(sums, key=lambda k: (k[0], k[1], k[2] is not None, k[2] or 0, k[3]))
    return [IncidentLine(*key, sums[key][0], sums[key][1]) for key in order]
