"""Today's figures per company, scoped to what the signed-in staff account may see.

Used by the console, reports and admin home pages. Owns tenant scoping: company staff see their
own company, grid officers the companies in their grids, the town admin all companies; officers and
the admin get aggregates only, never a worker's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Attempt, Company, Employee, Grid, StaffUser, officer_grids
from quizapp.quiz.rules.grading import is_workday
from quizapp.rollups.service import active_on
from quizapp.rules import metrics


def companies_visible_to(user: StaffUser):
    """A select() of the companies this account may see."""
    query = select(Company).where(Company.active.is_(True)).order_by(Company.name)
    if user.role == "company_staff":
        return query.where(Company.id == user.company_id)
    if user.role == "grid_officer":
        grids = select(officer_grids.c.grid_id).where(officer_grids.c.staff_user_id == user.id)
        return query.where(Company.grid_id.in_(grids))
    if user.role == "town_admin":
        return query
    return query.where(False)


def visible_grids(user: StaffUser, include_inactive: bool = False) -> list[Grid]:
    """The grids the account may see, by code: an officer's own, every grid for the town admin.
    Deactivated grids (which have no active company left) only for history: incidents."""
    if user.role == "town_admin":
        grids = list(db.session.scalars(select(Grid).order_by(Grid.code)))
    elif user.role == "grid_officer":
        grids = sorted(user.grids, key=lambda g: g.code)
    else:
        grids = []
    return grids if include_inactive else [g for g in grids if g.active]


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


def today_by_company(user: StaffUser, today: date) -> list[CompanyToday]:
    """Done, in progress and headcount today for every company the account may see."""
    companies = list(db.session.scalars(companies_visible_to(user)))
    ids = [c.id for c in companies]
    if not ids:
        return []
    counts = dict(db.session.execute(
        select(Attempt.company_id, func.count()).where(
            Attempt.company_id.in_(ids), Attempt.official_date == today, Attempt.finished_at.is_not(None))
        .group_by(Attempt.company_id)).all())
    started = dict(db.session.execute(
        select(Attempt.company_id, func.count()).where(
            Attempt.company_id.in_(ids), Attempt.official_date == today, Attempt.finished_at.is_(None))
        .group_by(Attempt.company_id)).all())
    heads = dict(db.session.execute(
        select(Employee.company_id, func.count(Employee.id)).where(
            Employee.company_id.in_(ids), *active_on(today)).group_by(Employee.company_id)).all())
    grids = {g.id: g for g in db.session.scalars(select(Grid).where(Grid.id.in_({c.grid_id for c in companies})))}
    return [CompanyToday(company=c, grid=grids[c.grid_id], workday=is_workday(today, c.workdays),
                         headcount=heads.get(c.id, 0), done=counts.get(c.id, 0), in_progress=started.get(c.id, 0))
            for c in companies]


def roster_size(company_id: int) -> int:
    return db.session.scalar(select(func.count(Employee.id)).where(
        Employee.company_id == company_id, Employee.active.is_(True))) or 0
