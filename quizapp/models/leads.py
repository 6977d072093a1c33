"""Workers' reports of scams they met (我遇到过类似的骗局): the anonymous leads in their grid's
inbox, and one row per report for the daily limit and the counts. Nothing here names a worker
(docs/privacy.md, "Workers' reports")."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import Model
from quizapp.models.columns import vocabulary
from quizapp.rules.vocab import LeadAsk, LeadChannel, LeadStatus


class Lead(Model):
    """A suspicious call, SMS, chat or app that workers of one grid reported, as its officers see
    it: the channel, what it asked for, the text (the reporter's own name and employee number taken
    out), the number or link as given (shown masked), whether anyone lost money, how many reports.

    The same text in the same grid is one lead (leads.rules.same_text_key; a unique constraint
    holds it when two reports race). `company_id` is kept only when the company had at least
    leads.rules.SMALL_COMPANY (20) active workers at the first report; else the grid alone."""

    __table_args__ = (UniqueConstraint("grid_id", "text_key", name="uq_lead_grid_text"),
                      Index("ix_lead_grid_status", "grid_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"))
    channel: Mapped[LeadChannel] = mapped_column(vocabulary(LeadChannel, "channel", 10))
    asked_for: Mapped[LeadAsk] = mapped_column(vocabulary(LeadAsk, "asked_for", 10))
    text: Mapped[str] = mapped_column(String(400))
    text_key: Mapped[str] = mapped_column(String(64))
    contact: Mapped[str | None] = mapped_column(String(200))  # the number or link, as given
    money_lost: Mapped[bool] = mapped_column(default=False)  # any report said money was lost
    reports: Mapped[int] = mapped_column(default=1)
    first_reported_on: Mapped[date]
    last_reported_on: Mapped[date] = mapped_column(index=True)
    status: Mapped[LeadStatus] = mapped_column(vocabulary(LeadStatus, "status", 10), default=LeadStatus.NEW)
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    handled_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(String(300), default="")  # why it was dismissed
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id"))  # the draft alert made from it


class LeadReport(Model):
    """One report of a lead: the day, and whether money was lost. `reporter_key` is a keyed hash of
    the worker and the day (leads.rules.reporter_key), only to hold the daily limit and to count a
    worker's repeat once; it is erased once the day is over, and the worker's id is never stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id", ondelete="CASCADE"), index=True)
    reported_on: Mapped[date] = mapped_column(index=True)
    reporter_key: Mapped[str | None] = mapped_column(String(64), index=True)
    money_lost: Mapped[bool] = mapped_column(default=False)
