"""A register import waiting for the town admin's confirmation: the town's grids and companies
read from a file, kept until the admin who uploaded it applies it (all of it, in one transaction)
or cancels it (quizapp/register/)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import Model
from quizapp.models.columns import vocabulary
from quizapp.rules.vocab import ImportStatus


class RegisterImport(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    filename: Mapped[str] = mapped_column(String(255))
    rows: Mapped[list] = mapped_column(JSON)  # the rows read from the file, checked cell by cell
    errors: Mapped[list] = mapped_column(JSON)  # what is wrong with the file, at row and column
    status: Mapped[ImportStatus] = mapped_column(vocabulary(ImportStatus, "status", 10), default=ImportStatus.PREVIEW)
    applied_at: Mapped[datetime | None]
