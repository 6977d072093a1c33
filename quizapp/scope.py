"""Every tenant filter, in one place: which town an account is in, which company a staff member
works for, which grids and companies an account may see, which incidents, outreach records and
workers' reports, and which workers count on a day.

Used by every feature's service (and the cron commands') that reads one company's or several
companies' data; access.py beside it decides who may open a page at all, this module what they
see once there. The city holds towns (the tenants), a town holds grids. Company staff see their
own company, never one named by a URL or a form; grid officers the active companies of their grids;
a town admin (and a town's API token, which reads as that town) every company of their own town,
nothing of another town; the city admin (and a city token) no grid or company at all, only each
town's aggregates (`towns_of`). A worker counts on a day when they are on the roster, that day
lies within their start and leaving dates and they were not away that day (an absence they came
back from: docs/metrics.md, "People who join or leave"). A company counts on a day before the day
it was deactivated, except days it was away and came back from; a period's figures read the
companies that count on some day of it, today's lists the active ones ("Companies that leave").

Everything here takes the acting account as an argument and returns a value, SQL conditions or a
select(): callers execute them. No Flask, no session: a test checks (tests/app/test_scope.py),
and another that no feature writes one of these filters itself.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, exists, false, or_, select

from quizapp.models import (
    Company,
    CompanyAbsence,
    Employee,
    EmployeeAbsence,
    Grid,
    Incident,
    Lead,
    OutreachActivity,
    StaffUser,
    Town,
    officer_grids,
)
from quizapp.rules.errors import NotFound
from quizapp.rules.vocab import Role
from quizapp.rules.zones import configured_zone, local_midnight


class Reader(Protocol):
    """Whoever reads: a staff account (StaffUser), or an API token, which reads as its town or the
    city (api.service.TokenReader). What the filters below look at."""

    @property
    def id(self) -> int | None: ...
    @property
    def role(self) -> Role: ...
    @property
    def company_id(self) -> int | None: ...
    @property
    def town_id(self) -> int | None: ...


# --- the town ------------------------------------------------------------------------------------

def own_town_id(actor: Reader) -> int:
    """The town an account (or a town token) belongs to: the only one whose data it ever sees.
    The city admin and a city token have none (NotFound: the app answers 404)."""
    if actor.town_id is None or actor.role == Role.CITY_ADMIN:
        raise NotFound("scope.no_own_town", account=actor.id)
    return actor.town_id


def town_of(actor: Reader) -> int | None:
    """The town whose settings apply to what the account reads (a target, the supervision rules):
    its own, or None for the city admin and a city token (the documented defaults)."""
    return None if actor.role == Role.CITY_ADMIN else actor.town_id


def sees_city(actor: Reader) -> bool:
    """The city admin (and a city token) sees every town, as each town's aggregates only."""
    return actor.role == Role.CITY_ADMIN


def own_rows(actor: Reader, town_column: SQLColumnExpression[int | None]) -> ColumnElement[bool]:
    """The condition on a table whose rows belong to a town or to the city (`town_column` NULL: API
    tokens, audit rows) that keeps the account's own: its town's, or for the city admin the city's.
    A town admin never reads the city's rows, nor the city admin a town's."""
    if sees_city(actor):
        return town_column.is_(None)
    return town_column == own_town_id(actor)


def towns_of(actor: Reader) -> Select:
    """A select() of the towns the account may read aggregates of, by code: every town for the
    city admin, their own for anyone else."""
    query = select(Town).order_by(Town.code)
    if sees_city(actor):
        return query
    return query.where(Town.id == actor.town_id)


def town_grid_ids(town_id: int) -> Select:
    """The ids of a town's grids (active or not), as a subquery for IN."""
    return select(Grid.id).where(Grid.town_id == town_id)


def town_company_ids(town_id: int) -> Select:
    """The ids of a town's companies (active or not), as a subquery for IN."""
    return select(Company.id).where(Company.grid_id.in_(town_grid_ids(town_id)))


def town_staff_ids(town_id: int) -> Select:
    """The ids of a town's staff accounts, as a subquery for IN."""
    return select(StaffUser.id).where(StaffUser.town_id == town_id)


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
    """A town admin (and a town's API token) sees every grid and company of their own town, and
    the town as a whole."""
    return actor.role == Role.TOWN_ADMIN and actor.town_id is not None


def _town_grids(actor: Reader) -> Select:
    return town_grid_ids(own_town_id(actor))


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
        return query.where(Grid.town_id == actor.town_id)
    if actor.role == Role.GRID_OFFICER:
        return query.where(Grid.id.in_(_officer_grid_ids(actor)))
    return query.where(false())


def visible_companies(actor: Reader, between: tuple[date, date] | None = None) -> Select:
    """A select() of the active companies the account may see, by name: company staff their own,
    an officer those of their grids, the town admin all. With `between` (first, last day of a
    period): the companies that count on some day of it instead (companies_counted_between), the
    companies every figure of a period reads, so deactivating one changes no period already over."""
    counted = companies_counted_between(*between) if between is not None else (Company.active.is_(True),)
    query = select(Company).where(*counted).order_by(Company.name)
    if sees_whole_town(actor):
        return query.where(Company.grid_id.in_(_town_grids(actor)))
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
    export): the town admin's every grid of their own town, active or not; nobody else's any."""
    query = select(Grid).order_by(Grid.code)
    return query.where(Grid.town_id == own_town_id(actor)) if manages_register(actor) else query.where(false())


def register_companies(actor: Reader) -> Select:
    """A select() of the companies of register_grids(), active or not, by code."""
    grid_ids = register_grids(actor).with_only_columns(Grid.id).order_by(None)
    return select(Company).where(Company.grid_id.in_(grid_ids)).order_by(Company.code)


def other_towns_codes(actor: Reader) -> tuple[Select, Select]:
    """select()s of the grid codes and the company codes that belong to other towns than the
    account's: a register file may not take them. Grid codes are per town (another town's `01`
    does not stop this town's), so none; company codes are the city's (the QR code's address)."""
    if not manages_register(actor):
        return select(Grid.code).where(false()), select(Company.code).where(false())
    return (select(Grid.code).where(false()),
            select(Company.code).where(Company.grid_id.not_in(_town_grids(actor))))


def new_grid_values(actor: Reader) -> dict:
    """The values that put a grid the account creates into its own town."""
    return {"town_id": own_town_id(actor)}


def visible_company_ids(actor: Reader) -> Select:
    """The visible companies' ids as a subquery for IN (the town admin's can be thousands: no
    list of parameters)."""
    return visible_companies(actor).with_only_columns(Company.id).order_by(None)


def supervised_company_ids(actor: Reader) -> Select:
    """The ids of the companies whose supervision cases the account may read, as a subquery for
    IN: those of the grids it sees (an officer's own, every grid of the town admin's town, a
    deactivated grid's too), active or not, since a deactivated company's closed cases stay on the
    record (supervision.service keeps them read-only). Company staff and the city admin none.
    Distinct from visible_company_ids, which lists only active companies."""
    if sees_whole_town(actor):
        return select(Company.id).where(Company.grid_id.in_(_town_grids(actor)))
    if actor.role == Role.GRID_OFFICER:
        return select(Company.id).where(Company.grid_id.in_(_officer_grid_ids(actor)))
    return select(Company.id).where(false())


def visible_incidents(actor: Reader):
    """The condition on Incident for the records the account may see: those of a visible company,
    or recorded in one of the officer's grids (a company that moved to another grid leaves its
    records with the grid they happened in: docs/admin.md); the town admin all of their town's."""
    if sees_whole_town(actor):
        return Incident.grid_id.in_(_town_grids(actor))
    grid_ids = visible_grids(actor, include_inactive=True).with_only_columns(Grid.id).order_by(None)
    return or_(Incident.company_id.in_(visible_company_ids(actor)), Incident.grid_id.in_(grid_ids))


# --- workers' reports (leads) -------------------------------------------------------------------

def visible_leads(actor: Reader):
    """The condition on Lead for the leads the account may see: an officer those of their grids
    (a deactivated grid's too: a lead stays with the grid it was reported in); the town admin all
    of their town's; company staff none (a lead is for the police, not the employer)."""
    if sees_whole_town(actor):
        return Lead.grid_id.in_(_town_grids(actor))
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
    records stay with the grid they were recorded in); the town admin all of their town's."""
    if sees_whole_town(actor):
        return OutreachActivity.grid_id.in_(_town_grids(actor))
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
    """Conditions for a worker who counts on `day` (docs/metrics.md, "People who join or leave";
    metrics.counted_on, with counted_from and counted_until, is the same rule on plain dates):
    started on or before it, not left before it (nor deactivated on or before it), not away that
    day (an absence they came back from), and put on the roster by its end, so a day is never
    expected of a worker added later (a past day's rollup row was written without them). `day` is
    a date, a column (Attempt.local_date) or a bind parameter; for the last two the roster
    condition is left out: they are the days of the worker's own attempts, or today's."""
    found = (
        or_(Employee.active_from.is_(None), Employee.active_from <= day),
        # metrics.counted_until: on the roster, through the leaving date if any; deactivated, through
        # the day before deactivating (recorded as active_until), so a past day's figures stay as
        # they were written whenever they are read or rebuilt.
        or_(and_(Employee.active.is_(True), or_(Employee.active_until.is_(None), Employee.active_until >= day)),
            and_(Employee.active.is_(False), Employee.active_until.is_not(None), Employee.active_until > day)),
        # metrics.days_away: the days of an absence they came back from stay as they were written
        # (without them), so coming back moves no past day's figure.
        ~exists().where(EmployeeAbsence.employee_id == Employee.id, EmployeeAbsence.first_day <= day,
                        EmployeeAbsence.last_day >= day),
    )
    if isinstance(day, date):
        return (*found, Employee.created_at < local_midnight(day + timedelta(days=1), configured_zone()))
    return found


# --- which companies count on a day, or in a period ------------------------------------------------

def company_counted_on(day) -> tuple:
    """Conditions for a company that counts on `day` (docs/metrics.md, "Companies that leave"; the
    workers' rule, metrics.counted_until and days_away, for a company): active, or deactivated after
    `day` (Company.active_until, the day it was deactivated: it counts through the day before), and
    not away that day (a deactivation it was reactivated from: CompanyAbsence). A company deactivated
    before the day was kept (active_until NULL) counts on no day. `day` is a date or a column
    (CompanyDay.day: the city page takes out the rows of days a company does not count)."""
    return (or_(Company.active.is_(True), and_(Company.active_until.is_not(None), Company.active_until > day)),
            ~exists().where(CompanyAbsence.company_id == Company.id, CompanyAbsence.first_day <= day,
                            CompanyAbsence.last_day >= day))


def companies_counted_between(first: date, last: date) -> tuple:
    """Conditions for a company that counts on some day from `first` through `last`
    (company_counted_on): the companies a period's figures read, on every surface (reports, the
    town view, the city page, the API), while today's lists read the active ones. A deactivated
    company is in the periods up to the day before its deactivation, with its days as they were
    written; a company away (and back since) for the whole period is not. Exact because a company's
    absences are separated by at least one day it counted (organisation.service keeps them so).
    Like a worker (active_on), a company is in a period only if it was registered by the end of
    its last day: one added today is in no past week's or month's "Companies" (its rollup has no
    day before), while a period that includes today has it (registered before tomorrow)."""
    return (or_(Company.active.is_(True), and_(Company.active_until.is_not(None), Company.active_until > first)),
            ~exists().where(CompanyAbsence.company_id == Company.id, CompanyAbsence.first_day <= first,
                            CompanyAbsence.last_day >= last),
            Company.created_at < local_midnight(last + timedelta(days=1), configured_zone()))


def away_between(first: date, last: date) -> tuple:
    """Conditions on EmployeeAbsence for the absences with a day from first through last: days
    workers were away and came back from, which active_on leaves out. For the readers that count
    each worker's days by metrics.counted_on (trends' teams and shifts, the by-worker export)."""
    return (EmployeeAbsence.first_day <= last, EmployeeAbsence.last_day >= first)


def on_roster_from(day) -> tuple:
    """Conditions for a worker on the roster on `day` or starting later (who a change from `day`
    on, such as removing a shift, still concerns)."""
    return (Employee.active.is_(True), or_(Employee.active_until.is_(None), Employee.active_until >= day))


def left_before(day) -> tuple:
    """Conditions for a worker who left the roster before `day`."""
    return (Employee.active.is_(False), Employee.active_until.is_not(None), Employee.active_until < day)
