"""What grid officers and the town anti-fraud centre keep: fraud incidents, the supervision list
(督办清单) with its follow-ups, town-wide settings, and the audit log of exports and API reads."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import Model
from quizapp.models.columns import vocabulary
from quizapp.rules.vocab import CaseEventKind, CaseRule, CaseStatus, FollowUpKind


class Incident(Model):
    """Fraud cases and losses for one company (or a whole grid) in one month, by fraud type; where
    they happened, optionally: a point (longitude, latitude and the datum they are given in, stored
    as given) or one of the grid's places (places.rules, migration 0017)."""

    # One record per grid, company (0: the whole grid), month and fraud type (migration 0034).
    __table_args__ = (CheckConstraint("datum IN ('wgs84', 'gcj02')", name="datum"),
                      Index("uq_incident_key", "grid_id", func.coalesce(text("company_id"), 0), "month", "fraud_type",
                            unique=True))

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"), index=True)
    month: Mapped[date]  # the first day of the month
    fraud_type: Mapped[str] = mapped_column(String(40))  # a topic slug, or "other"
    cases: Mapped[int] = mapped_column(default=0)  # 确认警情: confirmed fraud cases
    # 原始警情: reports received (raw), confirmed or not; 0 for records from before it was kept.
    raw_reports: Mapped[int] = mapped_column(default=0, server_default="0")
    loss_yuan: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))  # money: never a float
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(10, 7))
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(10, 7))
    datum: Mapped[str | None] = mapped_column(String(8))  # rules.vocab.Datum; set with a point only
    place_id: Mapped[int | None] = mapped_column(ForeignKey("grid_place.id"), index=True)


# The cases the one-open-case index covers (migration 0007 writes the same).
OPEN_ONLY = f"status = '{CaseStatus.OPEN}'"


class SupervisionCase(Model):
    """A company on the supervision list: why it was flagged, and how the case was closed.

    At most one open case per company and rule: a partial unique index holds it (the service
    checks first, to say so in words)."""

    __table_args__ = (Index("uq_supervision_case_one_open_per_rule", "company_id", "rule", unique=True,
                            postgresql_where=text(OPEN_ONLY), sqlite_where=text(OPEN_ONLY)),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    rule: Mapped[CaseRule] = mapped_column(vocabulary(CaseRule, "rule", 40))  # which rule flagged it, or "manual"
    reason: Mapped[str] = mapped_column(Text)  # the figures that triggered it, in words
    opened_on: Mapped[date]
    status: Mapped[CaseStatus] = mapped_column(vocabulary(CaseStatus, "status", 10), default=CaseStatus.OPEN)
    closed_on: Mapped[date | None]
    close_reason: Mapped[str | None] = mapped_column(Text)  # the result, required to close
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # Who answers for the case (an officer of the company's grid, or the town admin) and by when;
    # none until assigned (a case the town's rules opened).
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    deadline: Mapped[date | None]


class FollowUp(Model):
    """An officer's follow-up on a supervision case: 约谈 (formal talk), visit or talk."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("supervision_case.id"), index=True)
    kind: Mapped[FollowUpKind] = mapped_column(vocabulary(FollowUpKind, "kind", 10))
    happened_on: Mapped[date]
    who: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # A 约谈 records who was summoned (the company's person: name and role, as free text) and where.
    summoned_name: Mapped[str | None] = mapped_column(String(100))
    summoned_role: Mapped[str | None] = mapped_column(String(100))
    place: Mapped[str | None] = mapped_column(String(200))


class CaseEvent(Model):
    """One step of a supervision case's history: opened, assigned, follow-up added, closed,
    reopened; who (none: the town's rules) and when. Written by supervision.service only."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("supervision_case.id"), index=True)
    kind: Mapped[CaseEventKind] = mapped_column(vocabulary(CaseEventKind, "kind", 20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    at: Mapped[datetime] = mapped_column(server_default=func.now())  # as the audit log's rows
    detail: Mapped[str] = mapped_column(String(500), default="")


class TownSetting(Model):
    """A town-wide setting, one per town and key: what the town admin can change (the supervision
    rules' thresholds, the participation target) and what the town keeps (its common-set secret,
    the first day retention kept)."""

    town_id: Mapped[int] = mapped_column(ForeignKey("town.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)


class AuditLog(Model):
    """Every export and API read, for the town admin to review: a row belongs to the town it
    happened in (`town_id`), or to the city (none: the city admin's own acts, a city token's reads)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)
    town_id: Mapped[int | None] = mapped_column(ForeignKey("town.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # An API read is done with a token, not by a signed-in account.
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_token.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[str] = mapped_column(Text, default="")
    # How many like events the row stands for: failed sign-ins are aggregated per window.
    times: Mapped[int] = mapped_column(default=1)


class ApiToken(Model):
    """A token an analysis system reads the API with. Issued and revoked by a town admin for their
    town (it reads that town only), or by the city admin for the city (`town_id` none: it reads the
    towns' aggregates). Only a SHA-256 hash is stored, so the token is shown once, when it is issued."""

    id: Mapped[int] = mapped_column(primary_key=True)
    town_id: Mapped[int | None] = mapped_column(ForeignKey("town.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))  # what it is for, e.g. "town analysis system"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(12))  # the token's first characters, to recognise it
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
