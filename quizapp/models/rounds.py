"""The live pre-shift round: the day's common questions run on a company's pre-shift screen for a
shift or a team (quizapp/rounds/). A round keeps only where the screen is; the answers it shows are
the workers' normal quiz answers (Answer), never a second record.

The state lives here, not in one server's memory, so the screen and its steps work behind several
app servers. At most one open round per company, day, shift and team (a partial unique index, as
for practice rounds): a second tap on "start" opens the same round.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import Model

OPEN_ROUND = "ended_at IS NULL"


class PreshiftRound(Model):
    """A round: whose company, which day's common questions (ids, in the order shown), for which
    shift and team ("" for all), the question on screen (1-based) and whether its answer is shown."""

    __table_args__ = (
        CheckConstraint("position >= 1", name="position"),
        Index("uq_preshift_round_one_open", "company_id", "local_date", "shift", "team", unique=True,
              postgresql_where=text(OPEN_ROUND), sqlite_where=text(OPEN_ROUND)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    local_date: Mapped[date]
    shift: Mapped[str] = mapped_column(String(32), default="")  # "": every shift (Employee.shift's length)
    team: Mapped[str] = mapped_column(String(64), default="")  # "": every team (Employee.team's length)
    question_ids: Mapped[list] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(default=1)
    revealed: Mapped[bool] = mapped_column(default=False)
    started_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
