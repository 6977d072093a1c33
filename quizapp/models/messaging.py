"""Messages quizapp sends out (WeChat Work webhooks, e-mail): each delivery and its attempts, so a
failed one is retried and never lost silently; a digest or reminder is recorded once (once_key)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import Model
from quizapp.models.columns import vocabulary
from quizapp.rules.vocab import Channel, DeliveryKind, DeliveryStatus


class Delivery(Model):
    # One row per message that is sent at most once (a digest: officer, channel and date; a
    # reminder: company, shift and date), held by the database whichever run or server records it.
    __table_args__ = (Index("uq_delivery_once_key", "once_key", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"), index=True)
    # The officer a digest goes to (NULL for a company's reminder).
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    kind: Mapped[DeliveryKind] = mapped_column(vocabulary(DeliveryKind, "kind", 20))
    channel: Mapped[Channel] = mapped_column(vocabulary(Channel, "channel", 20))
    target: Mapped[str] = mapped_column(String(500))  # webhook URL or e-mail address
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[DeliveryStatus] = mapped_column(vocabulary(DeliveryStatus, "status", 10),
                                                   default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # digest.rules.once_key / reminders.rules.once_key; NULL for the tests sent from the pages.
    once_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    sent_at: Mapped[datetime | None]
