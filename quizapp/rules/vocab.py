"""The app's fixed vocabularies: every role, kind and status a column holds, defined once.

Used by the models (each column is typed with its enum, quizapp/models/columns.py), by the CHECK
constraints of migration 0007, and by every rule, service, view and template that compares one.
Each member's value is what the database stores, so these values never change without a migration.
Pure: no Flask, no SQLAlchemy, so rules modules can import it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)


class Role(StrEnum):
    """What a staff account (StaffUser.role) may do: its audience and its scope."""

    COMPANY_STAFF = "company_staff"  # one company's outreach staff: the console
    GRID_OFFICER = "grid_officer"  # the grids assigned to them: reports
    TOWN_ADMIN = "town_admin"  # their own town, whole: reports and administration
    CITY_ADMIN = "city_admin"  # every town, as aggregates only; creates towns and their admins


class AttemptKind(StrEnum):
    """A quiz attempt (Attempt.kind): the day's official quiz, or a practice round after it."""

    OFFICIAL = "official"
    PRACTICE = "practice"


class QuestionKind(StrEnum):
    """A question of the bank (Question.kind): scored knowledge, or a never-scored "did you do it"."""

    KNOWLEDGE = "knowledge"
    BEHAVIOUR = "behaviour"


class QuestionType(StrEnum):
    """How a question is answered (the bank's `type:`, kept in QuestionVersion.content)."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUEFALSE = "truefalse"


class CaseStatus(StrEnum):
    """A supervision case (SupervisionCase.status). At most one open case per company and rule."""

    OPEN = "open"
    CLOSED = "closed"


class CaseRule(StrEnum):
    """Why a company is on the supervision list (SupervisionCase.rule): one of the three rules
    (docs/supervision.md), or an officer's manual entry."""

    PARTICIPATION = "participation"
    KNOWLEDGE = "knowledge"
    INCIDENTS = "incidents"
    MANUAL = "manual"


class FollowUpKind(StrEnum):
    """An officer's follow-up on a case (FollowUp.kind)."""

    YUETAN = "yuetan"  # 约谈: a formal talk with the company's management
    VISIT = "visit"
    TALK = "talk"


class CaseEventKind(StrEnum):
    """A step in a supervision case's history (CaseEvent.kind): who did it and when is the record."""

    OPENED = "opened"  # by an officer's hand, or by the town's rules (no actor)
    ASSIGNED = "assigned"  # an owner and a deadline given (or changed)
    FOLLOW_UP = "follow_up"  # a follow-up logged (a 约谈, a visit or a talk)
    CLOSED = "closed"  # with its result
    REOPENED = "reopened"  # with the reason


class DeliveryKind(StrEnum):
    """A message sent out (Delivery.kind): the shift reminder, the officers' digest, and the test
    message of each that the settings and digest pages send on request."""

    REMINDER = "reminder"
    REMINDER_TEST = "reminder-test"
    DIGEST = "digest"
    DIGEST_TEST = "digest-test"


class Channel(StrEnum):
    """How a message goes out (Delivery.channel)."""

    WEBHOOK = "webhook"  # a WeChat Work group robot
    EMAIL = "email"


class DeliveryStatus(StrEnum):
    """Where a message is (Delivery.status): waiting or being retried, sent, or given up on."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class ImportStatus(StrEnum):
    """A roster import or a town's kept import (RosterImport.status, TownImport.status): shown
    for confirmation, then applied or cancelled."""

    PREVIEW = "preview"
    APPLIED = "applied"
    CANCELLED = "cancelled"


class ImportKind(StrEnum):
    """Which file a town's kept import holds (TownImport.kind): the town admin's register of grids
    and companies, incident figures, or outreach activities (quizapp/previews)."""

    REGISTER = "register"
    INCIDENTS = "incidents"
    OUTREACH = "outreach"


class OutreachKind(StrEnum):
    """An outreach activity of the ledger (OutreachActivity.kind): the town's "五进五宣" and the
    company's own sessions (docs/outreach.md)."""

    COMPANY_TALK = "company_talk"  # 宣讲进企业: a talk inside a company
    COMMUNITY = "community"  # 进社区
    SCHOOL = "school"  # 进校园
    MARKET = "market"  # 进市场
    FAMILY = "family"  # 进家庭
    STALL = "stall"  # a stall (摆摊设点) in the street or a square
    DOOR_TO_DOOR = "door_to_door"  # 上门走访: a round of visits, door to door
    PRESHIFT = "preshift"  # 岗前5分钟: a company's pre-shift talk


class AlertStatus(StrEnum):
    """A 本周警情 alert (Alert.status): drafted by an officer or the town admin, published by the town
    admin, or withdrawn. A published alert past its expiry date is expired (alerts.rules.state)."""

    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class LeadChannel(StrEnum):
    """How a scam reached the worker who reported it (Lead.channel): 我遇到过类似的骗局."""

    CALL = "call"
    SMS = "sms"
    CHAT = "chat"  # WeChat, QQ or another chat
    APP = "app"  # an app or a web page
    OTHER = "other"


class LeadAsk(StrEnum):
    """What the scam asked the worker for (Lead.asked_for)."""

    MONEY = "money"  # to transfer or pay (a fee, a deposit, a "refund" first)
    CODE = "code"  # a verification code, a password or a bank card number
    PERSONAL = "personal"  # an ID card, a photo, personal details
    INSTALL = "install"  # to install an app, share the screen or open a link
    OTHER = "other"


class LeadStatus(StrEnum):
    """Where a worker's report is in its grid's inbox (Lead.status)."""

    NEW = "new"
    REVIEWED = "reviewed"  # an officer has read it
    ALERTED = "alerted"  # turned into a draft 本周警情 alert
    DISMISSED = "dismissed"  # not a lead (a test, a joke, not a scam), with the reason


# Every vocabulary, by name: templates see each one (quizapp/web.py), the migration checks each column.
ALL: tuple[type[StrEnum], ...] = (Role, AttemptKind, QuestionKind, QuestionType, CaseStatus, CaseRule, FollowUpKind,
                                  CaseEventKind, DeliveryKind, Channel, DeliveryStatus, ImportStatus, ImportKind,
                                  OutreachKind, AlertStatus, LeadChannel, LeadAsk, LeadStatus)


def parse(enum: type[E], value: object) -> E | None:
    """The member of `enum` whose value is `value` (text from a form, a URL or a file), or None.
    (`value in enum` would do on Python 3.12; on 3.11 it refuses plain strings.)"""
    if not isinstance(value, str):
        return None
    try:
        return enum(value)
    except ValueError:
        return None
