"""A company's own settings, changed by its outreach staff: display name, questions per quiz,
workdays, shifts with start times, the WeChat Work robot webhook and when reminders go out.

Used by the console's settings page. Owns the rules that tie shifts to the roster: workers name
their shift (Employee.shift), so renaming a shift renames it on their rows too, and a shift that
active workers are still on cannot be removed. The company is always the staff member's own; a
shift id that is not one of its shifts changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import case, func, select, update

from quizapp import scope
from quizapp.extensions import db
from quizapp.models import Company, Employee, Shift, StaffUser
from quizapp.rules.errors import Conflict, Invalid, ServiceError, refuse
from quizapp.rules.ordering import sorted_shifts


@dataclass(frozen=True)
class ShiftRow:
    id: int | None  # None: a new shift
    name: str
    starts_at: time


@dataclass(frozen=True)
class SettingsChange:
    name: str
    questions_per_quiz: int
    workdays: str  # ISO weekdays, e.g. "123456"
    shifts: list[ShiftRow]  # the shifts to keep or add; the company's others are removed
    webhook_url: str | None
    remind_minutes: int


def settings_of(user: StaffUser) -> tuple[Company, list[Shift]]:
    company = scope.own_company(user)
    shifts = list(db.session.scalars(
        select(Shift).where(Shift.company_id == company.id).order_by(Shift.starts_at, Shift.name)))
    return company, shifts


def first_starts(rows: Iterable[tuple[str, time | None]]) -> dict[str, time]:
    """Each shift name's earliest start time among the rows (a name typed twice may have two)."""
    starts: dict[str, time] = {}
    for name, start in rows:
        if start is not None and (name not in starts or start < starts[name]):
            starts[name] = start
    return starts


def _active_on_shift(company_id: int, names: set[str], today: date) -> dict[str, int]:
    if not names:
        return {}
    return dict(db.session.execute(
        select(Employee.shift, func.count(Employee.id)).where(
            Employee.company_id == company_id, Employee.shift.in_(names), *scope.on_roster_from(today))
        .group_by(Employee.shift)).all())


def problems_with(user: StaffUser, change: SettingsChange, today: date) -> list[ServiceError]:
    """Why the change cannot be saved (nothing is changed then), or an empty list."""
    company, shifts = settings_of(user)
    existing = {s.id: s for s in shifts}
    problems: list[ServiceError] = []
    if any(row.id is not None and row.id not in existing for row in change.shifts):
        problems.append(Conflict("settings.shift_gone"))
    # Each problem names a shift; they are listed as the page lists shifts, in the order of the day
    # (quizapp/rules/ordering.py), not by character code.
    names = [row.name for row in change.shifts]
    typed = first_starts((row.name, row.starts_at) for row in change.shifts)
    for name in sorted_shifts({n for n in names if names.count(n) > 1}, typed):
        problems.append(Invalid("settings.shift_name_twice", name=name))
    kept = {row.id for row in change.shifts}
    vanishing = {s.name for s in shifts if s.id not in kept} - set(names)
    on_shift = _active_on_shift(company.id, vanishing, today)
    for name in sorted_shifts(on_shift, {s.name: s.starts_at for s in shifts}):
        problems.append(Conflict("settings.shift_has_workers", count=on_shift[name], name=name))
    return problems


def update_settings(user: StaffUser, change: SettingsChange, today: date) -> None:
    """Save the change to the staff member's company (flushed), or change nothing and raise why
    (problems_with: one ServiceError, or several as Problems)."""
    refuse(problems_with(user, change, today))
    company, shifts = settings_of(user)
    company.name = change.name
    company.questions_per_quiz = change.questions_per_quiz
    company.workdays = change.workdays
    company.webhook_url = change.webhook_url or None
    company.remind_minutes = change.remind_minutes

    existing = {s.id: s for s in shifts}
    kept = {row.id: row for row in change.shifts if row.id is not None}
    removed = [s.id for s in shifts if s.id not in kept]
    for shift_id in removed:
        db.session.delete(existing.pop(shift_id))
    db.session.flush()
    renames = {existing[i].name: row.name for i, row in kept.items() if existing[i].name != row.name}
    if renames:
        # Through temporary names, so that a swap never meets the (company, name) unique constraint.
        for i in kept:
            if existing[i].name in renames:
                existing[i].name = f"~{i}~"
        db.session.flush()
        # One statement maps every old name to its new one, so a swap cannot merge two shifts' workers.
        db.session.execute(update(Employee).where(
            Employee.company_id == company.id, Employee.shift.in_(renames))
            .values(shift=case(renames, value=Employee.shift)).execution_options(synchronize_session=False))
    for i, row in kept.items():
        existing[i].name, existing[i].starts_at = row.name, row.starts_at
    db.session.flush()
    for row in change.shifts:
        if row.id is None:
            db.session.add(Shift(company_id=company.id, name=row.name, starts_at=row.starts_at))
    db.session.flush()
    db.session.expire(company, ["shifts"])
