"""Weekly and monthly reports for a grid (grid officers: their own grids; the town admin: any)
and for the whole town (the town admin only), as a page and as an XLSX workbook.

Used by quizapp/reports/periodic.py. Owns which scopes an account may ask for, the report's
figures and the workbook's sheets. Scoping goes through dashboard.service.visible_scope (so
overview.companies_visible_to): a grid outside the officer's grids, or the whole town for an
officer, does not exist here. Figures come from the CompanyDay rollup (one GROUP BY per period
through dashboard.service.read_pieces, one for the "did you do it" answers, one for the
headcount at each period's end), incidents and supervision cases: aggregates only, never a
worker's name, number or answer. Definitions: docs/reports.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select

from quizapp.audit import service as audit
from quizapp.comparison.rules import change
from quizapp.dashboard import service as dashboard
from quizapp.exports import service as exports
from quizapp.extensions import db
from quizapp.incidents.service import fraud_types
from quizapp.models import Company, CompanyDay, FollowUp, Grid, Incident, StaffUser, SupervisionCase
from quizapp.periodic import rules
from quizapp.periodic.rules import Activity, Behaviour, IncidentSummary, Line, Period
from quizapp.town.service import visible_grids

TOWN = "town"
TOP = 5

# Shown beside each figure on the page and in the workbook's Summary sheet (docs/reports.md).
DEFINITIONS = {
    "companies": _l("Active companies in the report's grid or town."),
    "headcount": _l("Workers active on the last day of the period with a daily rollup row (that day's "
                    "headcount), summed over the companies."),
    "participation": _l("Finished official quizzes ÷ active workers, each summed over the companies' workdays "
                        "in the period; a grid or the town is summed first and divided once. Non-starters count "
                        "as zero; practice never counts; a day's quizzes are capped at its headcount."),
    "knowledge": _l("Share of right answers on the town's common daily set over the period (the same questions "
                    "for every company that day). Shown beside participation, never blended with it."),
    "behaviour": _l("Share of \"did you do it\" answers over the period that said \"done\", counted apart from "
                    "knowledge (grid reports only)."),
    "change": _l("This period minus the previous one (the week or month before), in percentage points; for "
                 "active workers, the difference in workers."),
    "target": _l("The town's participation target (set by the town admin; 80%% when unset)."),
    "below": _l("Companies whose participation over the period is under the town's target of %(target)s; a "
                "company with nothing expected is never below."),
    "incidents_week": _l("Fraud cases and losses recorded for %(months)s: incidents are recorded per month, so a "
                         "weekly report counts the whole month or months its days fall in. Records for a grid as "
                         "a whole are included."),
    "incidents_month": _l("Fraud cases and losses recorded for %(months)s, for the companies and for the grid as "
                          "a whole."),
    "opened": _l("Supervision cases opened in the period, by a rule or by hand."),
    "follow_ups": _l("Follow-ups (formal talk, visit, talk) that took place in the period, by their date."),
    "closed": _l("Supervision cases closed in the period."),
    "open_at_end": _l("Supervision cases open on the period's last day (a case closed later still counts)."),
}
TITLES = {"week": _l("Weekly report"), "month": _l("Monthly report")}


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

    @property
    def name(self) -> str:
        return _("Whole town") if self.grid is None else self.grid.name


def resolve_scope(actor: StaffUser, asked: str | None) -> ReportScope | None:
    """The scope a URL asks for (?scope=<grid id> or "town"); without one, an officer's first grid
    or, for the town admin, the whole town. None when the account may not see it: a grid outside
    an officer's grids, or the whole town for anyone but the town admin."""
    grids = visible_grids(actor)
    town_allowed = actor.role == "town_admin"
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
    below_before: int  # companies below target in the previous period
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

    @property
    def town(self) -> bool:
        return self.scope.grid is None

    @property
    def has_next(self) -> bool:
        return rules.is_complete(self.period.next(), self.today)

    @property
    def title(self) -> str:
        return str(TITLES[self.period.kind])

    def definitions(self) -> dict[str, str]:
        """Each figure's definition as the page and the workbook show it."""
        months = ", ".join(f"{m:%Y-%m}" for m in self.incidents.months)
        values = {"target": f"{self.target * 100:.0f}%", "months": months}
        found = {key: str(text) % values for key, text in DEFINITIONS.items()}
        found["incidents"] = found[f"incidents_{self.period.kind}"]
        return found


def _end_headcounts(ids, companies: list[int], period: Period) -> dict[int, int]:
    """Each company's headcount on the last day of the period that has a rollup row. The nightly
    rollup writes every company's day, so the period's last day is read first (one index probe
    per company); only companies without that row are looked for further back."""
    found = dict(db.session.execute(select(CompanyDay.company_id, CompanyDay.headcount).where(
        CompanyDay.company_id.in_(ids), CompanyDay.day == period.last)).all())
    missing = [cid for cid in companies if cid not in found]
    if missing:
        latest = (select(CompanyDay.company_id, func.max(CompanyDay.day).label("day"))
                  .where(CompanyDay.company_id.in_(missing), CompanyDay.day >= period.first,
                         CompanyDay.day < period.last)
                  .group_by(CompanyDay.company_id).subquery())
        found.update(db.session.execute(select(CompanyDay.company_id, CompanyDay.headcount).join(
            latest, and_(CompanyDay.company_id == latest.c.company_id, CompanyDay.day == latest.c.day))).all())
    return found


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


def _incidents(scope: ReportScope, period: Period) -> IncidentSummary:
    where = [Incident.month.in_(period.months())]
    if scope.grid is not None:
        where.append(Incident.grid_id == scope.grid.id)
    records = [rules.IncidentRecord(t, cid, int(cases or 0), Decimal(loss or 0)) for t, cid, cases, loss in
               db.session.execute(select(Incident.fraud_type, Incident.company_id, Incident.cases,
                                         Incident.loss_yuan).where(*where))]
    return rules.summarise_incidents(records, period.months())


def _activity(ids, period: Period) -> dict[int, Activity]:
    """Per company, supervision over the period (only cases that touch it are read)."""
    cases = [rules.CaseDates(cid, rule, opened, closed) for cid, rule, opened, closed in db.session.execute(
        select(SupervisionCase.company_id, SupervisionCase.rule, SupervisionCase.opened_on, SupervisionCase.closed_on)
        .where(SupervisionCase.company_id.in_(ids), SupervisionCase.opened_on <= period.last,
               or_(SupervisionCase.closed_on.is_(None), SupervisionCase.closed_on >= period.first)))]
    follow_ups = db.session.execute(
        select(SupervisionCase.company_id, FollowUp.happened_on).join(SupervisionCase, FollowUp.case_id == SupervisionCase.id)
        .where(SupervisionCase.company_id.in_(ids), FollowUp.happened_on >= period.first,
               FollowUp.happened_on <= period.last)).all()
    return rules.supervision_activity(cases, follow_ups, period)


def periodic_report(actor: StaffUser, today: date, period: Period, scope: ReportScope, lang: str) -> PeriodicReport:
    """The weekly or monthly report of a grid or the town: totals against the previous period,
    companies below target, every company (the town: every grid, and the top and bottom
    companies), incidents of the month(s) counted, and supervision activity."""
    found = dashboard.visible_scope(actor, scope.grid.id if scope.grid is not None else None)
    previous = period.previous()
    target = dashboard.participation_target()
    pieces = dashboard.read_pieces(found, today, [period.span, previous.span], {})
    now, before = pieces.inside(period.span), pieces.inside(previous.span)
    listed = [c.id for c in found.companies]
    heads, heads_before = _end_headcounts(found.ids, listed, period), _end_headcounts(found.ids, listed, previous)
    codes = dict(db.session.execute(select(Company.id, Company.code).where(Company.id.in_(found.ids))).all())
    companies = [Line(name=c.name, now=pieces.tally(c.id, now), before=pieces.tally(c.id, before),
                      headcount=heads.get(c.id, 0), headcount_before=heads_before.get(c.id, 0),
                      grid_name=c.grid_name, code=codes.get(c.id, "")) for c in found.companies]
    grids: list[Line] = []
    top: list[Line] = []
    bottom: list[Line] = []
    if scope.grid is None:
        members: dict[int, list[Line]] = {}
        for info, line in zip(found.companies, companies):
            members.setdefault(info.grid_id, []).append(line)
        grids = [rules.combine(g.name, members[g.id], target) for g in scope.grids if g.id in members]
        top, bottom = rules.top_and_bottom(companies, TOP)
    # The "did you do it" counts are not in the rollup's covering index: reading them means reading
    # the rows themselves, affordable for a grid's companies but not for the whole town's
    # (bench/periodic.py), so the town report leaves the share out.
    behaviour, behaviour_before = (_behaviour(found.ids, period, previous) if scope.grid is not None
                                   else (None, None))
    by_company = _activity(found.ids, period)
    names = {c.id: (c.name, c.grid_name) for c in found.companies}
    activity_rows = sorted((CompanyActivity(*names[cid], activity) for cid, activity in by_company.items()),
                           key=lambda a: (a.grid_name, a.name))
    return PeriodicReport(
        period=period, previous=previous, today=today, scope=scope, target=target,
        total=rules.combine(scope.name, companies, target),
        below_before=sum(1 for c in companies if c.before.participation is not None
                         and c.before.participation < target),
        behaviour=behaviour, behaviour_before=behaviour_before, companies=rules.lowest_first(companies),
        grids=grids, top=top, bottom=bottom, incidents=_incidents(scope, period), fraud_names=dict(fraud_types(lang)),
        activity=rules.total_activity(by_company.values()), activity_by_company=activity_rows)


# --- the workbook -------------------------------------------------------------------------------

def _points(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _dates(period: Period) -> str:
    return f"{period.first.isoformat()} – {period.last.isoformat()}"


def _summary(report: PeriodicReport) -> exports.Report:
    T, D, t = exports.Typed, report.definitions(), report.total
    share = lambda value: T(value, "share")  # noqa: E731
    count = lambda value: T(value, "int")  # noqa: E731
    points = lambda value: T(_points(value), "points")  # noqa: E731
    a, i = report.activity, report.incidents
    rows = [
        (_("Report"), report.title, None, None, ""),
        (_("Scope"), report.scope.name, None, None, ""),
        (_("Period"), _dates(report.period), _dates(report.previous), None, ""),
        (_("Companies"), count(t.companies), None, None, D["companies"]),
        (_("Active workers"), count(t.headcount), count(t.headcount_before), count(t.headcount - t.headcount_before),
         D["headcount"]),
        (_("Participation"), share(t.participation), share(t.participation_before), points(t.participation_change),
         D["participation"]),
        (_("Knowledge index"), share(t.knowledge), share(t.knowledge_before), points(t.knowledge_change),
         D["knowledge"]),
        *([(_("Did-you-do-it share"), share(report.behaviour.share), share(report.behaviour_before.share),
            points(change(report.behaviour.share, report.behaviour_before.share)), D["behaviour"])]
          if report.behaviour is not None else []),
        (_("Participation target"), share(report.target), None, None, D["target"]),
        (_("Companies below target"), count(t.below_count), count(report.below_before), None, D["below"]),
        (_("Fraud cases"), count(i.cases), None, None, D["incidents"]),
        (_("Losses (yuan)"), T(i.loss_yuan, "money"), None, None, D["incidents"]),
        (_("Supervision cases opened"), count(a.opened), None, None, D["opened"]),
        (_("Follow-ups logged"), count(a.follow_ups), None, None, D["follow_ups"]),
        (_("Supervision cases closed"), count(a.closed), None, None, D["closed"]),
        (_("Open at the end of the period"), count(a.open_at_end), None, None, D["open_at_end"]),
    ]
    C = exports.Column
    return exports.Report("summary", _l("Summary"), report.period.first, report.period.last, (
        C(_l("Figure")), C(_l("This period")), C(_l("Previous period")), C(_l("Change")), C(_l("Definition"))), rows)


def _figure_columns() -> tuple[exports.Column, ...]:
    C = exports.Column
    return (C(_l("Active workers"), "int"), C(_l("Participation"), "share"), C(_l("Previous period"), "share"),
            C(_l("Change (points)"), "points"), C(_l("Knowledge index"), "share"), C(_l("Previous period"), "share"),
            C(_l("Change (points)"), "points"))


def _figures(line: Line) -> tuple:
    return (line.headcount, line.participation, line.participation_before, _points(line.participation_change),
            line.knowledge, line.knowledge_before, _points(line.knowledge_change))


def _sheets(report: PeriodicReport) -> list[exports.Report]:
    C, first, last = exports.Column, report.period.first, report.period.last
    yes_no = lambda flag: _("yes") if flag else _("no")  # noqa: E731
    sheets = [_summary(report)]
    if report.town:
        sheets.append(exports.Report("grids", _l("Grids"), first, last, (
            C(_l("Grid")), C(_l("Companies"), "int"), *_figure_columns(), C(_l("Companies below target"), "int")),
            [(g.name, g.companies, *_figures(g), g.below_count) for g in report.grids]))
    sheets.append(exports.Report("companies", _l("Company list"), first, last, (
        C(_l("Grid")), C(_l("Company code")), C(_l("Company")), *_figure_columns(), C(_l("Below target"))),
        [(c.grid_name, c.code, c.name, *_figures(c), yes_no(c.below(report.target))) for c in report.companies]))
    incidents = report.incidents
    sheets.append(exports.Report("incidents", _l("Incidents"), first, last, (
        C(_l("Months counted")), C(_l("Fraud type")), C(_l("Cases"), "int"), C(_l("Losses (yuan)"), "money")),
        [*((", ".join(f"{m:%Y-%m}" for m in incidents.months), report.fraud_names.get(t.fraud_type, t.fraud_type),
            t.cases, t.loss_yuan) for t in incidents.by_type),
         ("", _("Total"), incidents.cases, incidents.loss_yuan)]))
    a = report.activity
    sheets.append(exports.Report("supervision", _l("Supervision"), first, last, (
        C(_l("Grid")), C(_l("Company")), C(_l("Cases opened"), "int"), C(_l("Follow-ups logged"), "int"),
        C(_l("Cases closed"), "int"), C(_l("Open at the end of the period"), "int")),
        [*((r.grid_name, r.name, r.activity.opened, r.activity.follow_ups, r.activity.closed, r.activity.open_at_end)
           for r in report.activity_by_company),
         ("", _("Total"), a.opened, a.follow_ups, a.closed, a.open_at_end)]))
    return sheets


def export_report(actor: StaffUser, report: PeriodicReport) -> tuple[bytes, str, str]:
    """The report as an XLSX workbook (Summary, [Grids,] Companies, Incidents, Supervision), its
    file name and that name in ASCII (periodic.rules.ascii_filename); the download is written to
    the audit log."""
    data = exports.to_xlsx_book(_sheets(report))
    audit.record(actor, "export.periodic", {"period": report.period.kind, "start": report.period.first,
                                            "scope": report.scope.key})
    return (data, rules.filename(report.title, report.scope.name, report.period),
            rules.ascii_filename(report.scope.grid.code if report.scope.grid else None, report.period))
