"""A worker signing in: employee number and PIN, or (first time, or after staff reset the PIN) the
one-time code staff handed them and a new PIN. Used by signin.views; the numbers are signin.rules'.

What a stranger learns: nothing. A known and an unknown employee number get the same answer from
the same work (a PIN check against a dummy hash when there is no worker), and the name is never
shown before the PIN or code is right. Only a phone that has signed in as the worker before (its
device cookie names the worker: `trusted`) is told more: a lock and until when, or that the PIN
was reset.

Wrong tries are counted on two tracks per worker, each claimed by one conditional UPDATE before the
PIN is checked, so parallel tries cannot slip past the count: the worker's own phones
(pin_failures, locked_until) and every other phone (stranger_failures, stranger_until). A
colleague's guesses make other phones wait; the worker's own phone still gets in.
Failures, locks and waits go to the audit log, failures once per worker and address per ten
minutes with their count. The log names a worker by record id (the town admin who reads it never
sees a worker's name or number) and never holds a PIN, a code or a number typed that is not on the
roster.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp.audit import service as audit
from quizapp.extensions import db
from quizapp.models import Company, Employee
from quizapp.roster import rules as roster
from quizapp.signin import rules
from quizapp.signin.service import PIN_HASH, claim_try, hash_pin

# A one-time code is made for a whole roster at once (1,200 workers in about a second) and works
# for 14 days: a lighter hash than a PIN's, still salted per code.
CODE_HASH = "pbkdf2:sha256:2000"


@dataclass(frozen=True)
class Outcome:
    """A sign-in or set-up try: the worker signed in, or the refusal to show. "wrong" is all a
    stranger ever sees; "locked" (with `until`), "no_pin" and "inactive" are told only to the
    worker's own phone. `guessed`: a wrong try from another phone (it counts against the address)."""

    employee: Employee | None = None
    refusal: str | None = None
    until: datetime | None = None
    guessed: bool = False


def hash_code(code: str) -> str:
    return generate_password_hash(code, method=CODE_HASH)


@cache
def _dummy(method: str) -> str:
    return generate_password_hash("not a secret", method=method)


def _same_work(method: str, secret: str) -> None:
    """The work of a real check, so that timing does not tell a known number from an unknown one."""
    check_password_hash(_dummy(method), secret)


def _claim(employee: Employee, trusted: bool, now: datetime) -> int | None:
    """Count one try on the worker's track for this phone before the PIN is checked (claim_try)."""
    claimed = claim_try(employee, trusted, now)
    return None if claimed is None else claimed[0]


def _cleared(employee: Employee) -> None:
    """A right PIN or code: both tracks start again."""
    db.session.execute(update(Employee).where(Employee.id == employee.id).values(
        pin_failures=0, locked_until=None, stranger_failures=0, stranger_until=None)
        .execution_options(synchronize_session=False))
    for name in ("pin_failures", "locked_until", "stranger_failures", "stranger_until"):
        set_committed_value(employee, name, 0 if name.endswith("failures") else None)


def _trail(company: Company, address: str, now: datetime, employee: Employee | None,
           trusted: bool, stopped: datetime | None) -> None:
    """The failed try in the audit log (one row per worker, or per unknown number, address and ten
    minutes, counted), and the lock or wait it started, if it did."""
    device = "own" if trusted else "other"
    audit.record_repeated(None, "signin.failed", {
        "company": company.code, "worker": employee.id if employee else None,
        "known": employee is not None, "address": address, "device": device}, now, town_id=company.grid.town_id)
    if employee is not None and stopped is not None:
        audit.record(None, "signin.locked" if trusted else "signin.throttled", {
            "company": company.code, "worker": employee.id, "address": address,
            "until": stopped.isoformat(timespec="minutes")}, town_id=company.grid.town_id)


def _refused(company: Company, address: str, now: datetime, employee: Employee | None,
             trusted: bool, stopped: datetime | None = None, reason: str = "wrong") -> Outcome:
    _trail(company, address, now, employee, trusted, stopped)
    db.session.flush()
    if not trusted:
        return Outcome(refusal="wrong", guessed=True)
    return Outcome(refusal=reason, until=stopped)


def _check(company: Company, secret: str, address: str, now: datetime, employee: Employee | None,
           trusted: bool, hashed: str | None, method: str, strangers_stopped: bool,
           unusable: str = "wrong") -> Outcome | None:
    """Claim a try and check `secret` against `hashed`; None when it is right. No worker, or
    nothing to check against (`unusable` says why, to the worker's own phone), is refused after
    the same work."""
    if employee is None or hashed is None or (strangers_stopped and not trusted):
        _same_work(method, secret)
        return _refused(company, address, now, employee, trusted,
                        reason=unusable if hashed is None else "wrong")
    if _claim(employee, trusted, now) is None:
        _same_work(method, secret)
        until = employee.locked_until if trusted else employee.stranger_until
        return _refused(company, address, now, employee, trusted, reason="locked", stopped=until)
    if check_password_hash(hashed, secret):
        return None
    until = employee.locked_until if trusted else employee.stranger_until
    stopped = until if until is not None and until > now else None
    return _refused(company, address, now, employee, trusted,
                    reason="locked" if stopped else "wrong", stopped=stopped)


def worker_by_number(company_id: int, number: str) -> Employee | None:
    """The company's worker with this employee number, typed in any case or width (roster.rules.
    number_key): a sign-in, a hand edit and a file all find the same worker."""
    number = roster.employee_number(number)
    exact = db.session.scalar(select(Employee).where(Employee.company_id == company_id,
                                                     Employee.employee_no == number))
    if exact is not None or not number:
        return exact
    # Numbers are ASCII in practice, where SQL's upper() and Python's agree on both databases.
    return db.session.scalar(select(Employee).where(
        Employee.company_id == company_id, func.upper(Employee.employee_no) == roster.number_key(number))
        .order_by(Employee.id).limit(1))



def _worker(company: Company, number: str) -> Employee | None:
    employee = worker_by_number(company.id, number) if number else None
    return employee if employee is not None and employee.active else None


def sign_in(company: Company, number_typed: str, pin_typed: str, trusted_ids: Collection[int], address: str,
            now: datetime, strangers_stopped: bool = False) -> Outcome:
    """A returning worker's employee number and PIN (both as typed: normalised here). From another
    phone than the worker's own (`trusted_ids` from the device cookie), every refusal reads the
    same; `strangers_stopped`: the address has used its budget of such guesses (they are refused
    unchecked; the worker's own phone is not)."""
    number, pin = roster.employee_number(number_typed), rules.typed_digits(pin_typed)
    employee = _worker(company, number)
    trusted = employee is not None and employee.id in trusted_ids
    refused = _check(company, pin, address, now, employee, trusted,
                     employee.pin_hash if employee else None, PIN_HASH, strangers_stopped, unusable="no_pin")
    if refused is not None:
        return refused
    assert employee is not None  # a right PIN has a worker
    _cleared(employee)
    return Outcome(employee=employee)


def set_up(company: Company, number_typed: str, code_typed: str, pin: str, trusted_ids: Collection[int],
           address: str, now: datetime, strangers_stopped: bool = False) -> Outcome:
    """First sign-in, or the first after staff reset the PIN: the one-time code staff handed the
    worker (not expired, not replaced by a newer one) lets them choose `pin` (already checked by
    the form: 4-6 digits, not weak). The code then stops working. Every refusal reads as a wrong
    number or code, except to the worker's own phone."""
    if not rules.is_pin(pin) or rules.weak_pin(pin):
        raise ValueError("the form lets only a good PIN through")
    number, code = roster.employee_number(number_typed), rules.typed_digits(code_typed)
    employee = _worker(company, number)
    trusted = employee is not None and employee.id in trusted_ids
    usable = (employee is not None and employee.pin_hash is None and employee.setup_code_expires is not None
              and employee.setup_code_expires > now)
    hashed = employee.setup_code_hash if usable and employee is not None else None
    refused = _check(company, code, address, now, employee, trusted, hashed, CODE_HASH, strangers_stopped)
    if refused is not None:
        return refused
    assert employee is not None
    employee.pin_hash = hash_pin(pin)
    employee.setup_code_hash = None
    employee.setup_code_expires = None
    db.session.flush()
    _cleared(employee)
    return Outcome(employee=employee)


def issue_code(employee: Employee, now: datetime) -> str:
    """A new one-time set-up code for the worker (any older one stops working): returned to be
    shown once; only its hash is kept, for rules.CODE_DAYS days."""
    code = rules.new_code()
    employee.setup_code_hash = hash_code(code)
    employee.setup_code_expires = rules.code_expires(now)
    return code


def is_stopped(employee: Employee, now: datetime) -> bool:
    """Locked on the worker's own phone, or other phones made to wait."""
    return any(until is not None and until > now for until in (employee.locked_until, employee.stranger_until))


def clear_stops(employee: Employee) -> None:
    """Staff's one-tap unlock: both tracks start again (the PIN is kept)."""
    _cleared(employee)
