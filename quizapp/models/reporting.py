"""Daily rollups that every report reads, so reports never scan raw answers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index, false
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import Model


class CompanyDay(Model):
    """One company on one local date: official quizzes completed and their scores.

    Updated in the same transaction as the answer that finishes an attempt, and recomputable from
    the raw record (rollups.service.rebuild_company_day) when a late answer or a roster change
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
    # The day's CompanyTopicDay rows are complete: set by a rebuild, cleared by every finisher
    # after it (the weak-topics query reads the raw answers of days not built).
    topics_built: Mapped[bool] = mapped_column(default=False, server_default=false())


class CompanyTopicDay(Model):
    """One company's knowledge answers on one topic on one local date (finished official quizzes),
    written by the rollup rebuild, so the weakest topics over 90 days need not scan raw answers."""

    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), primary_key=True)
    answered: Mapped[int] = mapped_column(default=0)
    correct: Mapped[int] = mapped_column(default=0)


class TownDay(Model):
    """One town on one past local date: its companies' CompanyDay rows added up (every company of
    the town's grids, active or not), so the city's comparison page reads some 32 rows a day
    instead of 90,000 (docs/metrics.md, "The city page").

    Invariant: a row, once it exists, equals the sum of the town's CompanyDay rows of that day.
    rollups.towns writes it: in full from company_day (the nightly `quizapp rollup`, the first
    rebuild of a town's day), by the difference a rebuilt company-day makes, and by a late
    finisher's quiz added to a past day. Today is never written: its figures are read live.
    """

    town_id: Mapped[int] = mapped_column(ForeignKey("town.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    companies: Mapped[int] = mapped_column(default=0)  # company rows that day (metrics.Tally.days)
    headcount: Mapped[int] = mapped_column(default=0)  # active workers, every company
    expected: Mapped[int] = mapped_column(default=0)  # headcount on the companies' workdays
    done: Mapped[int] = mapped_column(default=0)  # completed on workdays, each company capped at its headcount
    common_correct: Mapped[int] = mapped_column(default=0)
    common_answered: Mapped[int] = mapped_column(default=0)
