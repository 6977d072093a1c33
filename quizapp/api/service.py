"""What the read-only API answers: grids and companies, their figures day by day and over a
period, and fraud incidents by month, for the town's analysis system.

Used by quizapp/api/views.py. A town's token reads as that town's anti-fraud centre (reader_for:
every grid and company of the town, nothing of another), a city token as the city admin (no grid
or company: the towns' aggregates only), scoped through quizapp/scope.py like every page. Figures are read by
rollups.figures (past dates from the CompanyDay rollup, today live) and computed by rules.metrics,
so a period's participation and knowledge index are the dashboard's to the digit; incidents from
Incident rows. Aggregates only: no worker's name, number or answer is read here.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from quizapp import scope
from quizapp.alerts import rules as alert_rules
from quizapp.alerts import service as alert_service
from quizapp.api.rules import DateRange, Paging
from quizapp.dashboard import service as dashboard
from quizapp.extensions import db
from quizapp.incidents import figures as incident_records
from quizapp.incidents.figures import Quiet
from quizapp.incidents.rules import YearOnYear
from quizapp.leads import service as leads_service
from quizapp.leads.service import LeadSummary
from quizapp.learning import service as learning_figures
from quizapp.learning.service import LearningView
from quizapp.models import Alert, ApiToken, Company, Grid, Incident
from quizapp.outreach import service as outreach_service
from quizapp.outreach.service import OutreachSummary
from quizapp.rollups import figures
from quizapp.rollups.figures import CompanyInfo, Scope
from quizapp.rules import metrics
from quizapp.rules.metrics import Span, Tally
from quizapp.rules.vocab import Role
from quizapp.scope import Reader


@dataclass(frozen=True)
class TokenReader:
    """Whom an API token reads as: a town's anti-fraud centre, which sees every grid and company of
    the town, or the city (`town_id` None), which sees the towns' aggregates only
    (quizapp/scope.py reads `role`, `id` and `town_id`)."""

    town_id: int | None
    role: Role = Role.TOWN_ADMIN
    id: int | None = None
    company_id: int | None = None


def reader_for(token: ApiToken) -> TokenReader:
    """A town's token reads as that town's admin would (aggregates only); a city token as the city."""
    if token.town_id is None:
        return TokenReader(town_id=None, role=Role.CITY_ADMIN)
    return TokenReader(town_id=token.town_id)


# --- grids and companies ------------------------------------------------------------------------

def list_grids(reader: Reader) -> list[Grid]:
    """Every grid the token may read (its town's, active or not), by code."""
    return list(db.session.scalars(scope.visible_grids(reader, include_inactive=True)))


def get_grid(reader: Reader, grid_id: int) -> Grid | None:
    """One of those grids, or None (another town's does not exist for the token)."""
    return db.session.scalar(scope.visible_grids(reader, include_inactive=True).where(Grid.id == grid_id))


def _readable_companies(reader: Reader):
    grid_ids = scope.visible_grids(reader, include_inactive=True).with_only_columns(Grid.id).order_by(None)
    return select(Company).where(Company.grid_id.in_(grid_ids))


def get_company(reader: Reader, company_id: int) -> Company | None:
    """A company of the token's town, active or not, or None."""
    return db.session.scalar(_readable_companies(reader).where(Company.id == company_id))


def list_companies(reader: Reader, grid_id: int | None, active: bool | None, paging: Paging
                   ) -> tuple[list[Company], int]:
    """A page of companies (by id, so pages stay put while names change), and how many match."""
    query = _readable_companies(reader)
    if grid_id is not None:
        query = query.where(Company.grid_id == grid_id)
    if active is not None:
        query = query.where(Company.active.is_(active))
    total = db.session.scalar(query.with_only_columns(func.count(Company.id)).order_by(None)) or 0
    rows = db.session.scalars(query.order_by(Company.id).limit(paging.limit).offset(paging.offset))
    return list(rows), total


# --- day by day ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class GridDay:
    """A grid on one local date: its companies' figures added up."""

    day: date
    companies: int  # companies with figures that day
    workday_companies: int  # of those, companies for which it was a workday
    headcount: int  # active workers of all those companies
    tally: Tally  # expected and done over the workday companies; the common set over all
    provisional: bool  # today: still counting


def _span(span: DateRange) -> Span:
    return Span(span.first, span.last)


def grid_days(reader: Reader, grid: Grid, span: DateRange, today: date, now: datetime) -> list[GridDay]:
    """Each date of the range on which the grid's companies have figures (rollups.figures: a past
    date's rollup rows, today live, as on the dashboard): those that count on some day of it
    (scope.companies_counted_between: one deactivated since keeps its days)."""
    found = dashboard.visible_scope(reader, grid.id, _span(span))
    return [GridDay(d.day, d.companies, d.workday_companies, d.headcount, d.tally, d.today)
            for d in figures.days_of(found, _span(span), today, now)]


@dataclass(frozen=True)
class CompanyDayLine:
    """A company on one local date with figures."""

    day: date
    workday: bool
    headcount: int  # active workers that day
    tally: Tally  # expected = headcount on a workday (0 on a day off); done capped at it
    provisional: bool


def company_days(company: Company, span: DateRange, today: date, now: datetime) -> list[CompanyDayLine]:
    """Each date of the range with the company's figures: its rollup row, and today live."""
    # period: an inactive company's today is not read (it counts only through the day before its deactivation).
    found = Scope([CompanyInfo(company.id, company.name, company.grid_id, "", company.workdays)], [company.id],
                  period=True)
    return [CompanyDayLine(d.day, d.workday, d.headcount, d.tally, d.today)
            for d in figures.days_of(found, _span(span), today, now)]


# --- a period -----------------------------------------------------------------------------------

def _period(found: Scope, span: DateRange, today: date, now: datetime) -> dict[int, Tally]:
    """Each company's tally over the range, exactly as the dashboard adds it up."""
    return figures.period_tallies(found, _span(span), today, now)


@dataclass(frozen=True)
class GridLine:
    grid: Grid
    companies: int  # companies in the grid that count on some day of the range
    tally: Tally


def grid_summary(reader: Reader, span: DateRange, today: date, now: datetime) -> tuple[list[GridLine], Tally, int]:
    """Every grid's figures over the range (its companies summed first, then divided once, so
    every worker counts the same), the town's total, and the town's companies: those that count on
    some day of the range (scope.companies_counted_between: one deactivated since keeps its days)."""
    found = dashboard.visible_scope(reader, between=_span(span))
    tallies = _period(found, span, today, now)
    members: dict[int, list[int]] = {}
    for c in found.companies:
        members.setdefault(c.grid_id, []).append(c.id)
    lines = [GridLine(g, len(members.get(g.id, [])), metrics.total(tallies[i] for i in members.get(g.id, [])))
             for g in list_grids(reader)]
    return lines, metrics.total(tallies.values()), len(found.companies)


@dataclass(frozen=True)
class CompanyLine:
    id: int
    code: str
    name: str
    grid_id: int
    tally: Tally


def company_summary(reader: Reader, span: DateRange, today: date, grid_id: int | None, paging: Paging,
                    now: datetime) -> tuple[list[CompanyLine], int]:
    """A page of the companies that count on some day of the range (by id: a company deactivated
    since is listed for the days it counted) with their figures over it, and how many there are.
    Only the page's companies are read from the rollup."""
    found = dashboard.visible_scope(reader, grid_id, _span(span))
    ordered = sorted(found.companies, key=lambda c: c.id)
    page = found.only(ordered[paging.offset:paging.offset + paging.limit])
    tallies = _period(page, span, today, now) if page.companies else {}
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
    raw_reports: int


def learning(reader: Reader, grid_id: int | None, today: date, now: datetime) -> LearningView:
    """The learning figures of the town, or of one grid (docs/metrics.md, "Learning")."""
    return learning_figures.learning(reader, today, now, grid_id)


def incidents(reader: Reader, span: DateRange, grid_id: int | None) -> list[IncidentLine]:
    """Confirmed cases, losses and raw reports per month, grid, company (or whole grid) and fraud type, for every month
    the range touches. Losses are added as decimals (yuan and fen), never as floats."""
    first, last = span.months()
    query = select(Incident.month, Incident.grid_id, Incident.company_id, Incident.fraud_type, Incident.cases,
                   Incident.loss_yuan, Incident.raw_reports).where(Incident.month >= first, Incident.month <= last,
                                                                   scope.visible_incidents(reader))
    if grid_id is not None:
        query = query.where(Incident.grid_id == grid_id)
    groups: dict[tuple, list] = {}
    for row in db.session.execute(query):
        groups.setdefault((row.month, row.grid_id, row.company_id, row.fraud_type), []).append(row)
    order = sorted(groups, key=lambda k: (k[0], k[1], k[2] is not None, k[2] or 0, k[3]))
    return [IncidentLine(*key, *astuple(metrics.incident_totals(groups[key]))) for key in order]


@dataclass(frozen=True)
class Declines:
    """The three declines of a month and the year to date (incidents.figures.declines) and each grid's
    months without a case (incidents.figures.quiet_grids), for the town or one grid."""

    year_on_year: YearOnYear
    grids: list[tuple[Grid, Quiet]]


def declines(reader: Reader, month: date, grid_id: int | None, today: date) -> Declines:
    """原始警情, 确认警情 and 损失金额 of `month` and of the year to date against a year before, like with
    like (a month in progress is not compared), as the dashboard, reports and digest show them; and
    per grid, months without a case and zero cases in a row up to `month`."""
    quiet = incident_records.quiet_grids(reader, month, today, [grid_id] if grid_id is not None else None)
    grids = {g.id: g for g in list_grids(reader)}
    return Declines(incident_records.declines(reader, month, today, grid_id),
                    [(grids[gid], found) for gid, found in sorted(quiet.items(), key=lambda q: grids[q[0]].code)])


# --- outreach -------------------------------------------------------------------------------------

def outreach(reader: Reader, span: DateRange, grid_id: int | None) -> OutreachSummary:
    """Outreach events and people reached over the range, in all, by grid, by kind and by month
    (outreach.service.summary: the figures every page shows, docs/metrics.md)."""
    return outreach_service.summary(reader, span, grid_id)


# --- 本周警情 alerts ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class AlertLine:
    alert: Alert
    state: str
    companies: list[alert_rules.ReachRow]
    grids: list[alert_rules.ReachRow]
    whole: alert_rules.ReachRow


def alerts(reader: Reader, grid_id: int | None, today: date) -> list[AlertLine]:
    """Every published alert with its reach (alerts.service.reach, as the town admin reads it:
    companies under 20 workers added up per grid, never a worker)."""
    return [AlertLine(alert, alert_service.state(alert, today), *alert_service.reach(reader, alert, today))
            for alert in alert_service.published(reader, grid_id)]


# --- workers' reports ---------------------------------------------------------------------------

def leads(reader: Reader, span: DateRange, grid_id: int | None) -> LeadSummary:
    """Workers' reports received over the range (leads, reports, money lost) in all, by grid, by
    channel and by both (leads.service.summary, docs/metrics.md): counts only, never a text."""
    return leads_service.summary(reader, span, grid_id)
