"""Today's figures per company for the town admin's home page: done, in progress and active
headcount for every company the account may see (quizapp/scope.py decides which). Aggregates
only, never a worker's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from quizapp import scope
from quizapp.extensions import db
from quizapp.models import Attempt, Company, Employee, Grid, StaffUser
from quizapp.quiz.rules.grading import is_workday
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
        return metrics.share(self.done, self.headcount) if self.workday else None


def todays_attempts(company_ids: list[int], today: date):
    """Per company, today's official attempts finished and still open: one GROUP BY. It filters on
    local_date and kind (an official attempt's official_date is its local_date) so that the
    (company_id, local_date) index reads today's rows only, never a company's whole history."""
    return (select(Attempt.company_id, func.count().filter(Attempt.finished_at.is_not(None)),
                   func.count().filter(Attempt.finished_at.is_(None)))
            .where(Attempt.company_id.in_(company_ids), Attempt.local_date == today, Attempt.kind == "official")
            .group_by(Attempt.company_id))


def today_by_company(user: StaffUser, today: date) -> list[CompanyToday]:
    """Done, in progress and headcount today for every company the account may see."""
    companies = list(db.session.scalars(scope.visible_companies(user)))
    ids = [c.id for c in companies]
    if not ids:
        return []
    attempts = {cid: (int(done), int(started))
                for cid, done, started in db.session.execute(todays_attempts(ids, today))}
    heads = dict(db.session.execute(
        select(Employee.company_id, func.count(Employee.id)).where(
            Employee.company_id.in_(ids), *scope.active_on(today)).group_by(Employee.company_id)).all())
    grids = {g.id: g for g in db.session.scalars(select(Grid).where(Grid.id.in_({c.grid_id for c in companies})))}
    return [CompanyToday(c, grids[c.grid_id], is_workday(today, c.workdays), heads.get(c.id, 0),
                         *attempts.get(c.id, (0, 0))) for c in companies]
