"""Weekly and monthly reports for a grid (grid officers: their own grids; the town admin: any)
and for the whole town (the town admin only), as a page and as an XLSX workbook.

Used by periodic.views. Owns which scopes an account may ask for, the report's figures and the
workbook's sheets. Scoping goes through quizapp/scope.py (via dashboard.service.visible_scope): a
grid outside the officer's grids, or the whole town for an officer, does not exist here. Figures
come from the CompanyDay rollup through rollups.figures (one GROUP BY per period, one for the
headcount at each period's end) and one query for the "did you do it" answers, incidents and
supervision cases, computed by rules.metrics: aggregates only, never a worker's name, number or
answer. Definitions: docs/reports.md and docs/metrics.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, case, func, or_, select

from quizapp.audit import service as audit
from quizapp.dashboard import service as dashboard
from quizapp.extensions import db
from quizapp.incidents import figures as incidents
from quizapp.incidents.figures import Quiet
from quizapp.incidents.rules import YearOnYear
from quizapp.incidents.service import type_names
from quizapp.leads import service as leads
from quizapp.leads.service import LeadSummary
from quizapp.models import Company, CompanyDay, FollowUp, Grid, Incident, StaffUser, SupervisionCase
from quizapp.outreach import service as outreach
from quizapp.outreach.service import OutreachSummary
from quizapp.periodic import rules
from quizapp.periodic.rules import Activity, Behaviour, IncidentSummary, Line, Period
from quizapp.rollups import figures
from quizapp.rules.metrics import Span
from quizapp.scope import sees_whole_town, town_of, visible_incidents

TOWN = "town"
TOP = 5

@dataclass(frozen=True)
class ReportScope:
    """What a report covers: one grid, or the whole town (grid None), and what else the account
    may choose."""

    grid: Grid | None
    grids: list[Grid]
    town_allowed: bool

    @property
    def key(self) -> str:
        return TOWN if self.grid is None else str(self.grid.id)


def resolve_scope(actor: StaffUser, asked: str | None) -> ReportScope | None:
    """The scope a URL asks for (?scope=<grid id> or "town"); without one, an officer's first grid
    or, for the town admin, the whole town. None when the account may not see it: a grid outside
    an officer's grids, or the whole town for anyone but the town admin."""
    grids = dashboard.visible_grids(actor)
    town_allowed = sees_whole_town(actor)
    asked = (asked or "").strip()
    if not asked:
        if town_allowed:
            return ReportScope(None, grids, True)
        return ReportScope(grids[0], grids, False) if grids else None
    if asked == TOWN:
        return ReportScope(None, grids, True) if town_allowed else None
    grid = next((g for g in grids if str(g.id) == asked), None)
    return ReportScope(grid, grids, town_allowed) if grid is not None else None


@dataclass(frozen=True)
class CompanyActivity:
    name: str
    grid_name: str
    activity: Activity


@dataclass(frozen=True)
class PeriodicReport:
    period: Period
    previous: Period
    today: date
    scope: ReportScope
    target: float
    total: Line  # the grid or the town
    below_before: int | None  # companies below target in the previous period (None: no data)
    behaviour: Behaviour | None  # None in the town report (see periodic_report)
    behaviour_before: Behaviour | None
    companies: list[Line]  # lowest participation first
    grids: list[Line]  # the town report: one line per grid, by grid code
    top: list[Line]  # the town report: top and bottom companies by participation
    bottom: list[Line]
    incidents: IncidentSummary
    fraud_names: dict[str, str]
    activity: Activity
    activity_by_company: list[CompanyActivity]
    outreach: OutreachSummary  # the ledger's activities in the period: by grid and kind
    outreach_before: OutreachSummary  # in the previous period
    leads: LeadSummary  # workers' reports received in the period: by grid and channel
    declines: YearOnYear  # the three figures of the period's (last) month and year against a year before
    quiet: list[Quiet]  # the scope's grids: months without a case, zero cases in a row

    @property
    def town(self) -> bool:
        return self.scope.grid is None

    @property
    def has_next(self) -> bool:
        return rules.is_complete(self.period.next(), self.today)


def _behaviour(ids, period: Period, previous: Period) -> tuple[Behaviour, Behaviour]:
    """"Did you do it" answers and "done" answers in the period and the one before (one scan)."""
    now = CompanyDay.day >= period.first
    row = db.session.execute(select(
        func.sum(case((now, CompanyDay.behaviour_answered), else_=0)),
        func.sum(case((now, CompanyDay.behaviour_yes), else_=0)),
        func.sum(case((now, 0), else_=CompanyDay.behaviour_answered)),
        func.sum(case((now, 0), else_=CompanyDay.behaviour_yes)))
        .where(CompanyDay.company_id.in_(ids), CompanyDay.day >= previous.first, CompanyDay.day <= period.last)).one()
    answered, done, answered_before, done_before = (int(v or 0) for v in row)
    return Behaviour(answered, done), Behaviour(answered_before, done_before)


def _incidents(actor: StaffUser, scope: ReportScope, period: Period) -> IncidentSummary:
    """The incidents of the month(s) the period counts: the records the account may see
    (scope.visible_incidents: the town admin's own town, never another town's), then the grid's."""
    where: list[ColumnElement[bool]] = [visible_incidents(actor), Incident.month.in_(period.months())]
    if scope.grid is not None:
        where.append(Incident.grid_id == scope.grid.id)
    records = [rules.IncidentRecord(month, t, cid, int(cases or 0), loss or Decimal(0), int(raw or 0))
               for month, t, cid, cases, loss, raw in db.session.execute(
                   select(Incident.month, Incident.fraud_type, Incident.company_id, Incident.cases,
                          Incident.loss_yuan, Incident.raw_reports).where(*where))]
    return rules.summarise_incidents(records, period.months())


def _activity(ids, period: Period) -> dict[int, Activity]:
    """Per company, supervision over the period (only cases that touch it are read)."""
    cases = [rules.CaseDates(*row) for row in db.session.execute(
        select(SupervisionCase.company_id, SupervisionCase.rule, SupervisionCase.opened_on, SupervisionCase.closed_on,
               SupervisionCase.deadline)
        .where(SupervisionCase.company_id.in_(ids), SupervisionCase.opened_on <= period.last,
               or_(SupervisionCase.closed_on.is_(None), SupervisionCase.closed_on >= period.first)))]
    follow_ups = db.session.execute(
        select(SupervisionCase.company_id, FollowUp.happened_on)
        .join(SupervisionCase, FollowUp.case_id == SupervisionCase.id)
        .where(SupervisionCase.company_id.in_(ids), FollowUp.happened_on >= period.first,
               FollowUp.happened_on <= period.last)).all()
    return rules.supervision_activity(cases, follow_ups, period)


def periodic_report(actor: StaffUser, today: date, now: datetime, period: Period, scope: ReportScope, lang: str
                    ) -> PeriodicReport:
    """The weekly or monthly report of a grid or the town: totals against the previous period,
    companies below target, every company (the town: every grid, and the top and bottom
    companies), incidents of the month(s) counted, the three declines of the period's (last) month
    and year to date against a year before (incidents.figures.declines: a week in a month still in
    progress shows that month uncompared) and each grid's months without a case, supervision
    activity, the outreach ledger's events and people reached against the previous period, and
    workers' reports by grid and channel."""
    previous = period.previous()
    # The companies that count on some day of the two periods: one deactivated since stays in them,
    # with the days it counted, so a report of a period over never changes (docs/metrics.md).
    found = dashboard.visible_scope(actor, scope.grid.id if scope.grid is not None else None,
                                    Span(previous.first, period.last))
    target = dashboard.participation_target(town_of(actor))
    pieces = figures.read_pieces(found, today, [period.span, previous.span], now)
    this, before = pieces.inside(period.span), pieces.inside(previous.span)
    heads = figures.end_headcounts(found, period.span, today)
    heads_before = figures.end_headcounts(found, previous.span, today)
    codes = dict(db.session.execute(select(Company.id, Company.code).where(Company.id.in_(found.ids))).all())
    companies = [Line(name=c.name, now=pieces.tally(c.id, this), before=pieces.tally(c.id, before),
                      headcount=heads.get(c.id), headcount_before=heads_before.get(c.id),
                      grid_name=c.grid_name, code=codes.get(c.id, "")) for c in found.companies]
    grids: list[Line] = []
    top: list[Line] = []
    bottom: list[Line] = []
    if scope.grid is None:
        members: dict[int, list[Line]] = {}
        for info, line in zip(found.companies, companies, strict=True):
            members.setdefault(info.grid_id, []).append(line)
        grids = [rules.combine(g.name, members[g.id], target) for g in scope.grids if g.id in members]
        top, bottom = rules.top_and_bottom(companies, TOP)
    # The "did you do it" counts are not in the rollup's covering index: reading them means reading
    # the rows themselves, affordable for a grid's companies but not for the whole town's
    # (bench/periodic.py), so the town report leaves the share out.
    behaviour, behaviour_before = (_behaviour(found.ids, period, previous) if scope.grid is not None
                                   else (None, None))
    by_company = _activity(found.ids, period)
    grid_id = scope.grid.id if scope.grid is not None else None
    quiet = incidents.quiet_grids(actor, period.last, today, [grid_id] if grid_id is not None else
                                  [g.id for g in scope.grids])
    names = {c.id: (c.name, c.grid_name) for c in found.companies}
    activity_rows = sorted((CompanyActivity(*names[cid], activity) for cid, activity in by_company.items()),
                           key=lambda a: (a.grid_name, a.name))
    return PeriodicReport(
        period=period, previous=previous, today=today, scope=scope, target=target,
        total=rules.combine(scope.grid.name if scope.grid is not None else "", companies, target),
        below_before=rules.companies_below((c.participation_before for c in companies), target),
        behaviour=behaviour, behaviour_before=behaviour_before, companies=rules.lowest_first(companies),
        grids=grids, top=top, bottom=bottom, incidents=_incidents(actor, scope, period), fraud_names=type_names(lang),
        activity=rules.total_activity(by_company.values()), activity_by_company=activity_rows,
        outreach=outreach.summary(actor, period.span, scope.grid.id if scope.grid is not None else None),
        outreach_before=outreach.summary(actor, previous.span, scope.grid.id if scope.grid is not None else None),
        leads=leads.summary(actor, period.span, scope.grid.id if scope.grid is not None else None),
        declines=incidents.declines(actor, period.last, today, grid_id), quiet=list(quiet.values()))


# --- the workbook -------------------------------------------------------------------------------

def export_report(actor: StaffUser, report: PeriodicReport) -> PeriodicReport:
    """The report for its XLSX workbook (periodic.sheets.workbook); the download is written to the
    audit log."""
    audit.record(actor, "export.periodic", {"period": report.period.kind, "start": report.period.first,
                                            "scope": report.scope.key})
    return report
