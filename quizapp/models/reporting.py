"""Daily rollups that every report reads, so reports never scan raw answers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import db


class CompanyDay(db.Model):
    """One company on one local date: official quizzes completed and their scores.

    Updated in the same transaction as the answer that finishes an attempt, and recomputable from
    the raw record (services.rollups.rebuild_company_day) when a late answer or a roster change
    arrives.
    """

    # Covers the reports' GROUP BYs, so they never read the table itself (bench/reports.py).
    __table_args__ = (Index("ix_company_day_figures", "company_id", "day", "workday", "headcount", "completed",
                            "common_correct", "common_answered"),)

    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    workday: Mapped[bool] = mapped_column(default=True)  # a day the company expects the quiz
    headcount: Mapped[int] = mapped_column(default=0)  # active workers that day
    completed: Mapped[int] = mapped_column(default=0)  # finished official attempts
    score_sum: Mapped[int] = mapped_column(default=0)
    question_sum: Mapped[int] = mapped_column(default=0)
    common_correct: Mapped[int] = mapped_column(default=0)
    common_answered: Mapped[int] = mapped_column(default=0)
    behaviour_answered: Mapped[int] = mapped_column(default=0)  # "did you do it" answers
    behaviour_yes: Mapped[int] = mapped_column(default=0)  # ... that said "done"
