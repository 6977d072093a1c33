"""A file the town's staff uploaded, kept between its preview and its confirmation: the town admin's
register of grids and companies, and the incident and outreach imports of officers, the town admin
and company staff. One row per upload: its rows as read and checked, the problems found, and whether
it waits for confirmation, was applied (all of it, in one transaction, once) or cancelled. It
belongs to the account that uploaded it, in that account's town; no one else's confirmation finds
it (quizapp/previews/service.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import Model
from quizapp.models.columns import vocabulary
from quizapp.rules.vocab import ImportKind, ImportStatus


class TownImport(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ImportKind] = mapped_column(vocabulary(ImportKind, "kind", 10))
    town_id: Mapped[int] = mapped_column(ForeignKey("town.id"), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    filename: Mapped[str] = mapped_column(String(255))
    rows: Mapped[list] = mapped_column(JSON)  # the rows read from the file, checked cell by cell
    errors: Mapped[list] = mapped_column(JSON)  # what is wrong with the file, at row and column
    status: Mapped[ImportStatus] = mapped_column(vocabulary(ImportStatus, "status", 10), default=ImportStatus.PREVIEW)
    applied_at: Mapped[datetime | None]
