"""The API's JSON answers, shaped from api.service's results (a refused parameter is worded in
api.wording). One function per object, named as in the OpenAPI document's components (openapi.py),
so the two are easy to hold side by side; the tests validate real answers against the document.
Aggregates only: nothing here reads a worker.
"""

from __future__ import annotations

from quizapp.api.rules import DateRange, Paging, figures, money, month_text
from quizapp.api.rules import share as rounded
from quizapp.api.service import CompanyDayLine, CompanyLine, Declines, GridDay, GridLine, IncidentLine
from quizapp.citycompare.rules import TownLine
from quizapp.citycompare.service import TownFigures
from quizapp.incidents.rules import FIGURES
from quizapp.leads.rules import LeadTally
from quizapp.leads.service import LeadSummary
from quizapp.learning.rules import Estimate, Share
from quizapp.learning.service import GridMonths, LearningView
from quizapp.models import Company, Grid
from quizapp.outreach.service import OutreachSummary
from quizapp.rules.metrics import OutreachTotals, Tally, incident_totals
from quizapp.towns.service import TownRow


def town(row: TownRow) -> dict:
    return {"id": row.town.id, "code": row.town.code, "name": row.town.name, "grids": row.grids,
            "companies": row.companies, "workers": row.workers}


def grid(row: Grid) -> dict:
    return {"id": row.id, "code": row.code, "name": row.name, "active": row.active}


def company(row: Company) -> dict:
    return {"id": row.id, "code": row.code, "name": row.name, "grid_id": row.grid_id, "active": row.active}


def range_of(span: DateRange) -> dict:
    return {"from": span.first.isoformat(), "to": span.last.isoformat(), "day_count": span.days}


def page(paging: Paging, total: int, next_url: str | None) -> dict:
    return {"total": total, "limit": paging.limit, "offset": paging.offset, "next": next_url}


def grid_day(line: GridDay) -> dict:
    return {"date": line.day.isoformat(), "provisional": line.provisional, "companies": line.companies,
            "workday_companies": line.workday_companies, "headcount": line.headcount, **figures(line.tally)}


def company_day(line: CompanyDayLine) -> dict:
    return {"date": line.day.isoformat(), "provisional": line.provisional, "workday": line.workday,
            "headcount": line.headcount, **figures(line.tally)}


def grid_line(line: GridLine) -> dict:
    return {**grid(line.grid), "companies": line.companies, **figures(line.tally)}


def town_line(tally: Tally, companies: int) -> dict:
    return {"companies": companies, **figures(tally)}


def company_line(line: CompanyLine) -> dict:
    return {"id": line.id, "code": line.code, "name": line.name, "grid_id": line.grid_id, **figures(line.tally)}


def incidents(lines: list[IncidentLine]) -> dict:
    """The rows, and the totals over them (metrics.incident_totals). Losses in yuan, as numbers with
    at most two decimals."""
    totals = incident_totals(lines)
    return {"incidents": [{"month": month_text(i.month), "grid_id": i.grid_id, "company_id": i.company_id,
                           "fraud_type": i.fraud_type, "cases": i.cases, "loss_yuan": money(i.loss_yuan),
                           "raw_reports": i.raw_reports}
                          for i in lines],
            "total": {"cases": totals.cases, "loss_yuan": money(totals.loss_yuan), "raw_reports": totals.raw_reports}}


def declines(found: Declines) -> dict:
    """The three declines (docs/metrics.md, "Year on year"): each figure this month and the year to
    date beside a year before, the change in whole percent and whether it declined (null where not
    compared); and each grid's months without a case."""
    y = found.year_on_year
    changes, down = y.changes(), y.declines()

    def value(totals, name: str) -> int | float:
        amount = getattr(totals, name)
        return money(amount) if name == "loss_yuan" else amount

    return {
        "month": month_text(y.month), "partial": y.partial,
        "year_to_date": None if y.ytd_last is None else {"from": month_text(y.month.replace(month=1)),
                                                          "to": month_text(y.ytd_last)},
        "figures": [{"figure": name, "month": value(y.this_month, name),
                     "month_last_year": value(y.month_last_year, name), "month_change": changes[f"month_{name}"],
                     "month_declined": down[f"month_{name}"],
                     "year_to_date": value(y.year_to_date, name) if y.ytd_last else None,
                     "ytd_last_year": value(y.ytd_last_year, name) if y.ytd_last else None,
                     "ytd_change": changes[f"ytd_{name}"], "ytd_declined": down[f"ytd_{name}"]}
                    for name in FIGURES],
        "grids": [{"grid_id": g.id, "code": g.code, "name": g.name,
                   "last_case_month": None if q.last_case is None else month_text(q.last_case),
                   "months_without_case": q.months, "zero_case_months": q.zero_months} for g, q in found.grids],
    }


def outreach(summary: OutreachSummary) -> dict:
    def totals(t: OutreachTotals) -> dict:
        return {"events": t.events, "people": t.people}

    return {"total": totals(summary.total),
            "grids": [{"grid_id": g.id, "code": g.code, "name": g.name, **totals(t)} for g, t in summary.by_grid],
            "kinds": [{"kind": k.value, **totals(t)} for k, t in summary.by_kind],
            "months": [{"month": month_text(m), **totals(t)} for m, t in summary.by_month]}


def share(found: Share) -> dict:
    """Right of answered, the share (null for none) and its 95 % Wilson interval."""
    interval = found.interval or (None, None)
    return {"answered": found.answered, "right": found.right, "share": rounded(found.value),
            "low": rounded(interval[0]), "high": rounded(interval[1])}


def estimate(found: Estimate | None) -> dict | None:
    """A change in shares (0..1 scale, negative for a fall) with its 95 % interval, or null."""
    if found is None:
        return None
    return {"value": rounded(found.value), "low": rounded(found.low), "high": rounded(found.high),
            "units": found.units}


def learning(view: LearningView) -> dict:
    """The learning figures (docs/metrics.md, "Learning")."""

    def months(row: GridMonths) -> list[dict]:
        return [{"month": month_text(span.first), **share(found)} for span, found in zip(view.months, row.months,
                                                                                         strict=True)]

    probe = view.probe
    return {
        "first_tries": {"grids": [{"grid_id": row.id, "name": row.name, "months": months(row)} for row in view.grids],
                        "total": months(view.total)},
        "retention": [{"days_from": point.low, "days_to": point.high, **share(point.share)} for point in view.curve],
        "probe": {"workers_started": probe.before, "workers_paired": probe.pairs, "estimate": estimate(probe.estimate),
                  "by_lag": [{"lag_days": line.lag, "estimate": estimate(line.estimate)} for line in probe.by_lag]},
        "sharing": [{"company_id": line.id, "name": line.name, "grid_id": line.grid_id,
                     "early_common": share(line.counts.early_common), "late_common": share(line.counts.late_common),
                     "early_personal": share(line.counts.early_personal),
                     "late_personal": share(line.counts.late_personal),
                     "gap": estimate(line.gap), "flagged": bool(line.gap and line.gap.excludes_zero)}
                    for line in view.sharing],
    }


def alert(line) -> dict:
    """A published 本周警情 alert and its reach: workers who answered its question and how many got
    it right the first time, by company (companies under 20 workers added up per grid, "company":
    null), by grid and in all."""
    def reach(row) -> dict:
        return {"workers": row.workers, "right": row.right, "accuracy": row.accuracy}

    item = line.alert
    return {"id": item.id, "title": item.title, "fraud_type": item.topic.slug, "state": line.state,
            "published_on": item.published_on.isoformat() if item.published_on else None,
            "expires_on": item.expires_on.isoformat(),
            "withdrawn_on": item.withdrawn_on.isoformat() if item.withdrawn_on else None,
            "grids": [g.code for g in item.grids], "reach": reach(line.whole),
            "reach_by_grid": [{"grid": row.grid, **reach(row)} for row in line.grids],
            "reach_by_company": [{"grid": row.grid, "company": row.company, **reach(row)} for row in line.companies]}


def leads(summary: LeadSummary) -> dict:
    """Workers' reports: in all, per grid (with its channels), per channel."""
    def totals(t: LeadTally) -> dict:
        return {"leads": t.leads, "reports": t.reports, "money_lost": t.money_lost}

    return {"total": totals(summary.total),
            "grids": [{"grid_id": g.id, "code": g.code, "name": g.name, **totals(t),
                       "channels": [{"channel": c.value, **totals(summary.by_grid_channel[(g.id, c)])}
                                    for c, _t in summary.by_channel if (g.id, c) in summary.by_grid_channel]}
                      for g, t in summary.by_grid],
            "channels": [{"channel": c.value, **totals(t)} for c, t in summary.by_channel]}


def town_figures_line(line: TownLine) -> dict:
    """A town's (or the total's) figures on the city page: companies, workers at the period's end,
    the period's tally and the three declines of the month against a year before."""
    y = line.declines
    changes, down = y.changes(), y.declines()

    def value(totals, name: str) -> int | float:
        amount = getattr(totals, name)
        return money(amount) if name == "loss_yuan" else amount

    return {"companies": line.companies, "workers": line.headcount, **figures(line.tally),
            "declines": [{"figure": name, "month": value(y.this_month, name),
                          "month_last_year": value(y.month_last_year, name),
                          "month_change": changes[f"month_{name}"], "month_declined": down[f"month_{name}"]}
                         for name in FIGURES]}


def town_figures(found: TownFigures) -> dict:
    """The towns compared (GET /api/v1/towns/figures): the period, the month, every town and the total."""
    return {"from": found.span.first.isoformat(), "to": found.span.last.isoformat(),
            "day_count": (found.span.last - found.span.first).days + 1, "month": month_text(found.month),
            "partial": found.total.declines.partial,
            "towns": [{"id": line.id, "code": line.code, "name": line.name, **town_figures_line(line)}
                      for line in found.towns],
            "total": town_figures_line(found.total)}
