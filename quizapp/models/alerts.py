"""本周警情: the alerts the town's anti-fraud centre sends to the workers of the grids a new scam hits
(quizapp/alerts). An alert is drafted by an officer (for their grids) or the town admin, published
by the town admin, and withdrawn or left to expire. Its questions become Question rows when it is
published (Question.alert_id: never in the bank's rotation), and a worker's answer to one carries
the alert (Answer.alert_id), so the bank's figures can leave it out (docs/metrics.md)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import Model, db
from quizapp.models.columns import vocabulary
from quizapp.models.content import Topic
from quizapp.models.org import Grid
from quizapp.rules.vocab import AlertStatus

alert_grids = Table(
    "alert_grid",
    db.metadata,
    Column("alert_id", ForeignKey("alert.id", ondelete="CASCADE"), primary_key=True),
    Column("grid_id", ForeignKey("grid.id", ondelete="CASCADE"), primary_key=True),
)


class Alert(Model):
    """One alert as drafted: the text is kept as the drafter wrote it (alerts.rules.Draft), checked
    by the bank's own rules before it is saved."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # The town whose anti-fraud centre sends it: it reaches that town's grids only.
    town_id: Mapped[int] = mapped_column(ForeignKey("town.id"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"))  # the fraud type, as the bank files it
    status: Mapped[AlertStatus] = mapped_column(vocabulary(AlertStatus, "status", 10), default=AlertStatus.DRAFT)
    chinese_only: Mapped[bool] = mapped_column(default=False)  # no English text: English readers see the Chinese
    lesson_zh: Mapped[str] = mapped_column(Text)
    lesson_en: Mapped[str] = mapped_column(Text, default="")
    # {"kind", "title": {zh, en}, "lines": {zh: ["them: …", …], en: […]}}, as drafted.
    scene: Mapped[dict] = mapped_column(JSON)
    # [{"type", "stem", "options": [{zh, en}, …], "answer": "B", "explain", "rule"}], as drafted.
    questions: Mapped[list] = mapped_column(JSON)
    expires_on: Mapped[date]  # the last day it is in the quiz
    created_by: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    updated_at: Mapped[datetime | None]
    published_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    published_on: Mapped[date | None]  # the town's date: in the quiz from this day on
    withdrawn_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    withdrawn_on: Mapped[date | None]

    topic: Mapped[Topic] = relationship()
    grids: Mapped[list[Grid]] = relationship(secondary=alert_grids, order_by="Grid.code")
