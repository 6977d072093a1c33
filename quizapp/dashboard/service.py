"""Companies side by side for grid officers and the town anti-fraud centre: the grid dashboard,
the comparison page and the town view.

Used by the dashboard, comparison and town views (and by periodic, digest and the API for the
scope and the target). Owns the queries behind them, always scoped through quizapp/scope.py
(visible_companies(actor)): an officer sees the companies of their grids, the town admin every
company; a company outside them does not exist here. Figures are read by rollups.figures (past
days from the CompanyDay rollup, one GROUP BY per stretch of days; today live from the roster and
today's attempts) and computed by rules.metrics (docs/metrics.md). Coverage is the one figure that
needs to know who took a quiz: per worker, an index lookup for a finished official attempt in the
30 days, so it is asked only for the companies on the page shown (all of them when sorting by it).
Aggregates only: no worker's name or number leaves this module.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import case, exists, func, select

from quizapp import scope as tenancy  # `scope` here names a Scope: the companies a page covers
from quizapp.comparison import rules
from quizapp.comparison.rules import CompanyFigures, DashboardQuery, Standing
from quizapp.extensions import db
from quizapp.incidents import figures as incidents
from quizapp.incidents.rules import YearOnYear
from quizapp.models import Attempt, Company, Employee, Grid, Incident, StaffUser
from quizapp.outreach import service as outreach
from quizapp.outreach.service import OutreachSummary
from quizapp.rollups import figures
from quizapp.rollups.figures import CompanyInfo, Scope
from quizapp.rules import metrics
from quizapp.rules.metrics import Span, Tally
from quizapp.town import settings as town_settings

TARGET_KEY = "participation_target"
COMPARE_CANDIDATES = 50  # the comparison picker lists this many; grid and name filters find the rest


def visible_grids(actor: StaffUser) -> list[Grid]:
    """The active grids the account may see, by code (the grid filters offer these)."""
    return list(db.session.scalars(tenancy.visible_grids(actor)))


def visible_scope(actor: tenancy.Reader, grid_id: int | None = None, between: Span | None = None) -> Scope:
    """The companies the account may see (one grid's, if given), by name: the active ones (today's
    lists), or with `between` those that count on some day of that period (a period's figures:
    scope.companies_counted_between), so a company deactivated since stays in the periods before."""
    query = tenancy.visible_companies(actor, (between.first, between.last) if between is not None else None)
    if grid_id is not None:
        query = query.where(Company.grid_id == grid_id)
    grids = dict(db.session.execute(select(Grid.id, Grid.name)).all())
    rows = db.session.execute(query.with_only_columns(Company.id, Company.name, Company.grid_id, Company.workdays))
    return Scope([CompanyInfo(cid, name, gid, grids[gid], workdays) for cid, name, gid, workdays in rows],
                 query.with_only_columns(Company.id).order_by(None), period=between is not None)


def participation_target(town_id: int | None) -> float:
    """The town's participation target (its setting "participation_target"; 80% when unset, and
    for the city as a whole)."""
    return rules.parse_target(town_settings.read(town_id, TARGET_KEY) if town_id is not None else None)


def reached(company_ids: list[int], today: date, span: Span, now: datetime) -> dict[int, int]:
    """Per company, today's active workers with a done official quiz in the span: finished, or its
    time ran out before `now` (rollups.figures.done, the one definition of done)."""
    if not company_ids:
        return {}
    # official_date is set on official attempts only: practice never counts.
    took = exists().where(Attempt.employee_id == Employee.id, Attempt.official_date >= span.first,
                          Attempt.official_date <= span.last, figures.done(now))
    return {cid: int(n or 0) for cid, n in db.session.execute(
        select(Employee.company_id, func.sum(case((took, 1), else_=0)))
        .where(Employee.company_id.in_(company_ids), *tenancy.active_on(today)).group_by(Employee.company_id))}


def dashboard_spans(today: date) -> dict[str, Span]:
    return {"today": metrics.trailing(today, 1), "last7": metrics.trailing(today, 7),
            "last30": metrics.trailing(today, 30), "previous30": metrics.trailing(today, 30, 30)}


def last_case_months(scope: Scope) -> dict[int, date]:
    """Per company, the month of its last recorded fraud case (its own records, with a case)."""
    return {cid: month for cid, month in db.session.execute(
        select(Incident.company_id, func.max(Incident.month))
        .where(Incident.company_id.in_(scope.ids), Incident.cases > 0).group_by(Incident.company_id))
        if cid is not None}


def company_figures(actor: StaffUser, today: date, now: datetime, grid_id: int | None = None, coverage: bool = True
                    ) -> list[CompanyFigures]:
    """Every visible company's dashboard line: active workers, participation today, 7 and 30
    days, coverage and knowledge over 30 days, the 30 days before for the trend, and the months
    since its last recorded fraud case. Coverage only when asked (see with_coverage). `now`: the
    moment read, for today's quizzes whose time ran out (rollups.figures.done)."""
    scope = visible_scope(actor, grid_id)
    spans = dashboard_spans(today)
    live = figures.live_today(scope, today, now)
    pieces = figures.read_pieces(scope, today, list(spans.values()), now, live)
    parts = {name: pieces.inside(span) for name, span in spans.items()}
    cases = last_case_months(scope)

    def tally(company_id: int, name: str) -> Tally:
        return pieces.tally(company_id, parts[name])

    rows = [CompanyFigures(company_id=c.id, name=c.name, grid_id=c.grid_id, grid_name=c.grid_name,
                           headcount=live.get(c.id, figures.Live()).headcount,
                           workday_today=metrics.is_workday(today, c.workdays), last_case_month=cases.get(c.id),
                           months_without_case=metrics.months_without_case(cases.get(c.id), today),
                           today=tally(c.id, "today"), last7=tally(c.id, "last7"), last30=tally(c.id, "last30"),
                           previous30=tally(c.id, "previous30"))
            for c in scope.companies]
    return with_coverage(rows, today, now) if coverage else rows


def with_coverage(rows: list[CompanyFigures], today: date, now: datetime) -> list[CompanyFigures]:
    """The rows with coverage over the last 30 days filled in (one GROUP BY over their rosters)."""
    found = reached([r.company_id for r in rows], today, metrics.trailing(today, 30), now)
    return [replace(r, reached30=found.get(r.company_id, 0)) for r in rows]


@dataclass(frozen=True)
class Dashboard:
    today: date
    target: float
    query: DashboardQuery
    grids: list[Grid]
    page: rules.Page  # the rows shown, after filtering and sorting
    companies: int  # visible companies (in the chosen grid)
    below: int  # of those, below target
    outreach: OutreachSummary  # this month so far: by grid and kind
    outreach_months: OutreachSummary  # this month and the two before: by month
    declines: YearOnYear  # the three figures this month and this year against last year
    quiet: list[incidents.Quiet]  # per grid shown: months without a case, zero cases in a row


def grid_dashboard(actor: StaffUser, today: date, query: DashboardQuery, now: datetime) -> Dashboard | None:
    """The grid dashboard: every visible company's figures, filtered, sorted, a page at a time,
    the outreach ledger's totals (this month by grid and kind, three months by month), the three
    declines of this month and year (incidents.figures.declines) and each grid's months without a
    case (incidents.figures.quiet_grids). None
    when the query names a grid the account may not see."""
    grids = visible_grids(actor)
    if query.grid is not None and query.grid not in {g.id for g in grids}:
        return None
    target = participation_target(tenancy.town_of(actor))
    by_coverage = query.sort == "coverage"
    rows = company_figures(actor, today, now, query.grid, coverage=by_coverage)
    shown = rules.sort_rows(rules.filter_rows(rows, query, target), rules.SORTS[query.sort], query.descending)
    page = rules.paginate(shown, query.page)
    if not by_coverage:
        page = replace(page, rows=with_coverage(page.rows, today, now))
    month = today.replace(day=1)
    three_months = Span(outreach.add_months(month, -2), today)
    quiet = incidents.quiet_grids(actor, today, today, [query.grid] if query.grid is not None else
                                  [g.id for g in grids])
    return Dashboard(today=today, target=target, query=query, grids=grids, page=page, companies=len(rows),
                     below=sum(1 for r in rows if r.below(target)),
                     outreach=outreach.summary(actor, outreach.month_span(month, today), query.grid),
                     outreach_months=outreach.summary(actor, three_months, query.grid),
                     declines=incidents.declines(actor, month, today, query.grid), quiet=list(quiet.values()))


@dataclass(frozen=True)
class Comparison:
    weeks: list[Span]
    chosen: list[Standing]  # in the order chosen, with their weekly tallies
    by_improvement: list[Standing]  # the chosen companies, most improved first
    by_level: list[Standing]  # the chosen companies, highest participation first
    candidates: list[Standing]  # visible companies matching the picker's filter, ranked
    candidate_total: int
    grids: list[Grid]

    @property
    def short_of_data(self) -> list[Standing]:
        """Companies shown whose 4 weeks before hold less than 4 weeks of data (the page warns)."""
        shown = {s.id: s for s in [*self.chosen, *self.candidates]}
        return rules.short_of_data(shown.values())


RANKS = {"improvement": rules.by_improvement, "level": rules.by_level,
         "name": lambda rows: sorted(rows, key=lambda s: s.name)}


def _standings(scope: Scope, today: date, weeks: list[Span], weekly: bool, now: datetime) -> list[Standing]:
    """Each company's last 4 weeks against the 4 before (and, if asked, all its weeks)."""
    recent, before = Span(weeks[-4].first, today), Span(weeks[-8].first, weeks[-5].last)
    pieces = figures.read_pieces(scope, today, weeks if weekly else [recent, before], now)
    r, b, w = pieces.inside(recent), pieces.inside(before), [pieces.inside(week) for week in weeks]
    return [Standing(c.id, c.name, pieces.tally(c.id, r), pieces.tally(c.id, b),
                     tuple(pieces.tally(c.id, p) for p in w) if weekly else (), c.grid_name) for c in scope.companies]


def compare(actor: StaffUser, today: date, chosen_ids: list[int], now: datetime, grid_id: int | None = None,
            q: str = "", rank: str = "improvement") -> Comparison | None:
    """Participation and knowledge week by week (12 weeks) for the chosen companies, and every
    visible company's last 4 weeks against the 4 before, ranked by improvement or by level.
    None when a chosen company (or the grid) is not one the account may see."""
    grids = visible_grids(actor)
    if grid_id is not None and grid_id not in {g.id for g in grids}:
        return None
    everyone = visible_scope(actor)
    by_id = {c.id: c for c in everyone.companies}
    if any(i not in by_id for i in chosen_ids):
        return None
    weeks = rules.weeks(today)
    needle = q.strip().casefold()
    pool = everyone if grid_id is None else visible_scope(actor, grid_id)
    candidates = RANKS.get(rank, rules.by_improvement)(
        [s for s in _standings(pool, today, weeks, weekly=False, now=now)
         if not needle or needle in s.name.casefold() or needle in s.grid_name.casefold()])
    chosen = _standings(everyone.only([by_id[i] for i in chosen_ids]), today, weeks, weekly=True, now=now)
    return Comparison(weeks=weeks, chosen=chosen, by_improvement=rules.by_improvement(chosen),
                      by_level=rules.by_level(chosen), candidates=candidates[:COMPARE_CANDIDATES],
                      candidate_total=len(candidates), grids=grids)


@dataclass(frozen=True)
class Line:
    """A grid or a company in the town view: its sums over 30 days (and week by week for a grid)."""

    id: int
    name: str
    grid_name: str
    companies: int
    headcount: int
    last30: Tally
    weeks: tuple[Tally, ...] = ()

    @property
    def level(self) -> float | None:
        return self.last30.participation


@dataclass(frozen=True)
class TownView:
    today: date
    weeks: list[Span]
    grids: list[Line]  # by grid code
    top_grids: list[Line]
    bottom_grids: list[Line]
    top_companies: list[Line]
    bottom_companies: list[Line]
    companies: int
    headcount: int
    totals: dict[str, Tally]  # today, last7, last30; complete7, complete30: the days before today
    quiet: dict[int, incidents.Quiet]  # per grid id: months without a case, zero cases in a row


def town_view(actor: StaffUser, today: date, now: datetime) -> TownView:
    """The town at a glance: a grid × week heat table of participation (12 weeks), the top and
    bottom 5 grids and companies by 30-day participation (one list when there are fewer than 10),
    the town's totals (also over the 7 and 30 complete days before today, as the city page shows
    the town), and each grid's months without a case (incidents.figures.quiet_grids)."""
    weeks = rules.weeks(today)
    # The companies that count on some day of the 12 weeks: a company deactivated since keeps its
    # days in the weeks and totals (they stay as they were); the company lists are today's.
    scope = visible_scope(actor, between=Span(weeks[0].first, today))
    listed = figures.counting_today(scope, today).companies
    # complete7/complete30: the 7 and 30 days before today, the periods the city page shows every
    # town (citycompare reads them from TownDay): the town sees here the figure the city sees.
    spans = {"today": metrics.trailing(today, 1), "last7": metrics.trailing(today, 7),
             "last30": metrics.trailing(today, 30), "complete7": metrics.trailing(today, 7, 1),
             "complete30": metrics.trailing(today, 30, 1)}
    live = figures.live_today(scope, today, now)
    heads = {cid: seen.headcount for cid, seen in live.items()}
    pieces = figures.read_pieces(scope, today, [*spans.values(), *weeks], now, live)
    # Grids are summed stretch by stretch, so no company needs twelve weekly tallies of its own.
    members: dict[int, list[CompanyInfo]] = {}
    for c in scope.companies:
        members.setdefault(c.grid_id, []).append(c)
    by_grid = {gid: [metrics.total(found.get(c.id, figures.NOTHING) for c in own) for found in pieces.sums]
               for gid, own in members.items()}
    last30 = pieces.inside(spans["last30"])
    grid_rows = db.session.execute(select(Grid.id, Grid.name).where(Grid.id.in_(list(members))).order_by(Grid.code))
    today_members: dict[int, int] = {}
    for c in listed:
        today_members[c.grid_id] = today_members.get(c.grid_id, 0) + 1
    grids = [Line(gid, name, "", today_members.get(gid, 0), sum(heads.get(c.id, 0) for c in members[gid]),
                  metrics.total(by_grid[gid][i] for i in last30),
                  tuple(metrics.total(by_grid[gid][i] for i in pieces.inside(week)) for week in weeks))
             for gid, name in grid_rows]
    companies = [Line(c.id, c.name, c.grid_name, 1, heads.get(c.id, 0), pieces.tally(c.id, last30))
                 for c in listed]
    top_grids, bottom_grids = metrics.top_and_bottom(grids, lambda g: g.level)
    top_companies, bottom_companies = metrics.top_and_bottom(companies, lambda c: c.level)
    totals = {name: metrics.total(by_grid[gid][i] for gid in by_grid for i in pieces.inside(span))
              for name, span in spans.items()}
    return TownView(today=today, weeks=weeks, grids=grids, top_grids=top_grids, bottom_grids=bottom_grids,
                    top_companies=top_companies, bottom_companies=bottom_companies, companies=len(companies),
                    headcount=sum(heads.get(c.id, 0) for c in listed), totals=totals,
                    quiet=incidents.quiet_grids(actor, today, today, [g.id for g in grids]))
