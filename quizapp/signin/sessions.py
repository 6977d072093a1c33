"""Sessions that end when they should: every account (worker or staff) has a session generation,
carried in its session and remember-me cookie (models.org.Account.get_id) and checked on every
request by the user loader. end_sessions() raises it, so every session and remember-me cookie the
account had stops working at its next request, on every phone and computer, whatever the cookie
says about itself.

Used by access (the user loader), the sign-in views (signing out), the roster (a PIN reset,
deactivating, reactivating, "sign out everywhere" for a worker), the accounts pages (a password
reset, deactivating, reactivating, "sign out everywhere" for a staff account) and a staff
member's own password change.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import joinedload

from quizapp.extensions import db
from quizapp.models import Employee, StaffUser


def end_sessions(account: Employee | StaffUser) -> None:
    """End every session and remember-me cookie of `account` (in one UPDATE, so two requests
    raising it at once both count). Flushes; the caller commits."""
    model = type(account)
    db.session.flush()
    db.session.execute(update(model).where(model.id == account.id)
                       .values(session_generation=model.session_generation + 1)
                       .execution_options(synchronize_session=False))
    db.session.expire(account, ["session_generation"])


def load_account(user_id: str) -> Employee | StaffUser | None:
    """Flask-Login's user loader. The id is '<kind>:<id>:<generation>:<random>' ('e' a worker, 's' a
    staff account); it loads nobody when the generation is not the account's current one (the
    session was ended: sign-out, reset, deactivation, "sign out everywhere"), when the id has none
    (a session from before generations existed), or when the account or its company is
    deactivated: Flask-Login checks is_active only when signing in."""
    parts = user_id.split(":")
    if len(parts) != 4 or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    kind, raw, generation = parts[0], int(parts[1]), int(parts[2])
    # One query for the account and its company, on every request (the quiz's hot path too).
    account: Employee | StaffUser | None
    if kind == "e":
        account = db.session.get(Employee, raw, options=[joinedload(Employee.company)])
    elif kind == "s":
        account = db.session.get(StaffUser, raw, options=[joinedload(StaffUser.company)])
    else:
        return None
    if account is None or not account.active or account.session_generation != generation:
        return None
    if account.company is not None and not account.company.active:
        return None
    return account
