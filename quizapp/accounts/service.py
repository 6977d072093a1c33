"""A town admin manages their town's staff accounts: company staff, grid officers and town admins;
the city admin makes towns' admin accounts (quizapp/towns).

Used by the admin blueprint's accounts pages (quizapp.accounts.views). Owns the rules of an
account: a company staff account belongs to one active company, a grid officer to one or more
active grids, a town admin to neither; the admin never chooses a password: creating an account
or resetting its password generates a one-time password, shown once, that the person must replace
with their own (at least MIN_PASSWORD_LENGTH characters) at their first sign-in, so the admin
cannot sign in as a company's staff and read its workers' names; a reset, deactivating,
reactivating and "sign out everywhere" end every session of the account (signin.sessions); the
admin cannot deactivate or demote themselves, and the town always keeps one active town admin.
An account belongs to the town it was made in: a town admin sees, changes and gives companies and
grids of their own town only (another town's accounts, companies and grids do not exist for them),
and never makes a city admin.
Every change is written to the audit log ("admin.account.*"), never with a password or a webhook
key in it. Functions flush; the view commits.
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import selectinload

from quizapp import scope
from quizapp.audit import service as audit
from quizapp.digest.rules import is_email
from quizapp.extensions import db
from quizapp.models import Company, Grid, StaffUser, officer_grids
from quizapp.rules.errors import Conflict, Forbidden, Invalid
from quizapp.rules.vocab import Role, parse
from quizapp.signin.sessions import end_sessions

# No rule existed (sign-in only caps a password at 200 characters): ten characters, so a typed
# password is not a guessable word; generated ones are longer.
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
# Readable when handed over on paper or read out: no 0/O, 1/l/I.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PER_PAGE = 50


def generate_password() -> str:
    """Three groups of four from a readable alphabet, e.g. "k7mq-3xhp-a9wd" (about 74 bits)."""
    return "-".join("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3))


def password_problem(password: str) -> Invalid | None:
    """Why a typed password cannot be used, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return Invalid("accounts.password_too_short", field="password", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return Invalid("accounts.password_too_long", field="password", n=MAX_PASSWORD_LENGTH)
    if not password.strip():
        return Invalid("accounts.password_blank", field="password")
    return None


# --- Listing -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AccountFilter:
    role: Role | None = None
    grid_id: int | None = None  # officers of the grid and staff of its companies
    company_id: int | None = None
    active: bool | None = None
    search: str = ""  # in username, display name or e-mail
    page: int = 1


@dataclass(frozen=True)
class AccountsPage:
    filter: AccountFilter
    accounts: list[StaffUser]
    total: int
    page: int
    pages: int


def _town_accounts(actor: StaffUser):
    """The staff accounts of the admin's own town: the only ones they see and manage."""
    return select(StaffUser).where(StaffUser.id.in_(scope.town_staff_ids(scope.own_town_id(actor))))


def _filtered(actor: StaffUser, chosen: AccountFilter):
    query = _town_accounts(actor)
    if chosen.role is not None:
        query = query.where(StaffUser.role == chosen.role)
    if chosen.company_id is not None:
        query = query.where(StaffUser.company_id == chosen.company_id)
    if chosen.grid_id is not None:
        officers = select(officer_grids.c.staff_user_id).where(officer_grids.c.grid_id == chosen.grid_id)
        companies = select(Company.id).where(Company.grid_id == chosen.grid_id)
        query = query.where(or_(StaffUser.id.in_(officers), StaffUser.company_id.in_(companies)))
    if chosen.active is not None:
        query = query.where(StaffUser.active.is_(chosen.active))
    text = chosen.search.strip()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").lower() + "%"
        query = query.where(or_(*(func.lower(column).like(pattern, escape="\\") for column in
                                  (StaffUser.username, StaffUser.display_name, StaffUser.email))))
    return query


def list_accounts(actor: StaffUser, chosen: AccountFilter, per_page: int = PER_PAGE) -> AccountsPage:
    """Every staff account of the admin's town matching the filter, by role then username, one
    page at a time."""
    query = _filtered(actor, chosen)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(chosen.page, 1), pages)
    accounts = list(db.session.scalars(
        query.options(selectinload(StaffUser.company), selectinload(StaffUser.grids))
        .order_by(StaffUser.role, StaffUser.username).limit(per_page).offset((page - 1) * per_page)))
    return AccountsPage(chosen, accounts, total, page, pages)


def find_account(actor: StaffUser, account_id: int) -> StaffUser | None:
    """An account of the admin's town, or None (another town's does not exist for them)."""
    return db.session.scalar(_town_accounts(actor).where(StaffUser.id == account_id))


def _town_grid_ids(actor: StaffUser):
    return scope.town_grid_ids(scope.own_town_id(actor))


def all_grids(actor: StaffUser) -> list[Grid]:
    return list(db.session.scalars(select(Grid).where(Grid.id.in_(_town_grid_ids(actor))).order_by(Grid.code)))


def all_companies(actor: StaffUser) -> list[Company]:
    return list(db.session.scalars(select(Company).where(Company.grid_id.in_(_town_grid_ids(actor)))
                                   .order_by(Company.name)))


def company_choices(actor: StaffUser, account: StaffUser | None = None) -> list[Company]:
    """The town's companies an account can be given: the active ones, and the account's own if it
    is not."""
    chosen: ColumnElement[bool] = Company.active.is_(True)
    if account is not None and account.company_id is not None:
        chosen = or_(Company.active.is_(True), Company.id == account.company_id)
    return list(db.session.scalars(select(Company).where(chosen, Company.grid_id.in_(_town_grid_ids(actor)))
                                   .order_by(Company.name)))


def grid_choices(actor: StaffUser, account: StaffUser | None = None) -> list[Grid]:
    """The town's grids an officer can be given: the active ones, and the account's own if they are not."""
    own = [g.id for g in account.grids] if account is not None else []
    return list(db.session.scalars(select(Grid).where(or_(Grid.active.is_(True), Grid.id.in_(own)),
                                                      Grid.id.in_(_town_grid_ids(actor))).order_by(Grid.code)))


@dataclass(frozen=True)
class CompanyAccount:
    """A staff account of the company as its staff see it: who created it and who last reset its
    password (a display name and username, or None when not recorded), when, and its last sign-in."""

    account: StaffUser
    created_by: StaffUser | None
    reset_by: StaffUser | None


def company_accounts(actor: StaffUser) -> list[CompanyAccount]:
    """The staff accounts of the actor's own company, so its staff can see whether the town
    admin made or reset one and whether it was used (the admin cannot choose its password, but
    could sign in with the one-time one before its holder does)."""
    accounts = list(db.session.scalars(select(StaffUser).where(
        StaffUser.company_id == scope.own_company_id(actor)).order_by(StaffUser.username)))
    ids = {a.created_by for a in accounts} | {a.password_reset_by for a in accounts}
    people = {p.id: p for p in db.session.scalars(select(StaffUser).where(StaffUser.id.in_(ids - {None})))}
    return [CompanyAccount(a, people.get(a.created_by) if a.created_by else None,
                           people.get(a.password_reset_by) if a.password_reset_by else None) for a in accounts]


# --- Changes -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AccountInput:
    """What the create and edit forms hand over (ids as the form sent them, checked here)."""

    display_name: str
    role: Role | str  # as the form sent it: checked here
    company_id: int | None = None
    grid_ids: list[int] = field(default_factory=list)
    email: str | None = None
    webhook_url: str | None = None


def _checked_company(town_id: int, data: AccountInput, account: StaffUser | None) -> int | None:
    if data.role != Role.COMPANY_STAFF:
        return None
    if data.company_id is None:
        raise Invalid("accounts.company_needed", field="company")
    company = db.session.scalar(select(Company).where(Company.id == data.company_id,
                                                      Company.grid_id.in_(scope.town_grid_ids(town_id))))
    keeps_own = account is not None and account.company_id == data.company_id
    if company is None or not (company.active or keeps_own):
        raise Invalid("accounts.company_inactive", field="company")
    return company.id


def _checked_grids(town_id: int, data: AccountInput, account: StaffUser | None) -> list[Grid]:
    if data.role != Role.GRID_OFFICER:
        return []
    if not data.grid_ids:
        raise Invalid("accounts.grids_needed", field="grids")
    grids = list(db.session.scalars(select(Grid).where(Grid.id.in_(set(data.grid_ids)), Grid.town_id == town_id)
                                    .order_by(Grid.code)))
    own = {g.id for g in account.grids} if account is not None else set()
    if len(grids) != len(set(data.grid_ids)) or any(not g.active and g.id not in own for g in grids):
        raise Invalid("accounts.grids_inactive", field="grids")
    return grids


def _check_input(town_id: int, data: AccountInput, account: StaffUser | None
                 ) -> tuple[Role, int | None, list[Grid]]:
    role = parse(Role, data.role)
    if role is None or role == Role.CITY_ADMIN:  # a town's account: never the city admin
        raise Invalid("accounts.unknown_role", field="role")
    data = replace(data, role=role)
    if not data.display_name.strip():
        raise Invalid("accounts.name_needed", field="display_name")
    if data.email and not is_email(data.email):
        raise Invalid("accounts.bad_email", field="email")
    return role, _checked_company(town_id, data, account), _checked_grids(town_id, data, account)


def _active_admins(town_id: int | None) -> int:
    return db.session.scalar(select(func.count(StaffUser.id)).where(
        StaffUser.role == Role.TOWN_ADMIN, StaffUser.active.is_(True), StaffUser.town_id == town_id)) or 0


def _facts(account: StaffUser) -> dict:
    """What the audit log keeps about an account: no password, and not the webhook's secret key."""
    return {"account": account.username, "name": account.display_name, "role": account.role,
            "company": account.company.code if account.company is not None else None,
            "grids": [g.code for g in account.grids], "email": account.email,
            "webhook": bool(account.webhook_url), "active": account.active}


def create_account(actor: StaffUser, username: str, data: AccountInput, now: datetime,
                   town_id: int | None = None) -> tuple[StaffUser, str]:
    """A new account of the admin's town with a generated one-time password, returned to be shown
    once; the person replaces it with their own at their first sign-in. The city admin makes town
    admin accounts only, of the town named by `town_id` (quizapp/towns)."""
    if scope.sees_city(actor):
        if town_id is None or parse(Role, data.role) != Role.TOWN_ADMIN:
            raise Forbidden("accounts.city_makes_town_admins", field="role")
    else:
        town_id = scope.own_town_id(actor)
    username = username.strip()
    if not USERNAME.match(username):
        raise Invalid("accounts.bad_username", field="username")
    if db.session.scalar(select(StaffUser.id).where(func.lower(StaffUser.username) == username.lower())):
        raise Invalid("accounts.username_taken", field="username", name=username)
    role, company_id, grids = _check_input(town_id, data, None)
    account = StaffUser(username=username, display_name=data.display_name.strip(), role=role, town_id=town_id,
                        company_id=company_id, grids=grids, email=data.email or None,
                        webhook_url=data.webhook_url or None, active=True, must_change_password=True,
                        created_by=actor.id, created_at=now)
    password = generate_password()
    account.set_password(password)
    db.session.add(account)
    db.session.flush()
    db.session.refresh(account, ["company"])
    audit.record(actor, "admin.account.create", {**_facts(account), "password": "one-time"})
    return account, password


def update_account(actor: StaffUser, account: StaffUser, data: AccountInput) -> list[str]:
    """Change everything but the username and password; a new role drops the company or grids it
    does not use. Returns the names of the fields that changed (audit-logged when any did)."""
    if account.id == actor.id and data.role != account.role:
        raise Forbidden("accounts.own_role", field="role")
    if (account.role == Role.TOWN_ADMIN and data.role != Role.TOWN_ADMIN and account.active
            and _active_admins(account.town_id) <= 1):
        raise Conflict("accounts.last_admin_role", field="role")
    role, company_id, grids = _check_input(scope.own_town_id(account), data, account)
    before = _facts(account)
    account.display_name = data.display_name.strip()
    account.role = role
    account.company_id = company_id
    account.grids = grids
    account.email = data.email or None
    webhook_changed = (data.webhook_url or None) != account.webhook_url
    account.webhook_url = data.webhook_url or None
    db.session.flush()
    db.session.refresh(account, ["company"])
    after = _facts(account)
    changed = [key for key in after if after[key] != before[key]]
    values: dict = {key: {"old": before[key], "new": after[key]} for key in changed}
    if webhook_changed and "webhook" not in changed:
        changed.append("webhook")
        values["webhook"] = "replaced"  # by another address: say so, without the key
    if changed:
        audit.record(actor, "admin.account.update", {"account": account.username, "changed": changed, **values})
    return changed


def reset_password(actor: StaffUser, account: StaffUser, now: datetime) -> str:
    """A new one-time password, returned to be shown once, which the person must replace at their
    next sign-in; the lock is lifted with it and every session of the account ends."""
    password = generate_password()
    account.set_password(password)
    account.must_change_password = True
    account.failed_logins = 0
    account.locked_until = None
    account.stranger_failures = 0
    account.stranger_until = None
    account.password_reset_by = actor.id
    account.password_reset_at = now
    end_sessions(account)
    audit.record(actor, "admin.account.reset_password", {"account": account.username, "password": "one-time"})
    return password


def sign_out_everywhere(actor: StaffUser, account: StaffUser) -> None:
    """End every session and remember-me cookie of the account, on every device (a lost phone, a
    shared computer); the password stays."""
    end_sessions(account)
    audit.record(actor, "admin.account.sign_out", {"account": account.username})


def unlock(actor: StaffUser, account: StaffUser) -> None:
    """Lift the lock after too many wrong passwords (and other browsers' wait), so the person can try
    again now."""
    account.failed_logins = 0
    account.locked_until = None
    account.stranger_failures = 0
    account.stranger_until = None
    db.session.flush()
    audit.record(actor, "admin.account.unlock", {"account": account.username})


def is_locked(account: StaffUser, now: datetime) -> bool:
    return account.locked_until is not None and account.locked_until > now


def set_active(actor: StaffUser, account: StaffUser, active: bool) -> None:
    """Deactivate (the account can no longer sign in, and its open sessions end at their next
    request) or reactivate (it signs in again with its password: sessions it had before stay
    ended). Not oneself, and never the last active town admin."""
    if account.active == active:
        return
    if not active:
        if account.id == actor.id:
            raise Forbidden("accounts.own_account", field="active")
        if account.role == Role.TOWN_ADMIN and _active_admins(account.town_id) <= 1:
            raise Conflict("accounts.last_admin_active", field="active")
    account.active = active
    end_sessions(account)
    audit.record(actor, "admin.account.reactivate" if active else "admin.account.deactivate",
                 {"account": account.username})
