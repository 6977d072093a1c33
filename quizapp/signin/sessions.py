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

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import contains_eager

from quizapp.extensions import db
from quizapp.models import Company, Employee, StaffUser


def end_sessions(account: Employee | StaffUser) -> None:
    """End every session and remember-me cookie of `account` (in one UPDATE, so two requests
    raising it at once both count). Flushes; the caller commits."""
    model = type(account)
    db.session.flush()
    db.session.execute(update(model).where(model.id == account.id)
                       .values(session_generation=model.session_generation + 1)
                       .execution_options(synchronize_session=False))
    db.session.expire(account, ["session_generation"])


def _signed_in_query(model: type[Employee] | type[StaffUser]):
    """The account by id with its company, if the account is active, on that session generation,
    and its company (if it has one: officers and the town admin have none) is active. Built once
    per kind: building a statement is a real share of a short request's cost."""
    return (select(model).outerjoin(model.company).options(contains_eager(model.company))
            .where(model.id == bindparam("id"), model.active.is_(True),
                   model.session_generation == bindparam("generation"),
                   or_(model.company_id.is_(None), Company.active.is_(True))))


_SIGNED_IN = {Employee.ID_PREFIX: _signed_in_query(Employee), StaffUser.ID_PREFIX: _signed_in_query(StaffUser)}


def load_account(user_id: str) -> Employee | StaffUser | None:
    """Flask-Login's user loader. The id is '<kind>:<id>:<generation>:<random>' ('e' a worker, 's' a
    staff account); it loads nobody when the generation is not the account's current one (the
    session was ended: sign-out, reset, deactivation, "sign out everywhere"), when the id has none
    (a session from before generations existed), or when the account or its company is
    deactivated: Flask-Login checks is_active only when signing in.

    One statement, built once, on every request that asks who is signed in (the quiz's hot path
    too): the company comes in the same row, since nearly every page names it. Half the CPU of
    the Session.get with a joined load it replaces (which built its statement on every call).
    Static files and the health check never ask."""
    parts = user_id.split(":")
    if len(parts) != 4 or not parts[1].isdigit() or not parts[2].isdigit() or parts[0] not in _SIGNED_IN:
        return None
    return db.session.execute(_SIGNED_IN[parts[0]], {"id": int(parts[1]), "generation": int(parts[2])}
                              ).scalar_one_or_none()
