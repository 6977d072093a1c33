"""The town's register, for the town admin: importing grids and companies from a file (upload,
preview, then apply all of it in one transaction or cancel), the template and the export.

Used by register.views and bench/register_import.py. The town is what quizapp/scope.py says the
admin manages (register_grids, register_companies); codes other towns use are refused there too.
An import is kept between preview and apply (previews.service, kind "register") and belongs to
the admin who uploaded it: another account's is not found. Applying works the plan out again from
the stored rows and the town as it is now and refuses unless it is the plan the admin saw (its
fingerprint) and has no problem; then it writes everything with bulk statements and one audit row
("register.import", with counts).
The file rules and the plan are register.rules.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import delete, insert, select, update

from quizapp import scope
from quizapp.audit import service as audit
from quizapp.extensions import db
from quizapp.models import Company, Employee, Grid, Shift, StaffUser, SupervisionCase, TownImport
from quizapp.organisation.service import close_open_cases, record_active_changes
from quizapp.previews import service as previews
from quizapp.register.rules import file as rules
from quizapp.register.rules.file import RegisterFileError  # noqa: F401  (callers catch it)
from quizapp.register.rules.plan import Plan, Town, TownCase, TownCompany, TownGrid, plan_import
from quizapp.rules.errors import Conflict, Forbidden, Invalid
from quizapp.rules.spreadsheets import problems_only, sheet_note, spelling_key
from quizapp.rules.vocab import CaseStatus, ImportKind, ImportStatus

CHUNK = 500  # ids or codes per IN (...): well under every database's limit on parameters


def _chunks(items: list) -> list[list]:
    return [items[start:start + CHUNK] for start in range(0, len(items), CHUNK)]


# --- the town as the plan sees it ---------------------------------------------------------------

def town_of(actor: StaffUser, today: date) -> Town:
    """The grids and companies the admin manages, with each company's shifts and the shifts workers
    on the roster (from `today` on) are still on; their open supervision cases; and the codes other
    towns use. Six queries."""
    grids = tuple(TownGrid(g.id, g.code, g.name, bool(g.active)) for g in db.session.execute(
        scope.register_grids(actor).with_only_columns(Grid.id, Grid.code, Grid.name, Grid.active)))
    companies_query = scope.register_companies(actor)
    company_ids = companies_query.with_only_columns(Company.id).order_by(None)
    shifts: dict[int, list[tuple[str, str]]] = {}
    for company_id, name, starts in db.session.execute(
            select(Shift.company_id, Shift.name, Shift.starts_at).where(Shift.company_id.in_(company_ids))):
        shifts.setdefault(company_id, []).append((name, starts.strftime("%H:%M")))
    busy: dict[int, set[str]] = {}
    for company_id, name in db.session.execute(
            select(Employee.company_id, Employee.shift).where(
                Employee.company_id.in_(company_ids), Employee.shift != "", *scope.on_roster_from(today))
            .distinct()):
        busy.setdefault(company_id, set()).add(name)
    companies = tuple(
        TownCompany(c.id, c.code, c.name, c.grid_id, c.questions_per_quiz, c.workdays,
                    tuple(sorted(shifts.get(c.id, []), key=lambda s: (s[1], s[0]))), bool(c.active),
                    frozenset(busy.get(c.id, ())))
        for c in db.session.execute(companies_query.with_only_columns(
            Company.id, Company.code, Company.name, Company.grid_id, Company.questions_per_quiz, Company.workdays,
            Company.active)))
    cases = tuple(TownCase(*row) for row in db.session.execute(
        select(SupervisionCase.id, SupervisionCase.company_id, SupervisionCase.rule, SupervisionCase.opened_on)
        .where(SupervisionCase.company_id.in_(company_ids), SupervisionCase.status == CaseStatus.OPEN)))
    other_grids, other_companies = scope.other_towns_codes(actor)
    return Town(grids, companies, frozenset(spelling_key(c) for c in db.session.scalars(other_grids)),
                frozenset(db.session.scalars(other_companies)), cases)


def register_rows(actor: StaffUser) -> list[dict]:
    """The register as it is, one row per company (by grid code, then company code) and one per grid
    without companies: what the export writes and the import reads back unchanged."""
    town = town_of(actor, date.min)
    grids = {g.id: g for g in town.grids}
    rows: list[dict] = []
    for company in town.companies:
        grid = grids[company.grid_id]
        rows.append({"grid_code": grid.code, "grid_name": grid.name, "company_code": company.code,
                     "company_name": company.name, "questions_per_quiz": company.questions_per_quiz,
                     "workdays": company.workdays, "shifts": [list(s) for s in company.shifts],
                     "active": company.active})
    with_companies = {c.grid_id for c in town.companies}
    rows += [{"grid_code": g.code, "grid_name": g.name} for g in town.grids if g.id not in with_companies]
    return sorted(rows, key=lambda r: (spelling_key(r["grid_code"]), r.get("company_code", "")))


def export_register(actor: StaffUser) -> list[dict]:
    """register_rows(), written to the audit log ("register.export", how many rows)."""
    rows = register_rows(actor)
    audit.record(actor, "register.export", {"rows": len(rows)})
    return rows


# --- imports --------------------------------------------------------------------------------------

def start_import(actor: StaffUser, filename: str, data: bytes, now: datetime) -> TownImport:
    """Read and check a file and keep it as an import waiting for the admin's confirmation, uploaded
    `now`: every row as read, the rows with a problem too (the plan checks them against the town,
    so the preview shows all that is wrong at once; they apply nothing, as no file with a problem
    does), and the problems. Nothing in the town changes. A file that cannot be read raises
    RegisterFileError."""
    if not scope.manages_register(actor):
        raise Forbidden("register.not_yours")
    parsed = rules.parse_register(filename, data)
    return previews.keep(actor, ImportKind.REGISTER, filename, parsed.every_row,
                         [*parsed.problems, *({"row": 0, "column": header, "reason": "ignored_column"}
                                              for header in parsed.ignored),
                          *sheet_note(parsed.sheet, parsed.other_sheets)], now)


def find_import(actor: StaffUser, import_id: int) -> TownImport | None:
    """One of the actor's own imports; anyone else's is not found."""
    return previews.find(actor, ImportKind.REGISTER, import_id)


def recent_imports(actor: StaffUser, limit: int = 10) -> list[TownImport]:
    return previews.recent(actor, ImportKind.REGISTER, limit)


def expired(record: TownImport, now: datetime) -> bool:
    """A preview that can no longer be applied (previews.expired): upload the file again."""
    return record.status == ImportStatus.PREVIEW and previews.expired(record, now)


def file_problems(record: TownImport) -> list[dict]:
    """The file's own problems (not the notes: the ignored columns, the sheet read)."""
    return problems_only(record.errors)


def columns_of(record: TownImport) -> dict[str, str]:
    """Each field's header as the file wrote it (for a problem's column), from the stored problems
    and the template's names."""
    found = {p["field"]: p["column"] for p in record.errors if p.get("field")}
    return {**rules.HEADERS, **found}


def plan_for(actor: StaffUser, record: TownImport, today: date) -> Plan:
    """What applying the import would do to the town as it is now."""
    return plan_import(record.rows, file_problems(record), town_of(actor, today), columns_of(record))


def apply_import(actor: StaffUser, import_id: int, fingerprint: str, deactivate_missing: bool, today: date,
                 now: datetime, close_reason: str, confirm_most: bool = False) -> Plan:
    """Apply a previewed import in the caller's transaction, all of it: add the new grids and
    companies, write exactly the changes the preview listed (moves, renames, settings, shifts,
    (re)activation) and, if asked, deactivate the active companies and grids the file does not
    list; a deactivated company's open supervision cases are closed with `close_reason`.
    Refused, with nothing written: an import of another account (NotFound), one applied or
    cancelled already, one older than previews.MAX_AGE, or one whose file has problems (Conflict
    "register.import_closed", "register.import_expired", "register.has_problems"), or whose plan
    is not the one the admin saw (Conflict "register.plan_changed": the town changed since, a case
    opened or closed, or the confirmation was forged). Deactivating more than half of the town's
    active companies or grids (Plan.deactivates_most) needs `confirm_most`, the preview's second tick (Invalid
    "register.confirm_most" otherwise). The cases closed are exactly those the preview listed (their
    ids are in the fingerprint); reactivating a company later does not reopen them. The import's
    rows are emptied as it is claimed (previews.claim): its record stays, without the file's rows."""
    record = previews.waiting(actor, ImportKind.REGISTER, import_id, "apply", now)
    plan = plan_for(actor, record, today)
    if file_problems(record) or plan.problems:
        raise Conflict("register.has_problems", count=len(file_problems(record)) + len(plan.problems))
    if plan.fingerprint() != fingerprint:
        raise Conflict("register.plan_changed")
    if deactivate_missing and plan.deactivates_most and not confirm_most:
        raise Invalid("register.confirm_most", companies=len(plan.missing_companies), grids=len(plan.missing_grids),
                      active_companies=plan.active_companies, active_grids=plan.active_grids)
    previews.claim(record, now)  # of two confirmations racing, only one finds it still in preview
    deactivated = [c.company.id for c in plan.changed_companies if c.deactivates]
    if deactivate_missing:
        deactivated += [c.id for c in plan.missing_companies]
    reactivated = [c.company.id for c in plan.changed_companies if ("active", False, True) in c.fields]
    # Before the flags change: the day each stops counting, or the days each was away (docs/metrics.md).
    record_active_changes(_companies(deactivated), _companies(reactivated), today)
    grid_ids = _write_grids(actor, plan)
    _write_companies(plan, grid_ids)
    if deactivate_missing:
        for chunk in _chunks([c.id for c in plan.missing_companies]):
            db.session.execute(update(Company).where(Company.id.in_(chunk)).values(active=False)
                               .execution_options(synchronize_session=False))
        for chunk in _chunks([g.id for g in plan.missing_grids]):
            db.session.execute(update(Grid).where(Grid.id.in_(chunk)).values(active=False)
                               .execution_options(synchronize_session=False))
    closed = close_open_cases(actor, deactivated, today, close_reason)
    db.session.flush()
    db.session.expire_all()  # the bulk statements bypassed any grid or company already loaded
    audit.record(actor, "register.import", {
        "filename": record.filename, "grids_added": len(plan.new_grids), "grids_changed": len(plan.changed_grids),
        "grids_deactivated": len(plan.missing_grids) if deactivate_missing else 0,
        "companies_added": len(plan.new_companies), "companies_changed": len(plan.changed_companies),
        "companies_moved": len(plan.moved), "companies_deactivated": len(deactivated), "cases_closed": len(closed)})
    return plan


def _companies(ids: list[int]) -> list[Company]:
    return [c for chunk in _chunks(ids) for c in db.session.scalars(select(Company).where(Company.id.in_(chunk)))]


def _write_grids(actor: StaffUser, plan: Plan) -> dict[str, int]:
    """Add and change the grids; every grid code the plan uses (by grid key) -> its id."""
    if plan.new_grids:
        db.session.execute(insert(Grid), [{"code": g.code, "name": g.name, "active": True,
                                           **scope.new_grid_values(actor)} for g in plan.new_grids])
    for change in plan.changed_grids:
        values = {name: new for name, _old, new in change.fields}
        db.session.execute(update(Grid).where(Grid.id == change.grid.id).values(**values)
                           .execution_options(synchronize_session=False))
    return {spelling_key(code): gid for gid, code in db.session.execute(
        scope.register_grids(actor).with_only_columns(Grid.id, Grid.code))}


def _write_companies(plan: Plan, grid_ids: dict[str, int]) -> None:
    """Add and change the companies, with their shifts: one statement per kind of write."""
    if plan.new_companies:
        db.session.execute(insert(Company), [
            {"code": c.code, "name": c.name, "grid_id": grid_ids[spelling_key(c.grid_code)],
             "questions_per_quiz": c.questions_per_quiz, "workdays": c.workdays, "active": c.active}
            for c in plan.new_companies])
    new_ids = {code: cid for chunk in _chunks([c.code for c in plan.new_companies])
               for cid, code in db.session.execute(select(Company.id, Company.code).where(Company.code.in_(chunk)))}
    names = {"company_name": "name", "questions_per_quiz": "questions_per_quiz", "workdays": "workdays",
             "active": "active"}
    updates = []
    for change in plan.changed_companies:
        current = change.company
        values = {"id": current.id, "name": current.name, "grid_id": current.grid_id,
                  "questions_per_quiz": current.questions_per_quiz, "workdays": current.workdays,
                  "active": current.active}
        for name, _old, new in change.fields:
            if name == "grid":
                values["grid_id"] = grid_ids[spelling_key(str(new))]
            elif name in names:
                values[names[name]] = new
        updates.append(values)
    if updates:
        db.session.execute(update(Company), updates)
    reshifted = [c for c in plan.changed_companies if any(f == "shifts" for f, _o, _n in c.fields)]
    for chunk in _chunks([c.company.id for c in reshifted]):
        db.session.execute(delete(Shift).where(Shift.company_id.in_(chunk)))
    shifts = [{"company_id": new_ids[c.code], "name": name, "starts_at": _time(starts)}
              for c in plan.new_companies for name, starts in c.shifts]
    shifts += [{"company_id": c.company.id, "name": name, "starts_at": _time(starts)}
               for c in reshifted for name, starts in c.new("shifts") or ()]  # type: ignore[attr-defined]
    if shifts:
        db.session.execute(insert(Shift), shifts)


def _time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def cancel_import(actor: StaffUser, import_id: int, now: datetime) -> None:
    """Drop a previewed import (an expired one too) and its rows: nothing is applied, and it can no
    longer be."""
    previews.cancel(previews.waiting(actor, ImportKind.REGISTER, import_id, "cancel", now))
