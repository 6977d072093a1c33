"""Today's figures per company for the town admin's home page: done, in progress and active
headcount for every company the account may see (quizapp/scope.py decides which). Aggregates
only, never a worker's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from quizapp import scope
from quizapp.extensions import db
from quizapp.models import Company, Grid, StaffUser
from quizapp.rollups import figures
from quizapp.rules import metrics


@dataclass(frozen=True)
class CompanyToday:
    company: Company
    grid: Grid
    workday: bool
    headcount: int
    done: int
    in_progress: int

    @property
    def participation(self) -> float | None:
        """Today's participation (docs/metrics.md): done ÷ active workers on a workday."""
        return metrics.day_tally(self.workday, self.headcount, self.done).participation


def today_by_company(user: StaffUser, today: date, now: datetime) -> list[CompanyToday]:
    """Done, in progress and active workers today for every company the account may see, counted
    as the console's board counts them (rollups.figures.live_today: the roster, and today's
    attempts read through the (company_id, local_date) index)."""
    companies = list(db.session.scalars(scope.visible_companies(user)))
    if not companies:
        return []
    live = figures.live_today(figures.Scope([figures.CompanyInfo(c.id, c.name, c.grid_id, "", c.workdays)
                                             for c in companies], [c.id for c in companies]), today, now)
    grids = {g.id: g for g in db.session.scalars(select(Grid).where(Grid.id.in_({c.grid_id for c in companies})))}
    return [CompanyToday(c, grids[c.grid_id], metrics.is_workday(today, c.workdays), seen.headcount, seen.done,
                         seen.in_progress) for c in companies for seen in [live.get(c.id, figures.Live())]]
