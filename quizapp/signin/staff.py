"""Staff, officers and the town admin signing in with a username and password, and setting their
own password when the town admin handed them a one-time one.

Used by the auth blueprint (quizapp/signin/views.py). Owns the rules:
- five wrong passwords in a row lock the account for LOCK_MINUTES; the count is raised and the
  lock set by conditional UPDATEs, so parallel tries lock at exactly the fifth;
- a stranger cannot tell a locked account, an unknown username and a wrong password apart: all
  three are "wrong" (the same message and status), with the same password-hash work;
- every sign-in is in the audit log ("signin.staff"), every lock ("signin.staff.locked"), and
  failed sign-ins once per account, client address and ten minutes ("signin.staff.failed", its
  `times` kept up to date by audit.service.record_repeated, as the workers' are), so an attack of
  thousands of tries leaves a few rows, not thousands;
- a one-time password must be replaced before anything else; the new one follows the accounts'
  password rule and cannot be the one-time one; changing it ends every other session.
Functions flush; the views commit. No Flask.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from werkzeug.security import check_password_hash

from quizapp.accounts.service import password_problem
from quizapp.audit import service as audit
from quizapp.database import rows_changed
from quizapp.extensions import db
from quizapp.models import StaffUser
from quizapp.rules.errors import Invalid
from quizapp.signin.service import LOCK_MINUTES, MAX_FAILURES, SignIn, _dummy_hash
from quizapp.signin.sessions import end_sessions


def _find(username: str) -> StaffUser | None:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))


def verify_staff(username: str, password: str, now: datetime, address: str = "") -> SignIn:
    """Staff, officer or admin sign-in from client `address`. Five wrong passwords in a row lock
    the account for 15 minutes; an unknown username, a wrong password and a locked account all
    answer "wrong". A right password of a deactivated account answers "inactive" (only the
    password's holder learns it)."""
    user = _find(username)
    if user is None:
        # Same work as a real check, so timing does not reveal which usernames exist.
        check_password_hash(_dummy_hash(), password)
        record_failure("", address, now)
        return SignIn(error="wrong")
    right = user.check_password(password)
    if user.locked_until is not None and user.locked_until > now:
        record_failure(user.username, address, now)
        return SignIn(error="wrong")
    if not right:
        _count_failure(user, address, now)
        return SignIn(error="wrong")
    if not user.active:
        return SignIn(error="inactive")
    user.failed_logins = 0
    user.last_signed_in_at = now
    db.session.flush()
    audit.record(user, "signin.staff", {"account": user.username, "address": address})
    return SignIn(account=user)


def _count_failure(user: StaffUser, address: str, now: datetime) -> None:
    """One more wrong password: counted in the database (never read and written back), and the
    request whose count reaches MAX_FAILURES sets the lock and starts the count again."""
    not_locked = or_(StaffUser.locked_until.is_(None), StaffUser.locked_until <= now)
    db.session.execute(update(StaffUser).where(StaffUser.id == user.id, not_locked)
                       .values(failed_logins=StaffUser.failed_logins + 1)
                       .execution_options(synchronize_session=False))
    until = now + timedelta(minutes=LOCK_MINUTES)
    locked = rows_changed(update(StaffUser).where(StaffUser.id == user.id, StaffUser.failed_logins >= MAX_FAILURES)
                          .values(failed_logins=0, locked_until=until).execution_options(synchronize_session=False))
    db.session.expire(user, ["failed_logins", "locked_until"])
    record_failure(user.username, address, now)
    if locked:
        audit.record(None, "signin.staff.locked", {"account": user.username, "address": address,
                                                   "until": until.isoformat(timespec="minutes")})


def record_failure(username: str, address: str, now: datetime) -> None:
    """Count a failed sign-in to `username` ("" for a name that is no account: what was typed is
    not kept, it may be a password) from `address`: one audit row per account, address and ten
    minutes ("signin.staff.failed") with how many."""
    audit.record_repeated(None, "signin.staff.failed", {"account": username or None, "address": address}, now)


def change_own_password(user: StaffUser, current: str, new: str, now: datetime) -> None:
    """The person sets their own password (required after the admin handed them a one-time one):
    the current one is needed, the new one follows the accounts' rule and differs from it. Every
    other session of the account ends; the caller signs the person in again."""
    if not user.check_password(current):
        raise Invalid("signin.wrong_current_password", field="current")
    if (problem := password_problem(new)) is not None:
        raise problem
    if new == current:
        raise Invalid("signin.same_password", field="password")
    user.set_password(new)
    user.must_change_password = False
    end_sessions(user)
    audit.record(user, "account.password_changed", {"account": user.username})

