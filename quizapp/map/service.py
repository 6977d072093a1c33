"""The incident map's figures: every grid the reader may see (an officer's own, the town admin's
whole town: quizapp/scope.py) with its workers, cases, losses, participation, knowledge, months
without a case and heat index over a period, its outline, and the period's incidents that have a
point, for reports.map.

Used by map.views. Figures come from rollups.figures (participation, knowledge and workers, as the
dashboard reads them) and the incident records, computed by rules.metrics. Aggregates only: no
worker's name or number.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from quizapp import scope as tenancy
from quizapp.api.service import TokenReader
from quizapp.dashboard import service as dashboard
from quizapp.extensions import db
from quizapp.incidents import figures as incident_figures
from quizapp.incidents import service as incidents
from quizapp.incidents.rules import add_months, month_start
from quizapp.map.rules import GridFigures, Period, cases_by_age
from quizapp.models import Incident
from quizapp.places import rules as places
from quizapp.places import service as outlines_service
from quizapp.places.rules import Datum
from quizapp.rollups import figures
from quizapp.rules import metrics
from quizapp.rules.metrics import Span


@dataclass(frozen=True)
class MapPoint:
    """An incident record with a point, where the map draws it (WGS-84, rounded to
    places.SHOWN_DECIMALS: about 100 m) and what its tooltip says."""

    longitude: float
    latitude: float
    grid: str
    month: date
    fraud_type: str
    cases: int


@dataclass(frozen=True)
class MapView:
    period: Period
    grids: list[GridFigures]
    outlines: dict[str, dict]  # grid code -> GeoJSON geometry
    points: list[MapPoint]
    located: int  # the period's records with a point or a place
    records: int  # all the period's records


def period_span(period: Period, today: date) -> Span:
    """The days of the period's months, up to today."""
    return Span(period.first, min(add_months(period.last, 1) - timedelta(days=1), today))


def map_view(actor: tenancy.Reader, period: Period, today: date, now: datetime, lang: str) -> MapView:
    """Each of the actor's grids over the period: workers (the active headcount at the period's
    end), confirmed cases and losses of the period's months, participation and knowledge over the
    period's days, months without a case at the period's end, and the heat index (cases of the
    HEAT_MONTHS to the period's last month); their outlines; the period's incidents with a point."""
    grids = list(db.session.scalars(tenancy.visible_grids(actor)))
    grid_ids = {g.id for g in grids}
    span = period_span(period, today)
    # The companies that count on some day of the period (docs/metrics.md, "Companies that leave"):
    # one deactivated since keeps its past months, as in the monthly report.
    companies = dashboard.visible_scope(actor, between=span)
    tallies = figures.period_tallies(companies, span, today, now)
    heads = figures.end_headcounts(companies, span, today)
    by_grid: dict[int, list[metrics.Tally]] = defaultdict(list)
    workers: dict[int, int] = defaultdict(int)
    for company in companies.companies:
        by_grid[company.grid_id].append(tallies.get(company.id, metrics.Tally()))
        workers[company.grid_id] += heads.get(company.id, 0)
    heat_first = min(period.first, add_months(period.last, 1 - metrics.HEAT_MONTHS))
    rows = db.session.execute(
        select(Incident.grid_id, Incident.month, func.sum(Incident.cases), func.sum(Incident.loss_yuan))
        .where(tenancy.visible_incidents(actor), Incident.grid_id.in_(grid_ids), Incident.month >= heat_first,
               Incident.month <= period.last)
        .group_by(Incident.grid_id, Incident.month)).all()
    cases: dict[int, dict[date, int]] = defaultdict(dict)
    losses: dict[int, Decimal] = defaultdict(Decimal)
    counted: dict[int, int] = defaultdict(int)
    for grid_id, month, n, loss in rows:
        cases[grid_id][month] = int(n or 0)
        if month >= period.first:
            counted[grid_id] += int(n or 0)
            losses[grid_id] += Decimal(str(loss or 0))
    quiet = incident_figures.quiet_grids(actor, period.last, today, grid_ids)
    shown = [GridFigures(g.id, g.code, g.name, workers[g.id], counted[g.id], losses[g.id],
                         metrics.total(by_grid[g.id]), quiet[g.id].months,
                         cases_by_age({m: n for m, n in cases[g.id].items() if n}, period.last),
                         quiet[g.id].zero_months) for g in grids]
    geometry = outlines_service.outlines(grid_ids)
    names = incidents.type_names(lang)
    codes = {g.id: g.name for g in grids}
    located = db.session.execute(
        select(Incident.grid_id, Incident.month, Incident.fraud_type, Incident.cases, Incident.longitude,
               Incident.latitude, Incident.datum, Incident.place_id)
        .where(tenancy.visible_incidents(actor), Incident.grid_id.in_(grid_ids), Incident.month >= period.first,
               Incident.month <= period.last)).all()
    points = []
    for grid_id, month, fraud_type, n, lon, lat, datum, _place in located:
        if lon is None or lat is None or datum is None:
            continue
        x, y = places.drawn(places.Point(Decimal(lon), Decimal(lat), Datum(datum)))
        points.append(MapPoint(places.shown(x), places.shown(y), codes[grid_id], month,
                               names.get(fraud_type, fraud_type), n))
    return MapView(period, shown, {g.code: geometry[g.id] for g in grids if g.id in geometry}, points,
                   located=sum(1 for r in located if r.datum is not None or r.place_id is not None),
                   records=len(located))


def grid_heat(town_id: int, today: date, now: datetime) -> dict[int, float | None]:
    """Every grid of the town's heat index over the HEAT_MONTHS to this month, as the town admin's
    map shows it (an input of the supervision rules: supervision.rules.incident_flag)."""
    this_month = month_start(today)
    view = map_view(TokenReader(town_id=town_id), Period(add_months(this_month, 1 - metrics.HEAT_MONTHS), this_month),
                    today, now, "zh")
    return {g.grid_id: g.heat for g in view.grids}
