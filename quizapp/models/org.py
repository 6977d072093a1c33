"""The city's organisation: the city and its towns (the tenants), each town's grids and companies,
and the staff accounts (company staff, officers, town admins, the city admin).

A town holds grids, a grid holds companies; a staff account belongs to one town (StaffUser.town_id)
except the city admin's, which has none. What an account sees follows from that (quizapp/scope.py).
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, UniqueConstraint, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp.extensions import Model, db
from quizapp.models.columns import vocabulary
from quizapp.rules.vocab import Role


class Account:
    """What Flask-Login needs from a signed-in account. Ids carry the account kind
    (`ID_PREFIX`), so a worker and a staff account with the same row id never collide, and the
    account's session generation: signing out, a new PIN or password, deactivating, reactivating
    and "sign out everywhere" raise it (signin.sessions), and the user loader refuses a session or
    remember-me cookie that carries an older one. A random part makes every sign-in's remember-me
    cookie differ from the last; only the generation is checked."""

    ID_PREFIX = ""
    is_authenticated = True
    is_anonymous = False
    if TYPE_CHECKING:
        # Both account models map these columns; declared here for the type checker only, so that
        # SQLAlchemy does not see a mixin column.
        id: Mapped[int]
        active: Mapped[bool]
        session_generation: Mapped[int]

    def get_id(self) -> str:
        return f"{self.ID_PREFIX}:{self.id}:{self.session_generation}:{secrets.token_hex(4)}"

    @property
    def is_active(self) -> bool:
        return self.active

officer_grids = Table(
    "officer_grid",
    db.metadata,
    Column("staff_user_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
    Column("grid_id", ForeignKey("grid.id", ondelete="CASCADE"), primary_key=True),
)


class City(Model):
    """The city whose anti-fraud centre runs quizapp for its towns (one row: an installation is one
    city; a single-town installation became a city with one town in migration 0031)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))

    towns: Mapped[list[Town]] = relationship(back_populates="city", order_by="Town.code")


class Town(Model):
    """A town (镇) or street (街道) of the city: a tenant. Its admin manages its grids, companies and
    accounts and sees nothing of another town; its settings (TownSetting), its common daily set,
    its alerts, digests and retention are its own."""

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    city: Mapped[City] = relationship(back_populates="towns")


class Grid(Model):
    # A grid's code is unique within its town (two towns may both have a grid "01").
    __table_args__ = (UniqueConstraint("town_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    town_id: Mapped[int] = mapped_column(ForeignKey("town.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)

    town: Mapped[Town] = relationship()
    companies: Mapped[list[Company]] = relationship(back_populates="grid")


class Company(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # The code is what the company's QR code holds: /c/<code>.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)  # every scope is by grid
    questions_per_quiz: Mapped[int] = mapped_column(default=5)
    # ISO weekdays on which the pre-shift quiz is expected, e.g. "123456" = Monday to Saturday.
    workdays: Mapped[str] = mapped_column(String(7), default="123456")
    active: Mapped[bool] = mapped_column(default=True)
    # The day the company was deactivated (it counts through the day before: docs/metrics.md, "Companies
    # that leave"), NULL while active; NULL on an inactive company deactivated before migration 0036: the
    # day is unknown and it counts on no day. Reactivating clears it and keeps the days away
    # (CompanyAbsence).
    active_until: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # Optional WeChat Work (企业微信) group-robot webhook for `quizapp remind`.
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    remind_minutes: Mapped[int] = mapped_column(default=30)  # how long before a shift starts

    grid: Mapped[Grid] = relationship(back_populates="companies")
    shifts: Mapped[list[Shift]] = relationship(back_populates="company", order_by="Shift.starts_at")


class CompanyAbsence(Model):
    """Days a company was deactivated and came back from (reactivated): first_day through
    last_day, both included (metrics.days_away, as for a worker). The company does not count on
    them (scope.company_counted_on), so reactivating it moves no past period's figure. Written by
    organisation.service; goes with the company."""

    __table_args__ = (Index("ix_company_absence_company_day", "company_id", "first_day", "last_day"),
                      CheckConstraint("first_day <= last_day", name="days_in_order"))

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"))
    first_day: Mapped[date]
    last_day: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Shift(Model):
    """A company's shift and when it starts: the quiz is taken before it, reminders go out before it.
    Workers name their shift by `name` (Employee.shift)."""

    __table_args__ = (UniqueConstraint("company_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[time]

    company: Mapped[Company] = relationship(back_populates="shifts")


class StaffUser(Account, Model):
    """Someone who signs in with a username and password: company staff, grid officer, town admin or
    the city admin.

    Every account but the city admin's belongs to a town (`town_id`, a CHECK holds it): a town
    admin's is the town they manage, an officer's the town of the grids they may be given, company
    staff's their company's town (a company moves between grids of its own town only)."""

    __table_args__ = (CheckConstraint(f"role = '{Role.CITY_ADMIN}' OR town_id IS NOT NULL", name="town"),)

    ID_PREFIX = "s"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(vocabulary(Role, "role", 20))
    town_id: Mapped[int | None] = mapped_column(ForeignKey("town.id"), index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"))
    active: Mapped[bool] = mapped_column(default=True)
    # Wrong passwords from a browser the account signed in on before (its staff device cookie)...
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    # ...and from any other browser, counted apart: they make other browsers wait, never lock the
    # owner out (signin.staff; the same rule as a worker's two tracks).
    stranger_failures: Mapped[int] = mapped_column(default=0)
    stranger_until: Mapped[datetime | None]
    # Where `quizapp digest` sends an officer the day's numbers: e-mail and/or a WeChat Work robot.
    email: Mapped[str | None] = mapped_column(String(254))
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    # Raised to end every session and remember-me cookie of the account (Account.get_id).
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # A password the town admin handed over (generated, shown once) must be replaced by the person's
    # own at their first sign-in, before any other page (access.guard_staff).
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Who created the account and who last reset its password, and when; when it last signed in.
    # Company staff see these for their company's accounts (accounts.console).
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime | None] = mapped_column(default=func.now())
    password_reset_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    password_reset_at: Mapped[datetime | None]
    last_signed_in_at: Mapped[datetime | None]

    company: Mapped[Company | None] = relationship(foreign_keys=[company_id])
    grids: Mapped[list[Grid]] = relationship(secondary=officer_grids)
    town: Mapped[Town | None] = relationship()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)
