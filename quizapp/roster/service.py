"""The roster, for company outreach staff: importing a file (preview, then apply or cancel) and
adding, editing, deactivating and reactivating one worker, resetting a worker's PIN and signing a
worker out everywhere.

Every change is in the audit log ("roster.*": the company's code and employee numbers, and which
fields changed, never a worker's name or values: the town admin reads the log, and sees no names).
Deactivating, reactivating (one worker or by an import), a PIN reset and "sign out everywhere" end
every session of the worker (signin.sessions): a reactivated worker signs in again. A worker who
comes back has the days they were away kept (EmployeeAbsence), so no past day's figure moves.

Used by quizapp.roster.views and bench/roster_import.py. Every lookup is by the staff member's own
company (scope.own_company_id), so another company's worker or import is simply not found (the page
answers 404), and an employee number in a file only ever matches the actor's own company. The file
rules and the plan live in quizapp.roster.rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func, insert, or_, select, update

from quizapp import scope
from quizapp.audit import service as audit
from quizapp.extensions import db
from quizapp.models import Company, Employee, EmployeeAbsence, RosterImport, Shift, StaffUser
from quizapp.previews import service as previews
from quizapp.roster import rules as roster
from quizapp.roster.rules import Current, Plan, RosterFileError  # noqa: F401  (callers catch it)
from quizapp.rules.errors import Conflict, Invalid, NotFound, refuse
from quizapp.rules.metrics import Span, counted_from, days_away, deactivated_on
from quizapp.rules.ordering import sorted_shifts, sorted_teams, team_key
from quizapp.rules.spreadsheets import problems_only, sheet_note
from quizapp.rules.vocab import ImportStatus
from quizapp.rules.zones import configured_zone, to_local
from quizapp.signin import workers
from quizapp.signin.sessions import end_sessions
from quizapp.signin.workers import worker_by_number

PAGE_SIZE = 100


def shift_names(company_id: int) -> list[str]:
    return list(db.session.scalars(select(Shift.name).where(Shift.company_id == company_id).order_by(Shift.starts_at)))


def shift_starts(company_id: int) -> dict[str, time]:
    """The company's configured shifts and when each starts (the order they are listed in)."""
    return dict(db.session.execute(select(Shift.name, Shift.starts_at).where(Shift.company_id == company_id)).all())


# --- imports -------------------------------------------------------------------------------------

def start_import(actor: StaffUser, filename: str, data: bytes, now: datetime) -> RosterImport:
    """Read and check a file and keep it as an import waiting for confirmation (status preview),
    uploaded `now` (UTC, the app's clock: the expiry and retention compare against it). Nothing on
    the roster changes. A file that cannot be read raises RosterFileError."""
    company_id = scope.own_company_id(actor)
    parsed = roster.parse_roster(filename, data, shift_names(company_id))
    filename = filename.replace("\\", "/").rsplit("/", 1)[-1]  # some browsers send the whole path
    record = RosterImport(company_id=company_id, created_by=actor.id, filename=filename[:255] or "roster",
                          rows=parsed.rows, errors=[*parsed.problems, *sheet_note(parsed.sheet, parsed.other_sheets)],
                          status=ImportStatus.PREVIEW, created_at=now)
    db.session.add(record)
    db.session.flush()
    return record


def find_import(actor: StaffUser, import_id: int) -> RosterImport | None:
    """One of the actor's company's imports; another company's is not found."""
    return db.session.scalar(select(RosterImport).where(
        RosterImport.id == import_id, RosterImport.company_id == scope.own_company_id(actor)))


def recent_imports(actor: StaffUser, limit: int = 10) -> list[RosterImport]:
    return list(db.session.scalars(select(RosterImport).where(RosterImport.company_id == scope.own_company_id(actor))
                                   .order_by(RosterImport.id.desc()).limit(limit)))


def expired(record: RosterImport, now: datetime) -> bool:
    """A preview that can no longer be applied, as every kept import's (previews.expired): upload
    the file again."""
    return record.status == ImportStatus.PREVIEW and previews.expired(record, now)


def _roster(company_id: int) -> list[Current]:
    columns = (Employee.id, Employee.employee_no, Employee.name, Employee.team, Employee.shift, Employee.active,
               Employee.active_from, Employee.active_until, Employee.created_at)
    zone = configured_zone()
    return [Current(*row[:-1], added_on=to_local(row[-1], zone).date())
            for row in db.session.execute(select(*columns).where(Employee.company_id == company_id))]


def plan_for(record: RosterImport) -> Plan:
    """What applying the import would do to the roster and the company's shifts as they are now."""
    mentioned = roster.mentioned_numbers(record.rows, record.errors)
    return roster.plan_import(record.rows, mentioned, _roster(record.company_id), shift_names(record.company_id))


def left_out(record: RosterImport, plan: Plan | None) -> list[dict]:
    """The rows the import leaves out, by row: those the file's check refused, new workers' rows
    without a team or shift, and rows whose shift the company no longer has (the plan's)."""
    file_problems = problems_only(record.errors)
    planned = [*plan.incomplete, *plan.stale] if plan else []
    return sorted([*file_problems, *planned], key=lambda p: p["row"])


def _open_import(actor: StaffUser, import_id: int, action: str, now: datetime) -> RosterImport:
    """The actor's company's import, still in preview (and, to apply, not expired:
    previews.refuse_closed); `action` ("apply" or "cancel") is what the user tried, for the words
    of the refusal."""
    record = find_import(actor, import_id)
    if record is None:
        raise NotFound("roster.import_not_found", import_id=import_id)
    previews.refuse_closed(record, "roster", action, now)
    return record


def apply_import(actor: StaffUser, import_id: int, fingerprint: str, deactivate_missing: bool,
                 today: date, now: datetime, confirm_most: bool = False) -> Plan:
    """Apply a previewed import in the caller's transaction: add the new workers, update and
    reactivate the known ones (writing exactly the changes the preview listed, emptied fields
    included, and nothing else; a worker back on the roster has the days they were away recorded,
    which stay not counted: set_active) and, if asked, deactivate the active workers the file no
    longer lists (metrics.deactivated_on, as by hand). The rows are checked again against the
    company's shifts as they are now: a row whose shift was renamed or removed since the upload
    refuses the whole import (Conflict "roster.shifts_changed": upload the file again). Only the
    plan the user saw is applied (Conflict "roster.plan_changed" otherwise), and only once
    (Conflict "roster.import_closed" for an applied or cancelled import), and only within
    previews.MAX_AGE of the upload (Conflict "roster.import_expired"); another company's import
    is NotFound. The import's rows and problems are emptied with it (previews.close): its record
    stays, without the workers' data. Deactivating more than half of the active workers
    (Plan.deactivates_most) needs `confirm_most`, the preview's second tick (Invalid
    "roster.confirm_most" otherwise): nothing is applied without it."""
    record = _open_import(actor, import_id, "apply", now)
    plan = plan_for(record)
    if plan.stale:
        raise Conflict("roster.shifts_changed", rows=len({p["row"] for p in plan.stale}))
    if plan.fingerprint() != fingerprint:
        raise Conflict("roster.plan_changed")
    if deactivate_missing and plan.deactivates_most and not confirm_most:
        raise Invalid("roster.confirm_most", count=len(plan.missing), active=plan.active)
    # Claim the import first: of two confirmations racing, only one finds it still in preview.
    previews.close(record, "roster", "apply", status=ImportStatus.APPLIED, applied_at=now)
    # Bulk statements: a 10,000-worker file must apply in seconds, not one ORM object at a time.
    if plan.added:
        db.session.execute(insert(Employee), [_new_worker(scope.own_company_id(actor), row) for row in plan.added])
    if plan.changed:
        db.session.execute(update(Employee), [_changed_worker(change) for change in plan.changed])
        _record_absences([(c.current.id, c.away(today)) for c in plan.changed])
    if deactivate_missing and plan.missing:
        db.session.execute(update(Employee), [{"id": w.id, "active": False,
                                               "active_until": deactivated_on(w.active_until, today)}
                                              for w in plan.missing])
    ended = [c.current.id for c in plan.changed if c.reactivates]
    ended += [w.id for w in plan.missing] if deactivate_missing else []
    for chunk in range(0, len(ended), 1000):  # a reactivated worker's old cookies must not come back
        db.session.execute(update(Employee).where(Employee.id.in_(ended[chunk:chunk + 1000]))
                           .values(session_generation=Employee.session_generation + 1)
                           .execution_options(synchronize_session=False))
    db.session.flush()
    db.session.expire_all()  # the bulk statements bypassed any Employee already loaded
    audit.record(actor, "roster.import", {
        "company": db.session.scalar(select(Company.code).where(Company.id == record.company_id)),
        "filename": record.filename,
        "added": len(plan.added), "changed": len(plan.changed),
        "deactivated": len(plan.missing) if deactivate_missing else 0})
    return plan


def _new_worker(company_id: int, row: dict) -> dict:
    return {"company_id": company_id, "active": True, **roster.new_worker(row)}


def _changed_worker(change: roster.Change) -> dict:
    values: dict = {"id": change.current.id}
    for name, _old, new in change.fields:
        values[name] = new
    if change.reactivates:
        values["active_until"] = None
    return values


def cancel_import(actor: StaffUser, import_id: int, now: datetime) -> None:
    """Drop a previewed import (an expired one too) and its rows: nothing is applied, and it can no
    longer be. A cancel racing a confirmation that applied it first is refused (Conflict
    "roster.import_closed"), never marks it cancelled."""
    record = _open_import(actor, import_id, "cancel", now)
    previews.close(record, "roster", "cancel", status=ImportStatus.CANCELLED)
    db.session.refresh(record)


# --- one worker ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RosterPage:
    workers: list[Employee]
    total: int
    page: int
    pages: int
    teams: list[str]
    shifts: list[str]


def list_workers(actor: StaffUser, search: str = "", team: str = "", shift: str = "", status: str = "",
                 page: int = 1) -> RosterPage:
    """The company's workers by employee number: search on number or name, filter by team,
    shift and active or not, a page at a time."""
    company_id = scope.own_company_id(actor)
    company = Employee.company_id == company_id
    query = select(Employee).where(company)
    if search.strip():
        term = search.strip()
        query = query.where(Employee.employee_no.icontains(term, autoescape=True)
                            | Employee.name.icontains(term, autoescape=True))
    if team:
        query = query.where(Employee.team == team)
    if shift:
        query = query.where(Employee.shift == shift)
    if status in ("active", "inactive"):
        query = query.where(Employee.active.is_(status == "active"))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    workers = list(db.session.scalars(query.order_by(Employee.employee_no).offset((page - 1) * PAGE_SIZE)
                                      .limit(PAGE_SIZE)))
    shifts = sorted_shifts(set(shift_names(company_id)) | set(db.session.scalars(
        select(Employee.shift).where(company, Employee.shift != "").distinct())), shift_starts(company_id))
    return RosterPage(workers, total, page, pages, team_names(company_id), shifts)


def team_names(company_id: int) -> list[str]:
    # Sorted here, in their natural order (rules.ordering): databases collate Chinese differently.
    return sorted_teams(db.session.scalars(select(Employee.team).where(Employee.company_id == company_id,
                                                                Employee.team != "").distinct()))


def find_worker(actor: StaffUser, employee_id: int) -> Employee | None:
    """One of the actor's company's workers; another company's is not found."""
    return db.session.scalar(select(Employee).where(Employee.id == employee_id,
                                                    Employee.company_id == scope.own_company_id(actor)))


def save_worker(actor: StaffUser, employee: Employee | None, fields: dict) -> Employee:
    """Add a worker (employee None) or edit one, with the same rules as a file's row (a new worker
    needs a team and a shift: roster.rules.blank_for_new), and an employee number no other worker
    of the company has. Anything wrong is raised as Invalid
    "roster.row.<reason>" on its field (several at once as Problems); nothing is changed then."""
    company_id = scope.own_company_id(actor)
    clean, problems = roster.check_fields(fields, shift_names(company_id))
    if employee is None:  # a new worker needs a team and a shift, as a file's new row does
        refused = {p["field"] for p in problems}
        problems.extend(roster.problem(0, roster.HEADERS[name], f"new_without_{name}", field=name)
                        for name in roster.blank_for_new(clean) if name not in refused)
    number: str = clean.get("employee_no") or ""
    same = worker_by_number(company_id, number) if number else None
    if same is not None and same.id != (employee.id if employee else -1):
        problems.append(roster.problem(0, roster.HEADERS["employee_no"], "taken", number, field="employee_no"))
    refuse([Invalid(f"roster.row.{p['reason']}", field=p["field"], value=p["value"], detail=p["detail"])
            for p in problems])
    added = employee is None
    if employee is None:
        employee = Employee(company_id=company_id, active=True)
        db.session.add(employee)
    changed = []
    for name, value in clean.items():
        value = date.fromisoformat(value) if name == "active_from" and value else value
        if getattr(employee, name) != value:
            changed.append(name)
        setattr(employee, name, value)
    db.session.flush()
    if added or changed:
        audit.record(actor, "roster.worker.add" if added else "roster.worker.update",
                     {**_facts(employee), **({} if added else {"changed": changed})})
    return employee


def _facts(employee: Employee) -> dict:
    """What the audit log keeps about a worker: their company and record id, as the sign-in trail
    names them (the town admin who reads the log never sees a worker's name or number)."""
    return {"company": employee.company.code, "worker": employee.id}


def comes_back(employee: Employee, today: date) -> bool:
    """Whether bringing the worker back changes anything: deactivated, or on the roster with a
    leaving date already passed (they no longer count)."""
    return not employee.active or (employee.active_until is not None and employee.active_until < today)


def away_if_back(employee: Employee, today: date) -> Span | None:
    """The days the worker was away if brought back today (metrics.days_away), for the
    confirmation to name; None when there are none."""
    if not comes_back(employee, today):
        return None
    added_on = to_local(employee.created_at, configured_zone()).date()
    return days_away(employee.active, employee.active_until, counted_from(employee.active_from, added_on), today)


def set_active(actor: StaffUser, employee: Employee, active: bool, today: date) -> Span | None:
    """Deactivate a leaver (kept, not deleted: their past days still count) or bring one back;
    either way every session the worker had ends (a reactivated worker signs in again).

    Deactivating records the day they stop counting (metrics.deactivated_on: today, or the day
    after a leaving date already passed). Bringing one back (reactivating, or clearing a leaving
    date that has passed) records the days they were away (metrics.days_away, returned; None when
    none), which stay not counted: no past day's figure moves because someone came back, and they
    are expected again from today. A deactivated worker is not deactivated again (that would move
    their last day), nor a worker on the roster brought back: nothing changes then (None)."""
    if not (comes_back(employee, today) if active else employee.active):
        return None
    away = away_if_back(employee, today) if active else None
    _record_absences([(employee.id, away)])
    employee.active_until = None if active else deactivated_on(employee.active_until, today)
    employee.active = active
    end_sessions(employee)
    audit.record(actor, "roster.worker.reactivate" if active else "roster.worker.deactivate", _facts(employee))
    return away


def absences(employee: Employee) -> list[Span]:
    """The days the worker was away and came back from, oldest first: not counted (the worker's page
    lists them)."""
    return [Span(first, last) for first, last in db.session.execute(
        select(EmployeeAbsence.first_day, EmployeeAbsence.last_day)
        .where(EmployeeAbsence.employee_id == employee.id).order_by(EmployeeAbsence.first_day))]


def _record_absences(found: list[tuple[int, Span | None]]) -> None:
    """Keep the days each worker coming back was away (EmployeeAbsence): scope.active_on and
    metrics.counted_on leave them out of every figure of those days."""
    rows = [{"employee_id": worker, "first_day": away.first, "last_day": away.last}
            for worker, away in found if away is not None]
    if rows:
        db.session.execute(insert(EmployeeAbsence), rows)


def reset_pin(actor: StaffUser, employee: Employee, now: datetime) -> str:
    """Forget the worker's PIN and any lock, end every session of the worker, and make the one-time
    code (returned: shown once to the staff member, who hands it to the worker) with which the
    worker chooses a new PIN. Written to the audit log (never the code)."""
    employee.pin_hash = None
    code = workers.issue_code(employee, now)
    db.session.flush()
    workers.clear_stops(employee)
    end_sessions(employee)  # a phone someone else holds is signed out
    audit.record(actor, "worker.reset_pin", {"company": _company_code(actor), "worker": employee.id})
    return code


def unlock(actor: StaffUser, employee: Employee) -> None:
    """Staff's one tap for a worker locked out by wrong PINs or made to wait by other phones'
    guesses: both start again; the PIN stays. Written to the audit log."""
    workers.clear_stops(employee)
    audit.record(actor, "worker.unlock", {"company": _company_code(actor), "worker": employee.id})


def stopped_workers(actor: StaffUser, now: datetime) -> list[Employee]:
    """The company's workers locked on their own phone or whose other phones must wait, for the
    board (each with a one-tap unlock)."""
    return list(db.session.scalars(select(Employee).where(
        Employee.company_id == scope.own_company_id(actor), Employee.active.is_(True),
        or_(Employee.locked_until > now, Employee.stranger_until > now)).order_by(Employee.employee_no)))


@dataclass(frozen=True)
class FirstTimeCode:
    employee_no: str
    name: str
    team: str
    code: str


def not_signed_in(actor: StaffUser, team: str = "") -> list[Employee]:
    """Active workers who have no PIN (never signed in, or reset since), by team and number."""
    query = select(Employee).where(Employee.company_id == scope.own_company_id(actor), Employee.active.is_(True),
                                   Employee.pin_hash.is_(None))
    if team:
        query = query.where(Employee.team == team)
    return sorted(db.session.scalars(query), key=lambda e: (team_key(e.team), e.employee_no))


def issue_first_time_codes(actor: StaffUser, team: str, now: datetime) -> list[FirstTimeCode]:
    """A new one-time code for every worker of not_signed_in() (older codes stop working), for the
    printed list staff cut into slips. Only the hashes are kept: the list cannot be shown again,
    only made anew. Written to the audit log (how many, never the codes)."""
    issued = [FirstTimeCode(e.employee_no, e.name, e.team, workers.issue_code(e, now))
              for e in not_signed_in(actor, team)]
    db.session.flush()
    audit.record(actor, "worker.first_time_codes", {"company": _company_code(actor), "team": team or None,
                                                    "codes": len(issued)})
    return issued


def _company_code(actor: StaffUser) -> str:
    return scope.own_company(actor).code


def sign_out_everywhere(actor: StaffUser, employee: Employee) -> None:
    """End every session of the worker, on every phone (a lost or shared phone); the PIN stays."""
    end_sessions(employee)
    audit.record(actor, "roster.worker.sign_out", _facts(employee))
