"""Every tenant filter, in one place: which company a staff member works for, which grids and
companies an account may see, which incidents, outreach records and
workers' reports, and which workers count on a day.

Used by every feature's service (and the cron commands') that reads one company's or several
companies' data; access.py beside it decides who may open a page at all, this module what they
see once there. Company staff see their own company, never one named by a URL or a form; grid
officers the active companies of their grids; the town admin (and an API token, which reads as
the town) every company. A worker counts on a day when they are on the roster and that day lies
within their start and leaving dates (docs/metrics.md: active headcount).

Everything here takes the acting account as an argument and returns a value, SQL conditions or a
select(): callers execute them. No Flask, no session: a test checks (tests/app/test_scope.py),
and another that no feature writes one of these filters itself.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Select, and_, false, or_, select, true

from quizapp.models import Company, Employee, Grid, Incident, Lead, OutreachActivity, StaffUser, officer_grids
from quizapp.rules.errors import NotFound
from quizapp.rules.vocab import Role


class Reader(Protocol):
    """Whoever reads: a staff account (StaffUser), or an API token, which reads as the town
    (api.service.TownReader). What the filters below look at."""

    @property
    def id(self) -> int | None: ...
    @property
    def role(self) -> Role: ...
    @property
    def company_id(self) -> int | None: ...


# --- the staff member's company ------------------------------------------------------------------

def own_company_id(actor: StaffUser) -> int:
    """The company a staff member works for: the only one the console ever shows them. Any other
    account has none (NotFound: the app answers 404)."""
    if actor.role != Role.COMPANY_STAFF or actor.company_id is None:
        raise NotFound("scope.no_own_company", account=actor.id)
    return actor.company_id


def own_company(actor: StaffUser) -> Company:
    """The staff member's company (loaded with the account by the user loader)."""
    own_company_id(actor)
    company = actor.company
    if company is None:  # a company_id always names a company (a foreign key)
        raise NotFound("scope.no_own_company", account=actor.id)
    return company


# --- what an officer or the town admin sees -------------------------------------------------------

def sees_whole_town(actor: Reader) -> bool:
    """The town admin (and an API token) sees every grid and company, and the town as a whole."""
    return actor.role == Role.TOWN_ADMIN


def _officer_grid_ids(actor: Reader) -> Select:
    return select(officer_grids.c.grid_id).where(officer_grids.c.staff_user_id == actor.id)


def officers_of_grid(grid_id: int) -> Select:
    """A select() of the ids of the accounts assigned to a grid as its officers (who may own its
    companies' supervision cases, beside the town admin)."""
    return select(officer_grids.c.staff_user_id).where(officer_grids.c.grid_id == grid_id)


def visible_grids(actor: Reader, include_inactive: bool = False) -> Select:
    """A select() of the grids the account may see, by code: an officer's own, every grid for the
    town admin, none for company staff. Deactivated grids (no active company left) only with
    `include_inactive`: incidents are history and stay readable in the grid they were recorded in."""
    query = select(Grid).order_by(Grid.code)
    if not include_inactive:
        query = query.where(Grid.active.is_(True))
    if sees_whole_town(actor):
        return query
    if actor.role == Role.GRID_OFFICER:
        return query.where(Grid.id.in_(_officer_grid_ids(actor)))
    return query.where(false())


def visible_companies(actor: Reader) -> Select:
    """A select() of the active companies the account may see, by name: company staff their own,
    an officer those of their grids, the town admin all."""
    query = select(Company).where(Company.active.is_(True)).order_by(Company.name)
    if sees_whole_town(actor):
        return query
    if actor.role == Role.GRID_OFFICER:
        return query.where(Company.grid_id.in_(_officer_grid_ids(actor)))
    if actor.role == Role.COMPANY_STAFF:
        return query.where(Company.id == actor.company_id)
    return query.where(false())


def manages_register(actor: Reader) -> bool:
    """The town admin keeps the town's register of grids and companies (imports, exports)."""
    return sees_whole_town(actor)


def register_grids(actor: Reader) -> Select:
    """A select() of the grids whose register the account manages (the register import and
    export): the town admin's every grid, active or not; nobody else's any."""
    query = select(Grid).order_by(Grid.code)
    return query if manages_register(actor) else query.where(false())


def register_companies(actor: Reader) -> Select:
    """A select() of the companies of register_grids(), active or not, by code."""
    grid_ids = register_grids(actor).with_only_columns(Grid.id).order_by(None)
    return select(Company).where(Company.grid_id.in_(grid_ids)).order_by(Company.code)


def other_towns_codes(actor: Reader) -> tuple[Select, Select]:
    """select()s of the grid codes and the company codes that belong to other towns than the
    account's: a register file may not take them. A single town has none."""
    return select(Grid.code).where(false()), select(Company.code).where(false())


def new_grid_values(actor: Reader) -> dict:
    """The values that put a grid the account creates into its own town (a single town: none)."""
    return {}


def visible_company_ids(actor: Reader) -> Select:
    """The visible companies' ids as a subquery for IN (the town admin's can be thousands: no
    list of parameters)."""
    return visible_companies(actor).with_only_columns(Company.id).order_by(None)


def visible_incidents(actor: Reader):
    """The condition on Incident for the records the account may see: those of a visible company,
    or recorded in one of the officer's grids (a company that moved to another grid leaves its
    records with the grid they happened in: docs/admin.md); the town admin all of them."""
    if sees_whole_town(actor):
        return true()
    grid_ids = visible_grids(actor, include_inactive=True).with_only_columns(Grid.id).order_by(None)
    return or_(Incident.company_id.in_(visible_company_ids(actor)), Incident.grid_id.in_(grid_ids))


# --- workers' reports (leads) -------------------------------------------------------------------

def visible_leads(actor: Reader):
    """The condition on Lead for the leads the account may see: an officer those of their grids
    (a deactivated grid's too: a lead stays with the grid it was reported in); the town admin all;
    company staff none (a lead is for the police, not the employer)."""
    if sees_whole_town(actor):
        return true()
    if actor.role == Role.GRID_OFFICER:
        return Lead.grid_id.in_(visible_grids(actor, include_inactive=True).with_only_columns(Grid.id).order_by(None))
    return false()


# --- the outreach ledger -------------------------------------------------------------------------

def records_for_own_company(actor: Reader) -> bool:
    """Company staff record outreach for their own company (and its grid); officers and the town
    admin record it for a grid they see."""
    return actor.role == Role.COMPANY_STAFF


def visible_outreach(actor: Reader):
    """The condition on OutreachActivity for the records the account may see: company staff their
    company's; an officer every record of their grids (a company's too, and a deactivated grid's:
    records stay with the grid they were recorded in); the town admin all of them."""
    if sees_whole_town(actor):
        return true()
    if actor.role == Role.COMPANY_STAFF:
        return OutreachActivity.company_id == actor.company_id
    if actor.role == Role.GRID_OFFICER:
        grid_ids = visible_grids(actor, include_inactive=True).with_only_columns(Grid.id).order_by(None)
        return OutreachActivity.grid_id.in_(grid_ids)
    return false()


def changeable_outreach(actor: Reader):
    """The records the account may change or delete: company staff their company's; officers and
    the town admin the records they see that no company recorded (a company's own records are the
    company's to change, the officers read them)."""
    if actor.role == Role.COMPANY_STAFF:
        return visible_outreach(actor)
    return and_(visible_outreach(actor), OutreachActivity.company_id.is_(None))


# --- which workers count on a day ----------------------------------------------------------------

def active_on(day) -> tuple:
    """Conditions for a worker on the roster and active on `day`: started on or before it, not left
    before it. `day` is a date, a column (Attempt.local_date) or a bind parameter."""
    return (
        Employee.active.is_(True),
        or_(Employee.active_from.is_(None), Employee.active_from <= day),
        or_(Employee.active_until.is_(None), Employee.active_until >= day),
    )


def on_roster_from(day) -> tuple:
    """Conditions for a worker on the roster on `day` or starting later (who a change from `day`
    on, such as removing a shift, still concerns)."""
    return (Employee.active.is_(True), or_(Employee.active_until.is_(None), Employee.active_until >= day))


def left_before(day) -> tuple:
    """Conditions for a worker who left the roster before `day`."""
    return (Employee.active.is_(False), Employee.active_until.is_not(None), Employee.active_until < day)
