"""What signing in shares: a staff sign-in's verdict and lock numbers (signin.staff counts them), the
two-track claim of a try (claim_try: the account's own device, and every other one) for workers
and staff alike,
finding a company by its code, how a worker's PIN is hashed, the dummy hash that makes a missing
account cost the same work, and the user loader. A worker signing in is signin.workers.

Used by the auth blueprint, signin.staff, signin.workers and the demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import ColumnElement, and_, case, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import generate_password_hash

from quizapp.extensions import db
from quizapp.models import Company, Employee, StaffUser
from quizapp.signin import rules

# A PIN has at most a million values: its strength is the online throttle, not the hash. A cheap
# hash keeps 7,000 sign-ins at shift start to a few CPU-seconds (docs/deploy.md).
PIN_HASH = "pbkdf2:sha256:20000"


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in try: the account, or why not (and until when, if locked)."""

    account: Employee | StaffUser | None = None
    error: str | None = None  # "unknown", "inactive", "wrong", "locked", "no_pin", "name_mismatch"
    locked_until: datetime | None = None


def company_by_code(code: str) -> Company | None:
    """The active company whose QR code says `code`, in any case: codes are made and stored in
    lower case (organisation.rules.normalise_company_code), so /c/HJM is /c/hjm; a code kept as
    it was from before that rule is found as stored. Both look-ups are exact, on the code's
    unique index."""
    found = db.session.scalar(select(Company).where(Company.code == code, Company.active.is_(True)))
    lower = code.lower()
    if found is None and lower != code:
        found = db.session.scalar(select(Company).where(Company.code == lower, Company.active.is_(True)))
    return found


def hash_pin(pin: str) -> str:
    return generate_password_hash(pin, method=PIN_HASH)


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not a password")


def claim_try(account: Employee | StaffUser, trusted: bool, now: datetime) -> tuple[int, datetime | None] | None:
    """Count one try on the account's track for this device before the secret is checked: the
    account's own devices (a device cookie names it: `trusted`) or every other one. None when the
    track is locked or waiting (the try is refused unchecked), else the new count and the lock or
    wait this try started (None if it started none). One UPDATE ... RETURNING: of parallel tries,
    exactly as many get through as signin.rules allows. A worker's own track is pin_failures and
    locked_until, a staff account's failed_logins and locked_until; both have stranger_failures and
    stranger_until for the other devices."""
    model = type(account)
    new_count: ColumnElement[int]
    new_until: ColumnElement[datetime | None]
    if trusted:
        count = Employee.pin_failures if model is Employee else StaffUser.failed_logins
        until = model.locked_until
        expired = and_(until.is_not(None), until <= now)
        new_count = case((expired, 1), else_=count + 1)
        new_until = case((new_count >= rules.OWN_DEVICE_TRIES, now + rules.OWN_DEVICE_LOCK), else_=None)
    else:
        count, until = model.stranger_failures, model.stranger_until
        new_count = count + 1
        first = rules.STRANGER_FREE_TRIES
        waits = [(new_count == first + i, now + wait) for i, wait in enumerate(rules.STRANGER_WAITS)]
        new_until = case((new_count < first, None), *waits, else_=now + rules.STRANGER_WAITS[-1])
    claimed = db.session.execute(
        update(model).where(model.id == account.id, or_(until.is_(None), until <= now))
        .values({count: new_count, until: new_until}).returning(count, until)
        .execution_options(synchronize_session=False)).first()
    if claimed is None:  # refused: read the lock or wait that stopped it (another try may have set it)
        db.session.refresh(account)
        return None
    # The loaded account follows the UPDATE from its RETURNING, without reading the row again.
    set_committed_value(account, count.key, claimed[0])
    set_committed_value(account, until.key, claimed[1])
    return claimed[0], claimed[1]
