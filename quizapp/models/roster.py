"""A roster import waiting for the company staff's confirmation: nothing touches the roster until
they confirm, and then all of it is applied or none."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import Model
from quizapp.models.columns import vocabulary
from quizapp.rules.vocab import ImportStatus


class RosterImport(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    filename: Mapped[str] = mapped_column(String(255))
    rows: Mapped[list] = mapped_column(JSON)  # the valid rows, as parsed
    errors: Mapped[list] = mapped_column(JSON)  # the rows left out, with row, column and reason
    status: Mapped[ImportStatus] = mapped_column(vocabulary(ImportStatus, "status", 10), default=ImportStatus.PREVIEW)
    applied_at: Mapped[datetime | None]
