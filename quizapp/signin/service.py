"""What signing in shares: a staff sign-in's verdict and lock numbers (signin.staff counts them),
finding a company by its code, how a worker's PIN is hashed, the dummy hash that makes a missing
account cost the same work, and the user loader. A worker signing in is signin.workers.

Used by the auth blueprint, signin.staff, signin.workers and the demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from quizapp.extensions import db
from quizapp.models import Company, Employee, StaffUser

# A PIN has at most a million values: its strength is the online throttle, not the hash. A cheap
# hash keeps 7,000 sign-ins at shift start to a few CPU-seconds (docs/deploy.md).
PIN_HASH = "pbkdf2:sha256:20000"
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


def hash_pin(pin: str) -> str:
    return generate_password_hash(pin, method=PIN_HASH)


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not a password")
