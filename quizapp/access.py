"""Who may do what: the roles, the user loader, and the one guard each blueprint declares.

Used by the app factory and every blueprint. Owns the rule that an account kind decides the
audience: workers (Employee) use `quiz`; staff accounts (StaffUser) use `console`, `reports` or
`admin` by role (quizapp.rules.vocab.Role). What an account sees once inside (which company,
which grids) is quizapp/scope.py.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from quizapp.extensions import login_manager
from quizapp.models import Employee, StaffUser
from quizapp.rules.vocab import Role
from quizapp.signin.sessions import load_account


@login_manager.user_loader
def _load_user(user_id: str):
    return load_account(user_id)


def is_worker(user=None) -> bool:
    return isinstance(user or current_user, Employee)


def guard_worker() -> Callable[[], ResponseReturnValue | None]:
    """A blueprint guard: signed-in workers only; anyone else is sent to their company's page."""

    def check() -> ResponseReturnValue | None:
        if not isinstance(current_user, Employee):
            if isinstance(current_user, StaffUser):
                abort(403)
            return redirect(url_for("auth.worker_start"))
        return None

    return check


def guard_staff(*roles: Role, also: dict[Role, set[str]] | None = None) -> Callable[[], ResponseReturnValue | None]:
    """A blueprint guard: staff accounts with one of `roles`; others sign in or get 403. `also`
    lets another role in on some endpoints only (the city admin on the reports that compare towns)."""

    def check() -> ResponseReturnValue | None:
        if not isinstance(current_user, StaffUser):
            if isinstance(current_user, Employee):
                abort(403)
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if current_user.must_change_password:
            # A one-time password from the town admin: no page but setting one's own opens with it.
            # The admin who handed it over could still sign in with it before its holder and set a
            # password; that is visible, not prevented (audit log, /console/staff; docs/admin.md).
            return redirect(url_for("auth.change_password"))
        if current_user.role not in roles and request.endpoint not in (also or {}).get(current_user.role, ()):
            abort(403)
        return None

    return check


def home_for(user) -> str:
    """Where an account lands after signing in."""
    if isinstance(user, Employee):
        return url_for("quiz.today")
    if isinstance(user, StaffUser):
        return url_for({Role.COMPANY_STAFF: "console.index", Role.GRID_OFFICER: "reports.index",
                        Role.TOWN_ADMIN: "admin.index", Role.CITY_ADMIN: "city.index"}[user.role])
    return url_for("auth.login")
