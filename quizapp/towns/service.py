"""The city admin's towns: each town with its aggregates (the landing page), a new town, a town's
new name, and its town admin accounts.

Used by the city blueprint's pages (quizapp/towns/views.py). Owns the rules that a town's code is
unique in the city (letters, digits and hyphens, as a grid's), its name too, that a town admin
account is made for one town by the city admin (accounts.service.create_account makes it, with a
one-time password), and that each change is in the audit log ("city.town.*"; the city's rows have
no town). The city admin never sees a town's workers, companies or grids one by one: only counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from quizapp import scope
from quizapp.accounts import service as accounts
from quizapp.audit import service as audit
from quizapp.citycompare import service as citycompare
from quizapp.extensions import db
from quizapp.models import City, Company, Grid, StaffUser, Town
from quizapp.organisation import rules as organisation_rules
from quizapp.rules.errors import Conflict, Invalid, NotFound, ServiceError, refuse
from quizapp.rules.metrics import Span
from quizapp.rules.vocab import Role
from quizapp.scope import Reader

CITY_NAME_DEFAULT = "本市"


@dataclass(frozen=True)
class TownRow:
    """A town as the city admin sees it: counts only."""

    town: Town
    grids: int  # active grids
    companies: int  # active companies
    workers: int  # active workers today (citycompare.service.town_headcounts; docs/metrics.md)
    admins: int  # active town admin accounts


def city() -> City | None:
    """The city (an installation has one; none before its first town)."""
    return db.session.scalar(select(City).order_by(City.id).limit(1))


def town_rows(actor: Reader, today: date) -> list[TownRow]:
    """Every town the account may read, by code, with its active grids, companies, workers today
    and admins counted (four GROUP BYs whatever the city's size)."""
    towns = list(db.session.scalars(scope.towns_of(actor)))
    ids = [t.id for t in towns]
    if not ids:
        return []
    grids = dict(db.session.execute(select(Grid.town_id, func.count(Grid.id)).where(
        Grid.town_id.in_(ids), Grid.active.is_(True)).group_by(Grid.town_id)).all())
    companies = dict(db.session.execute(
        select(Grid.town_id, func.count(Company.id)).join(Grid, Grid.id == Company.grid_id)
        .where(Grid.town_id.in_(ids), Company.active.is_(True)).group_by(Grid.town_id)).all())
    # Today's active workers: the towns compared's function, for today (its period ends yesterday).
    workers = citycompare.town_headcounts(ids, Span(today, today), today)
    admins = dict(db.session.execute(select(StaffUser.town_id, func.count(StaffUser.id)).where(
        StaffUser.town_id.in_(ids), StaffUser.role == Role.TOWN_ADMIN, StaffUser.active.is_(True))
        .group_by(StaffUser.town_id)).all())
    return [TownRow(t, grids.get(t.id, 0), companies.get(t.id, 0), workers[t.id].workers, admins.get(t.id, 0))
            for t in towns]


def find_town(actor: Reader, town_id: int) -> Town | None:
    """A town the account may read, or None."""
    return db.session.scalar(scope.towns_of(actor).where(Town.id == town_id))


def town_admins(town: Town) -> list[StaffUser]:
    """The town's admin accounts, by username (active or not)."""
    return list(db.session.scalars(select(StaffUser).where(
        StaffUser.town_id == town.id, StaffUser.role == Role.TOWN_ADMIN).order_by(StaffUser.username)))


def _problems(code: str | None, name: str, town: Town | None) -> list[ServiceError]:
    problems: list[ServiceError] = []
    others = select(Town)
    if town is not None:
        others = others.where(Town.id != town.id)
    if code is not None and db.session.scalar(
            others.where(func.lower(Town.code) == code.lower()).limit(1)) is not None:
        problems.append(Conflict("towns.code_taken", field="code", code=code))
    key = organisation_rules.name_key(name)
    if any(organisation_rules.name_key(n) == key for n in db.session.scalars(others.with_only_columns(Town.name))):
        problems.append(Conflict("towns.name_taken", field="name", name=name))
    return problems


def create_town(actor: StaffUser, code: str, name: str) -> Town:
    """A new town of the city (the city is made with the first town). Only the city admin; code
    and name new to the city. It has no grid yet: its admin makes them."""
    if not scope.sees_city(actor):
        raise NotFound("towns.city_admin_only")
    refuse(_problems(code, name, None))
    found = city()
    if found is None:
        found = City(name=CITY_NAME_DEFAULT)
        db.session.add(found)
        db.session.flush()
    town = Town(city_id=found.id, code=code, name=name)
    db.session.add(town)
    db.session.flush()
    audit.record(actor, "city.town.create", {"town": town.code, "name": town.name})
    return town


def rename_town(actor: StaffUser, town: Town, name: str) -> bool:
    """A town's new name (its code stays: cron output and audit rows name it); False if unchanged."""
    if not scope.sees_city(actor):
        raise NotFound("towns.city_admin_only")
    if name == town.name:
        return False
    refuse(_problems(None, name, town))
    audit.record(actor, "city.town.rename", {"town": town.code, "name": {"old": town.name, "new": name}})
    town.name = name
    db.session.flush()
    return True


def create_city_admin(username: str, display_name: str, city_name: str, now: datetime) -> tuple[StaffUser, str]:
    """A city admin account (`quizapp city-admin`: the first one, made on the server), with a
    generated one-time password to be replaced at the first sign-in; the city is made if there is
    none yet (named `city_name`). Audited as the city's row, by no one ("the system")."""
    username = username.strip()
    if not accounts.USERNAME.match(username):
        raise Invalid("accounts.bad_username", field="username")
    if db.session.scalar(select(StaffUser.id).where(func.lower(StaffUser.username) == username.lower())):
        raise Invalid("accounts.username_taken", field="username", name=username)
    if city() is None:
        db.session.add(City(name=city_name))
    account = StaffUser(username=username, display_name=display_name.strip() or username, role=Role.CITY_ADMIN,
                        town_id=None, active=True, must_change_password=True, created_at=now)
    password = accounts.generate_password()
    account.set_password(password)
    db.session.add(account)
    db.session.flush()
    audit.record(None, "city.admin.create", {"account": username, "password": "one-time"})
    return account, password


def rename_city(actor: StaffUser, name: str) -> bool:
    """The city's new name; False if unchanged or there is no city yet."""
    if not scope.sees_city(actor):
        raise NotFound("towns.city_admin_only")
    found = city()
    if found is None or found.name == name:
        return False
    if not name.strip():
        raise Invalid("towns.city_name_needed", field="name")
    audit.record(actor, "city.rename", {"name": {"old": found.name, "new": name}})
    found.name = name
    db.session.flush()
    return True
