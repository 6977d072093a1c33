"""Signing in: workers with employee number + PIN, staff with username + password.

Used by the auth blueprint. Owns the throttling rules: wrong PINs and passwords lock the account
for a while (per account, in the database, so every app server agrees); the per-address limit
sits in the view and is far above what a factory behind one NAT address reaches honestly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp.extensions import db
from quizapp.models import Company, Employee, StaffUser

# A PIN has at most a million values: its strength is the online throttle, not the hash. A cheap
# hash keeps 7,000 sign-ins at shift start to a few CPU-seconds (docs/deploy.md).
PIN_HASH = "pbkdf2:sha256:20000"
PIN_PATTERN = re.compile(r"^\d{4,6}$")
MAX_FAILURES = 5
LOCK_MINUTES = 15


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in try: the account, or why not (and until when, if locked)."""

    account: Employee | StaffUser | None = None
    error: str | None = None  # "unknown", "inactive", "wrong", "locked", "no_pin", "name_mismatch"
    locked_until: datetime | None = None


def company_by_code(code: str) -> Company | None:
    return db.session.scalar(select(Company).where(Company.code == code, Company.active.is_(True)))


def find_employee(company: Company, employee_no: str) -> Employee | None:
    return db.session.scalar(select(Employee).where(
        Employee.company_id == company.id, Employee.employee_no == employee_no.strip()))


def _normalise_name(name: str) -> str:
    return re.sub(r"\s+", "", name).casefold()


def hash_pin(pin: str) -> str:
    return generate_password_hash(pin, method=PIN_HASH)


def _locked(account: Employee | StaffUser, now: datetime) -> SignIn | None:
    if account.locked_until and account.locked_until > now:
        return SignIn(error="locked", locked_until=account.locked_until)
    return None


def _failed(account: Employee | StaffUser, now: datetime, counter: str) -> SignIn:
    failures = getattr(account, counter) + 1
    setattr(account, counter, failures)
    if failures >= MAX_FAILURES:
        setattr(account, counter, 0)
        account.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        db.session.flush()
        return SignIn(error="locked", locked_until=account.locked_until)
    db.session.flush()
    return SignIn(error="wrong")


def verify_pin(employee: Employee, pin: str, now: datetime) -> SignIn:
    """A returning worker's PIN. Five wrong in a row lock the worker for 15 minutes."""
    if not employee.active:
        return SignIn(error="inactive")
    if employee.pin_hash is None:
        return SignIn(error="no_pin")
    if (locked := _locked(employee, now)) is not None:
        return locked
    if not check_password_hash(employee.pin_hash, pin):
        return _failed(employee, now, "pin_failures")
    if employee.pin_failures:
        employee.pin_failures = 0
    return SignIn(account=employee)


def register_pin(employee: Employee, name: str, pin: str, now: datetime) -> SignIn:
    """First sign-in: the name must match the roster; then the worker's chosen PIN is set.

    A wrong name counts as a failure like a wrong PIN, so the roster cannot be probed freely.
    """
    if not employee.active:
        return SignIn(error="inactive")
    if employee.pin_hash is not None:
        return SignIn(error="has_pin")
    if (locked := _locked(employee, now)) is not None:
        return locked
    if _normalise_name(name) != _normalise_name(employee.name):
        result = _failed(employee, now, "pin_failures")
        return result if result.error == "locked" else SignIn(error="name_mismatch")
    if not PIN_PATTERN.match(pin):
        raise ValueError("PIN must be 4 to 6 digits")
    employee.pin_hash = hash_pin(pin)
    employee.pin_failures = 0
    db.session.flush()
    return SignIn(account=employee)


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not a password")
