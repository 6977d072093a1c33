"""Staff, officers and the town admin signing in with a username and password, and setting their
own password when the town admin handed them a one-time one.

Used by the auth blueprint (quizapp/signin/views.py). Owns the rules:
- wrong passwords count on two tracks, the workers' rule (signin.rules, service.claim_try): a
  browser that signed in to the account before (its staff device cookie) locks it at the fifth
  wrong one in a row for 15 minutes; any other browser's wrong ones only make other browsers wait,
  so a stranger cannot lock anyone out, the admin included. Each try is claimed by one
  conditional UPDATE before the password is checked, so parallel tries stop at exactly the count;
- a stranger cannot tell a locked account, an unknown username and a wrong password apart: all
  three are "wrong" (the same message and status), with the same password-hash work;
- every sign-in is in the audit log ("signin.staff"), every lock ("signin.staff.locked") and wait
  ("signin.staff.throttled"), and
  failed sign-ins once per account, client address and ten minutes ("signin.staff.failed", its
  `times` kept up to date by audit.service.record_repeated, as the workers' are), so an attack of
  thousands of tries leaves a few rows, not thousands;
- a one-time password must be replaced before anything else; the new one follows the accounts'
  password rule and cannot be the one-time one; changing it ends every other session.
Functions flush; the views commit. No Flask.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select, update
from werkzeug.security import check_password_hash

from quizapp import scope
from quizapp.accounts.service import password_problem
from quizapp.audit import service as audit
from quizapp.extensions import db
from quizapp.models import StaffUser
from quizapp.rules.errors import Invalid
from quizapp.signin.service import SignIn, _dummy_hash, claim_try
from quizapp.signin.sessions import end_sessions


def _find(username: str) -> StaffUser | None:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))


def verify_staff(username: str, password: str, now: datetime, address: str = "",
                 trusted_ids: Collection[int] = ()) -> SignIn:
    """Staff, officer or admin sign-in from client `address`, in a browser that has signed in to the
    accounts `trusted_ids` before (its staff device cookie). Wrong passwords count on two tracks, as
    a worker's PINs do (signin.rules): from the account's own browser the fifth in a row locks it
    for 15 minutes; from any other browser the first two are free, then other browsers wait 1, 2,
    4 ... 60 minutes, and the owner's browser still gets in. An unknown username, a wrong password,
    a lock and a wait all answer "wrong"; a right password of a deactivated account answers
    "inactive" (only the password's holder learns it)."""
    user = _find(username)
    if user is None:
        # Same work as a real check, so timing does not reveal which usernames exist.
        check_password_hash(_dummy_hash(), password)
        record_failure("", address, now, trusted=False)
        return SignIn(error="wrong")
    trusted = user.id in trusted_ids
    claimed = claim_try(user, trusted, now)
    right = user.check_password(password)  # the same work whether or not the try is checked
    if claimed is None or not right:
        record_failure(user.username, address, now, trusted)
        if claimed is not None and claimed[1] is not None:
            # The account's town's row (not the city's): its admin unlocks it; the city admin's has none.
            audit.record(None, "signin.staff.locked" if trusted else "signin.staff.throttled", {
                "account": user.username, "address": address, "until": claimed[1].isoformat(timespec="minutes")},
                town_id=scope.town_of(user))
        return SignIn(error="wrong")
    if not user.active:
        return SignIn(error="inactive")
    db.session.execute(update(StaffUser).where(StaffUser.id == user.id).values(
        failed_logins=0, locked_until=None, stranger_failures=0, stranger_until=None)
        .execution_options(synchronize_session=False))
    db.session.refresh(user)
    user.last_signed_in_at = now
    db.session.flush()
    audit.record(user, "signin.staff", {"account": user.username, "address": address})
    return SignIn(account=user)


def record_failure(username: str, address: str, now: datetime, trusted: bool) -> None:
    """Count a failed sign-in to `username` ("" for a name that is no account: what was typed is
    not kept, it may be a password) from `address`, in the account's own browser or another: one
    audit row per account, address, browser kind and ten minutes ("signin.staff.failed") with how
    many."""
    town_id = db.session.scalar(select(StaffUser.town_id).where(StaffUser.username == username)) if username else None
    audit.record_repeated(None, "signin.staff.failed", {"account": username or None, "address": address,
                                                        "browser": "own" if trusted else "other"}, now,
                          town_id=town_id)


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

