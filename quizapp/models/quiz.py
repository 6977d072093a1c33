"""The record of practice: attempts and answers. (Each worker's spaced-review state is derived
from their answers when a quiz starts: quiz.rules.selection.replay.)

The record is sacred: at most one official attempt per worker per local day (a unique constraint
on (employee, official_date), which is NULL for practice rounds), one answer per position (a double
tap cannot record twice), and every answer points at the question version the worker saw.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import Model
from quizapp.models.columns import vocabulary
from quizapp.models.content import Question, QuestionVersion
from quizapp.rules.vocab import AttemptKind

OPEN_PRACTICE = "kind = 'practice' AND finished_at IS NULL"


class Attempt(Model):
    __table_args__ = (
        UniqueConstraint("employee_id", "official_date", name="uq_attempt_one_official_per_day"),
        Index("ix_attempt_company_day", "company_id", "local_date"),
        # A double tap on "practice again" must not open two rounds (migration 0022).
        Index("uq_attempt_one_open_practice", "employee_id", unique=True,
              postgresql_where=text(OPEN_PRACTICE), sqlite_where=text(OPEN_PRACTICE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    # Denormalised so company figures never join through the roster.
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    local_date: Mapped[date]
    kind: Mapped[AttemptKind] = mapped_column(vocabulary(AttemptKind, "kind", 10))
    official_date: Mapped[date | None]  # = local_date for official attempts, NULL for practice
    started_at: Mapped[datetime]
    deadline_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    expired: Mapped[bool] = mapped_column(default=False)
    total: Mapped[int]  # knowledge questions: the score is out of this
    slots: Mapped[int]  # every question, a "did you do it" item included
    answered: Mapped[int] = mapped_column(default=0)  # answers recorded in time
    score: Mapped[int] = mapped_column(default=0)
    common_total: Mapped[int] = mapped_column(default=0)
    common_correct: Mapped[int] = mapped_column(default=0)

    answers: Mapped[list[Answer]] = relationship(back_populates="attempt", order_by="Answer.position")

    @property
    def official(self) -> bool:
        return self.kind == AttemptKind.OFFICIAL


class Answer(Model):
    """One slot of an attempt: created when the quiz starts, filled in once when answered.

    On a large PostgreSQL installation the table is partitioned by month of `local_date`
    (`quizapp partitions`, docs/scale.md): there the primary key is (id, local_date) and the
    unique slot (attempt_id, position, local_date); ids stay unique (one sequence), and the model
    keeps `id` as its identity on both databases.
    """

    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"))
    # The attempt's local date, copied when the quiz starts: the month partitions' key (a quiz's
    # answers all sit in one month's partition, and retention drops whole months).
    local_date: Mapped[date]
    position: Mapped[int]
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id"))
    common: Mapped[bool] = mapped_column(default=False)
    behaviour: Mapped[bool] = mapped_column(default=False)  # a "did you do it" item: never scored
    # A 本周警情 alert's question (quizapp/alerts): never scored, never a try at a bank item.
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id"), index=True)
    # The worker's shuffled order: display position -> option index in the version's content.
    choice_order: Mapped[list] = mapped_column(JSON)
    chosen: Mapped[list | None] = mapped_column(JSON)  # option indexes in the version's content
    correct: Mapped[bool | None]
    answered_at: Mapped[datetime | None]

    attempt: Mapped[Attempt] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
    version: Mapped[QuestionVersion] = relationship()
