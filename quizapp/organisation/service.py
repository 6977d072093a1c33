"""The town admin's organisation: their town's grids and companies, created, edited, moved,
deactivated and reactivated, each change written to the audit log with its old → new values.

Used by the admin's grid and company pages (quizapp/admin/organisation.py). Owns the rules that a
user relies on (docs/admin.md, "Grids" and "Companies"):
- a town admin sees and changes their own town's grids and companies only: another town's do not
  exist for them (quizapp/scope.py); a company moves between grids of its own town only;
- company codes are unique in the city (they are the QR code's address), grid codes and names in
  the town (case ignored); a company name is unique within its grid;
- a grid with active companies cannot be deactivated (the message names them), and an inactive grid
  is not offered for new or moved companies;
- moving a company to another grid keeps its history where it happened: its incident records stay
  with the grid they were recorded in (Incident.grid_id is not changed), while its supervision
  cases, open or closed, belong to the company and move with it to the new grid's officers;
- deactivating a company stops its QR code (new sign-ins are refused), takes it off today's
  figures and lists (the dashboards, the supervision rules), and closes its open supervision cases
  with that reason; it counts through the day before in every period (record_active_changes), so
  no report of a period already over changes; its roster, staff accounts and history are kept, and
  reactivating brings it back, its days away not counted.
Services flush; the view commits. A refused change raises Invalid or Conflict ("organisation.*",
on the form field at fault; several at once as Problems) and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, func, or_, select

from quizapp import scope
from quizapp.audit import service as audit
from quizapp.extensions import db
from quizapp.incidents import figures as incident_figures
from quizapp.models import Company, CompanyAbsence, Employee, Grid, Incident, StaffUser, SupervisionCase, officer_grids
from quizapp.organisation import rules
from quizapp.rollups import service as rollups
from quizapp.rules.errors import Conflict, Invalid, ServiceError, refuse
from quizapp.rules.metrics import Span, days_away
from quizapp.rules.vocab import CaseEventKind, CaseStatus, Role
from quizapp.rules.zones import configured_zone, to_local
from quizapp.supervision import service as supervision

PAGE_SIZE = 50


# --- grids --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GridRow:
    grid: Grid
    active_companies: int
    inactive_companies: int
    officers: int  # active officer accounts assigned to the grid
    quiet: incident_figures.Quiet | None = None  # months without a case, zero cases in a row (this month)


def _town_grids(actor: StaffUser):
    """Every grid of the admin's town (active or not), by code: the only ones they manage."""
    return scope.visible_grids(actor, include_inactive=True)


def grid_rows(actor: StaffUser, today: date, grid_id: int | None = None) -> list[GridRow]:
    """Every grid of the town (or only `grid_id`, for its edit page), active ones first, with its
    companies and officers counted (two GROUP BYs) and how long it has gone without a case this
    month, as the incidents page reads it (incidents.figures.quiet_grids: one read for them all)."""
    town = _town_grids(actor)
    if grid_id is not None:
        town = town.where(Grid.id == grid_id)
    grid_ids = town.with_only_columns(Grid.id).order_by(None)
    companies: dict[int, dict[bool, int]] = {}
    for row_grid, active, count in db.session.execute(
            select(Company.grid_id, Company.active, func.count(Company.id)).where(Company.grid_id.in_(grid_ids))
            .group_by(Company.grid_id, Company.active)):
        companies.setdefault(row_grid, {})[bool(active)] = count
    officers: dict[int, int] = dict(db.session.execute(
        select(officer_grids.c.grid_id, func.count(StaffUser.id))
        .join(StaffUser, StaffUser.id == officer_grids.c.staff_user_id)
        .where(StaffUser.active.is_(True), StaffUser.role == Role.GRID_OFFICER, officer_grids.c.grid_id.in_(grid_ids))
        .group_by(officer_grids.c.grid_id)).all())
    quiet = incident_figures.quiet_grids(actor, today, today, None if grid_id is None else [grid_id])
    grids = db.session.scalars(town.order_by(None).order_by(Grid.active.desc(), Grid.code))
    return [GridRow(g, companies.get(g.id, {}).get(True, 0), companies.get(g.id, {}).get(False, 0),
                    officers.get(g.id, 0), quiet.get(g.id)) for g in grids]


def active_grids(actor: StaffUser) -> list[Grid]:
    """The town's grids a company may be created in or moved to (and officers assigned to)."""
    return list(db.session.scalars(scope.visible_grids(actor)))


def all_grids(actor: StaffUser) -> list[Grid]:
    """Every grid of the town, active ones first: the company list's grid filter."""
    return list(db.session.scalars(_town_grids(actor).order_by(None).order_by(Grid.active.desc(), Grid.code)))


def find_grid(actor: StaffUser, grid_id: int) -> Grid | None:
    """A grid of the admin's town, or None (another town's does not exist for them)."""
    return db.session.scalar(_town_grids(actor).where(Grid.id == grid_id))


def _grid_problems(actor: StaffUser, code: str, name: str, grid: Grid | None) -> list[ServiceError]:
    problems: list[ServiceError] = []
    others = _town_grids(actor).order_by(None)
    if grid is not None:
        others = others.where(Grid.id != grid.id)
    if db.session.scalar(others.where(func.lower(Grid.code) == code.lower()).limit(1)) is not None:
        problems.append(Conflict("organisation.grid_code_taken", field="code", code=code))
    key = rules.name_key(name)
    if any(rules.name_key(n) == key for n in db.session.scalars(others.with_only_columns(Grid.name))):
        problems.append(Conflict("organisation.grid_name_taken", field="name", name=name))
    return problems


def create_grid(actor: StaffUser, code: str, name: str) -> Grid:
    """A new, active grid of the admin's town. Code and name must be new to the town."""
    refuse(_grid_problems(actor, code, name, None))
    grid = Grid(code=code, name=name, active=True, town_id=scope.own_town_id(actor))
    db.session.add(grid)
    db.session.flush()
    audit.record(actor, "admin.grid.create", {"grid_id": grid.id, "code": code, "name": name})
    return grid


def update_grid(actor: StaffUser, grid: Grid, code: str, name: str) -> dict[str, dict]:
    """Rename a grid or change its code; the changed fields, {"old", "new"} (empty: nothing changed)."""
    refuse(_grid_problems(actor, code, name, grid))
    changed = rules.changes({"code": grid.code, "name": grid.name}, {"code": code, "name": name})
    if changed:
        grid.code, grid.name = code, name
        db.session.flush()
        audit.record(actor, "admin.grid.update", {"grid_id": grid.id, **changed})
    return changed


def set_grid_active(actor: StaffUser, grid: Grid, active: bool) -> bool:
    """Deactivate or reactivate a grid; False when it already was. A grid that still has active
    companies is not deactivated: they are named, to be moved or deactivated first."""
    if grid.active == active:
        return False
    if not active:
        names = list(db.session.scalars(select(Company.name).where(
            Company.grid_id == grid.id, Company.active.is_(True)).order_by(Company.name)))
        if names:
            raise Conflict("organisation.grid_has_active_companies", grid=grid.name, names=names)
    grid.active = active
    db.session.flush()
    audit.record(actor, "admin.grid.reactivate" if active else "admin.grid.deactivate",
                 {"grid_id": grid.id, "code": grid.code, "active": {"old": not active, "new": active}})
    return True


# --- companies: the list ------------------------------------------------------------------------

@dataclass(frozen=True)
class CompanyRow:
    id: int
    code: str
    name: str
    grid_code: str
    grid_name: str
    active: bool
    active_workers: int


@dataclass(frozen=True)
class CompanyList:
    rows: list[CompanyRow]
    number: int
    pages: int
    total: int


def search_companies(actor: StaffUser, query: rules.CompanyQuery, today: date, size: int = PAGE_SIZE
                     ) -> CompanyList:
    """One page of the town's companies matching the name or code search, grid and status filters,
    by name. Three queries whatever the town's size: a count, the page, and one GROUP BY for the
    page's active workers (docs/metrics.md: active headcount, today)."""
    where: list[ColumnElement[bool]] = [
        Company.grid_id.in_(_town_grids(actor).with_only_columns(Grid.id).order_by(None))]
    if query.q:
        # % and _ in the search are meant literally, not as LIKE wildcards.
        needle = query.q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{needle}%"
        where.append(or_(func.lower(Company.name).like(pattern, escape="\\"),
                         func.lower(Company.code).like(pattern, escape="\\")))
    if query.grid is not None:
        where.append(Company.grid_id == query.grid)
    if query.status != "all":
        where.append(Company.active.is_(query.status == "active"))
    total = db.session.scalar(select(func.count(Company.id)).where(*where)) or 0
    pages = max((total + size - 1) // size, 1)
    number = min(query.page, pages)
    found = db.session.execute(
        select(Company.id, Company.code, Company.name, Company.active, Grid.code, Grid.name)
        .join(Grid, Grid.id == Company.grid_id).where(*where)
        .order_by(Company.name, Company.id).limit(size).offset((number - 1) * size)).all()
    ids = [row[0] for row in found]
    workers = dict(db.session.execute(
        select(Employee.company_id, func.count(Employee.id))
        .where(Employee.company_id.in_(ids), *scope.active_on(today))
        .group_by(Employee.company_id)).all()) if ids else {}
    rows = [CompanyRow(cid, code, name, grid_code, grid_name, bool(active), workers.get(cid, 0))
            for cid, code, name, active, grid_code, grid_name in found]
    return CompanyList(rows, number, pages, total)


# --- companies: one company ---------------------------------------------------------------------

@dataclass(frozen=True)
class CompanyInput:
    name: str
    grid_id: int | None  # None: the form's value was not a grid id at all
    code: str
    workdays: str = rules.WORKDAYS_DEFAULT
    questions_per_quiz: int = rules.PER_QUIZ_DEFAULT


@dataclass(frozen=True)
class CompanyFacts:
    """What the company's admin page says before a move or deactivation."""

    active_workers: int
    staff_accounts: int
    open_cases: int
    incidents: int  # incident records of the company, in whatever grid they were recorded


def find_company(actor: StaffUser, company_id: int) -> Company | None:
    """A company of the admin's town, active or not, or None (another town's does not exist for them)."""
    in_town = _town_grids(actor).with_only_columns(Grid.id).order_by(None)
    return db.session.scalar(select(Company).where(Company.id == company_id, Company.grid_id.in_(in_town)))


def company_facts(company: Company, today: date) -> CompanyFacts:
    def count(query) -> int:
        return db.session.scalar(query) or 0

    return CompanyFacts(
        active_workers=count(select(func.count(Employee.id)).where(Employee.company_id == company.id,
                                                                   *scope.active_on(today))),
        staff_accounts=count(select(func.count(StaffUser.id)).where(StaffUser.company_id == company.id)),
        open_cases=count(select(func.count(SupervisionCase.id)).where(
            SupervisionCase.company_id == company.id, SupervisionCase.status == CaseStatus.OPEN)),
        incidents=count(select(func.count(Incident.id)).where(Incident.company_id == company.id)))


def code_taken(code: str, company: Company | None = None) -> bool:
    query = select(Company.id).where(func.lower(Company.code) == code.lower())
    if company is not None:
        query = query.where(Company.id != company.id)
    return db.session.scalar(query.limit(1)) is not None


def suggest_code() -> str:
    """A random, unused company code (docs/admin.md: why codes are random)."""
    while True:
        code = rules.generate_code()
        if not code_taken(code):
            return code


def _company_problems(actor: StaffUser, data: CompanyInput, company: Company | None
                      ) -> tuple[list[ServiceError], Grid | None]:
    problems: list[ServiceError] = []
    grid = find_grid(actor, data.grid_id) if data.grid_id is not None else None
    unchanged_grid = company is not None and grid is not None and grid.id == company.grid_id
    if grid is None:
        problems.append(Invalid("organisation.unknown_grid", field="grid_id"))
    elif not grid.active and not unchanged_grid:
        problems.append(Invalid("organisation.grid_inactive", field="grid_id", grid=grid.name))
    if (company is None or data.code != company.code) and code_taken(data.code, company):
        problems.append(Conflict("organisation.company_code_taken", field="code", code=data.code))
    if grid is not None:
        key = rules.name_key(data.name)
        others = select(Company.name).where(Company.grid_id == grid.id)
        if company is not None:
            others = others.where(Company.id != company.id)
        if any(rules.name_key(n) == key for n in db.session.scalars(others)):
            problems.append(Conflict("organisation.company_name_taken", field="name", grid=grid.name, name=data.name))
    return problems, grid


def _checked_grid(actor: StaffUser, data: CompanyInput, company: Company | None) -> Grid:
    """The company's grid once every rule holds; otherwise the problems found are raised."""
    problems, grid = _company_problems(actor, data, company)
    refuse(problems)
    if grid is None:  # an unknown grid is one of the problems refused above
        raise Invalid("organisation.unknown_grid", field="grid_id")
    return grid


def create_company(actor: StaffUser, data: CompanyInput) -> Company:
    """A new, active company in an active grid, with its quiz defaults."""
    grid = _checked_grid(actor, data, None)
    company = Company(name=data.name, grid_id=grid.id, code=data.code, workdays=data.workdays,
                      questions_per_quiz=data.questions_per_quiz, active=True)
    db.session.add(company)
    db.session.flush()
    audit.record(actor, "admin.company.create", {
        "company_id": company.id, "code": company.code, "name": company.name, "grid": grid.code,
        "workdays": company.workdays, "questions_per_quiz": company.questions_per_quiz})
    return company


def update_company(actor: StaffUser, company: Company, data: CompanyInput) -> dict[str, dict]:
    """Change a company's name, grid or code; the changed fields, {"old", "new"}.

    A move leaves the company's incident records with the grid they were recorded in; its
    supervision cases go with it (they are the company's). The caller has made sure a new code
    was confirmed: the printed QR posters stop working."""
    grid = _checked_grid(actor, data, company)
    old_grid = company.grid
    changed = rules.changes({"name": company.name, "grid": old_grid.code, "code": company.code},
                            {"name": data.name, "grid": grid.code, "code": data.code})
    if not changed:
        return changed
    detail = {"company_id": company.id, **changed}
    if "grid" in changed:
        detail["open_cases_moved"] = db.session.scalar(select(func.count(SupervisionCase.id)).where(
            SupervisionCase.company_id == company.id, SupervisionCase.status == CaseStatus.OPEN)) or 0
        detail["incidents_kept_in"] = old_grid.code
    company.name, company.grid_id, company.code = data.name, grid.id, data.code
    db.session.flush()
    audit.record(actor, "admin.company.update", detail)
    return changed


def close_open_cases(actor: StaffUser, company_ids: list[int], today: date, close_reason: str) -> list[int]:
    """Close the open supervision cases of companies being deactivated (by hand here, or by a
    register import), each with `close_reason` and a step in its history: nobody would see or
    follow them up any more. Returns the ids of the cases closed."""
    closed = []
    for start in range(0, len(company_ids), 500):
        for case in db.session.scalars(select(SupervisionCase).where(
                SupervisionCase.company_id.in_(company_ids[start:start + 500]),
                SupervisionCase.status == CaseStatus.OPEN).order_by(SupervisionCase.id)):
            case.status, case.closed_on, case.closed_by = CaseStatus.CLOSED, today, actor.id
            case.close_reason = close_reason
            closed.append(case.id)
            supervision.record_step(case, CaseEventKind.CLOSED, actor, close_reason)
    return closed


def open_case_count(company: Company) -> int:
    """The company's open supervision cases: deactivating it closes them (the confirmation names how many)."""
    return db.session.scalar(select(func.count(SupervisionCase.id)).where(
        SupervisionCase.company_id == company.id, SupervisionCase.status == CaseStatus.OPEN)) or 0


def away_if_back(company: Company, today: date) -> Span | None:
    """The days an inactive company was away if reactivated today (metrics.days_away, as for a
    worker: from the day it was deactivated through yesterday); None when there are none
    (deactivated today), it is active, or the day it was deactivated is unknown (deactivated before
    migration 0036). Such a company's days are not guessed: taking every day since its first as
    away would delete its rollup rows, the only record of its quizzes once retention has purged the
    answers; it comes back with its history, as every reactivation did before 0036."""
    if company.active or company.active_until is None:
        return None
    return days_away(False, company.active_until, _created_on(company), today)


def record_active_changes(deactivated: list[Company], reactivated: list[Company], today: date) -> None:
    """Keep the days behind a company's figures when it is deactivated or reactivated (by hand, or
    by a register import), before its `active` flag changes (docs/metrics.md, "Companies that
    leave"). Deactivating records today as `active_until`: it counts through yesterday on every
    surface and period, so no period already over changes; today's rollup row goes (it is out of
    today's figures from now on). Deactivating a company reactivated today undoes that: the days
    away it came back from today stay its deactivation. Reactivating records the days it was away
    (CompanyAbsence), which stay not counted, drops any rollup rows of those days (a quiz finished
    after the deactivation may have written one) and clears `active_until`; reactivated the day it
    was deactivated, today's row is written again. A company deactivated before migration 0036 has
    no known day away (away_if_back): nothing is recorded or dropped, and its rows count again."""
    for company in deactivated:
        back_today = db.session.scalar(select(CompanyAbsence).where(
            CompanyAbsence.company_id == company.id, CompanyAbsence.last_day == today - timedelta(days=1)))
        if back_today is not None:
            company.active_until = back_today.first_day
            db.session.delete(back_today)
        else:
            company.active_until = today
        rollups.drop_days(company.id, today, today, today)
    for company in reactivated:
        away = away_if_back(company, today)
        was_deactivated_today = company.active_until == today
        company.active_until = None
        if away is not None:
            db.session.add(CompanyAbsence(company_id=company.id, first_day=away.first, last_day=away.last))
            rollups.drop_days(company.id, away.first, away.last, today)
        db.session.flush()
        if was_deactivated_today:
            company.active = True  # the rebuild reads whether it counts today
            rollups.rebuild_company_day(company, today, today)
    db.session.flush()


def _created_on(company: Company) -> date:
    return to_local(company.created_at, configured_zone()).date()


def set_company_active(actor: StaffUser, company: Company, active: bool, today: date, close_reason: str) -> bool:
    """Deactivate or reactivate a company; False when it already was.

    Deactivating closes its open supervision cases with `close_reason` (the view writes it in the
    town's language, like the rules' reasons): nobody would see or follow them up any more. It
    counts through yesterday (record_active_changes): past periods keep their figures. A company
    in an inactive grid is not reactivated: its grid must be reactivated, or the company moved,
    first; reactivated, the days it was away stay not counted."""
    if company.active == active:
        return False
    grid = company.grid
    if active and not grid.active:
        raise Conflict("organisation.company_grid_inactive", company=company.name, grid=grid.name)
    away = away_if_back(company, today) if active else None
    closed = [] if active else close_open_cases(actor, [company.id], today, close_reason)
    record_active_changes([] if active else [company], [company] if active else [], today)
    company.active = active
    db.session.flush()
    detail = {"company_id": company.id, "code": company.code, "active": {"old": not active, "new": active}}
    if closed:
        detail["cases_closed"] = closed
    if away is not None:
        detail["days_away"] = {"from": away.first.isoformat(), "to": away.last.isoformat()}
    audit.record(actor, "admin.company.reactivate" if active else "admin.company.deactivate", detail)
    return True
