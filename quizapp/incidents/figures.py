"""The incident figures every surface that lists grids or shows the "three declines" reads: each
grid's months without a case and "连续 N 个月零发案", and 原始警情, 确认警情 and 损失金额 year on year.

Used by incidents.service (the incidents page), the grid dashboard and the town view, the map, the
weekly and monthly reports, the digest and the API, and (months without a case) the admin's grid
list, the supervision list and its ledger and the outreach ledger, so each shows the same figures
to the digit (tests/app/test_figures_agree.py). Reads Incident rows the reader may see (quizapp/scope.py:
visible_incidents); the rules are incidents.rules.year_on_year and rules.metrics. Aggregates only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from quizapp import scope
from quizapp.extensions import db
from quizapp.incidents import rules
from quizapp.incidents.rules import Record
from quizapp.models import Incident
from quizapp.rules import metrics


@dataclass(frozen=True)
class Quiet:
    """A company or grid and how long it has gone without a case."""

    name: str
    grid: str
    last_case: date | None
    months: int | None
    zero_months: int | None = None  # "连续 N 个月零发案": complete months in a row (metrics.zero_case_months)


def last_case(column, where: list, through: date) -> dict[int, date]:
    return dict(db.session.execute(select(column, func.max(Incident.month)).where(
        *where, Incident.cases > 0, Incident.month <= through, column.is_not(None)).group_by(column)).all())


def quiet_grids(actor: scope.Reader, through: date, today: date, grid_ids: Iterable[int] | None = None
                ) -> dict[int, Quiet]:
    """Per grid the actor may see (or those of `grid_ids`), how long it has gone without a case up
    to `through`'s month: its last month with a case, whole months since (metrics.months_without_case)
    and "连续 N 个月零发案" (metrics.zero_case_months: complete months only, as the town counts them).
    A grid counts every case recorded in it, whole-grid records included. Every surface that lists
    grids reads these, once for all its grids: the incidents page, the dashboard, the town view, the
    map, the reports, the digest, the API, the admin's grid list, the supervision list and ledger
    and the outreach ledger."""
    grids = [g for g in db.session.scalars(scope.visible_grids(actor, include_inactive=True))
             if grid_ids is None or g.id in set(grid_ids)]
    last = last_case(Incident.grid_id, [scope.visible_incidents(actor)], rules.month_start(through))
    return {g.id: Quiet(g.name, "", last.get(g.id), metrics.months_without_case(last.get(g.id), through),
                        metrics.zero_case_months(last.get(g.id), through, today)) for g in grids}


def declines(actor: scope.Reader, month: date, today: date, grid_id: int | None = None,
             company_id: int | None = None) -> rules.YearOnYear:
    """The "three declines" (原始警情, 确认警情, 损失金额) of `month` and of the year to date against a
    year before, like with like (incidents.rules.year_on_year: a month in progress on `today` is
    shown and not compared), over the records the actor may see (one grid's or one company's, if
    given). The dashboard, the reports, the digest and the API show exactly this."""
    month = rules.month_start(month)
    where = [scope.visible_incidents(actor), Incident.month >= rules.add_months(month.replace(month=1), -12),
             Incident.month <= month]
    if company_id is not None:
        where.append(Incident.company_id == company_id)
    elif grid_id is not None:
        where.append(Incident.grid_id == grid_id)
    found = db.session.execute(select(Incident.month, Incident.grid_id, Incident.company_id, Incident.cases,
                                      Incident.loss_yuan, Incident.raw_reports).where(*where))
    return rules.year_on_year([Record(*row) for row in found], month, today)
