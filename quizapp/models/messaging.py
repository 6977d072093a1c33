"""Messages quizapp sends out (WeChat Work webhooks, e-mail): each delivery and its attempts, so a
failed one is retried and never lost silently."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import Model
from quizapp.models.columns import vocabulary
from quizapp.rules.vocab import Channel, DeliveryKind, DeliveryStatus


class Delivery(Model):
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
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    sent_at: Mapped[datetime | None]
