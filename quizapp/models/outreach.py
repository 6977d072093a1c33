"""The outreach ledger: every anti-fraud outreach activity (宣讲, 五进五宣, a stall, a pre-shift
talk) a grid officer or a company's staff recorded, with how many people it reached."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import Model
from quizapp.models.columns import vocabulary
from quizapp.rules.vocab import OutreachKind

# The most people one activity may say it reached (quizapp/outreach/rules.py: MAX_PEOPLE; migration 0015).
PEOPLE_CHECK = "people >= 0 AND people <= 100000"


class OutreachActivity(Model):
    """One outreach activity: when, what kind, where (a place or a unit), in which grid, who spoke,
    how many people it reached, a short note and an optional photo.

    Recorded by company staff (company_id is their company, grid_id its grid on that day) or by a
    grid officer or the town admin for a grid (company_id None). The record stays with the grid it
    was recorded in, like an incident."""

    __table_args__ = (CheckConstraint(PEOPLE_CHECK, name="people"),
                      Index("ix_outreach_activity_grid_day", "grid_id", "day"))

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"), index=True)
    day: Mapped[date]
    kind: Mapped[OutreachKind] = mapped_column(vocabulary(OutreachKind, "kind", 20))
    place: Mapped[str] = mapped_column(String(100))  # the place or the unit, e.g. 新塘村文化广场, 德普特二厂
    speaker: Mapped[str] = mapped_column(String(60))
    people: Mapped[int]
    note: Mapped[str] = mapped_column(String(300), default="")
    # The re-encoded photo's file name in the photo folder (quizapp/outreach/photos.py), if any.
    photo: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime | None]
