"""The API's JSON answers, shaped from api.service's results (a refused parameter is worded in
api.wording). One function per object, named as in the OpenAPI document's components (openapi.py),
so the two are easy to hold side by side; the tests validate real answers against the document.
Aggregates only: nothing here reads a worker.
"""

from __future__ import annotations

from quizapp.api.rules import DateRange, Paging, figures, money, month_text
from quizapp.api.service import CompanyDayLine, CompanyLine, GridDay, GridLine, IncidentLine
from quizapp.models import Company, Grid
from quizapp.outreach.service import OutreachSummary
from quizapp.rules.metrics import OutreachTotals, Tally, incident_totals


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


def outreach(summary: OutreachSummary) -> dict:
    def totals(t: OutreachTotals) -> dict:
        return {"events": t.events, "people": t.people}

    return {"total": totals(summary.total),
            "grids": [{"grid_id": g.id, "code": g.code, "name": g.name, **totals(t)} for g, t in summary.by_grid],
            "kinds": [{"kind": k.value, **totals(t)} for k, t in summary.by_kind],
            "months": [{"month": month_text(m), **totals(t)} for m, t in summary.by_month]}
