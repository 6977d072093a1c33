"""The towns compared side by side: each town's participation and first-try knowledge over a
period of complete days, its companies and workers, and the three declines of a month, with the
city's total.

Used by the city page (/reports/city and its XLSX, the city admin only) and the API's
GET /api/v1/towns/figures (a city token: every town; a town's token: its own). Owns the reads
behind them, scoped by quizapp/scope.py (towns_of). Participation and knowledge come from the
TownDay rollup (rollups.towns: a row per town and past day), less the company-days of days a
company did not count (scope.company_counted_on: a company deactivated on day D counts through
D-1), which the town's own pages leave out too; so a town's figure here is the one its town view,
reports and API compute from CompanyDay for the same days
(docs/metrics.md, "The city page"). The declines are incidents.rules.year_on_year over the town's
records, as its incidents page shows them. Aggregates only: no company, grid or worker is named.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import and_, func, select

from quizapp import scope
from quizapp.audit import service as audit
from quizapp.citycompare import rules
from quizapp.citycompare.rules import CityQuery, TownLine
from quizapp.extensions import db
from quizapp.incidents import rules as incident_rules
from quizapp.incidents.rules import Record, YearOnYear
from quizapp.models import Company, CompanyDay, Employee, Grid, Incident, Town, TownDay
from quizapp.rollups.figures import TALLY_SUMS
from quizapp.rules.errors import Forbidden
from quizapp.rules.metrics import Span, Tally

FEN = Decimal("0.01")


def _uncounted_rows() -> tuple:
    """The CompanyDay rows of days their company does not count (scope.company_counted_on), which
    TownDay holds and the city's figures leave out. Only an inactive company has such rows (the
    rollup writes none for a day a company does not count, and reactivating deletes those of its
    days away), so the inactive ones are looked at first: a few companies' rows through the
    (company, day) index, not every company-day of the period."""
    return (Company.active.is_(False), ~and_(*scope.company_counted_on(CompanyDay.day)))


def _tallies(ids: list[int], span: Span) -> dict[int, Tally]:
    """Each town's sums over the span: its TownDay rows, less the rows of days a company did not
    count (scope.company_counted_on: deactivated by then, or away; rows older than migration 0036)."""
    found = {town_id: Tally(*(int(v or 0) for v in rest)) for town_id, *rest in db.session.execute(
        select(TownDay.town_id, func.sum(TownDay.expected), func.sum(TownDay.done), func.sum(TownDay.common_correct),
               func.sum(TownDay.common_answered), func.sum(TownDay.companies))
        .where(TownDay.town_id.in_(ids), TownDay.day >= span.first, TownDay.day <= span.last)
        .group_by(TownDay.town_id))}
    for town_id, *rest in db.session.execute(
            select(Grid.town_id, *TALLY_SUMS).select_from(CompanyDay)
            .join(Company, Company.id == CompanyDay.company_id).join(Grid, Grid.id == Company.grid_id)
            .where(*_uncounted_rows(), Grid.town_id.in_(ids),
                   CompanyDay.day >= span.first, CompanyDay.day <= span.last).group_by(Grid.town_id)):
        gone = Tally(*(int(v or 0) for v in rest))
        found[town_id] = Tally(*(a - b for a, b in zip(found.get(town_id, Tally()), gone, strict=True)))
    return found


class Headcount(NamedTuple):
    """A town's active workers and the day they were counted on."""

    day: date
    workers: int


def town_headcounts(ids: list[int], span: Span, today: date) -> dict[int, Headcount]:
    """Each town's active workers at the span's end (docs/metrics.md, "Active workers (a period)":
    metrics.headcount_at_end for towns): its active companies' workers on the span's last day with
    data. A span with today in it counts the rosters now (scope.active_on, read live as every page's
    today: the rollup holds no today), every town; a past span, the town's TownDay row of that day
    less the rows of companies not counting that day (a town without data in the span is absent).

    The one function behind both of the city admin's counts: the overview (/city/, the API's
    /towns: today) and the towns compared (its period, ending yesterday), so the two pages give the
    same digits for the same day, and each names its day."""
    if not ids:
        return {}
    if span.contains(today):
        live = dict(db.session.execute(
            select(Grid.town_id, func.count(Employee.id)).join(Company, Company.id == Employee.company_id)
            .join(Grid, Grid.id == Company.grid_id)
            .where(Grid.town_id.in_(ids), Company.active.is_(True), *scope.active_on(today))
            .group_by(Grid.town_id)).all())
        return {town_id: Headcount(today, int(live.get(town_id, 0))) for town_id in ids}
    return {town_id: Headcount(day, heads) for town_id, (day, heads) in _past_headcounts(ids, span).items()}


def _past_headcounts(ids: list[int], span: Span) -> dict[int, tuple[date, int]]:
    """Each town's active workers on the span's last day with data (of the companies counting that
    day: scope.company_counted_on), and that day."""
    last = dict(db.session.execute(select(TownDay.town_id, func.max(TownDay.day)).where(
        TownDay.town_id.in_(ids), TownDay.day >= span.first, TownDay.day <= span.last)
        .group_by(TownDay.town_id)).all())
    heads: dict[int, int] = {}
    for day in set(last.values()):
        towns = [town_id for town_id, found in last.items() if found == day]
        heads.update(db.session.execute(select(TownDay.town_id, TownDay.headcount).where(
            TownDay.town_id.in_(towns), TownDay.day == day)).all())
        for town_id, gone in db.session.execute(
                select(Grid.town_id, func.sum(CompanyDay.headcount)).select_from(CompanyDay)
                .join(Company, Company.id == CompanyDay.company_id).join(Grid, Grid.id == Company.grid_id)
                .where(*_uncounted_rows(), Grid.town_id.in_(towns), CompanyDay.day == day)
                .group_by(Grid.town_id)):
            heads[town_id] -= int(gone or 0)
    return {town_id: (last[town_id], count) for town_id, count in heads.items()}


def _companies(ids: list[int], span: Span) -> dict[int, int]:
    """Each town's companies that count on some day of the span (one deactivated since included)."""
    counted = scope.companies_counted_between(span.first, span.last)
    return dict(db.session.execute(select(Grid.town_id, func.count(Company.id)).join(Grid, Grid.id == Company.grid_id)
                                   .where(Grid.town_id.in_(ids), *counted).group_by(Grid.town_id)).all())


def _fen(amount) -> Decimal:
    """A sum of losses to the fen (PostgreSQL adds numerics exactly; SQLite adds them as floats)."""
    return Decimal(str(amount or 0)).quantize(FEN)


def _records(ids: list[int], month: date) -> dict[int, list[Record]]:
    """Each town's incident records from January a year before `month` to `month` (what
    incidents.figures.declines reads for one town: its grids' records, whole-grid ones included),
    added up per month in the database: the declines need only each month's totals, and a city
    holds tens of thousands of records. Losses are summed as the column's decimals."""
    found: dict[int, list[Record]] = {town_id: [] for town_id in ids}
    for town_id, month_of, cases, loss, raw in db.session.execute(
            select(Grid.town_id, Incident.month, func.sum(Incident.cases), func.sum(Incident.loss_yuan),
                   func.sum(Incident.raw_reports)).join(Grid, Grid.id == Incident.grid_id)
            .where(Grid.town_id.in_(ids), Incident.month >= incident_rules.add_months(month.replace(month=1), -12),
                   Incident.month <= month).group_by(Grid.town_id, Incident.month)):
        found[town_id].append(Record(month_of, 0, None, int(cases or 0), _fen(loss), int(raw or 0)))
    return found


@dataclass(frozen=True)
class TownFigures:
    """The towns' lines (by code) and the total of them, over `span` and for `month`."""

    span: Span
    month: date
    towns: list[TownLine]
    total: TownLine


def town_figures(reader: scope.Reader, today: date, days: int = rules.DEFAULT_PERIOD, month: date | None = None
                 ) -> TownFigures:
    """Every town the reader may read (the city: all; a town's account or token: its own), by
    code: participation and knowledge over the `days` complete days before today, active
    companies, active workers at the period's end (town_headcounts: its last day with data), and
    the declines of `month` (default: the last complete one), with their total. A handful of
    GROUP BYs over some 32 rows a day."""
    span = rules.period_span(today, days)
    month = incident_rules.month_start(month or rules.default_month(today))
    towns = list(db.session.execute(scope.towns_of(reader).with_only_columns(Town.id, Town.code, Town.name)))
    ids = [t.id for t in towns]
    tallies, heads, companies = (_tallies(ids, span), town_headcounts(ids, span, today), _companies(ids, span)) \
        if ids else ({}, {}, {})
    records = _records(ids, month) if ids else {}
    lines = [TownLine(t.id, t.code, t.name, companies.get(t.id, 0),
                      heads[t.id].workers if t.id in heads else None, tallies.get(t.id, Tally()),
                      incident_rules.year_on_year(records[t.id], month, today),
                      heads[t.id].day if t.id in heads else None) for t in towns]
    everything: list[Record] = [r for found in records.values() for r in found]
    return TownFigures(span, month, lines, rules.city_total(lines, incident_rules.year_on_year(everything, month,
                                                                                                 today)))


@dataclass(frozen=True)
class CityPage:
    today: date
    query: CityQuery
    figures: TownFigures
    rows: list[TownLine]  # sorted as asked

    @property
    def declines(self) -> YearOnYear:
        return self.figures.total.declines


def city_page(actor: scope.Reader, today: date, query: CityQuery) -> CityPage:
    """The city page: the towns side by side, sorted as asked, and the city's total. Only for the
    city admin (Forbidden for anyone else: a town's admin or officer reads their own town's pages)."""
    if not scope.sees_city(actor):
        raise Forbidden("citycompare.city_only")
    found = town_figures(actor, today, query.days, query.month)
    return CityPage(today, query, found, rules.sort_lines(found.towns, query))


def export_page(actor, page: CityPage) -> CityPage:
    """The page for its XLSX (citycompare.sheets.workbook); the download is written to the audit
    log (the city's rows)."""
    audit.record(actor, "export.city", {"days": page.query.days, "month": f"{page.figures.month:%Y-%m}",
                                        "from": page.figures.span.first, "to": page.figures.span.last})
    return page
