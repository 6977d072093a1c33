"""Workers on a company's roster. Only what the quiz needs: no ID-card or phone numbers (PIPL §6)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import Model
from quizapp.models.org import Account, Company


class Employee(Account, Model):
    ID_PREFIX = "e"
    __table_args__ = (UniqueConstraint("company_id", "employee_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    employee_no: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    team: Mapped[str] = mapped_column(String(64), default="")
    shift: Mapped[str] = mapped_column(String(32), default="")
    active: Mapped[bool] = mapped_column(default=True)
    active_from: Mapped[date | None]
    active_until: Mapped[date | None]
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    # Wrong PINs from a phone that has signed in as this worker before, and its lock (signin.rules).
    pin_failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    # Wrong PINs and codes from any other phone, counted apart: they make other phones wait.
    stranger_failures: Mapped[int] = mapped_column(default=0)
    stranger_until: Mapped[datetime | None]
    # The one-time code staff hand the worker to set a PIN (first time, or after a reset): its hash
    # only, and until when it works.
    setup_code_hash: Mapped[str | None] = mapped_column(String(255))
    setup_code_expires: Mapped[datetime | None]
    # Raised to end every session and remember-me cookie of the worker (Account.get_id).
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    company: Mapped[Company] = relationship()


class EmployeeAbsence(Model):
    """Days a worker was off the roster and came back from (reactivated, or a passed leaving date
    cleared): first_day through last_day, both included, the days metrics.days_away gives. The
    worker does not count on them (docs/metrics.md, "People who join or leave"), so the figures of
    those days stay as they were written. Written by roster.service; read by scope.active_on (SQL),
    trends.service and exports.service (metrics.counted_on, the same rule). Goes with the worker."""

    __table_args__ = (Index("ix_employee_absence_employee_day", "employee_id", "first_day", "last_day"),
                      CheckConstraint("first_day <= last_day", name="days_in_order"))

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"))
    first_day: Mapped[date]
    last_day: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
